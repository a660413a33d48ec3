"""`archiver compact`: bodies at rest recompressed at a slower level, each still reading back
byte for byte, their dictionaries untouched, and the crawl going on after it."""

from __future__ import annotations

import hashlib
import json
import shutil

from click.testing import CliRunner

from archiver.cli import main
from archiver.storage import Archive
from archiver.storage.bodies import LEVEL
from archiver.storage.compaction import compact
from tests.conftest import unpacked
from tests.test_bodies import cap, every_body_reads_back, page, template


def bodies(archive: Archive) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in archive.db.execute(
        "select sha256, codec, dictionary, depth, level, length(data) from bodies")}


def a_site(archive: Archive) -> list[bytes]:
    """Stories of one site, a redesign, and recaptures: bodies whole, against the key
    frame, and against their own earlier copy."""
    old, new = template(1), template(50, "v")
    made = [page(old, n) for n in range(4)] + [page(new, 9, letter="v")]
    for n, body in enumerate(made):
        archive.record(cap(f"story-{n}", body))
    for shares in (3, 8):
        body = page(old, 1, shares)
        archive.record(cap("story-1", body, when=f"2026-03-0{shares}T10:00:00+00:00"))
        made.append(body)
    return made


def test_compaction_shrinks_bodies_and_every_one_reads_back(archive):
    made = a_site(archive)
    before = bodies(archive)
    assert {row[3] for row in before.values()} == {LEVEL}  # what a crawl writes
    done = compact(archive, level=19)
    after = bodies(archive)
    assert done.bodies == len(before) == len(after)
    assert done.before == sum(row[4] for row in before.values())
    assert done.after == sum(row[4] for row in after.values()) < done.before
    for sha, (codec, dictionary, depth, level, size) in after.items():
        assert (codec, dictionary, depth) == before[sha][:3]  # no chain changes
        assert level == 19 and size <= before[sha][4]
    every_body_reads_back(archive, made)
    assert compact(archive, level=19).bodies == 0  # done once
    assert compact(archive, level=22, limit=1).bodies == 1  # a slower level goes on


def test_a_pass_can_be_split_and_the_crawl_goes_on_after_it(archive):
    made = a_site(archive)
    total = len(bodies(archive))
    assert compact(archive, level=12, limit=3).bodies == 3
    assert sorted(row[3] for row in bodies(archive).values()) == [LEVEL] * (total - 3) + [12] * 3
    assert compact(archive, level=12).bodies == total - 3
    later = page(template(1), 1, 40)  # a recapture compressed against a compacted body
    archive.record(cap("story-1", later, when="2026-03-20T10:00:00+00:00"))
    row = bodies(archive)[hashlib.sha256(later).hexdigest()]
    assert row[1] is not None and row[3] == LEVEL
    every_body_reads_back(archive, [*made, later])


def test_bodies_from_before_zstd_become_zstd(tmp_path):
    """An archive made by the code before m003 keeps zlib bodies; compacted, they are zstd,
    stored whole, and read back the same."""
    path = unpacked("archive-before-m003.db.gz", tmp_path)
    with Archive.open(path) as archive:
        shas = [sha for (sha,) in archive.db.execute(
            "select sha256 from bodies where codec = 'zlib'")]
        assert shas
        old = {sha: archive.body(sha) for sha in shas}
        done = compact(archive)
        assert done.bodies >= len(shas) and done.after < done.before
    with Archive.open(path) as archive:
        assert archive.db.execute("select count(*) from bodies where codec = 'zlib'"
                                  ).fetchone()[0] == 0
        for sha, body in old.items():
            assert archive.body(sha) == body
            assert hashlib.sha256(body).hexdigest() == sha


def test_archiver_compact_reports_what_it_saved(archive, tmp_path):
    a_site(archive)
    path = archive.db.conn.execute("pragma database_list").fetchone()[2]
    copy = tmp_path / "copy.db"
    archive.db.execute("pragma wal_checkpoint(truncate)")
    shutil.copy(path, copy)
    runner = CliRunner()
    result = runner.invoke(main, ["compact", "--db", str(copy), "--json", "--level", "15"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["level"] == 15 and report["bodies"] == len(bodies(archive))
    assert 0 < report["bytes_saved"] == report["bytes_before"] - report["bytes_after"]
    again = runner.invoke(main, ["compact", "--db", str(copy), "--level", "15"])
    assert again.exit_code == 0 and "nothing to do" in again.output
    missing = runner.invoke(main, ["compact", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code != 0 and "no archive" in missing.output
