"""Version text stored as distinct paragraphs: each text once in `paragraphs`, each version
an ordered list of paragraph ids in `version_paragraphs` (the `version_texts` view joins them
back). Versions of one story repeat most of their paragraphs, so a new version costs the
paragraphs it changed plus a few bytes per paragraph it kept.

The same store of distinct texts (a table of `id`, `key`, `text`, looked up by key) holds
update texts too (`update_texts`, m033): `text_ids` writes either, and `index_texts` adds
the texts it inserted to the table's full-text index (`paragraphs_fts`, `update_texts_fts`).
Each distinct text is indexed once, however many versions show it."""

from __future__ import annotations

import hashlib
import json
import sqlite3


def paragraph_key(text: str) -> int:
    """The lookup key of a paragraph text: 8 bytes of BLAKE2b as a signed integer.

    Part of the stored format: migrations and writes must agree, so never change it."""
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def stored_paragraphs(conn: sqlite3.Connection, texts) -> dict[str, int]:
    """text -> id for those of `texts` already in `paragraphs`."""
    return stored_texts(conn, {text: paragraph_key(text) for text in texts}, "paragraphs")


def stored_texts(conn: sqlite3.Connection, keys: dict[str, int], table: str) -> dict[str, int]:
    """text -> id for those texts of `keys` (text -> `paragraph_key`) already in `table`
    (`paragraphs`, `update_texts`): looked up by key, kept only when the text is the same
    (two texts may share a key)."""
    known: dict[str, int] = {}
    wanted = sorted(set(keys.values()))
    for start in range(0, len(wanted), 500):  # under SQLite's limit on bound parameters
        chunk = wanted[start:start + 500]
        for pid, text in conn.execute(
                f"select id, text from {table} where key in ({','.join('?' * len(chunk))})",
                chunk):
            if text in keys:
                known.setdefault(text, pid)
    return known


def text_ids(conn: sqlite3.Connection, texts: list[str], table: str) -> tuple[list[int],
                                                                                list[int]]:
    """The id of each text in `table`, inserting those not stored yet; and the ids of the
    ones inserted (for the caller's full-text index, if it has one)."""
    keys = {text: paragraph_key(text) for text in texts}
    known = stored_texts(conn, keys, table)
    new = []
    for text in keys:
        if text not in known:
            known[text] = conn.execute(f"insert into {table} (key, text) values (?, ?)",
                                       [keys[text], text]).lastrowid
            new.append(known[text])
    return [known[text] for text in texts], new


def paragraph_ids(conn: sqlite3.Connection, texts: list[str], index: bool = True
                  ) -> list[int]:
    """The id of each text in `paragraphs`, inserting those not stored yet, and indexing them
    for full-text search (`paragraphs_fts`) unless `index` is false."""
    ids, new = text_ids(conn, texts, "paragraphs")
    if index:
        index_texts(conn, new, "paragraphs")
    return ids


def index_texts(conn: sqlite3.Connection, ids: list[int], table: str) -> None:
    """Add stored texts of `table` (`paragraphs`, `update_texts`) to its full-text index
    (`<table>_fts`), in one statement per 500: FTS5 costs about three times as much fed a
    row at a time (as a trigger on `paragraphs` did)."""
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        conn.execute(f"insert into {table}_fts (rowid, text) select id, text from {table} "
                     f"where id in ({','.join('?' * len(chunk))})", chunk)


def store_version_text(conn: sqlite3.Connection, version_id: int, texts: list[str],
                       index: bool = True) -> None:
    conn.executemany(
        "insert into version_paragraphs (version_id, position, paragraph_id) values (?, ?, ?)",
        [(version_id, i, pid) for i, pid in enumerate(paragraph_ids(conn, texts, index))])


def version_paragraphs(conn: sqlite3.Connection, version_id: int) -> list[str]:
    """The paragraphs of one version, in order."""
    return [row[0] for row in conn.execute(
        "select p.text from version_paragraphs vp join paragraphs p on p.id = vp.paragraph_id "
        "where vp.version_id = ? order by vp.position", [version_id])]


def paragraphs_json(conn: sqlite3.Connection, version_id: int) -> str:
    return json.dumps(version_paragraphs(conn, version_id), ensure_ascii=False)


def diff_row(conn: sqlite3.Connection, version_id: int, seq: int, row, known: dict[str, int]
             ) -> tuple:
    """The `diff_rows` values of one alignment row: a paragraph-level text that is a stored
    paragraph is referenced by id, not stored again (the `diffs` view reads it back)."""
    old_id = known.get(row.old_text) if row.level == "paragraph" else None
    new_id = known.get(row.new_text) if row.level == "paragraph" else None
    return (version_id, seq, row.level, row.op, row.old_index, row.new_index, old_id, new_id,
            None if old_id else row.old_text, None if new_id else row.new_text)


INSERT_DIFF = ("insert into diff_rows (version_id, seq, level, op, old_index, new_index, "
               "old_paragraph, new_paragraph, old_text, new_text) "
               "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
