"""Author names: from JSON-LD, then meta tags, then rel=author / itemprop=author markup.

A byline is written for people ("By Ana Silva and Bob Jones, Staff Writers | 5 min read"):
only the names are kept, without "By", job titles, handles, e-mail addresses or reading times.
"""

from __future__ import annotations

import re

from archiver.extract.metadata.jsonld import text_of
from archiver.text import clean_text

# Caps: a byline longer than MAX_BYLINE characters is not a byline (a paragraph, a bio); a
# name is shorter than MAX_NAME; a page names at most MAX_AUTHORS authors.
MAX_BYLINE = 200
MAX_NAME = 80
MAX_AUTHORS = 10

_META_KEYS = ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author",
              "byl", "dcterms.creator", "twitter:creator")
# "By" in its languages; "di"/"de" only in lower case ("Di Maria", "De Jong" are names).
_BY = re.compile(r"^(?:(?i:(?:written|posted|reported|words|text|story|photos?|published)\s+by|"
                 r"by|von|par|por|door|av|af|från|przez|od|autor(?:in)?|text)|di|de)\s*[:\-]?\s+")
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\||·|•|\s/\s|\s[-–—]\s|\band\b|\bund\b|\bet\b|\by\b|&|"
                           r"\bi\b|\be\b)\s*", re.I)
_PARENS = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_HANDLE_OR_MAIL = re.compile(r"\S*@\S*")
# A part that is only a job title ("Staff Writer", "Senior Tech Reporter") is not a name.
_ROLE = re.compile(r"\b(?:writer|reporter|editor|correspondent|contributor|columnist|"
                   r"journalist|photographer|producer|analyst|intern|redakteur(?:in)?|"
                   r"rédact(?:eur|rice)|redactor|periodista|journaliste)s?\b", re.I)
_LEAD_BY = re.compile(r"^\w+\s+by\s+", re.I)  # "Analysis by", "Commentary by"
_FILE_OR_HOST = re.compile(r"^\S+[./]\S+$")  # "humans.txt", "example.com", "/people/x"
_NOT_NAME = re.compile(r"\d|\bmin(?:ute)?s? read\b|\bupdated\b|\bpublished\b", re.I)


def authors(root, meta: dict[str, str], ld: dict) -> list[str]:
    """The page's author names, first source that gives any, without duplicates."""
    names = _declared(ld.get("author")) if ld.get("author") else []
    if not names:
        for key in _META_KEYS:
            if meta.get(key):
                names = split_authors(meta[key])
                if key == "twitter:creator":
                    names = [a for a in names if not a.startswith("@")]
                if names:
                    break
    if not names:
        # (`//*[@itemprop="author"]`, found the faster way: see dates._first)
        for el in root.xpath('//@itemprop[.="author"]/.. | //@rel[.="author"]/..')[:5]:
            name = el.get("content") or (el.xpath('string(.//*[@itemprop="name"])') or "").strip() \
                or "".join(el.itertext())
            names.extend(split_authors(name))
    return _dedupe(names)[:MAX_AUTHORS]


def split_authors(s: str) -> list[str]:
    """Names from a byline or author field: "By Ana Silva and Bob Jones, Staff Writers |
    5 min read" -> ["Ana Silva", "Bob Jones"]."""
    if not isinstance(s, str):
        return []
    lines = [clean_text(x) for x in s.splitlines()]
    s = " | ".join(x for x in lines if x)
    if not s or s.startswith(("http://", "https://", "www.")) or len(s) > MAX_BYLINE:
        return []
    s = _PARENS.sub("", s)
    parts = _AUTHOR_SPLIT.split(s) if len(s) > 3 else [s]
    out = []
    for p in parts:
        p = _HANDLE_OR_MAIL.sub("", p)
        p = p.strip(" .,:;·|-–—")
        p = _BY.sub("", _LEAD_BY.sub("", p)).strip(" .,:;·|-–—")
        if not p or len(p) >= MAX_NAME or p.startswith("http") or _NOT_NAME.search(p):
            continue
        if _ROLE.search(p) or _FILE_OR_HOST.match(p):
            continue
        if p.isupper() and len(p) > 3:
            p = p.title()
        out.append(p)
    return out


def _declared(value) -> list[str]:
    """Names from a JSON-LD author value: a string, a Person, or a list of either."""
    out: list[str] = []
    for item in (value if isinstance(value, list) else [value])[:20]:
        name = text_of(item.get("name")) if isinstance(item, dict) else text_of(item)
        if name:
            out.extend(split_authors(name))
    return out


def _dedupe(names: list[str]) -> list[str]:
    seen, out = set(), []
    for n in names:
        k = n.casefold()
        if k not in seen:
            seen.add(k)
            out.append(n)
    return out
