"""A better metadata reading never makes a version: a page archived when the extractor read
its date, headline variants or byline differently is, fetched again unchanged, unchanged."""

from __future__ import annotations

import json

from archiver.localsite import LocalSite
from archiver.storage import Archive

PATH = "/2014/12/28/chip-plant-opens/"
PAGE = ("<html lang='en'><head><title>Chip plant opens | The Wire</title>"
        "<meta property='og:title' content='Chip plant opens'>"
        "<meta name='author' content='By Ana Silva'>"
        "<meta property='article:modified_time' content='Sunday, December 28, 2014,  9:10 PM'>"
        "</head><body><article><h1>Chip plant opens</h1>"
        "<p>The plant opened on Monday and will employ four hundred people, the company said "
        "in a statement on its website.</p>"
        "<p>It makes memory chips for phones and cars and ships them across the region from "
        "next spring, a spokesperson added.</p></article></body></html>")
# What an earlier extractor stored for the same page: p.m. read as a.m., a variant with a
# control character, a byline spelled otherwise.
EARLIER = {"modified": "2014-12-28T09:10:00", "authors": json.dumps(["ANA SILVA"]),
           "headlines": json.dumps({"title_tag": "Chip plant opens | The Wire\u0085",
                                    "og_title": "Chip plant opens", "h1": "Chip plant opens"})}


def test_a_changed_metadata_reading_adds_no_version(crawl, db_path):
    fetches = []

    def page():  # a new comment each time: the page is read again, not known by its bytes
        fetches.append(1)
        body = f"{PAGE}<!-- fetch {len(fetches)} -->".encode()
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body

    routes = {PATH: page}
    with LocalSite([], routes=routes) as site:
        url = site.url(PATH)
        crawl(db_path, "-a", f"urls={url}")
        with Archive.open(db_path) as archive:
            [version] = archive.db.query("select id, modified from versions")
            assert version["modified"] == "2014-12-28T21:10:00"
            archive.db["versions"].update(version["id"], EARLIER)
        result = crawl(db_path, "-a", f"urls={url}")
    with Archive.open(db_path) as archive:
        outcomes = [r["outcome"] for r in archive.db.query("select outcome from captures order by id")]
        versions = archive.db["versions"].count
    assert "'archiver/baseline_reextractions': 1" in result.stderr
    assert (outcomes, versions) == (["new_version", "unchanged"], 1)
