"""Which files may become an archive: never another program's database.

The crawler creates its archive on first use, so a mistyped `ARCHIVER_DB` must not turn
someone else's SQLite file (a browser profile, an app's data) into a half-archive.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

# Tables every archive has had since its first schema (`captures` a view since m030).
ARCHIVE_TABLES = {"articles", "versions", "captures"}


def refusal(path: str | Path) -> str | None:
    """Why `path` must not be opened as an archive, or None when it may (it is missing,
    empty, an SQLite file with no tables yet, or an archive).

    The file is read through SQLite only: closing a plain file handle on a database would
    drop the locks this process's own connections hold on it (POSIX advisory locks)."""
    path = Path(path)
    if path.is_dir():
        return f"{path} is a folder, not an archive file"
    if not path.exists():
        return None
    try:
        tables = tables_of(path)
    except sqlite3.DatabaseError as exc:
        return f"{path} is not an SQLite archive ({exc}); refusing to write to it"
    if tables and not tables >= ARCHIVE_TABLES:
        return f"{path} is another program's SQLite database; refusing to add our tables to it"
    return None


def tables_of(path: Path) -> set[str]:
    """The tables and views of the SQLite file at `path`, read through SQLite alone and
    read-only (sqlite3.DatabaseError when it is not a database)."""
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {row[0] for row in con.execute(
            "select name from sqlite_master where type in ('table', 'view')")}
    finally:
        con.close()
