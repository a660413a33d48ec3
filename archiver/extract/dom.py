"""Bytes to an lxml tree: charset decoding and a parser that never gives up.

Decoding follows what browsers and real pages need: a BOM wins; bytes that are valid UTF-8
are UTF-8 (pages often declare latin-1 while serving UTF-8); otherwise the declared
<meta charset>; otherwise cp1252, which decodes any byte. Parsing uses libxml2's HTML parser
with `huge_tree`, because without it libxml2 silently drops everything after nesting
depth 256, which loses whole articles on deeply nested pages.
"""

from __future__ import annotations

import codecs
import re
import threading

from lxml import etree

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
# WHATWG: these labels mean windows-1252 in practice.
_CP1252_ALIASES = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii",
                   "iso_8859-1", "cp819", "windows-1252", "cp1252"}

_local = threading.local()


def _parser() -> etree.HTMLParser:
    """One parser per thread: lxml parser objects are not meant to be shared across threads."""
    p = getattr(_local, "parser", None)
    if p is None:
        p = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                             huge_tree=True, no_network=True, recover=True,
                             default_doctype=False)
        _local.parser = p
    return p


def declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:8192])
    if not m:
        return None
    label = m.group(1).decode("ascii", "ignore").lower()
    if label in _CP1252_ALIASES:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode(data: bytes) -> str:
    """Decode page bytes to text; never raises."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace")
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    enc = declared_charset(data)
    if enc and enc not in ("utf-8", "utf-16", "utf-16-le", "utf-16-be"):
        try:
            return data.decode(enc, "replace")
        except (LookupError, ValueError):
            pass
    return data.decode("cp1252", "replace")


def parse(html: str | bytes):
    """Parse to the root element, or None when there is nothing to parse."""
    if isinstance(html, (bytes, bytearray, memoryview)):
        text = decode(bytes(html))
    elif isinstance(html, str):
        text = html
    else:
        return None
    if not text or text.isspace():
        return None
    if text.startswith("<?xml") or text.lstrip().startswith("<?xml"):
        text = _XML_DECL.sub("", text, count=1)
    data = text.replace("\x00", "").encode("utf-8", "replace")
    try:
        root = etree.fromstring(data, _parser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    return root
