"""Small text helpers shared by the extractor modules (word cores, fingerprints); the one
text normalizer is `archiver.text.clean_text`.

Kept apart so that body scoring, metadata and site templates normalize text the same way:
a template fingerprint must match the block the body extractor produced.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

__all__ = ["core", "fingerprint"]

_DIGITS = re.compile(r"\d+")
_NONWORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=8192)
def core(s: str) -> str:
    """Case-folded words only: what a repeated or quoted passage has in common with its source.
    (Cached: a crawl asks for the words of each block of a page twice, when it learns the
    site's template from the block and when it cleans the story.)"""
    return _NONWORD.sub(" ", s.casefold()).strip()


def fingerprint(s: str) -> str:
    """Stable short hash of a block's words with digits blanked (share counts, dates vary)."""
    norm = _DIGITS.sub("0", core(s))
    return hashlib.blake2b(norm.encode("utf-8", "replace"), digest_size=8).hexdigest()
