"""The design card's wiring: top-level packages resolve to this repository, not to PyPI."""

import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", ["archiver", "spiders", "pipelines", "spiders.news",
                                  "pipelines.storage", "pipelines.normalize",
                                  "pipelines.baseline", "archiver.settings"])
def test_modules_live_in_this_repo(name):
    module = importlib.import_module(name)
    assert Path(module.__file__).resolve().is_relative_to(ROOT)


def test_scrapy_finds_the_news_spider():
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    loader = SpiderLoader.from_settings(get_project_settings())
    assert "news" in loader.list()
    spider = loader.load("news")
    documented = importlib.import_module(spider.__module__).__doc__
    for argument in ("urls", "feeds", "sitemaps", "start", "revisit"):
        assert argument in documented


def test_pipelines_are_wired_in_order():
    from archiver import settings

    order = sorted(settings.ITEM_PIPELINES, key=settings.ITEM_PIPELINES.get)
    assert order == ["pipelines.normalize.NormalizePipeline", "pipelines.baseline.BaselinePipeline",
                     "pipelines.storage.ArchivePipeline"]
    assert settings.ROBOTSTXT_OBEY is True
    assert settings.DOWNLOAD_MAXSIZE == 10 * 1024 * 1024
