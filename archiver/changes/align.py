"""Old/new alignment at paragraph level, refined to sentences inside edited paragraphs.

difflib's SequenceMatcher on whole paragraphs finds the unchanged skeleton cheaply (paragraphs
hash as strings). What it reports as replaced is then sorted out: an identical paragraph that
shows up elsewhere is "moved"; a removed/added pair whose word-level similarity clears
PARA_THRESHOLD is one paragraph "changed" (a typo fix must not look like delete + insert);
the rest really were removed or added. Changed paragraphs get the same treatment per sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from archiver.changes.models import AlignRow
from archiver.changes.sentences import split_sentences

PARA_THRESHOLD = 0.5
SENT_THRESHOLD = 0.4
_MAX_PAIRING = 400  # candidate pairs per replaced block before we stop looking for edits


_WORD = re.compile(r"\w+")


def similarity(a: str, b: str, floor: float = 0.0) -> float:
    """Word-level similarity in [0, 1]; returns 0.0 early when it cannot reach `floor`.

    Words are compared without punctuation or case, so "hit." and "hit by far." share a word.
    """
    if a == b:
        return 1.0
    wa, wb = _WORD.findall(a.lower()), _WORD.findall(b.lower())
    la, lb = len(wa), len(wb)
    if not la or not lb or 2.0 * min(la, lb) / (la + lb) < floor:
        return 0.0
    sm = SequenceMatcher(None, wa, wb, autojunk=False)
    if sm.quick_ratio() < floor:
        return 0.0
    return sm.ratio()


def _pair(old: list[str], new: list[str], olds: list[int], news: list[int], threshold: float):
    """Monotonic best-first pairing of similar items between two index lists."""
    if not olds or not news or len(olds) * len(news) > _MAX_PAIRING:
        return []
    cands = []
    for i in olds:
        for j in news:
            s = similarity(old[i], new[j], threshold)
            if s >= threshold:
                cands.append((s, -abs((i - olds[0]) - (j - news[0])), i, j))
    cands.sort(reverse=True)
    pairs: list[tuple[int, int]] = []
    for _, _, i, j in cands:
        if any(i == a or j == b or (i < a) != (j < b) for a, b in pairs):
            continue
        pairs.append((i, j))
    pairs.sort()
    return pairs


@dataclass
class Alignment:
    rows: list[AlignRow] = field(default_factory=list)
    new_status: list[str] = field(default_factory=list)  # equal|changed|moved|added per new paragraph
    old_status: list[str] = field(default_factory=list)  # equal|changed|moved|removed per old paragraph


def _same_words(a: list[str], b: list[str]) -> bool:
    return " ".join(a) == " ".join(b)


def _regroup(old: list[str], new: list[str], i1: int, i2: int, j1: int, j2: int):
    """Trim paragraphs that were only split or merged (same words) off both ends of a block.

    A page re-rendered with one paragraph broken in two is not an edit, and the tail of a
    split last paragraph must not pass for an appended update.
    """
    def step(forward):
        for ka in (1, 2, 3):
            for kb in (1, 2, 3):
                if (ka, kb) == (1, 1) or ka > i2 - i1 or kb > j2 - j1:
                    continue
                if forward:
                    if _same_words(old[i1:i1 + ka], new[j1:j1 + kb]):
                        return ka, kb
                elif _same_words(old[i2 - ka:i2], new[j2 - kb:j2]):
                    return ka, kb
        return None

    while i1 < i2 and j1 < j2 and (old[i1].startswith(new[j1]) or new[j1].startswith(old[i1])):
        found = step(True)
        if not found:
            break
        i1, j1 = i1 + found[0], j1 + found[1]
    while i1 < i2 and j1 < j2 and (old[i2 - 1].endswith(new[j2 - 1])
                                   or new[j2 - 1].endswith(old[i2 - 1])):
        found = step(False)
        if not found:
            break
        i2, j2 = i2 - found[0], j2 - found[1]
    return i1, i2, j1, j2


def _diff_items(old: list[str], new: list[str], threshold: float, regroup: bool = False):
    """Yield (op, old_index, new_index) for non-equal items, in document order."""
    sm = SequenceMatcher(None, old, new, autojunk=False)
    blocks = [op for op in sm.get_opcodes() if op[0] != "equal"]
    if regroup:
        blocks = [(tag, *_regroup(old, new, i1, i2, j1, j2)) if tag == "replace"
                  else (tag, i1, i2, j1, j2) for tag, i1, i2, j1, j2 in blocks]
        blocks = [b for b in blocks if b[2] > b[1] or b[4] > b[3]]
    if not blocks:
        return []
    # identical text removed in one place and added in another: a move
    pool: dict[str, list[int]] = {}
    for _, i1, i2, _, _ in blocks:
        for i in range(i1, i2):
            pool.setdefault(old[i], []).append(i)
    moved_new: dict[int, int] = {}
    moved_old: set[int] = set()
    for _, _, _, j1, j2 in blocks:
        for j in range(j1, j2):
            cand = pool.get(new[j])
            if cand:
                i = cand.pop(0)
                moved_new[j] = i
                moved_old.add(i)
    out = []
    for _, i1, i2, j1, j2 in blocks:
        olds = [i for i in range(i1, i2) if i not in moved_old]
        news = [j for j in range(j1, j2) if j not in moved_new]
        pairs = _pair(old, new, olds, news, threshold)
        paired_old = {i for i, _ in pairs}
        paired_new = {j for _, j in pairs}
        # document order: walk both sides, emitting removals before the pair/addition they precede
        events = []
        for i in olds:
            if i not in paired_old:
                events.append(((i - i1), 0, ("removed", i, None)))
        for i, j in pairs:
            events.append(((i - i1), 1, ("changed", i, j)))
        for j in range(j1, j2):
            if j in moved_new:
                events.append(((j - j1), 2, ("moved", moved_new[j], j)))
            elif j not in paired_new:
                events.append(((j - j1), 2, ("added", None, j)))
        events.sort(key=lambda e: (e[0], e[1]))
        out.extend(e[2] for e in events)
    return out


def align(old: list[str], new: list[str]) -> Alignment:
    """Align two lists of normalised paragraphs."""
    result = Alignment(new_status=["equal"] * len(new), old_status=["equal"] * len(old))
    if old == new:
        return result
    for op, i, j in _diff_items(old, new, PARA_THRESHOLD, regroup=True):
        if op == "removed":
            result.old_status[i] = "removed"
            result.rows.append(AlignRow("paragraph", "removed", i, None, old[i], None))
        elif op == "added":
            result.new_status[j] = "added"
            result.rows.append(AlignRow("paragraph", "added", None, j, None, new[j]))
        elif op == "moved":
            result.old_status[i] = result.new_status[j] = "moved"
            result.rows.append(AlignRow("paragraph", "moved", i, j, old[i], new[j]))
        else:
            result.old_status[i] = result.new_status[j] = "changed"
            result.rows.append(AlignRow("paragraph", "changed", i, j, old[i], new[j]))
            result.rows.extend(sentence_rows(old[i], new[j], i, j))
    return result


def sentence_rows(old_text: str, new_text: str, i: int, j: int) -> list[AlignRow]:
    """Sentence-level rows for one changed paragraph pair; indices are the paragraphs'."""
    a, b = split_sentences(old_text), split_sentences(new_text)
    rows = []
    for op, si, sj in _diff_items(a, b, SENT_THRESHOLD):
        rows.append(
            AlignRow(
                "sentence",
                op,
                i,
                j,
                a[si] if si is not None else None,
                b[sj] if sj is not None else None,
            )
        )
    if not rows:  # only the split changed (e.g. punctuation merged two sentences)
        rows.append(AlignRow("sentence", "changed", i, j, old_text, new_text))
    return rows
