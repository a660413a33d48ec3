"""The history page (`archiver diff URL --html FILE`) over a hostile story: a page full of
<script>, event handlers and javascript: links is crawled with the real engine, changed,
crawled again, and its history page is loaded in headless Chromium. Every hostile string
must be on screen as text, and none of it may become markup or run."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from archiver.cli import main
from archiver.localsite import LocalSite
from tests.conftest import FIXTURES, run_crawl

HOSTILE = FIXTURES / "hostile"
STORY = "/2026/03/chip-recall-widens/"
CHROMIUM = shutil.which("chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


@pytest.fixture(scope="module")
def hostile_archive(tmp_path_factory) -> tuple[Path, str]:
    db = tmp_path_factory.mktemp("hostile") / "archive.db"
    with LocalSite([HOSTILE / "base"]) as site:
        url = site.url(STORY)
        run_crawl(db, "-a", f"urls={url}")
        site.layers = [HOSTILE / "later", HOSTILE / "base"]
        run_crawl(db, "-a", f"urls={url}")
    return db, url


@pytest.fixture(scope="module")
def page(hostile_archive, tmp_path_factory) -> Path:
    db, url = hostile_archive
    out = tmp_path_factory.mktemp("page") / "history.html"
    result = CliRunner().invoke(main, ["diff", url, "--html", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return out


def test_the_page_escapes_everything(page):
    source = page.read_text(encoding="utf-8")
    tree = lxml_html.fromstring(source)
    assert tree.xpath("//script | //iframe | //img | //svg | //style[ancestor::body]") == []
    assert not [a for el in tree.iter() if isinstance(el.tag, str)
                for a in el.attrib if a.lower().startswith("on")]
    assert not [h for h in tree.xpath("//@href | //@src") if "javascript" in h.lower()]
    assert "default-src 'none'" in tree.xpath("//meta[@http-equiv]/@content")[0]
    # shown as text, not stripped
    assert tree.get_element_by_id("headline").text_content().startswith(
        "<script>document.title='PWNED'</script> Chip recall widens <img src=x")
    assert tree.get_element_by_id("site").text_content() == (
        '<b onmouseover="document.body.dataset.pwned=1">Evil</b> Wire')


def test_the_diff_and_timeline(page):
    tree = lxml_html.fromstring(page.read_text(encoding="utf-8"))
    diff = tree.get_element_by_id("diff-text")
    assert [d.text_content().strip() for d in diff.iter("del")] == ["roughly 40,000"]
    added = " ".join(i.text_content() for i in diff.iter("ins"))
    assert "about 52,000" in added and "Update: Voltreon now says" in added
    assert "<script>document.title='PWNED2'</script>" in added
    timeline = tree.get_element_by_id("timeline").text_content()
    assert "version 1 · first" in timeline and "version 2 · appended_update" in timeline
    assert "update in version 2" in timeline
    assert len(tree.get_element_by_id("versions").xpath(".//tbody/tr")) == 2


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    profile.mkdir()
    return subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                             "(scripts/system-packages.sh installs it)")
def test_in_headless_chromium_nothing_runs(page, tmp_path):
    shot = tmp_path / "history.png"
    result = _chromium("--window-size=1200,1600", f"--screenshot={shot}", page.as_uri(),
                       profile=tmp_path / "p1")
    assert shot.exists(), result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    result = _chromium("--virtual-time-budget=2000", "--dump-dom", page.as_uri(),
                       profile=tmp_path / "p2")
    dom = lxml_html.fromstring(result.stdout)
    # The rendered DOM: no hostile script ran (it would set a title or data-pwned), none
    # became an element, and the hostile text is on the page as text.
    headline = dom.get_element_by_id("headline").text_content()
    site = dom.get_element_by_id("site").text_content()
    assert dom.findtext(".//title") == f"{headline} · {site} · history"
    assert not dom.xpath("//*[@data-pwned]") and "pwned" not in dom.attrib
    assert dom.xpath("//script | //iframe | //img | //svg") == []
    assert headline.startswith("<script>document.title='PWNED'</script>")
    assert site.endswith("Evil</b> Wire")
    assert [d.text_content().strip() for d in dom.get_element_by_id("diff-text").iter("del")] \
        == ["roughly 40,000"]
