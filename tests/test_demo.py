"""The bundled demo: data/demo-site crawled as first published, then in its later state with
revisit, by the real `scrapy crawl news`. The archive must hold what the manifest expects."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from contextlib import ExitStack

import pytest

from archiver.demo import DEMO_SITE, crawl_arguments, load_manifest
from archiver.extract import SiteTemplate
from archiver.localsite import LocalSite
from archiver.normalize import site_of
from archiver.storage import Archive, queries
from tests.conftest import ROOT, run_crawl

MANIFEST = load_manifest()
ARTICLES = [(site, art) for site in MANIFEST["sites"] for art in site["articles"]]
IDS = [art["path"].strip("/").rsplit("/", 1)[-1] for _, art in ARTICLES]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Both demo crawls into a fresh archive: {path: history}, the templates, the sites."""
    db = tmp_path_factory.mktemp("demo") / "archive.db"
    with ExitStack() as stack:
        sites = [(spec, stack.enter_context(LocalSite([DEMO_SITE / spec["dir"] / "base"])))
                 for spec in MANIFEST["sites"]]
        run_crawl(db, *crawl_arguments(sites, revisit=False))
        for spec, server in sites:
            server.layers = [DEMO_SITE / spec["dir"] / "later", DEMO_SITE / spec["dir"] / "base"]
        run_crawl(db, *crawl_arguments(sites, revisit=True))
        with Archive.open(db) as archive:
            urls = [r["url"] for r in archive.db.query("select url from articles")]
            histories = {u: queries.history(archive, u) for u in urls}
            templates = archive.load_templates()
            outcomes = {r["outcome"]: r["n"] for r in archive.db.query(
                "select outcome, count(*) as n from captures group by outcome")}
            bodies = {r["sha256"]: (archive.body(r["sha256"]), r["depth"])
                      for r in archive.db.query("select sha256, depth from bodies")}
        by_path, site_keys = {}, {}
        for spec, server in sites:
            site_keys[spec["dir"]] = site_of(server.base)
            for art in spec["articles"]:
                by_path[art["path"]] = histories.get(server.url(art["path"]))
    return {"histories": histories, "by_path": by_path, "templates": templates,
            "sites": site_keys, "outcomes": outcomes, "bodies": bodies}


def test_every_fetch_is_one_complete_capture(demo):
    """Held pages were completed in place: none is left held, none recorded twice."""
    articles = len(ARTICLES)
    assert "held" not in demo["outcomes"]
    assert sum(demo["outcomes"].values()) == 2 * articles  # each story fetched once per crawl


def test_every_stored_body_comes_back_byte_for_byte(demo):
    """Bodies are stored compressed against other bodies; each one still reads back exactly,
    and no chain of dictionaries is deeper than the limit."""
    from archiver.storage.bodies import MAX_DEPTH

    assert len(demo["bodies"]) >= len(ARTICLES)
    for sha, (body, depth) in demo["bodies"].items():
        assert body is not None and hashlib.sha256(body).hexdigest() == sha
        assert 0 <= depth <= MAX_DEPTH
    assert any(depth > 0 for _, depth in demo["bodies"].values())  # dictionaries were used


def _all_versions(demo):
    return [v for h in demo["histories"].values() for v in h["versions"]]


def test_every_story_archived_once(demo):
    assert len(demo["histories"]) == len(ARTICLES)
    assert all(demo["by_path"][art["path"]] is not None for _, art in ARTICLES)


@pytest.mark.parametrize(("site", "art"), ARTICLES, ids=IDS)
def test_status_and_latest_text(demo, site, art):
    history = demo["by_path"][art["path"]]
    assert history["status"] == art["status"]
    latest = history["versions"][-1]
    expected = art["paragraphs"]["later"] or art["paragraphs"]["base"]
    assert latest["paragraphs"] == expected
    assert latest["title"] == art["title"]


@pytest.mark.parametrize(("site", "art"), [a for a in ARTICLES if not a[0].get("template_block")],
                         ids=[i for i, a in zip(IDS, ARTICLES) if not a[0].get("template_block")])
def test_version_chain(demo, site, art):
    """Updates, corrections and edits make exactly one version each; furniture makes none."""
    history = demo["by_path"][art["path"]]
    assert [v["change"] for v in history["versions"]] == art["changes"]
    assert history["versions"][0]["paragraphs"] == art["paragraphs"]["base"]
    kinds = {c["kind"] for c in history["versions"][-1]["changes"]}
    assert set(art["records"]) <= kinds


@pytest.mark.parametrize(("site", "art"), [a for a in ARTICLES if a[1]["update"]],
                         ids=[i for i, a in zip(IDS, ARTICLES) if a[1]["update"]])
def test_update_found(demo, site, art):
    latest = demo["by_path"][art["path"]]["versions"][-1]
    [update] = latest["updates"]
    for key, value in art["update"].items():
        assert update[key] == value, key
    assert update["text"] == art["update_text"]
    assert update["first_version"] == len(art["changes"])


def test_removed_story_keeps_its_versions(demo):
    removed = [art for _, art in ARTICLES if art["status"] == "removed"]
    assert removed
    for art in removed:
        history = demo["by_path"][art["path"]]
        assert [e["kind"] for e in history["events"]] == ["removed"]
        assert history["events"][0]["detail"]["status"] == 404
        assert len(history["versions"]) == len(art["changes"])


def test_no_furniture_in_any_version(demo):
    texts = [p for v in _all_versions(demo) for p in [v["title"], *v["paragraphs"]]]
    for phrase in MANIFEST["boilerplate"]:
        hits = [t for t in texts if phrase in t]
        assert not hits, (phrase, hits[:2])


def test_site_templates_learned(demo):
    assert set(demo["templates"]) == set(demo["sites"].values())
    for site in MANIFEST["sites"]:
        if site.get("template_block"):
            template = SiteTemplate.from_json(demo["templates"][demo["sites"][site["dir"]]])
            assert template.is_boilerplate(site["template_block"])


def test_template_block_never_stored(demo):
    for site, art in ARTICLES:
        if not site.get("template_block"):
            continue
        history = demo["by_path"][art["path"]]
        for version in history["versions"]:
            assert site["template_block"] not in version["paragraphs"], art["path"]
        assert [v["change"] for v in history["versions"]] == art["changes"], art["path"]


def test_demo_command(tmp_path):
    """`archiver demo` as a user runs it: it finishes, and its report names what happened."""
    db = tmp_path / "demo.db"
    result = subprocess.run([sys.executable, "-c", "from archiver.cli import main; main()",
                             "demo", "--db", str(db)], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    removed = sum(art["status"] == "removed" for _, art in ARTICLES)
    assert f"{len(ARTICLES)} articles" in out and f"{removed} removed" in out
    assert out.count("[REMOVED]") == removed
    assert out.count("site template:") == len(MANIFEST["sites"])
    assert "appended_update" in out and "correction" in out and "headline was:" in out


def test_committed_demo_site_is_what_build_py_writes(tmp_path):
    """The demo pages are generated from data/demo-site/stories.py: they must not drift."""
    import importlib.util

    site = ROOT / "data" / "demo-site"
    spec = importlib.util.spec_from_file_location("demo_build", site / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    build.main(tmp_path)

    def files(root):
        return {p.relative_to(root): p.read_bytes() for p in root.rglob("*")
                if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts}

    assert files(tmp_path) == files(site)
