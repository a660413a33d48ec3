"""Defensive text normalisation, so that Unicode form and whitespace never count as a change.

Callers normally pass text already cleaned by `archiver.normalize`, but change detection must
not depend on that: a re-capture that differs only in NFD vs NFC or in spacing is the same story.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
_SPACE = re.compile(r"\s+")


def norm(text: str | None) -> str:
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return _SPACE.sub(" ", text).strip()


def norm_paragraphs(paragraphs) -> list[str]:
    out = []
    for p in paragraphs or ():
        p = norm(p)
        if p:
            out.append(p)
    return out


def words(text: str) -> list[str]:
    return text.split()
