"""Turn a tree into text blocks (paragraphs) in reading order, skipping page furniture.

One streaming pass (lxml iterwalk, no recursion, so 10,000-deep nesting is fine) yields:
- blocks: the text between block-level boundaries, whitespace collapsed, with how much of it
  is link text; inline elements (a, em, span...) never split a block, <br><br> does;
- frames: one per block-level element, with the range of blocks it contains, so that any
  container's text and link density are O(1) sums later.
Furniture-looking class names are only *marked* here (Frame.neg), not removed: a WordPress
<article class="post tag-apple"> wraps the story, so whether "tag" means furniture depends on
where the story container turns out to be.
"""

from __future__ import annotations

import re
from itertools import dropwhile

from lxml import etree

from archiver.changes.markers import detect_marker, opens_with_label
from archiver.extract.boilerplate import INLINE_TAGS, SKIP_TAGS, classify_attrs, hidden
from archiver.text import clean_text

_BR = "\u2029"
_BR_SPLIT = re.compile(_BR + r"\s*" + _BR + r"[\s" + _BR + r"]*")
_PROTECTED_TAGS = frozenset({"html", "body", "main"})
# Skipped tags that publishers also use to box an update or correction note.
_NOTE_HOLDERS = frozenset({"aside", "footer", "header"})
# Class names that the social networks' own embed snippets put on their <blockquote>.
_EMBED = re.compile(r"\b(?:twitter-tweet|instagram-media|tiktok-embed|bluesky-embed|"
                    r"mastodon-embed|reddit-embed-bq|threads-post)\b", re.I)


# What an open element is, kept from its start event to its end event.
_INLINE, _LINK, _BLOCK, _SKIPPED, _IGNORED = range(5)


class Frame:
    """A block-level element: its blocks are blocks[start:end]; `cls` is its class
    attribute (read once here: scoring compares frames by it)."""

    __slots__ = ("el", "tag", "cls", "parent", "start", "end", "score", "children", "pos", "neg",
                 "negf", "depth", "card", "embed")

    def __init__(self, el, tag, cls, parent, start):
        self.el = el
        self.tag = tag
        self.cls = cls
        self.parent = parent
        self.start = start
        self.end = start
        self.score = 0.0
        self.children = []
        self.pos = False
        self.neg = False
        self.card = False
        self.embed = False
        # Nearest furniture-looking frame at or above this one (None: clean path to the top).
        self.negf = parent.negf if parent is not None else None
        self.depth = parent.depth + 1 if parent is not None else 0


class Block:
    __slots__ = ("text", "links", "frame", "tag", "heading", "negf")

    def __init__(self, text, links, frame):
        self.text = text
        self.links = links
        self.frame = frame
        self.negf = frame.negf
        self.tag = frame.tag
        self.heading = frame.tag in ("h1", "h2", "h3", "h4", "h5", "h6")


def walk(body, *, strip_boilerplate: bool = True, never_story_only: bool = False):
    """Return (blocks, root_frame). `strip_boilerplate=False`: no frame is marked as
    furniture; `never_story_only`: only boxes that are never story are (comments, related
    stories, sign-up boxes, footers, sidebars), not those whose class merely looks so."""
    blocks: list[Block] = []
    root = Frame(body, body.tag if isinstance(body.tag, str) else "", body.get("class"), None, 0)
    cur = root
    buf: list[str] = []
    link_chars = 0
    in_link = 0
    kinds: list[int] = []  # what each open element is (_INLINE, _LINK, _BLOCK...)

    def flush():
        nonlocal link_chars
        if not buf:
            return
        raw = "".join(buf)
        buf.clear()
        lc = link_chars
        link_chars = 0
        if raw.isspace():
            return
        if _BR in raw:
            parts = _BR_SPLIT.split(raw)
        else:
            parts = (raw,)
        rawlen = len(raw) or 1
        for part in parts:
            text = clean_text(part)
            if text:
                share = lc * len(part) / rawlen
                blocks.append(Block(text, min(len(text), share), cur))

    wrapper = _Wrappers(body)
    walker = etree.iterwalk(body, events=("start", "end"))
    next(walker)  # the body itself: its frame is `root`
    kinds.append(_BLOCK)
    if body.text:
        buf.append(body.text)
    for event, el in walker:
        if event == "start":
            tag = el.tag
            if not isinstance(tag, str):
                kinds.append(_IGNORED)
                continue
            attrib = el.attrib
            if (tag in SKIP_TAGS and not (tag == "header" and _big_header(el))
                    and not (tag in _NOTE_HOLDERS and _opens_with_note(el))) or \
                    (tag == "figure" and not _holds(el, "blockquote")) or \
                    (attrib and hidden(el)):
                if not wrapper(el):
                    walker.skip_subtree()
                    kinds.append(_SKIPPED)
                    continue
                # Furniture by its tag or role that wraps most of the page: walk it, marked
                # as furniture; scoring unmarks it when it holds most of the prose.
                forced = True
            else:
                forced = False
            pos = neg = False
            cls = None
            if attrib:
                cls = el.get("class")
                ident = el.get("id")
                if (cls or ident) and strip_boilerplate:
                    neg, pos, never = classify_attrs(f"{cls or ''} {ident or ''}")
                    if never_story_only:
                        neg = never
                    if neg and (tag in _PROTECTED_TAGS or el.get("itemprop") == "articleBody"
                                or _opens_with_note(el)):
                        neg = False
                    if neg and tag in INLINE_TAGS and not _wraps_blocks(el):
                        walker.skip_subtree()
                        kinds.append(_SKIPPED)
                        continue
            neg = neg or (forced and strip_boilerplate and not never_story_only)
            if tag in INLINE_TAGS or ("-" in tag and not _wraps_blocks(el)):
                # (Custom elements, <hl-source>1</hl-source>, are inline unless they wrap
                # blocks: a footnote marker must not split its sentence.)
                if tag == "a":
                    kinds.append(_LINK)
                    in_link += 1
                else:
                    kinds.append(_INLINE)
                    if tag == "br":
                        buf.append(_BR)
                t = el.text
                if t:
                    buf.append(t)
                    if in_link:
                        link_chars += len(t)
            else:
                if buf:  # (most boundaries have no text pending)
                    flush()
                kinds.append(_BLOCK)
                fr = Frame(el, tag, cls, cur, len(blocks))
                fr.pos = pos
                if neg:
                    fr.neg = True
                    fr.negf = fr
                elif tag == "blockquote" and cls and _EMBED.search(cls):
                    # A post embedded with its network's standard markup is quoted story
                    # content, even inside a "social"/"widget" wrapper.
                    fr.embed = True
                    fr.negf = None
                cur.children.append(fr)
                cur = fr
                t = el.text
                if t:
                    buf.append(t)
        else:
            kind = kinds.pop()
            if kind == _LINK:
                in_link -= 1
            elif kind == _BLOCK:
                if buf:
                    flush()
                cur.end = len(blocks)
                if cur.parent is not None:
                    cur = cur.parent
            t = el.tail
            if t:
                buf.append(t)
                if in_link:
                    link_chars += len(t)
    flush()
    root.end = len(blocks)
    return blocks, root


def release(root: Frame) -> None:
    """Unlink the frames of a walk once its reading is done.

    A parent lists its children and each child knows its parent (and a furniture frame
    itself), so without this a page's frames, and through their elements its whole lxml
    tree, stay until Python's cycle collector runs: reading pages back to back, a crawl
    spent about a sixth of its time there. Unlinked, they go as soon as the reading does."""
    stack = [root]
    while stack:
        fr = stack.pop()
        stack.extend(fr.children)
        fr.children = []
        fr.negf = None


class _Wrappers:
    """Is a furniture element (by tag, role or hidden style) really a wrapper of the page?

    libxml2 lets no end tag close an open <div>: one unclosed <div> in a <header>, <nav> or
    <aside> puts the rest of the page, story included, inside that element. Script-drawn
    pages also ship their story in a hidden box that a script reveals. Either way the element
    holds most of the page's paragraph text, which no real menu, banner or sidebar does.
    """

    LIMIT = 20  # wrappers per page: bounds the counting on hostile nesting

    def __init__(self, body):
        self.body = body
        self.total = None
        self.found = 0

    def __call__(self, el) -> bool:
        if self.found >= self.LIMIT or not len(el) or not _holds(el, "p") or el.tag == "dialog" or \
                el.get("role") in ("dialog", "alertdialog"):
            return False  # (a dialog is an overlay, never a page's wrapper)
        if self.total is None:
            self.total = _paragraph_chars(self.body)
        if _paragraph_chars(el) > 0.5 * self.total:
            self.found += 1
            return True
        return False


def _paragraph_chars(el) -> int:
    return sum(sum(map(len, p.itertext())) for p in el.iter("p"))


def _holds(el, tag: str) -> bool:
    """Whether `el` has a descendant `tag` (what `el.find(".//tag")` tells, without
    ElementPath's cost)."""
    return next(el.iterdescendants(tag), None) is not None


def _big_header(el) -> bool:
    """A <header> that wraps real paragraphs (some sites misuse it for the whole story)."""
    return any(n >= 4 for n, _ in enumerate(el.iter("p"), start=1))


def _wraps_blocks(el) -> bool:
    """An inline element used as a wrapper around paragraphs (seen in CMS output)."""
    for d in el.iter():
        if d is not el and isinstance(d.tag, str) and d.tag not in INLINE_TAGS:
            return True
    return False


def _opens_with_note(el) -> bool:
    """Whether the element's text opens with an update, correction or editor's-note marker.

    Such notes are story, whatever box they come in: `<aside class="correction">`,
    `<p class="updated">Update, March 3, 7:02 p.m. ET: ...`.
    """
    if not opens_with_label(_first_words(el).lstrip()):
        return False  # the common case, decided on the first words alone
    head = []
    size = 0
    for piece in dropwhile(str.isspace, el.itertext()):
        if size > 160:
            break
        head.append(piece)
        size += len(piece)
    return detect_marker(clean_text("".join(head))[:160]) is not None


def _first_words(el) -> str:
    """The first text inside `el` that is not only whitespace ("" if none): most often its
    own text, which spares a walk through its descendants."""
    text = el.text
    if text and not text.isspace():
        return text
    return next(dropwhile(str.isspace, el.itertext()), "")
