"""The updates a new version carries, using everything known at the time it was captured.

`find_updates` reads one version alone and has to guess how far a block runs. When the
version is a new one, `compare` knows exactly which paragraphs were added, so its blocks win:
a marked block gets the extent and position compare saw, and an unmarked block appended or
prepended to the story is still an update (with no marker). Unmarked updates of the previous
version live on as long as their paragraphs are still there, since nothing in the text itself
would find them again.
"""

from __future__ import annotations

from dataclasses import replace

from archiver.changes.models import Comparison, Update
from archiver.changes.updates import find_updates, match_updates

_UPDATE_RECORDS = ("appended_update", "prepended_update")
_BLOCK_RECORDS = _UPDATE_RECORDS + ("correction", "editors_note")


def _locate(paragraphs: list[str], block: list[str]) -> int | None:
    """Where `block` occurs as consecutive paragraphs, or None."""
    n = len(block)
    for i in range(len(paragraphs) - n + 1):
        if paragraphs[i:i + n] == block:
            return i
    return None


def version_updates(paragraphs: list[str], comparison: Comparison | None = None,
                    previous: list[Update] = (), *, published: str | None = None) -> list[Update]:
    """Every update in this version, in reading order (see the module docstring)."""
    found = find_updates(paragraphs, published=published)
    by_start = {u.start: k for k, u in enumerate(found)}
    for change in comparison.changes if comparison else ():
        if change.kind not in _BLOCK_RECORDS or "end" not in change.detail:
            continue
        start, end, marker = change.paragraph, change.detail["end"], change.detail.get("marker")
        k = by_start.get(start)
        if marker and k is not None and found[k].end < end:
            found[k] = replace(found[k], end=end, position=change.detail["position"],
                               text="\n\n".join(paragraphs[start:end]))
        elif (not marker and change.kind in _UPDATE_RECORDS
              and not any(u.start <= start < u.end for u in found)):
            found.append(Update("update", change.detail["position"], change.new, None,
                                start, end, ""))
    for old in previous:
        if old.marker or any(u.text == old.text for u in found):
            continue
        block = old.text.split("\n\n")
        start = _locate(paragraphs, block)
        if start is not None and not any(u.start <= start < u.end for u in found):
            found.append(replace(old, start=start, end=start + len(block)))
    found.sort(key=lambda u: u.start)
    return found


def link_updates(live: list[Update], older: list[Update], found: list[Update]
                 ) -> dict[int, tuple[str, int]]:
    """Which earlier update each of `found` continues: new index -> ("live" | "older", index).

    First against the updates of the version it replaces, then against updates that version
    lacks but an older one had (after a rollback or a flip-flop the same note can come back
    reworded). Unlisted indices are new updates.
    """
    links = {j: ("live", i) for j, i in match_updates(live, found).items()}
    todo = [j for j in range(len(found)) if j not in links]
    if todo and older:
        for j, i in match_updates(older, [found[k] for k in todo]).items():
            links[todo[j]] = ("older", i)
    return dict(sorted(links.items()))
