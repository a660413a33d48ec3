"""Recognise the label that opens an update, correction, clarification or editor's note.

A marker is a known label ("Update", "Korrektur", "Mise à jour", ...) at the very start of a
paragraph (optionally in bold or brackets), optionally followed by a short qualifier made only
of dates, times, numbers and zone names ("2", "(7:02 p.m.)", ", April 24th, 7:02PM ET"), and
then a colon or dash -- or nothing at all when the marker is the whole paragraph. Requiring the
qualifier to be date-like is what keeps prose such as "Update to iOS 18: what's new" or "Apple
will update its ..." from firing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archiver.changes.stated_time import WORDS as _TIME_WORDS
from archiver.changes.stated_time import parse_stated_time
from archiver.datewords import JOINERS
from archiver.text import clean_text

# label regex -> (kind, language). Order matters only for readability; the regex alternation
# below is built longest-first so "Update (Nachtrag)" and "Editor's note" win over prefixes.
_LABELS: list[tuple[str, str, str]] = [
    # English
    (r"updated", "update", "en"),
    (r"updates?", "update", "en"),
    (r"edit", "update", "en"),
    (r"corrections?", "correction", "en"),
    (r"corrected", "correction", "en"),
    (r"clarifications?", "clarification", "en"),
    (r"editors?['’]?s?\s+notes?", "editors_note", "en"),
    (r"ed\.?\s*notes?", "editors_note", "en"),
    (r"notes?\s+from\s+the\s+editors?", "editors_note", "en"),
    (r"note\s+to\s+readers", "editors_note", "en"),
    # German
    (r"nachtrag", "update", "de"),
    (r"aktualisierung", "update", "de"),
    (r"aktualisiert", "update", "de"),
    (r"korrektur", "correction", "de"),
    (r"berichtigung", "correction", "de"),
    (r"richtigstellung", "correction", "de"),
    (r"klarstellung", "clarification", "de"),
    (r"anmerkung\s+der\s+redaktion", "editors_note", "de"),
    (r"hinweis\s+der\s+redaktion", "editors_note", "de"),
    (r"anm\.\s*d\.\s*red\.?", "editors_note", "de"),
    # French
    (r"mise\s+[àa]\s+jour", "update", "fr"),
    (r"m[àa]j", "update", "fr"),
    (r"actualisation", "update", "fr"),
    (r"rectificatif", "correction", "fr"),
    (r"correctif", "correction", "fr"),
    (r"erratum", "correction", "fr"),
    (r"pr[ée]cision", "clarification", "fr"),
    (r"note\s+de\s+la\s+r[ée]daction", "editors_note", "fr"),
    (r"n\.?\s?d\.?\s?l\.?\s?r\.?", "editors_note", "fr"),
    # Spanish
    (r"actualizaci[óo]n", "update", "es"),
    (r"actualizad[oa]", "update", "es"),
    (r"correcci[óo]n", "correction", "es"),
    (r"fe\s+de\s+erratas", "correction", "es"),
    (r"rectificaci[óo]n", "correction", "es"),
    (r"aclaraci[óo]n", "clarification", "es"),
    (r"nota\s+del?\s+(?:editor|redactor|la\s+redacci[óo]n)", "editors_note", "es"),
    (r"nota\s+de\s+los\s+editores", "editors_note", "es"),
]

_LABEL_RES = [(re.compile(rf"(?:{pat})$", re.IGNORECASE), kind, lang) for pat, kind, lang in _LABELS]
_ANY_LABEL = "|".join(f"(?:{pat})" for pat, _, _ in sorted(_LABELS, key=lambda t: -len(t[0])))

# opener (bold/italic/bracket) + label + qualifier + optional closing markup + separator
_MARKER = re.compile(
    rf"""^(?P<open>[\s*_\[(]*)
         (?P<label>{_ANY_LABEL})\b
         (?P<qual>(?:[^:\n—–]|(?<=\d):(?=\d\d)){{0,80}}?)
         (?P<close>[\s*_]*)
         (?P<sep>(?<!\d):|:(?!\d\d)|\s[—–-]\s|—|–|$)
         (?P<after>[\s*_\])]*)""",
    re.IGNORECASE | re.VERBOSE,
)

# Words allowed in the qualifier besides labels: dates, times, zones and small connectives
# (the date vocabulary's, and "as of", "No. 2", "2nd", "local time").
_QUAL_WORDS = _TIME_WORDS | JOINERS | {
    "as", "and", "und", "et", "y", "st", "nd", "rd", "th", "er", "o", "no", "nr", "n", "time",
    "local",
}
# after a dash: a short run containing a digit, up to the colon that ends the marker
_LATE_QUALIFIER = re.compile(
    r"((?=[^:]*\d)(?:[^:\n]|(?<=\d):(?=\d\d)){1,40}?)(?:(?<!\d):|:(?!\d\d))\s*")
_ALPHA = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@dataclass(frozen=True)
class Marker:
    kind: str  # update | correction | editors_note | clarification
    language: str
    marker: str  # the marker as written, without markup: "UPDATE (7:02 p.m.):"
    qualifier: str
    only: bool  # the marker is the whole paragraph ("Update:" on a line of its own)


def _label_info(label: str) -> tuple[str, str]:
    label = " ".join(label.split())
    for rx, kind, lang in _LABEL_RES:
        if rx.match(label):
            return kind, lang
    return "update", "en"  # unreachable: the label came from the same alternation


def _qualifier_ok(qual: str) -> bool:
    if not qual.strip():
        return True
    if qual[:1].isalnum():  # "Updates" must not be read as "Update" + "s"
        return False
    stripped = re.sub(rf"\b(?:{_ANY_LABEL})\b", " ", qual, flags=re.IGNORECASE)
    return all(word.lower() in _QUAL_WORDS for word in _ALPHA.findall(stripped))


_OPENS = re.compile(rf"[\s*_\[(]*(?:{_ANY_LABEL})\b", re.IGNORECASE)


def opens_with_label(text: str) -> bool:
    """A cheap first test: does `text` start with a marker label at all?"""
    return _OPENS.match(text) is not None


def detect_marker(paragraph: str) -> Marker | None:
    """The marker opening `paragraph`, or None when it is ordinary prose."""
    text = clean_text(paragraph)
    if not text or len(text) < 3:
        return None
    m = _MARKER.match(text)
    if not m:
        return None
    qual = m.group("qual")
    if not _qualifier_ok(qual):
        return None
    sep = m.group("sep")
    rest = text[m.end():].strip()
    if sep == "" and rest:  # no separator: only valid when the marker is the whole paragraph
        return None
    if sep.strip() in "—–-" and sep.strip() and not rest:
        return None
    if sep.strip() in "—–-" and sep.strip():
        # "Update — 3:40 p.m. ET: text": the qualifier comes after the dash
        late = _LATE_QUALIFIER.match(rest)
        if late and _qualifier_ok(" " + late.group(1)):
            qual = f"{qual} {sep.strip()} {late.group(1)}"
            sep, rest = ":", rest[late.end():].strip()
    kind, lang = _label_info(m.group("label"))
    raw = (m.group("label") + qual).strip(" *_")
    written = raw + (":" if sep == ":" else "")
    if sep == ":" and text[m.start("sep") - 1 : m.start("sep")] == " " and lang == "fr":
        written = raw + " :"
    return Marker(kind=kind, language=lang, marker=written, qualifier=qual.strip(" ,()[]*_—–-"),
                  only=not rest)


def marker_time(marker: Marker, published: str | None) -> str | None:
    """The time a marker states, as ISO 8601, or None."""
    if not marker.qualifier:
        return None
    return parse_stated_time(marker.qualifier, language=marker.language, published=published)
