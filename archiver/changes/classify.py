"""compare(): everything that differs between two versions, and the one label that says most.

Records are computed independently (headlines, byline, dates, body) and the main kind is
picked afterwards by a fixed priority, so a step that appends an update, fixes a typo and
rewrites the SEO title is labelled appended_update while still listing all three facts.

The main kind is always one of the record kinds (silent_edit only qualifies another one), or
"first" / "unchanged". Unchanged means no record at all: whitespace, Unicode form, invisible
characters, relative-time lines ("2 hours ago"), a paragraph split in two or merged with the
same words, a headline variant or modified time the page no longer declares -- none of these
is a change, because a re-render must never become a version.
"""

from __future__ import annotations

from datetime import datetime

from archiver.changes.align import Alignment, align
from archiver.changes.markers import detect_marker, marker_time
from archiver.changes.models import Change, Comparison
from archiver.changes.updates import find_updates
from archiver.changes.worddiff import word_diff
from archiver.normalize import is_relative_time
from archiver.text import clean_text

# most informative first: the main kind of a comparison is the first of these it contains
PRIORITY = (
    "correction",
    "editors_note",
    "appended_update",
    "prepended_update",
    "title_change",
    "paragraph_added",
    "paragraph_removed",
    "sentence_edit",
    "paragraph_moved",
    "byline_change",
    "redated",
)
_MARKER_RECORD = {
    "update": None,  # decided by position
    "correction": "correction",
    "clarification": "correction",
    "editors_note": "editors_note",
}


def _paragraphs(article) -> tuple[list[str], list[int]]:
    """Normalised non-empty paragraphs and, for each, its index in the caller's list."""
    texts, index = [], []
    for k, p in enumerate(getattr(article, "paragraphs", None) or ()):
        t = clean_text(p)
        if t and not is_relative_time(t):  # "2 hours ago" is a re-render, never an edit
            texts.append(t)
            index.append(k)
    return texts, index


def _when(value):
    if not value:
        return None
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return clean_text(text)


def _headline_changes(old, new) -> list[Change]:
    out = []
    ot, nt = clean_text(getattr(old, "title", None)), clean_text(getattr(new, "title", None))
    if ot != nt:
        out.append(Change("title_change", ot or None, nt or None, None, {"field": "title"}))
    oh = getattr(old, "headlines", None) or {}
    nh = getattr(new, "headlines", None) or {}
    # a headline present on only one side is usually a template or extraction gap, not an edit
    for key in sorted(set(oh) & set(nh)):
        a, b = clean_text(oh[key]), clean_text(nh[key])
        if a and b and a != b:
            out.append(Change("title_change", a, b, None, {"field": key}))
    return out


def _byline_change(old, new) -> list[Change]:
    oa = [clean_text(a) for a in getattr(old, "authors", None) or () if clean_text(a)]
    na = [clean_text(a) for a in getattr(new, "authors", None) or () if clean_text(a)]
    okeys, nkeys = {a.casefold() for a in oa}, {a.casefold() for a in na}
    if okeys == nkeys:
        return []
    detail = {
        "added": [a for a in na if a.casefold() not in okeys],
        "removed": [a for a in oa if a.casefold() not in nkeys],
    }
    return [Change("byline_change", ", ".join(oa) or None, ", ".join(na) or None, None, detail)]


def _split_blocks(start: int, end: int, paras: list[str]):
    """Cut an added run [start, end) at marker paragraphs -> [(start, end, marker|None)]."""
    blocks = []
    cur, cur_marker = start, None
    for k in range(start, end):
        m = detect_marker(paras[k])
        if k == start:
            cur_marker = m
        elif m is not None:
            blocks.append((cur, k, cur_marker))
            cur, cur_marker = k, m
    blocks.append((cur, end, cur_marker))
    return blocks


def _word_delta(a: str, b: str) -> dict:
    ops = word_diff(a, b)
    return {"removed_words": [t for op, t in ops if op == "removed"],
            "added_words": [t for op, t in ops if op == "added"]}


def _added_runs(status: list[str], old_status: list[str], paras: list[str], published
                ) -> dict[int, tuple[int, str]]:
    """Runs of added paragraphs that are update blocks: run start -> (run end, position).

    A run at the very top or bottom of the story is a prepended/appended update, marked or
    not -- unless it is unmarked and takes the place of old paragraphs removed there, which
    is a rewritten lede or ending, not an update. A run inside the story counts only when it
    opens with a marker; its position is the one `find_updates` gives the new version, so an
    update slipped in above a trailing editor's note is still appended, and one next to the
    paragraph it qualifies is inline.
    """
    n = len(paras)
    matched = [j for j, s in enumerate(status) if s != "added"]
    if not matched:
        return {}  # nothing in common: a rewrite, not an update
    runs: dict[int, tuple[int, str]] = {}
    first, last = matched[0], matched[-1]
    kept = [i for i, s in enumerate(old_status) if s != "removed"]
    head_removed = bool(kept) and kept[0] > 0
    tail_removed = bool(kept) and kept[-1] < len(old_status) - 1
    if first > 0 and not (head_removed and detect_marker(paras[0]) is None):
        runs[0] = (first, "prepended")
    if last < n - 1 and not (tail_removed and detect_marker(paras[last + 1]) is None):
        runs[last + 1] = (n, "appended")
    positions = None
    j = first
    while j < last:
        if status[j] != "added":
            j += 1
            continue
        k = j
        while status[k] == "added":
            k += 1
        if detect_marker(paras[j]) is not None:
            if positions is None:
                positions = {u.start: u.position for u in find_updates(paras, published=published)}
            runs[j] = (k, positions.get(j, "inline"))
        j = k
    return runs


def _body_changes(al: Alignment, new_paras, new_index, old_index, published):
    """Records for the body, plus (main block kind, its added text) if an update was added."""
    changes: list[Change] = []
    block_runs = _added_runs(al.new_status, al.old_status, new_paras, published)
    main_block = None  # (kind, text)
    covered: set[int] = set()
    for start, (end, position) in sorted(block_runs.items()):
        covered.update(range(start, end))
        run_kinds = []
        for b_start, b_end, marker in _split_blocks(start, end, new_paras):
            marker_kind = marker.kind if marker else None
            kind = _MARKER_RECORD.get(marker_kind) if marker_kind else None
            if kind is None:
                if position == "inline":  # an update inside the story: added paragraphs that say so
                    for k in range(b_start, b_end):
                        detail = {} if k > b_start or marker is None else {
                            "position": position, "marker": marker.marker,
                            "update_kind": marker_kind,
                            "stated_time": marker_time(marker, published)}
                        changes.append(Change("paragraph_added", None, new_paras[k],
                                              new_index[k], detail))
                    continue
                kind = "appended_update" if position == "appended" else "prepended_update"
            text = "\n\n".join(new_paras[b_start:b_end])
            detail = {
                "position": position,
                "end": new_index[b_end - 1] + 1,
                "marker": marker.marker if marker else None,
                "update_kind": marker_kind,
                "stated_time": marker_time(marker, published) if marker else None,
            }
            changes.append(Change(kind, None, text, new_index[b_start], detail))
            run_kinds.append(kind)
        if run_kinds:
            best = min(run_kinds, key=PRIORITY.index)
            text = "\n\n".join(new_paras[start:end])
            if main_block is None or PRIORITY.index(best) < PRIORITY.index(main_block[0]):
                main_block = (best, text)

    in_update = None  # new paragraph -> kind of the update block it belongs to
    for row in al.rows:
        if row.level == "sentence":
            detail = {"op": row.op, "old_paragraph": old_index[row.old_index]}
            if row.old_text and row.new_text:
                detail.update(_word_delta(row.old_text, row.new_text))
            if in_update is None:
                in_update = {k: u.kind for u in find_updates(new_paras, published=published)
                             for k in range(u.start, u.end)}
            if row.new_index in in_update:  # an update reworded or extended, not the story
                detail["in_update"] = in_update[row.new_index]
            changes.append(Change("sentence_edit", row.old_text, row.new_text, new_index[row.new_index], detail))
        elif row.op == "added" and row.new_index not in covered:
            changes.append(Change("paragraph_added", None, row.new_text, new_index[row.new_index], {}))
        elif row.op == "removed":
            oi = old_index[row.old_index]
            changes.append(Change("paragraph_removed", row.old_text, None, oi, {"old_index": oi}))
        elif row.op == "moved":
            oi = old_index[row.old_index]
            changes.append(Change("paragraph_moved", row.old_text, row.new_text, new_index[row.new_index], {"old_index": oi}))
    return changes, main_block


def _remap_rows(rows, old_index, new_index):
    for r in rows:
        if r.old_index is not None:
            r.old_index = old_index[r.old_index]
        if r.new_index is not None:
            r.new_index = new_index[r.new_index]
    return rows


def compare(old, new) -> Comparison:
    """Compare two Article-like versions (`old` may be None for the first capture)."""
    if old is None:
        return Comparison(kind="first")
    old_paras, old_index = _paragraphs(old)
    new_paras, new_index = _paragraphs(new)
    published = getattr(new, "published", None) or getattr(old, "published", None)

    changes: list[Change] = []
    headline = _headline_changes(old, new)
    changes.extend(headline)
    changes.extend(_byline_change(old, new))

    al = align(old_paras, new_paras)
    body, main_block = _body_changes(al, new_paras, new_index, old_index, published)
    changes.extend(body)

    story_changed = bool(headline) or bool(al.rows)
    om, nm = _when(getattr(old, "modified", None)), _when(getattr(new, "modified", None))
    old_mod, new_mod = getattr(old, "modified", None), getattr(new, "modified", None)
    # a declared time that vanishes is an extraction or template gap, not a re-dating
    if om != nm and nm is not None and not story_changed:
        changes.append(Change("redated", old_mod, new_mod, None, {}))
    elif story_changed and om is not None and om == nm:
        changes.append(Change("silent_edit", old_mod, new_mod, None, {}))

    kinds = {c.kind for c in changes}
    added_text = main_block[1] if main_block is not None else None
    kind = next((k for k in PRIORITY if k in kinds), "unchanged")
    return Comparison(kind=kind, changes=changes, added_text=added_text,
                      alignment=_remap_rows(al.rows, old_index, new_index))
