"""Find the update/correction/note blocks inside one version, and match them across versions.

Block extent follows how newsrooms write them: a note at the top covers its own paragraph
(longer only when it visibly continues: a bare "Update:" line or a paragraph ending in ":"),
an update at the bottom runs to the end of the story or the next marker, and a marker in the
middle of the story covers its paragraph, and more only when it visibly continues too.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from archiver.changes.markers import Marker, detect_marker, marker_time
from archiver.changes.models import Update
from archiver.text import clean_text


def _continues(paragraph: str, marker: Marker | None) -> bool:
    """Does this paragraph visibly run on into the next one?"""
    if marker is not None and marker.only:
        return True
    return clean_text(paragraph).endswith(":")


def _make(paragraphs, marker: Marker, position: str, start: int, end: int, published) -> Update:
    return Update(
        kind=marker.kind,
        position=position,
        text="\n\n".join(paragraphs[start:end]),
        stated_time=marker_time(marker, published),
        start=start,
        end=end,
        marker=marker.marker,
    )


def find_updates(paragraphs: list[str], *, published: str | None = None) -> list:
    """Every marked update, correction, clarification or editor's note in `paragraphs`."""
    n = len(paragraphs)
    found: dict[int, Marker] = {}
    for i, p in enumerate(paragraphs):
        m = detect_marker(p)
        if m is not None:
            found[i] = m
    if not found:
        return []
    updates: list[Update] = []

    # Notes at the top: consecutive marker paragraphs from index 0.
    i = 0
    while i < n and i in found:
        end = _extent(paragraphs, found, i, n)
        updates.append(_make(paragraphs, found[i], "prepended", i, end, published))
        i = end
    top_end = i

    rest = sorted(k for k in found if k >= top_end)
    if not rest:
        return updates
    # Walk back from the end: the tail of blocks that run to the story's end are appended.
    appended_from = n
    tail: list[Update] = []
    for k in reversed(rest):
        block_len = appended_from - k
        m = found[k]
        before = k - top_end
        # a guess from one version alone: compare() knows the real extent of an added block
        fits = block_len <= max(3, before) if m.kind == "update" else block_len <= 2
        if not fits or before == 0:
            break
        tail.append(_make(paragraphs, m, "appended", k, appended_from, published))
        appended_from = k
    tail.reverse()
    for k in rest:
        if k >= appended_from:
            break
        end = _extent(paragraphs, found, k, appended_from)
        updates.append(_make(paragraphs, found[k], "inline", k, end, published))
    updates.extend(tail)
    return updates


def _extent(paragraphs: list[str], found: dict, start: int, limit: int) -> int:
    """Where the note opening at `start` ends: its own paragraph, and the next ones while
    the text visibly continues (a bare marker line, a paragraph ending in ":")."""
    end = start + 1
    while end < limit and end not in found and _continues(paragraphs[end - 1],
                                                          found.get(end - 1)):
        end += 1
    return end


def _similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if a.startswith(b) or b.startswith(a):
        return 0.95  # extended (or trimmed) in place
    return SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def match_updates(old: list, new: list) -> dict[int, int]:
    """new index -> old index for updates that are the same note, extended or reworded.

    Same kind is required; then text similarity (word-level) of at least 0.5,
    or 0.3 when the marker line is identical. Pairs are assigned best-first, one to one.
    Notes carried over word for word are paired first, by exact text, so the word-level
    comparison only runs on the few notes that changed (a live blog keeps hundreds).
    """
    old_texts = [clean_text(u.text) for u in old]
    new_texts = [clean_text(u.text) for u in new]
    old_markers = [clean_text(u.marker).lower() for u in old]
    new_markers = [clean_text(u.marker).lower() for u in new]

    def score(i: int, j: int, s: float):
        same_marker = old_markers[i] == new_markers[j]
        bonus = (0.01 if same_marker else 0) + (0.01 if old[i].position == new[j].position else 0)
        return (s + bonus, -abs(i - j), j, i)

    by_text: dict[tuple[str, str], list[int]] = {}
    for i, u in enumerate(old):
        by_text.setdefault((u.kind, old_texts[i]), []).append(i)
    exact = [score(i, j, 1.0) for j, u in enumerate(new)
             for i in by_text.get((u.kind, new_texts[j]), ())]
    result: dict[int, int] = {}
    used: set[int] = set()
    _assign(sorted(exact, reverse=True), result, used)

    scored = []
    for j, nu in enumerate(new):
        if j in result:
            continue
        for i, ou in enumerate(old):
            if i in used or nu.kind != ou.kind:
                continue
            s = _similarity(old_texts[i], new_texts[j])
            if s >= 0.5 or (old_markers[i] == new_markers[j] and s >= 0.3):
                scored.append(score(i, j, s))
    _assign(sorted(scored, reverse=True), result, used)
    return dict(sorted(result.items()))


def _assign(scored: list, result: dict[int, int], used: set[int]) -> None:
    """Take pairs best-first, each old and new update at most once."""
    for _, _, j, i in scored:
        if j in result or i in used:
            continue
        result[j] = i
        used.add(i)
