"""The versioning rules as pure functions: no archive, no SQLite, just stories."""

from __future__ import annotations

from archiver.article import Article
from archiver.changes.models import Update
from archiver.changes.updates import match_updates
from archiver.changes.versioning import (
    Stored,
    decide,
    differs,
    is_removal,
    lifecycle_event,
    not_the_story,
)
from archiver.normalize import story_hash

STORY = ["The vendor shipped a firmware fix on Tuesday.", "Owners should install it now."]


def story(paragraphs=STORY, title="Vendor patches router flaw", **kw) -> Article:
    return Article(title=title, paragraphs=list(paragraphs), **kw)


def stored(id_: int, number: int, article: Article) -> Stored:
    return Stored(id_, number, story_hash(article), article)


def test_the_same_story_is_the_current_version_seen_again():
    current = stored(1, 1, story())
    again = story(paragraphs=[" " + STORY[0], STORY[1] + "  "])  # whitespace only
    decision = decide(again, story_hash(again), "2026-03-02T10:00:00+00:00", current)
    assert (decision.outcome, decision.version) == ("unchanged", current)


def test_a_first_capture_is_a_first_version():
    decision = decide(story(), story_hash(story()), "t", None)
    assert (decision.outcome, decision.comparison.kind) == ("new_version", "first")


def test_an_edit_is_a_new_version_with_its_records():
    current = stored(1, 1, story())
    edited = story(paragraphs=STORY + ["Update: the vendor pulled the fix."])
    decision = decide(edited, story_hash(edited), "t", current)
    assert (decision.outcome, decision.comparison.kind) == ("new_version", "appended_update")


def test_a_baseline_that_equals_the_capture_means_the_extraction_changed():
    current = stored(1, 1, story(paragraphs=STORY + ["Support our journalism today."]))
    read_better = story()
    decision = decide(story(), story_hash(story()), "t", current, baseline=read_better)
    assert decision.outcome == "unchanged"
    updated = story(paragraphs=STORY + ["Update: recalled."])
    decision = decide(updated, story_hash(updated), "t", current, baseline=read_better)
    assert [c.kind for c in decision.comparison.changes] == ["appended_update"]


def test_a_render_stamp_is_no_redating_but_a_real_one_is():
    current = stored(1, 1, story(modified="2026-03-01T09:00:00+00:00"))
    stamped = story(modified="2026-03-02T11:59:00+00:00")
    assert decide(stamped, story_hash(stamped), "2026-03-02T12:00:00+00:00",
                  current).outcome == "unchanged"
    decision = decide(stamped, story_hash(stamped), "2026-03-02T18:00:00+00:00", current)
    assert (decision.outcome, decision.comparison.kind) == ("new_version", "redated")


def test_a_story_equal_to_an_older_version_is_a_return_preferring_a_full_match():
    v1 = stored(1, 1, story(authors=["A. Writer"]))
    v2 = stored(2, 2, story(paragraphs=STORY[:1]))
    v3 = stored(3, 3, story(authors=["B. Writer"]))
    back = story(authors=["A. Writer"])
    decision = decide(back, story_hash(back), "t", v2, same_story=[v1, v3])
    assert (decision.outcome, decision.version) == ("returned", v1)
    other = story(authors=["C. Writer"])  # same story, no full match: the latest one
    assert decide(other, story_hash(other), "t", v2, same_story=[v1, v3]).version == v3


def test_metadata_change_on_the_current_story_is_a_version_not_a_return():
    v1 = stored(1, 1, story(authors=["A. Writer"]))
    v2 = stored(2, 2, story(authors=["B. Writer"]))
    now = story(authors=["C. Writer"])
    decision = decide(now, story_hash(now), "t", v2, same_story=[v1, v2])
    assert (decision.outcome, decision.comparison.kind) == ("new_version", "byline_change")


def test_a_page_that_is_not_the_story_is_no_version():
    live = story(paragraphs=STORY * 3)
    wall = story(paragraphs=["Please accept cookies."], title="Consent")
    assert not_the_story(live, wall)
    assert decide(wall, story_hash(wall), "t", stored(1, 1, live)).outcome == "not_the_story"
    assert not not_the_story(live, story(paragraphs=STORY[:1], title="Consent"))


def test_differs_sees_every_field_compare_sees():
    base = story(authors=["A. Writer"], headlines={"og_title": "Vendor patches flaw"})
    assert not differs(base, story(authors=["A. Writer"],
                                   headlines={"og_title": "Vendor patches flaw"}))
    assert differs(base, story(authors=["B. Writer"],
                               headlines={"og_title": "Vendor patches flaw"}))
    assert differs(base, story(authors=["A. Writer"], headlines={"og_title": "Recall"}))
    assert not differs(None, base)


def test_removal_and_restore():
    assert is_removal(404, "HTTP 404") and is_removal(410, None)
    assert is_removal(200, "redirected to the home page: https://n.example/")
    assert not is_removal(500, "HTTP 500") and not is_removal(None, "TimeoutError")
    assert lifecycle_event("live", "removed") == "removed"
    assert lifecycle_event("removed", "removed") is None
    assert lifecycle_event("removed", "unchanged") == "restored"
    assert lifecycle_event("live", "new_version") is None


def test_notes_carried_word_for_word_pair_before_any_fuzzy_matching():
    notes = [Update("update", "appended", f"Update {i}: the count rose to {i * 7} devices.",
                    None, i, i + 1, "Update") for i in range(150)]
    grown = notes[:75] + [Update("update", "appended", "Update 75: the count rose to 530 "
                                 "devices, the vendor said.", None, 75, 76, "Update")] + notes[76:]
    grown.append(Update("update", "appended", "Update 150: a recall.", None, 150, 151, "Update"))
    links = match_updates(notes, grown)
    assert all(links[j] == j for j in range(150))  # the reworded one too
    assert 150 not in links
