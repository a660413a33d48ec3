"""Raw response bodies, stored once each and compressed against the closest earlier body.

A recapture of a page differs from the previous one by a few ads and counters, and the
first capture of a story shares its whole template with the site's other pages. So a body is
compressed with zstd using an earlier body as a raw dictionary: the URL's previous body
when there is one, else the site's "key frame" (a page of it stored whole) or, while the
site has drifted from its key frame, the latest page that the key frame did not match well
(`recent`). `dictionary` names that body; `depth` counts how many bodies must be
decompressed first. A first capture is at most MAX_DEPTH - 1 deep (its dictionary is the key
frame, depth 0, or `recent`, depth at most 1), so that its recaptures fit; when the URL's
latest body is at the limit, its own dictionary is used instead, so every body comes back
with at most MAX_DEPTH extra reads.

A page that no reference compresses well (under 1/GOOD) has drifted from them: it is
stored so that it can be a reference itself, against the key frame (it becomes `recent`)
or, when its dictionaries save it less than a tenth (WHOLE), whole (a redesign, another kind
of page: it becomes the site's key frame).
Rows written before zstd (codec 'zlib') are read as they are. `level` is the zstd level a
body was compressed at (null: written before m034, at the crawl's level); `archiver compact`
raises it at rest (archiver/storage/compaction.py).
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from dataclasses import dataclass

try:  # Python 3.14+
    from compression import zstd
except ImportError:  # earlier Pythons: the same module, installed with Scrapy
    from backports import zstd

from sqlite_utils import Database

# zstd level of every body, against a dictionary or whole: the crawl's hot path. (Level 9
# stores a body whole about 10% smaller for 4 times the CPU: not worth it on the path.)
LEVEL = 3
# A dictionary that saves less than a tenth of what the body takes whole is not worth a
# chain of bodies to decompress: such a page is stored whole (and becomes its site's key
# frame, which its pages after it will match).
WHOLE = 0.9
MAX_DEPTH = 3
DEFAULT_WINDOW = 1 << 21
MAX_WINDOW_LOG = 27  # what decompressors accept by default (128 MiB)
MIN_WINDOW_LOG = 10  # zstd's smallest
# A dictionary result under 1/GOOD of the body: the template matched (zstd alone gets only
# 11 of the 300 real pages of bench/storage.py under 1/8), so nothing else is tried: one
# compression for most pages.
GOOD = 8


@dataclass
class Reference:
    """An earlier body that a new one may be compressed against: the URL's own, or another
    page of its site (`of_site`: the key frame or `recent`)."""

    sha256: str
    depth: int
    body: bytes
    of_site: bool = False


@dataclass
class Packed:
    """A body ready to be written: what `bodies` holds for it."""

    sha256: str
    size: int
    codec: str
    dictionary: str | None
    depth: int
    data: bytes
    level: int = LEVEL


def _zstd_dict(body: bytes):
    return zstd.ZstdDict(body, is_raw=True).as_prefix


def compress(body: bytes, dictionary: bytes | None = None, level: int = LEVEL) -> bytes:
    """zstd at `level` (the crawl's LEVEL unless said). Past the crawl level's own 2 MiB window
    (some pages are megabytes), a window wide enough to reach back over the whole
    dictionary, and long-distance matching, without which a 3 MB page against its own
    previous copy still takes 500 KB. A slower level gets a window just wide enough for the
    body and its dictionary: its own default would take more memory for nothing."""
    reach = len(body) + len(dictionary or b"")
    zstd_dict = _zstd_dict(dictionary) if dictionary else None
    if reach <= DEFAULT_WINDOW and level == LEVEL:
        return zstd.compress(body, level=level, zstd_dict=zstd_dict)
    options = {zstd.CompressionParameter.compression_level: level,
               zstd.CompressionParameter.window_log:
                   min(MAX_WINDOW_LOG, max(MIN_WINDOW_LOG, reach.bit_length())),
               zstd.CompressionParameter.enable_long_distance_matching:
                   int(reach > DEFAULT_WINDOW)}
    return zstd.compress(body, options=options, zstd_dict=zstd_dict)


def unpack(data: bytes, dictionary: bytes | None) -> bytes:
    """A zstd body back, given its dictionary body when it has one."""
    return zstd.decompress(data, zstd_dict=_zstd_dict(dictionary) if dictionary else None)


def pack(sha256: str, body: bytes, references: list[Reference]) -> Packed:
    """`body` against the first reference that compresses it well: one compression, for
    most pages. When none does, the page has drifted from the site pages it was tried
    against, and is stored so that it can be one for the pages after it (depth 1 at most):
    against the best of the URL's own earlier body and the site's key frame, or whole (depth
    0) when that dictionary saves too little (see WHOLE)."""
    best: Packed | None = None
    for ref in references:
        data = compress(body, ref.body)
        packed = Packed(sha256, len(body), "zstd", ref.sha256, ref.depth + 1, data)
        if len(data) * GOOD <= len(body):
            return packed
        if (ref.depth == 0 or not ref.of_site) and (best is None or len(data) < len(best.data)):
            best = packed
    alone = compress(body)
    if best is not None and len(best.data) < WHOLE * len(alone):
        return best
    return Packed(sha256, len(body), "zstd", None, 0, alone)


class BodyStore:
    """Reads and writes `bodies`, remembering recently used dictionary bodies (a site's key
    frame serves all its new pages) up to `cache_bytes` in all."""

    def __init__(self, db: Database, cache_bytes: int = 32 << 20):
        self.db = db
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._cache_bytes = cache_bytes
        self._cached = 0

    def get(self, sha256: str) -> bytes | None:
        """The body with this hash, byte for byte, or None."""
        if sha256 in self._cache:
            self._cache.move_to_end(sha256)
            return self._cache[sha256]
        row = self.db.execute(
            "select codec, dictionary, data from bodies where sha256 = ?", [sha256]).fetchone()
        if row is None:
            return None
        codec, dictionary, data = row
        if codec in (None, "zlib"):
            return zlib.decompress(data)
        if dictionary is None:
            return unpack(data, None)
        base = self.get(dictionary)
        body = unpack(data, base)
        self._remember(dictionary, base)
        return body

    def _remember(self, sha256: str, body: bytes) -> None:
        if sha256 not in self._cache:
            self._cache[sha256] = body
            self._cached += len(body)
        self._cache.move_to_end(sha256)
        while self._cached > self._cache_bytes and len(self._cache) > 1:
            self._cached -= len(self._cache.popitem(last=False)[1])

    def has(self, sha256: str) -> bool:
        return self.db.execute("select 1 from bodies where sha256 = ?", [sha256]).fetchone() \
            is not None

    def references(self, url: str, site: str) -> list[Reference]:
        """The bodies a new body of `url` should be tried against, best first: the URL's
        latest body (or, at the depth limit, that body's dictionary), then the site's
        `recent` page when it has one (see `site_page_stored`), then its key frame."""
        out: list[Reference] = []
        row = self.db.execute(
            "select b.sha256, b.depth, b.dictionary, b.codec from captures c "
            "join bodies b on b.sha256 = c.body_sha256 "
            "where c.url = ? and c.body_sha256 is not null order by c.id desc limit 1",
            [url]).fetchone()
        if row is not None:
            sha, depth, dictionary, codec = row
            if codec == "zlib" or depth is None:
                depth = 0
            if depth >= MAX_DEPTH:
                sha, depth = dictionary, depth - 1
            out.append(self._reference(sha, depth))
        site_row = self.db.execute(
            "select f.sha256, f.recent, b.depth from site_key_frames f "
            "left join bodies b on b.sha256 = f.recent where f.site = ?", [site]).fetchone()
        if site_row is not None:
            key, recent, recent_depth = site_row
            for sha, depth in ((recent, recent_depth), (key, 0)):
                if sha is not None and all(r.sha256 != sha for r in out):
                    out.append(self._reference(sha, depth or 0, of_site=True))
        return [r for r in out if r.body is not None]

    def _reference(self, sha256: str, depth: int, of_site: bool = False) -> Reference:
        body = self.get(sha256)
        if body is not None:
            self._remember(sha256, body)
        return Reference(sha256, depth, body, of_site)

    def put(self, packed: Packed) -> bool:
        """Write a packed body (nothing if that hash is already stored); True if written."""
        cursor = self.db.execute(
            "insert or ignore into bodies (sha256, size, codec, dictionary, depth, data, level) "
            "values (?, ?, ?, ?, ?, ?, ?)",
            [packed.sha256, packed.size, packed.codec, packed.dictionary, packed.depth,
             packed.data, packed.level])
        return cursor.rowcount > 0

    def site_page_stored(self, site: str, packed: Packed, body: bytes) -> None:
        """A page of `site` (a story, or an article page held until its site's template is
        known) was just stored as `packed` (`body` unpacked): what the site's next pages are
        tried against, so kept at hand rather than decompressed again for the next page.

        Stored whole, it becomes the site's key frame. Compressed against the key frame (or
        another body of depth 0) but not well, it becomes `recent`: the site has drifted
        from its key frame, and its next pages are tried against this page first (one
        compression each while the drift lasts; a page compressed against it is
        MAX_DEPTH - 1 deep, so its recaptures fit). Compressed well against the key frame
        (so `recent`, tried first, was not), it ends the drift: `recent` is cleared."""
        if packed.dictionary is None:
            self._remember(packed.sha256, body)
            self.db.execute("insert into site_key_frames (site, sha256, recent) "
                            "values (?, ?, null) on conflict (site) do update set "
                            "sha256 = excluded.sha256, recent = null", [site, packed.sha256])
        elif len(packed.data) * GOOD > packed.size:
            if packed.depth <= MAX_DEPTH - 2:
                self._remember(packed.sha256, body)
                self.db.execute("update site_key_frames set recent = ? where site = ?",
                                [packed.sha256, site])
        else:
            self.db.execute("update site_key_frames set recent = null "
                            "where site = ? and sha256 = ? and recent is not null",
                            [site, packed.dictionary])
