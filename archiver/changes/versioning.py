"""What one capture means for a story's versions: pure decisions, no I/O.

The storage layer reads the story's state, asks these functions, and carries out the answer:
- a capture that `compare()` finds unchanged against the current version (story, byline,
  declared modified time and headline variants; whitespace and Unicode form never count)
  is the current version seen again;
- so is one that equals its `baseline`, the current version's own stored page read again by
  today's extractor: then the extraction changed, not the page. Change records are computed
  against that baseline, so they never report extractor drift as an edit;
- a bare re-dating to (about) the fetch time is a render stamp, not a re-dating;
- a story equal to an older version is a return to it, never a new version;
- a known URL serving something else entirely is "not the story", a failed capture;
- anything else is a new version;
- a 404/410 or a redirect to the home page or to another site is a removal, and a removed
  story seen again is restored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from archiver.article import Article
from archiver.changes.classify import compare
from archiver.changes.models import Comparison
from archiver.normalize import parse_instant

REMOVED_STATUSES = (404, 410)
GONE_ERRORS = ("redirected to the home page", "redirected to another site")
STAMP_WINDOW = timedelta(hours=1)  # render time, or a cache of it


@dataclass(frozen=True)
class Stored:
    """A stored version as the decisions see it."""

    id: int
    number: int
    story_hash: str | None
    article: Article


@dataclass
class Decision:
    """`outcome`: unchanged | returned | new_version | not_the_story. `version` is the stored
    version seen again (unchanged, returned); `comparison` the records of a new version."""

    outcome: str
    version: Stored | None = None
    comparison: Comparison | None = None


def decide(story: Article, story_hash: str | None, fetched_at: str, current: Stored | None,
           baseline: Article | None = None, same_story: list[Stored] = ()) -> Decision:
    """The outcome of a story capture. `same_story`: the article's versions whose story hash
    equals this capture's (candidates for a return)."""
    if current is not None and not_the_story(current.article, story):
        return Decision("not_the_story")
    comparison = compare(current.article if current else None, story)
    if current is not None and comparison.kind != "unchanged" and baseline is not None:
        comparison = compare(baseline, story)
    if current is not None and (comparison.kind == "unchanged"
                                or stamped_now(comparison, fetched_at)):
        return Decision("unchanged", current)
    earlier = returned_to(story, story_hash, current, same_story)
    if earlier is not None:
        return Decision("returned", earlier)
    return Decision("new_version", comparison=comparison)


def differs(stored: Article | None, story: Article) -> bool:
    """Would `compare` report anything? (Then the stored page is worth reading again.)"""
    return stored is not None and compare(stored, story).kind != "unchanged"


def returned_to(story: Article, story_hash: str | None, current: Stored | None,
                same_story: list[Stored]) -> Stored | None:
    """The older version this capture returns to, if any (a flip-flop or a rollback).

    A story (title and paragraphs) equal to an older version's returns to it, preferring
    one whose byline, dates and headline variants match too. When the story equals the
    current version's and only that metadata differs, only such a full match is a return;
    otherwise the capture is a new version (redated, byline_change, title_change).
    """
    older = sorted((v for v in same_story if current is None or v.id != current.id),
                   key=lambda v: -v.number)
    for version in older:
        if compare(version.article, story).kind == "unchanged":
            return version
    if older and not (current is not None and current.story_hash == story_hash):
        return older[0]
    return None


def stamped_now(comparison: Comparison, fetched_at: str) -> bool:
    """A bare re-dating whose new modified time is (about) the fetch time: a render stamp."""
    if [c.kind for c in comparison.changes] != ["redated"]:
        return False
    declared = parse_instant(comparison.changes[0].new)
    fetched = parse_instant(fetched_at)
    return bool(declared and fetched and abs(fetched - declared) <= STAMP_WINDOW)


def not_the_story(live: Article, page: Article) -> bool:
    """A known URL now serving something else (an error page with status 200, a consent wall,
    a script shell): new title, no paragraph in common, and less than half the text."""
    return (page.title != live.title and not set(page.paragraphs) & set(live.paragraphs)
            and len(page.text) * 2 < len(live.text))


def is_removal(status: int | None, error: str | None) -> bool:
    """Does this failed fetch of a known story say the story is gone?"""
    return status in REMOVED_STATUSES or (error or "").startswith(GONE_ERRORS)


def lifecycle_event(status: str, outcome: str) -> str | None:
    """The event a capture adds to a story in `status` (live | removed): "removed" when a
    live story's removal is seen, "restored" when a removed story is seen again."""
    if outcome == "removed":
        return "removed" if status != "removed" else None
    if outcome in ("unchanged", "returned", "new_version") and status == "removed":
        return "restored"
    return None
