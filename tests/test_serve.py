"""`archiver serve` starts Datasette on 127.0.0.1 over the demo archive with the archive's
metadata: the canned queries answer with the right rows, bodies are hidden, story rows link
to the history page, and the history page is served."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.conftest import ROOT, sql_rows


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(base: str, path: str, **params) -> tuple[int, str]:
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def _start(command: list[str]):
    """Start a server command on a free port; yield its base URL while it runs."""
    port = _free_port()
    process = subprocess.Popen([*command, "--port", str(port)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            get(base, "/-/versions.json")
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"archiver serve did not start: {process.stderr.read()[-2000:]}")
            time.sleep(0.2)
    yield base
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def server(demo_archive):
    for base in _start([sys.executable, "-m", "archiver.cli", "serve", "--db",
                        str(demo_archive)]):
        yield base, demo_archive


def test_plain_datasette_still_works(demo_archive):
    for base in _start([sys.executable, "-m", "datasette", "serve", str(demo_archive),
                        "--host", "127.0.0.1"]):
        status, body = get(base, "/demo/versions.json", _search="vault", _shape="array")
        assert status == 200 and [r["version"] for r in json.loads(body)] == [1, 2]
        # update texts are searchable too (update_texts_fts, m036)
        status, body = get(base, "/demo/update_texts.json", _search="misstated", _shape="array")
        assert status == 200 and [r["text"][:10] for r in json.loads(body)] == ["Correction"]
        assert get(base, "/demo/bodies.json")[0] == 200  # no metadata: nothing hidden


def rows(base: str, query: str, **params) -> list[dict]:
    status, body = get(base, f"/demo/{query}.json", _shape="array", **params)
    assert status == 200, body[:500]
    return json.loads(body)


def test_canned_queries(server):
    base, db = server
    later = rows(base, "updated_after_publication")
    assert len(later) == sql_rows(db, "select count(*) from updates where version = first_version "
                                 "and first_version > 1")[0][0] == 4
    assert {r["kind"] for r in later} == {"update", "correction"}
    assert all(r["version"] == 2 and r["hours_later"] >= 0 for r in later)
    [correction] = rows(base, "corrections")
    assert correction["url"].endswith("/used-data-center-gpu-prices-record/")
    assert correction["text"].startswith("Correction")
    headlines = rows(base, "headline_changes")
    keyfold = [r for r in headlines if "keyfold" in r["url"]]
    assert keyfold and {r["field"] for r in keyfold} >= {"title"}
    [title] = [r for r in keyfold if r["field"] == "title"]
    assert title["old"].startswith("Password manager Keyfold") and title["new"].startswith(
        "Keyfold confirms")


def test_as_of_gives_the_story_as_it_stood(server):
    base, db = server
    [(url, first, second)] = sql_rows(
        db, "select a.url, v1.first_seen, v2.first_seen from articles a "
            "join versions v1 on v1.article_id = a.id and v1.version = 1 "
            "join versions v2 on v2.article_id = a.id and v2.version = 2 "
            "where a.url like '%keyfold%'")
    [before] = rows(base, "as_of", url=url, at=first)
    assert before["version"] == 1 and before["title"].startswith("Password manager")
    [after] = rows(base, "as_of", url=url, at=second)
    assert after["version"] == 2 and after["text"] != before["text"]
    assert rows(base, "as_of", url=url, at="2000-01-01T00:00:00+00:00") == []


def test_metadata_hides_bodies_and_links_history(server):
    base, db = server
    status, body = get(base, "/demo.json")
    tables = {t["name"]: t for t in json.loads(body)["tables"]}
    assert tables["bodies"]["hidden"] is True and tables["versions"]["hidden"] is False
    status, body = get(base, "/demo/versions.json", _facet_size="5")
    assert "change" in json.loads(body)["facet_results"]
    status, page = get(base, "/demo/articles")
    assert status == 200 and "/-/history?url=http%3A%2F%2F127.0.0.1" in page
    assert "Each distinct text of a story" in get(base, "/demo/versions")[1]
    [(url,)] = sql_rows(db, "select url from articles where url like '%keyfold%'")
    status, page = get(base, "/-/history", url=url, a="1", b="2")
    assert status == 200 and "Keyfold confirms" in page and "<del>" in page
    assert get(base, "/-/history", url="http://nowhere.example/")[0] == 404
