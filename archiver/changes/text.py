"""Defensive text normalisation, so that Unicode form and whitespace never count as a change.

Callers normally pass text already cleaned by `archiver.normalize`, but change detection must
not depend on that: a re-capture that differs only in NFD vs NFC or in spacing is the same story.
"""

from __future__ import annotations

import re
import unicodedata

from archiver.normalize import INVISIBLE_CHARS

_INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")


def norm(text: str | None) -> str:
    """NFC, no invisible characters, single spaces. The hot path of every comparison, so it
    only does the work a given text needs (most paragraphs are already clean)."""
    if not text:
        return ""
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        if _INVISIBLE.search(text):
            text = _INVISIBLE.sub("", text)
    return " ".join(text.split())
