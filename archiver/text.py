"""The one text normalizer: what every layer (extraction, hashing, change detection) calls text.

A story must read and hash the same however the page happened to serve it, and no page may
put terminal control sequences into what `archiver show` prints. So text is NFC, without
invisible formatting characters, without C0/C1 control characters (a whole ANSI escape
sequence goes at once, not only its ESC), with every whitespace run, line breaks included,
collapsed to one space.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width and formatting characters that render as nothing but change hashes.
INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
# C0 and C1 control characters that are not whitespace (tab, line breaks, NEL are whitespace
# and become a space below).
CONTROL_CHARS = "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if not chr(c).isspace())
# ANSI escape sequences: CSI ("ESC [ 31 m", or the one-character C1 CSI), OSC ("ESC ] 0;title
# BEL", only when it is terminated, so a stray one never swallows the text after it), and the
# two-character ones ("ESC c").
_ESCAPES = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
                      r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]{0,512}(?:\x07|\x1b\\|\x9c)"
                      r"|\x1b[ -~]?")
_UNWANTED = re.compile(f"[{re.escape(INVISIBLE_CHARS + CONTROL_CHARS)}]")


def clean_text(text: str | None) -> str:
    """NFC, no control or invisible characters, single spaces, no surrounding whitespace.

    The hot path of every comparison, so it only does the work a text needs: most are
    printable (no control, invisible or non-space whitespace character) and already NFC."""
    if not text:
        return ""
    if text.isprintable():  # (no whitespace but " " then: it only has runs or ends to lose)
        if "  " not in text and text[0] != " " and text[-1] != " " and (
                text.isascii() or unicodedata.is_normalized("NFC", text)):
            return text  # clean already, as most texts are when cleaned again downstream
    elif _UNWANTED.search(text):  # most only hold a line break or NBSP
        if "\x1b" in text or "\x9b" in text or "\x9d" in text:
            text = _ESCAPES.sub("", text)
        text = _UNWANTED.sub("", text)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())
