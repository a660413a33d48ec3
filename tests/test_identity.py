"""Which article a capture belongs to: canonicals, redirects, and pages that stop being the story.

Each case here once merged two stories or stored a wrong page as a new version (an invented
change); the archive must keep them apart.
"""

from __future__ import annotations

import hashlib

from archiver.article import Article
from archiver.items import Capture
from archiver.normalize import story_hash

SITE = "https://n.example"
A_PARAS = ["Voltreon will recall 40,000 laptop battery packs after reports of swelling.",
           "The fault traces to a separator film from a single supplier.",
           "Owners can check their serial numbers on the support site."]
B_PARAS = ["A router firmware flaw let attackers change DNS settings without a password.",
           "The maintainers shipped version 23.05.4 with a fix on Tuesday.",
           "Users are urged to install the update as soon as possible."]


def capture(path, paragraphs, when, *, title="Story", canonical=None, final=None):
    url = SITE + path
    article = Article(title=title, paragraphs=list(paragraphs), canonical_url=canonical)
    body = ("\n".join(paragraphs) + when).encode()
    return Capture(url=url, final_url=SITE + (final or path), fetched_at=when, status=200,
                   body=body, body_sha256=hashlib.sha256(body).hexdigest(), article=article,
                   identity=canonical or SITE + (final or path), story_hash=story_hash(article))


def test_a_shared_canonical_neither_merges_stories_nor_lends_its_baseline(archive):
    section = SITE + "/security/"
    archive.record(capture("/a/", A_PARAS, "t1", title="Recall", canonical=section))
    archive.record(capture("/b/", B_PARAS, "t2", title="Router flaw", canonical=section))
    assert archive.db["articles"].count == 2
    edited = B_PARAS[:2] + ["Users are advised to install the update as soon as possible."]
    b2 = capture("/b/", edited, "t3", title="Router flaw", canonical=section)
    _, url, _, _ = archive.current_page(b2)
    assert url == SITE + "/b/"  # B's own page is the baseline, not A's
    result = archive.record(b2)
    assert (result.version, result.change) == (2, "sentence_edit")


def test_pages_of_one_multi_page_story_stay_apart(archive):
    first = SITE + "/review/"
    archive.record(capture("/review/", A_PARAS, "t1", title="Review", canonical=first))
    second = capture("/review/2/", B_PARAS, "t2", title="Review", canonical=first)
    assert archive.record(second).version == 1
    assert archive.db["articles"].count == 2


def test_a_redirect_to_another_story_is_recorded_for_that_story(archive):
    archive.record(capture("/a/", A_PARAS, "t1", title="Recall"))
    archive.record(capture("/b/", B_PARAS, "t2", title="Router flaw"))
    moved = capture("/a/", B_PARAS, "t3", title="Router flaw", final="/b/")
    result = archive.record(moved)
    b_id = archive.article_for(SITE + "/b/")["id"]
    assert (result.outcome, result.article_id) == ("unchanged", b_id)
    assert archive.article_for(SITE + "/a/")["id"] != b_id  # /a/ is no alias of B
    assert archive.db["versions"].count == 2


def test_a_story_that_moves_to_a_new_slug_stays_one_article(archive):
    archive.record(capture("/old-slug/", A_PARAS, "t1", title="Recall"))
    moved = capture("/old-slug/", A_PARAS + ["Update: the recall now covers 52,000 packs."],
                    "t2", title="Recall", final="/new-slug/")
    result = archive.record(moved)
    assert (result.version, result.change) == (2, "appended_update")
    assert archive.article_for(SITE + "/new-slug/")["id"] == result.article_id


def test_a_known_url_serving_an_error_page_is_a_failure_not_a_version(archive):
    archive.record(capture("/a/", A_PARAS, "t1", title="Recall"))
    soft_404 = capture("/a/", ["Sorry, we could not find that page."], "t2",
                       title="Page not found")
    result = archive.record(soft_404)
    assert result.outcome == "failed"
    row = next(archive.db.query("select error, body_sha256 from captures order by id desc"))
    assert row["error"].startswith("not the story") and row["body_sha256"]  # the page is kept
    assert archive.db["versions"].count == 1


def test_revisits_use_the_address_that_served_the_story(archive):
    broken = SITE + "/a"  # a canonical without the slash, which the site answers with 404
    archive.record(capture("/a/", A_PARAS, "t1", title="Recall", canonical=broken))
    [row] = archive.revisit_rows()
    assert row["url"] == SITE + "/a/"
    archive.record(Capture(url=SITE + "/a/", final_url=SITE + "/a/", fetched_at="t2",
                           status=404, error="HTTP 404"))
    [row] = archive.revisit_rows()
    assert row["status"] == "removed"  # still revisited: a 404 can pass


def test_a_known_story_redirected_to_another_site_is_removed(archive):
    archive.record(capture("/a/", A_PARAS, "t1", title="Recall"))
    moved = Capture(url=SITE + "/a/", final_url=SITE + "/a/", fetched_at="t2", status=301,
                    error="redirected to another site: https://other.example/a/")
    assert archive.record(moved).outcome == "removed"
    [event] = archive.db.query("select kind, detail from events")
    assert event["kind"] == "removed" and "other.example" in event["detail"]
