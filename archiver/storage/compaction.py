"""Recompress stored bodies at rest, at a slower zstd level: `archiver compact`.

A crawl compresses each body at zstd level 3 (`bodies.LEVEL`), which its hot path can
afford. Bodies already stored can take a slower level at a quiet hour: each keeps its
dictionary (so no chain of bodies changes), every new encoding is decompressed and checked
against the body's hash before it replaces the old one, and each batch is its own short
write transaction, so that a crawl writing the same archive waits at most one batch.
Bodies from before zstd (codec 'zlib') become zstd bodies stored whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from archiver.storage.bodies import BodyStore, compress, unpack
from archiver.storage.connection import writing

DEFAULT_LEVEL = 19
BATCH = 16


@dataclass
class Compacted:
    """What a pass did: bodies looked at, and their stored bytes before and after."""

    bodies: int = 0
    before: int = 0
    after: int = 0


def compact(archive, level: int = DEFAULT_LEVEL, limit: int | None = None,
            progress: Callable[[Compacted], None] | None = None) -> Compacted:
    """Recompress every body stored at a level below `level` (at most `limit` of them),
    oldest first; a body the slower level does not shrink keeps its bytes and is marked done
    all the same."""
    store = BodyStore(archive.db)
    done = Compacted()
    last = 0
    while limit is None or done.bodies < limit:
        batch = archive.db.execute(
            "select rowid, sha256, codec, dictionary, data from bodies "
            "where rowid > ? and coalesce(level, 0) < ? order by rowid limit ?",
            [last, level, BATCH if limit is None else min(BATCH, limit - done.bodies)]
        ).fetchall()
        if not batch:
            break
        changes = [_recompressed(store, level, *row) for row in batch]
        with writing(archive.db):
            archive.db.conn.executemany(
                "update bodies set codec = ?, data = ?, level = ?, depth = coalesce(depth, 0) "
                "where rowid = ?", [(codec, data, level, rowid) for rowid, codec, data in changes])
        for (rowid, _, data), (*_, old) in zip(changes, batch):
            done.bodies += 1
            done.before += len(old)
            done.after += len(data)
            last = rowid
        if progress:
            progress(done)
    return done


def _recompressed(store: BodyStore, level: int, rowid: int, sha256: str, codec: str,
                  dictionary: str | None, data: bytes) -> tuple[int, str, bytes]:
    """(rowid, codec, bytes) to store for one body: the slower encoding when it reads back
    as the body and is smaller (or replaces zlib), else what is stored now."""
    body = store.get(sha256)
    if body is None or hashlib.sha256(body).hexdigest() != sha256:
        raise ValueError(f"body {sha256} does not read back as itself; archive left as it was")
    base = store.get(dictionary) if codec == "zstd" and dictionary else None
    new = compress(body, base, level)
    if unpack(new, base) != body or (codec == "zstd" and len(new) >= len(data)):
        return rowid, codec, data
    return rowid, "zstd", new
