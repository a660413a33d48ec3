"""Per-site memory of blocks that repeat across pages: the site's own boilerplate.

A share bar, newsletter pitch or "Subscribe" line that sits inside the article container
looks like story on one page, but it is the same text on every page of the site. A
`SiteTemplate` counts, per normalized text fingerprint, on how many distinct pages a block
appeared, and separately in which place of the page (`place_of`: the block's tag and its
parent's tag, id and stable classes).

At extraction time a block is the site's furniture only when the same text was seen *in the
same place* on at least `min_pages` pages AND on at least `min_share` of all the pages
observed for the site. Furniture comes from the site's template, so it is on most pages and
always in the same spot. A story's own lede quoted as a teaser on a few other pages is
neither: it sits in a teaser box there, and in the story container only on its own page.
Losing story text is the worse error, so anything less than that is kept. Even then, blocks
are not dropped when that would remove most of the story (the "repeat" is then the story
itself, e.g. the same article observed under several URLs).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from functools import lru_cache
from operator import itemgetter
from urllib.parse import urlsplit

from archiver.extract.text import fingerprint as _text_fingerprint

# Class names that differ from one article to the next on the same template (WordPress
# post_class(): post-123, category-x, tag-y ...): not part of a block's place.
_VARYING_CLASS = re.compile(r"\d|^(?:post|type|status|format|category|tag|author|postid|"
                            r"page-id|entry-category|entry-tag)-|^(?:hentry|sticky|"
                            r"has-post-thumbnail)$", re.I)
_ANYWHERE = "*"  # the place of a block learned from an Article (text without a page)
# Learning a page and reading it ask for each block's fingerprint several times: keep the
# latest few thousand (one page's blocks, and then some).
fingerprint = lru_cache(maxsize=8192)(_text_fingerprint)
# What one page teaches a template: the (text fingerprint, place) of each of its blocks.
Placed = frozenset[tuple[str, str]]


def place_of(block) -> str:
    """Where a block sits on its page: its own tag and its parent's tag, id and classes."""
    el = getattr(getattr(block, "frame", None), "el", None)
    if el is None:
        return _ANYWHERE
    parent = el.getparent()
    own = el.tag if isinstance(el.tag, str) else ""
    if parent is None:
        return own
    tag = parent.tag if isinstance(parent.tag, str) else ""
    return _place(own, tag, parent.get("id"), parent.get("class"))


# A site's pages repeat the same few hundred places: the place of each (tag, parent tag, id,
# classes), and its hash, are kept rather than worked out for every block of every page.
@lru_cache(maxsize=4096)
def _place(own: str, tag: str, ident: str | None, classes: str | None) -> str:
    attrs = [f"#{ident}"] if ident and not _VARYING_CLASS.search(ident) else []
    attrs += sorted({f".{c}" for c in (classes or "").split() if not _VARYING_CLASS.search(c)})
    return f"{own}<{tag}{''.join(attrs)}"[:200]


@lru_cache(maxsize=4096)
def _place_hash(place: str) -> str:
    return hashlib.blake2b(place.encode("utf-8", "replace"), digest_size=6).hexdigest()


def _placed_key(fp: str, place: str) -> str:
    return fp + "@" + _place_hash(place)


def _page_key(url: str | None, fps: set[str]) -> str:
    if url:
        try:
            parts = urlsplit(url)
            key = f"{parts.netloc.lower()}{parts.path.rstrip('/')}"
        except ValueError:
            key = url
    else:
        key = "|".join(sorted(fps))
    return hashlib.blake2b(key.encode("utf-8", "replace"), digest_size=8).hexdigest()


class SiteTemplate:
    """Block fingerprints of one site, counted over distinct pages; JSON-serializable, bounded."""

    def __init__(self, min_pages: int = 3, max_fingerprints: int = 4000, max_pages: int = 5000,
                 min_share: float = 0.5):
        self.min_pages = int(min_pages)
        self.min_share = float(min_share)
        self.max_fingerprints = int(max_fingerprints)
        self.max_pages = int(max_pages)
        self.counts: dict[str, int] = {}   # text fingerprint -> pages it was on
        self.placed: dict[str, int] = {}   # text fingerprint @ place -> pages it was there on
        self.pages: dict[str, None] = {}  # insertion-ordered set of page keys
        self.learned = 0  # pages counted since it was made or loaded (not in its JSON)

    # -- learning -------------------------------------------------------------
    def observe(self, page, url: str | None = None, *, encoding: str | None = None) -> Placed:
        """Count the blocks of one page (html str/bytes, a parsed tree, or an Article);
        `encoding` is the charset the HTTP header declared for bytes. Returns what was
        counted, so that a copy of this template elsewhere can `count` the same."""
        try:
            placed = self._fingerprints(page, encoding)
        except Exception:  # noqa: BLE001 - a bad page must not break learning
            return frozenset()
        self.count(placed, url)
        return placed

    def observe_blocks(self, blocks, url: str | None = None) -> Placed:
        """Count a page's blocks as the extractor's walk gave them (see `observe`)."""
        placed = frozenset((fingerprint(b.text), place_of(b)) for b in blocks)
        self.count(placed, url)
        return placed

    def count(self, placed: Placed, url: str | None) -> None:
        """Count one page's (fingerprint, place) pairs, once per distinct page."""
        if not placed:
            return
        fps = {fp for fp, _ in placed}
        key = _page_key(url, fps)
        if key in self.pages:
            return
        self.pages[key] = None
        self.learned += 1
        if len(self.pages) > self.max_pages:
            self.pages.pop(next(iter(self.pages)))
        for table, keys in ((self.counts, fps), (self.placed, {_placed_key(*fp) for fp in placed})):
            for k in keys:
                table[k] = table.get(k, 0) + 1
        if max(len(self.counts), len(self.placed)) > 2 * self.max_fingerprints:
            self._prune()

    def _fingerprints(self, page, encoding: str | None = None) -> Placed:
        """(text fingerprint, place) of every block of the page."""
        from archiver.article import Article
        from archiver.extract.blocks import release, walk
        from archiver.extract.dom import parse

        if isinstance(page, Article):
            return frozenset((fingerprint(p), _ANYWHERE) for p in page.paragraphs)
        if isinstance(page, (str, bytes, bytearray)):
            root = parse(page, encoding)
        else:
            root = page
        if root is None:
            return frozenset()
        body = root.find("body") if root.tag == "html" else root
        if body is None:
            body = root
        # The blocks extraction itself walks (inline furniture already skipped): a learned
        # fingerprint then matches the block extraction asks about.
        blocks, root = walk(body)
        placed = frozenset((fingerprint(b.text), place_of(b)) for b in blocks)
        release(root)
        return placed

    def _prune(self) -> None:
        for name in ("counts", "placed"):
            keep = sorted(getattr(self, name).items(), key=itemgetter(1), reverse=True)
            setattr(self, name, dict(keep[: self.max_fingerprints]))

    # -- applying -------------------------------------------------------------
    def _needed(self) -> int:
        """Pages a block must have been seen on: `min_pages`, and `min_share` of the site."""
        return max(self.min_pages, math.ceil(self.min_share * len(self.pages) - 1e-9))

    def repeated_blocks(self) -> int:
        """How many block texts repeat on enough of the site's pages to count as furniture."""
        need = self._needed()
        return sum(1 for n in self.counts.values() if n >= need)

    def is_boilerplate(self, text: str, block=None) -> bool:
        """Whether `text` repeats on enough of the site's pages; given the `block` it came
        from, whether it repeats there *in the same place* on the page."""
        return self._repeated(text, block, self._needed())

    def _repeated(self, text: str, block, need: int) -> bool:
        """`is_boilerplate` with the pages needed worked out once for a whole page."""
        fp = fingerprint(text)
        if self.counts.get(fp, 0) < need:
            return False
        if block is None:
            return True
        placed = self.placed.get(_placed_key(fp, place_of(block)), 0)
        return placed + self.placed.get(_placed_key(fp, _ANYWHERE), 0) >= need

    def known_indices(self, blocks) -> set[int]:
        """Indices of blocks the site repeats (excluded from container scoring)."""
        if not self.counts:
            return set()
        need = self._needed()
        return {i for i, b in enumerate(blocks) if self._repeated(b.text, b, need)}

    def filter_blocks(self, blocks):
        """Drop repeated blocks, unless that would remove most of this page's story."""
        if not self.counts:
            return blocks
        need = self._needed()
        kept = [b for b in blocks if not self._repeated(b.text, b, need)]
        total = sum(len(b.text) for b in blocks)
        if total and sum(len(b.text) for b in kept) < 0.4 * total:
            return blocks
        return kept

    # -- persistence ----------------------------------------------------------
    def to_json(self) -> str:
        if len(self.counts) > self.max_fingerprints:
            self._prune()
        return json.dumps({
            "version": 2,
            "min_pages": self.min_pages,
            "min_share": self.min_share,
            "max_fingerprints": self.max_fingerprints,
            "max_pages": self.max_pages,
            "pages": list(self.pages),
            "counts": self.counts,
            "placed": self.placed,
        }, separators=(",", ":"))

    @classmethod
    def from_json(cls, s: str | bytes) -> SiteTemplate:
        data = json.loads(s)
        tpl = cls(min_pages=data.get("min_pages", 3),
                  max_fingerprints=data.get("max_fingerprints", 4000),
                  max_pages=data.get("max_pages", 5000),
                  min_share=data.get("min_share", 0.5))
        if data.get("version", 1) < 2:
            # A version 1 template knows texts but not where they were: it would strip a
            # story's lede quoted elsewhere. Start over; the site's next pages relearn it.
            return tpl
        tpl.pages = dict.fromkeys(str(p) for p in data.get("pages", []))
        tpl.counts = {str(k): int(v) for k, v in data.get("counts", {}).items()}
        tpl.placed = {str(k): int(v) for k, v in data.get("placed", {}).items()}
        return tpl

    def __len__(self) -> int:
        return len(self.counts)
