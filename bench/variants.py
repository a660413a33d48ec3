"""How the benchmarks change a real page between captures: the noise a live site adds on every
fetch (a share count, an ad) and a one-sentence edit to a long paragraph. One definition, so
the crawl and storage benchmarks measure the same changes."""

from __future__ import annotations

import re

_BODY_OPEN = re.compile(rb"<body[^>]*>", re.I)
_PARAGRAPH = re.compile(rb"<p[ >][^<]{200,}?</p>", re.I)
EDIT = b" A spokesperson later confirmed these figures to reporters."


def variant(page: bytes, mode: str, n: int, *, edit_every: int = 1) -> bytes:
    """Page `n` as served in `mode`: `base`, `noise` (share count and ad changed), `edit`
    (every `edit_every`-th page has a sentence added to its first long paragraph)."""
    count = 250 + 3 * n if mode == "noise" else 100 + n
    noise = (f'<div class="share-bar"><span>{count} shares</span></div>'
             f'<aside class="ad">Advertisement: offer {count % 17} of the week</aside>').encode()
    match = _BODY_OPEN.search(page)
    at = match.end() if match else 0
    page = page[:at] + noise + page[at:]
    if mode == "edit" and n % edit_every == 0:
        long = _PARAGRAPH.search(page)
        if long:
            page = page[:long.end() - 4] + EDIT + page[long.end() - 4:]
    return page
