"""Sentence splitting good enough for diffing news prose.

A boundary is end punctuation, optional closing quotes/brackets, whitespace, then something
that can open a sentence. Abbreviations are the hard part: titles ("Mr.", "Dr.") and initials
never end a sentence, "e.g."/"z.B." never do, dotted acronyms ("U.S.", "p.m.") only do when
the next word is a typical sentence opener ("... in the U.S. The growth ..."), and "Jan. 5" /
"24. April" are dates, not boundaries.
"""

from __future__ import annotations

import re

from archiver.datewords import MONTHS

_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+")
_OPENER = re.compile(r"[\"'“‘«(\[¿¡]*(\w)")
_TITLES = frozenset(
    ["mr", "mrs", "ms", "dr", "prof", "st", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "hon", "rev", "fr", "mt", "ft", "no", "nr", "vs", "hr", "fr", "frau", "herr", "mme", "mlle", "sr", "sra", "srta", "dra", "ing", "dipl", "bzw", "ca", "vgl", "etc", "approx", "dept", "est", "fig", "jr", "sr"]
)
_NEVER = frozenset(["e.g.", "i.e.", "z.b.", "d.h.", "u.a.", "bzw.", "vs.", "etc.", "cf.", "ca.", "sog.", "usw.", "p.ej."])
_STARTERS = frozenset(
    ["the", "a", "an", "it", "its", "in", "on", "at", "this", "that", "these", "those", "he", "she", "they", "we", "i", "you", "but", "and", "or", "so", "yet", "however", "meanwhile", "still", "now", "then", "there", "here", "his", "her", "their", "our", "my", "as", "if", "when", "while", "after", "before", "since", "for", "with", "what", "who", "why", "how", "der", "die", "das", "es", "er", "sie", "wir", "ich", "aber", "und", "doch", "le", "la", "les", "il", "elle", "ils", "nous", "mais", "et", "el", "los", "las", "ella", "ellos", "pero", "y"]
)
_ACRONYM = re.compile(r"^(?:[A-Za-z]\.){2,}$")


def _is_boundary(text: str, start: int, end: int) -> bool:
    punct = text[start:end].rstrip()
    nxt = _OPENER.match(text, end)
    if not nxt or not (nxt.group(1).isupper() or nxt.group(1).isdigit()):
        return False
    if not punct.startswith("."):
        return True
    if len(punct.rstrip("\"'”’»)]")) > 1 and punct.startswith("..."):
        return True
    word_start = text.rfind(" ", 0, start) + 1
    word = text[word_start:start + 1].lstrip("\"'“‘«([")  # includes the first period
    bare = word.rstrip(".").lower()
    next_word = re.match(r"[\"'“‘«(\[]*([^\s]+)", text[end:])
    following = next_word.group(1).strip(".,;:\"'”’").lower() if next_word else ""
    if word.lower() in _NEVER:
        return False
    if bare in _TITLES and punct == ".":
        return False
    if len(bare) == 1 and bare.isalpha():
        return False  # an initial: "J. Smith"
    if (bare in MONTHS or bare.isdigit()) and (following[:1].isdigit() or following in MONTHS):
        return False  # "Jan. 5", "24. April"
    if _ACRONYM.match(word) or word.lower().rstrip(".") in ("inc", "corp", "ltd", "co", "bros"):
        return following in _STARTERS
    return True


def split_sentences(text: str) -> list[str]:
    """Split `text` into sentences; joining them with single spaces gives `text` back."""
    out = []
    pos = 0
    for m in _BOUNDARY.finditer(text):
        if _is_boundary(text, m.start(), m.end()):
            piece = text[pos:m.end()].strip()
            if piece:
                out.append(piece)
            pos = m.end()
    tail = text[pos:].strip()
    if tail:
        out.append(tail)
    return out
