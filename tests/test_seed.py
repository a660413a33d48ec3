"""The seed story from ../shared/seed-site, crawled with the real spider at one URL."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from archiver.localsite import LocalSite
from tests.conftest import ROOT, SEED

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="../shared/seed-site not present")
PATH = "/2013/4/24/huawei-backs-out-of-us-network-equipment-market"


def _noise_only(html: str) -> str:
    """v2 with only its share count, ad slot and "Most Popular" list changed."""
    html = html.replace('data-share-count="3877"', 'data-share-count="5120"')
    html = html.replace('slot: "top-6"', 'slot: "top-2"')
    return re.sub(r"<ol>.*?</ol>", "<ol><li><a href='/story/9'>Tablets are back</a></li></ol>",
                  html, flags=re.S)


def test_seed_story_two_versions(crawl, db_path):
    pages = {"html": (SEED / "v1" / "article.html").read_text(encoding="utf-8")}
    route = {PATH: lambda: (200, {"Content-Type": "text/html; charset=utf-8"},
                            pages["html"].encode("utf-8"))}
    v2 = (SEED / "v2" / "article.html").read_text(encoding="utf-8")
    with LocalSite([ROOT / "tests" / "fixtures" / "site" / "base"], routes=route) as site:
        url = site.url(PATH)
        for html in [pages["html"], v2, v2, _noise_only(v2)]:
            pages["html"] = html
            crawl(db_path, "-a", f"urls={url}")
    out = subprocess.run([sys.executable, "-m", "archiver.cli", "history", url, "--json",
                          "--db", str(db_path)], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    history = json.loads(out.stdout)
    versions = history["versions"]
    assert len(versions) == 2
    for version, name in zip(versions, ["v1", "v2"]):
        expected = json.loads((SEED / name / "expected.json").read_text(encoding="utf-8"))
        assert version["title"] == expected["title"]
        assert version["paragraphs"] == expected["paragraphs"]
        got = [{k: u[k] for k in ("kind", "position", "text")} for u in version["updates"]]
        assert got == [{k: u[k] for k in ("kind", "position", "text")} for u in expected["updates"]]
    assert [v["change"] for v in versions] == ["first", "appended_update"]
    assert [v["captures"] for v in versions] == [1, 3]
    text = json.dumps(history)
    for noise in ("Skip to main content", "Share this story", "Huawei (STOCK)", "Most Popular"):
        assert noise not in text
