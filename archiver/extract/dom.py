"""Bytes to an lxml tree: charset decoding and a parser that never gives up.

Decoding follows what browsers and real pages need: a BOM wins; bytes that are valid UTF-8
are UTF-8 (pages often declare latin-1 while serving UTF-8); otherwise the charset the HTTP
Content-Type header declared (`declared=`); otherwise the <meta charset>; otherwise cp1252,
which decodes any byte. Parsing uses libxml2's HTML parser
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

# Container tags that nest: with thousands of them open (unclosed <div>/<font> from a broken
# CMS, or a hostile page) libxml2 stops at depth 2048 and drops the rest of the page. The
# fallback parse flattens them: block containers become paragraph breaks, inline ones vanish.
_NESTING_BLOCK = re.compile(
    r"</?(?:div|section|article|main|center|table|tbody|thead|tfoot|tr|td|th|ul|ol|li|dl|dd|dt|"
    r"blockquote|form)\b[^>]*>", re.I)
_NESTING_INLINE = re.compile(r"</?(?:span|font|b|i|u|em|strong|small|big|sup|sub|s|strike|"
                             r"mark|abbr|cite|q|code|tt|var|kbd|samp|ins|del)\b[^>]*>", re.I)

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


def charset_name(label: str | bytes | None) -> str | None:
    """The Python codec for a charset label ("Windows-1251", "latin1", ...), or None."""
    if isinstance(label, (bytes, bytearray)):
        label = bytes(label).decode("ascii", "ignore")
    if not label:
        return None
    label = label.strip().strip("\"'").strip().lower()
    if label in _CP1252_ALIASES:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:8192])
    return charset_name(m.group(1)) if m else None


_WIDE = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be")


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode page bytes to text; never raises. `declared` is the charset the HTTP
    Content-Type header gave, if any: it outranks the page's own <meta charset>."""
    return _decode(data, declared)[0]


def _decode(data: bytes, declared: str | None) -> tuple[str, str]:
    """`decode`, and the codec it read the bytes with ("utf-8": strictly, so that `data`
    is exactly the UTF-8 of the text)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace"), "utf-8-sig"
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return data.decode("utf-16", "replace"), "utf-16"
    header = charset_name(declared)
    head = data[:4096]
    nuls = head.count(0)
    if header in ("utf-16-le", "utf-16-be") and nuls:
        return data.decode(header, "replace"), header
    if header == "utf-16" and nuls or len(head) >= 64 and nuls > len(head) // 3:
        # UTF-16 without a BOM: every other byte of ASCII markup is NUL. (A header that says
        # UTF-16 over a body without a single NUL is wrong: such a body is not UTF-16.)
        enc = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        return data.decode(enc, "replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for enc in (header, declared_charset(data)):
        if enc and enc != "utf-8" and enc not in _WIDE:
            try:
                return data.decode(enc, "replace"), enc
            except (LookupError, ValueError):
                pass
    return data.decode("cp1252", "replace"), "cp1252"


_CONTROL = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f\ufffd]")


def _binary(text: str) -> bool:
    """Not a text document: random bytes (an image or archive served as text/html) decode to
    ~10% control characters; real pages in any language have almost none."""
    sample = text[:8192]
    return len(_CONTROL.findall(sample)) > 0.05 * len(sample)


def parse(html: str | bytes, encoding: str | None = None):
    """Parse to the root element, or None when there is nothing to parse. `encoding` is the
    charset the HTTP header declared for bytes (see `decode`)."""
    utf8 = None  # the page's own bytes, when they are exactly the UTF-8 of `text`
    if isinstance(html, (bytes, bytearray, memoryview)):
        data = bytes(html)
        text, codec = _decode(data, encoding)
        if codec == "utf-8" and b"\x00" not in data:
            utf8 = data  # (most pages: libxml2 is given them as they came, not a copy)
    elif isinstance(html, str):
        text = html
    else:
        return None
    if utf8 is None:
        text = text.replace("\x00", "")
    if not text or text.isspace() or _binary(text):
        return None
    if text.startswith("<?xml") or text.lstrip().startswith("<?xml"):
        text = _XML_DECL.sub("", text, count=1)
        utf8 = None
    root = _parse_text(text, utf8)
    if root is not None and _too_deep():
        flat = _NESTING_INLINE.sub("", _NESTING_BLOCK.sub("<br><br>", text))
        flat_root = _parse_text(flat)
        if flat_root is not None:
            root = flat_root
    return root


def _parse_text(text: str, utf8: bytes | None = None):
    """The tree of `text`; `utf8`, when given, is its UTF-8 already."""
    try:
        return etree.fromstring(utf8 if utf8 is not None else text.encode("utf-8", "replace"),
                                _parser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


def _too_deep() -> bool:
    """Did the last parse stop at libxml2's nesting limit (and lose the rest of the page)?"""
    for e in _parser().error_log:
        if e.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in e.message:
            return True
    return False
