"""Word-level diff of two texts, for people reading a change in a terminal.

Tokens are words and the whitespace between them, so the output keeps paragraph breaks;
difflib does the matching. Whitespace-only differences are shown as equal, because the
archive never treats them as a change.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

_TOKEN = re.compile(r"\s+|\S+")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def _key(token: str) -> str:
    if token.isspace():
        return "\n\n" if "\n\n" in token else " "
    return token


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """[(op, text)] with op in equal|removed|added; joining equal+added texts gives `new`."""
    a, b = _tokens(old), _tokens(new)
    ka, kb = [_key(t) for t in a], [_key(t) for t in b]
    out: list[tuple[str, str]] = []

    def emit(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))

    for tag, i1, i2, j1, j2 in SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
        if tag == "equal":
            emit("equal", "".join(b[j1:j2]))
            continue
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        # keep the whitespace around a changed run outside the markers
        core_r, core_a = removed.strip(), added.strip()
        lead = added[: len(added) - len(added.lstrip())] if core_a else removed[: len(removed) - len(removed.lstrip())]
        trail = added[len(added.rstrip()):] if core_a else removed[len(removed.rstrip()):]
        emit("equal", lead)
        emit("removed", core_r)
        emit("added", core_a)
        emit("equal", trail)
    return out

