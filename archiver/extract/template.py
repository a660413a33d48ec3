"""Per-site memory of blocks that repeat across pages: the site's own boilerplate.

A share bar, newsletter pitch or "Subscribe" line that sits inside the article container
looks like story on one page, but it is the same text on every page of the site. A
`SiteTemplate` counts, per normalized text fingerprint, on how many distinct pages a block
appeared; at extraction time blocks seen on at least `min_pages` pages are dropped, unless
that would remove most of the story (then the "repeat" is the story itself, e.g. the same
article observed under several URLs).
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import urlsplit

from archiver.extract.text import fingerprint


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

    def __init__(self, min_pages: int = 3, max_fingerprints: int = 4000, max_pages: int = 5000):
        self.min_pages = int(min_pages)
        self.max_fingerprints = int(max_fingerprints)
        self.max_pages = int(max_pages)
        self.counts: dict[str, int] = {}
        self.pages: dict[str, None] = {}  # insertion-ordered set of page keys

    # -- learning -------------------------------------------------------------
    def observe(self, page, url: str | None = None, *, encoding: str | None = None) -> None:
        """Count the blocks of one page (html str/bytes, a parsed tree, or an Article);
        `encoding` is the charset the HTTP header declared for bytes."""
        try:
            fps = self._fingerprints(page, encoding)
        except Exception:  # noqa: BLE001 - a bad page must not break learning
            return
        if not fps:
            return
        key = _page_key(url, fps)
        if key in self.pages:
            return
        self.pages[key] = None
        if len(self.pages) > self.max_pages:
            self.pages.pop(next(iter(self.pages)))
        counts = self.counts
        for fp in fps:
            counts[fp] = counts.get(fp, 0) + 1
        if len(counts) > 2 * self.max_fingerprints:
            self._prune()

    def _fingerprints(self, page, encoding: str | None = None) -> set[str]:
        from archiver.article import Article
        from archiver.extract.blocks import walk
        from archiver.extract.dom import parse

        if isinstance(page, Article):
            return {fingerprint(p) for p in page.paragraphs}
        if isinstance(page, (str, bytes, bytearray)):
            root = parse(page, encoding)
        else:
            root = page
        if root is None:
            return set()
        body = root.find("body") if root.tag == "html" else root
        if body is None:
            body = root
        # No class-based stripping: we want to learn the furniture single pages keep.
        blocks, _ = walk(body, strip_boilerplate=False)
        return {fingerprint(b.text) for b in blocks}

    def _prune(self) -> None:
        keep = sorted(self.counts.items(), key=lambda kv: kv[1], reverse=True)
        self.counts = dict(keep[: self.max_fingerprints])

    # -- applying -------------------------------------------------------------
    def is_boilerplate(self, text: str) -> bool:
        return self.counts.get(fingerprint(text), 0) >= self.min_pages

    def known_indices(self, blocks) -> set[int]:
        """Indices of blocks the site repeats (excluded from container scoring)."""
        if not self.counts:
            return set()
        return {i for i, b in enumerate(blocks) if self.is_boilerplate(b.text)}

    def filter_blocks(self, blocks):
        """Drop repeated blocks, unless that would remove most of this page's story."""
        if not self.counts:
            return blocks
        kept = [b for b in blocks if not self.is_boilerplate(b.text)]
        total = sum(len(b.text) for b in blocks)
        if total and sum(len(b.text) for b in kept) < 0.4 * total:
            return blocks
        return kept

    # -- persistence ----------------------------------------------------------
    def to_json(self) -> str:
        if len(self.counts) > self.max_fingerprints:
            self._prune()
        return json.dumps({
            "version": 1,
            "min_pages": self.min_pages,
            "max_fingerprints": self.max_fingerprints,
            "max_pages": self.max_pages,
            "pages": list(self.pages),
            "counts": self.counts,
        }, separators=(",", ":"))

    @classmethod
    def from_json(cls, s: str | bytes) -> SiteTemplate:
        data = json.loads(s)
        tpl = cls(min_pages=data.get("min_pages", 3),
                  max_fingerprints=data.get("max_fingerprints", 4000),
                  max_pages=data.get("max_pages", 5000))
        tpl.pages = dict.fromkeys(str(p) for p in data.get("pages", []))
        tpl.counts = {str(k): int(v) for k, v in data.get("counts", {}).items()}
        return tpl

    def __len__(self) -> int:
        return len(self.counts)
