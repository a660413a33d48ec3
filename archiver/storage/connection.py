"""Open the archive file: busy timeout, WAL, foreign keys, schema upgraded in place, and
write transactions that wait for the lock instead of failing.

WAL with `synchronous = NORMAL`: a commit is not flushed to the disk on its own (the WAL is,
at each checkpoint), so a crawl does not wait for the disk once per capture. A crawl that is
killed (even by SIGKILL) loses nothing it committed, since the operating system still holds
the write; a power cut or a kernel crash can undo the last commits, never corrupt the file.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from archiver.storage.files import ARCHIVE_TABLES, tables_of
from archiver.storage.schema import migrations

BUSY_TIMEOUT_MS = 30_000


def connect(path: str | Path) -> Database:
    """The archive at `path`, created or upgraded as needed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # One thread at a time uses a connection, but not always the one that opened it: the
    # crawl writes from its archive writer thread (pipelines/storage.py).
    db = Database(sqlite3.connect(str(path), check_same_thread=False))
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")  # first: another crawl may write
    _while_locked(db.enable_wal)  # switching journal mode ignores the busy timeout
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    if migrations.pending(db):
        with writing(db):
            migrations.apply(db)
    return db


def check_existing(path: str | Path) -> None:
    """Refuse with ValueError a missing file, an empty or non-SQLite file, or another
    program's database, without writing anything to it."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"no archive at {path} (crawl first, or pass --db)")
    with path.open("rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            raise ValueError(f"{path} is not an SQLite file")
    try:
        tables = tables_of(path)
    except sqlite3.DatabaseError as exc:
        raise ValueError(f"{path} cannot be read: {exc}") from exc
    if not tables >= ARCHIVE_TABLES:
        raise ValueError(f"{path} is an SQLite file but not an archive")


@contextmanager
def writing(db: Database):
    """A write transaction that takes the write lock up front (BEGIN IMMEDIATE).

    A deferred transaction that reads first cannot upgrade to a write while another
    process writes (WAL gives it SQLITE_BUSY at once, whatever the busy timeout), so a
    second crawl on the same archive would lose captures; this one waits its turn.
    """
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _while_locked(action, seconds: float = BUSY_TIMEOUT_MS / 1000) -> None:
    """Run `action`, trying again while another process holds the database locked."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            action()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def rows(db: Database, sql: str, params=()) -> list[dict]:
    """Rows as dicts by plain `execute`: no savepoint around each read, unlike
    `Database.query`, so the hot path issues only the statements it needs."""
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
