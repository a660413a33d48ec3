"""compare() on small hand-made pairs: what is noise, what is a change, and which label wins."""

from __future__ import annotations

from archiver.article import Article
from archiver.changes import compare

BODY = ["Intel said on Monday it would cut 15 percent of its workforce.",
        "The company expects to save $10 billion next year.",
        "Shares fell 6 percent in after-hours trading on the news."]


def art(paragraphs=BODY, **kw) -> Article:
    kw.setdefault("title", "Intel to cut 15 percent of staff")
    return Article(paragraphs=list(paragraphs), **kw)


def kinds(result):
    return [c.kind for c in result.changes]


def test_first_and_unchanged():
    assert compare(None, art()).kind == "first"
    noisy = [" " + p.replace(" ", "\u00a0 ", 1) + "\u200b" for p in BODY] + ["2 hours ago"]
    result = compare(art(), art(noisy))
    assert (result.kind, result.changes, result.alignment) == ("unchanged", [], [])


def test_metadata_gaps_are_not_changes():
    old = art(modified="2026-01-01T10:00:00Z", authors=["Ana Ruiz", "Bo Li"],
              headlines={"og_title": "Intel cuts", "twitter_title": "Intel cuts"})
    same_instant = art(modified="2026-01-01T10:00:00+00:00", authors=["bo li", "Ana Ruiz"],
                       headlines={"og_title": "Intel cuts"})
    assert compare(old, same_instant).kind == "unchanged"
    assert compare(old, art(authors=old.authors, headlines=old.headlines)).kind == "unchanged"
    assert compare(old, art(authors=old.authors)).kind == "unchanged"  # modified vanished
    assert kinds(compare(art(), art(modified="2026-01-02T08:00:00Z"))) == ["redated"]


def test_headline_variants_each_reported():
    old = art(headlines={"og_title": "A", "h1": "A", "twitter_title": "A"})
    new = art(title="Intel to cut 15,000 jobs",
              headlines={"og_title": "B", "h1": "A", "twitter_title": "A"})
    result = compare(old, new)
    assert result.kind == "title_change"
    assert [c.detail["field"] for c in result.changes] == ["title", "og_title"]


def test_priority_keeps_every_record():
    new = art([BODY[0].replace("15 percent", "15 per cent"), BODY[1], BODY[2],
               "Correction: An earlier version gave the wrong savings figure."],
              title="Intel cuts jobs", authors=["New Author"], modified="2026-01-02T00:00:00Z")
    result = compare(art(modified="2026-01-01T00:00:00Z"), new)
    assert result.kind == "correction"
    assert kinds(result) == ["title_change", "byline_change", "correction", "sentence_edit"]


def test_silent_edit_needs_a_declared_time_that_stayed():
    edited = [BODY[0], BODY[1].replace("$10 billion", "$12 billion"), BODY[2]]
    assert kinds(compare(art(modified="2026-01-01T00:00:00Z"),
                         art(edited, modified="2026-01-01T00:00:00Z"))) == [
        "sentence_edit", "silent_edit"]
    assert kinds(compare(art(), art(edited))) == ["sentence_edit"]  # no declared time at all


def test_rewrite_of_ending_is_not_an_update():
    ending = "Analysts at Bernstein called the plan overdue and raised their price target."
    result = compare(art(), art(BODY[:2] + [ending]))
    assert kinds(result) == ["paragraph_removed", "paragraph_added"]
    marked = compare(art(), art(BODY[:2] + ["Update: Intel confirmed the figure."]))
    assert kinds(marked) == ["appended_update", "paragraph_removed"]


def test_split_paragraph_is_not_an_edit():
    split = BODY[:2] + ["Shares fell 6 percent", "in after-hours trading on the news."]
    assert compare(art(), art(split)).kind == "unchanged"
    merged = [BODY[0] + " " + BODY[1], BODY[2]]
    assert compare(art(), art(merged)).kind == "unchanged"


def test_indices_refer_to_the_callers_paragraph_list():
    new = ["", BODY[0], "   ", BODY[1], BODY[2], "Update: Intel confirmed."]
    [change] = compare(art(), art(new)).changes
    assert (change.kind, change.paragraph, change.detail["end"]) == ("appended_update", 5, 6)
