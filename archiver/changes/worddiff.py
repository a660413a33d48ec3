"""Word-level diff of two texts, for people reading a change in a terminal.

difflib matches the word sequences only; the whitespace between words is carried along from
the texts (the new one where it has the words, the old one for removed words), so paragraph
breaks survive and whitespace-only differences never show up, just as the archive never
counts them as a change.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

_WORD = re.compile(r"\S+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """[(op, text)] with op in equal|removed|added, in reading order.

    Joining the equal and added texts gives `new` (up to its leading/trailing whitespace).
    """
    old, new = old or "", new or ""
    a, b = list(_WORD.finditer(old)), list(_WORD.finditer(new))
    out: list[tuple[str, str]] = []

    def emit(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))

    done = 0  # position in `new` up to which everything has been emitted
    matcher = SequenceMatcher(None, [m.group() for m in a], [m.group() for m in b],
                              autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        gap = new[done:b[j1].start()] if j2 > j1 else ""
        if tag == "equal":
            if not gap and out and out[-1][0] == "removed" and i1 > 0:
                gap = old[a[i1 - 1].end():a[i1].start()]  # "[-B-] C", not "[-B-]C"
            emit("equal", gap + new[b[j1].start():b[j2 - 1].end()])
            done = b[j2 - 1].end()
            continue
        if i2 > i1:
            if gap:
                emit("equal", gap)
                gap = ""
            elif out and i1 > 0:  # keep the old separator before removed words
                emit("equal", old[a[i1 - 1].end():a[i1].start()])
            emit("removed", old[a[i1].start():a[i2 - 1].end()])
        if j2 > j1:
            emit("equal", gap)
            emit("added", new[b[j1].start():b[j2 - 1].end()])
            done = b[j2 - 1].end()
    return out
