"""Commands about the whole archive: what it holds, and the offline demo."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archiver.cli import DEMO_DB, db_option, json_option, main, open_archive, print_json


@main.command()
@db_option
@json_option
def stats(db_path: str, as_json: bool) -> None:
    """What the archive holds."""
    from archiver.storage import queries

    with open_archive(db_path) as archive:
        data = queries.stats(archive)
    if as_json:
        print_json(data)
        return
    for key, value in data.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}: {n}" for k, n in value.items()) or "-"
        click.echo(f"{key:>22}  {value}")


@main.command()
@click.option("--level", default=19, show_default=True, type=click.IntRange(4, 22),
              help="zstd level to recompress at (a crawl stores bodies at level 3).")
@click.option("--limit", "-n", type=click.IntRange(min=1),
              help="At most this many bodies, oldest first (a long pass can be split).")
@db_option
@json_option
def compact(level: int, limit: int | None, db_path: str, as_json: bool) -> None:
    """Recompress stored pages at a slower zstd level, at a quiet hour.

    Every body keeps its dictionary and is checked to read back byte for byte before it is
    replaced; the freed space is reused by later captures (`sqlite-utils vacuum FILE`
    gives it back to the disk)."""
    from archiver.storage.compaction import compact as run

    def progress(done) -> None:
        if not as_json and done.bodies % 256 == 0:
            click.echo(f"  {done.bodies} bodies ...", err=True)

    with open_archive(db_path) as archive:
        done = run(archive, level=level, limit=limit, progress=progress)
    saved = done.before - done.after
    if as_json:
        print_json({"level": level, "bodies": done.bodies, "bytes_before": done.before,
                    "bytes_after": done.after, "bytes_saved": saved})
        return
    if not done.bodies:
        click.echo(f"nothing to do: no body is stored below level {level}")
        return
    click.echo(f"{done.bodies} bodies recompressed at level {level}: {done.before:,} -> "
               f"{done.after:,} bytes ({saved / max(done.before, 1):.1%} saved)")


@main.command()
@click.option("--keep", is_flag=True, help="Keep the archive instead of starting afresh.")
@click.option("--db", "db_path", default=DEMO_DB, show_default=True,
              type=click.Path(dir_okay=False),
              help="Archive file the demo writes (its own, so a real archive is never wiped).")
def demo(keep: bool, db_path: str) -> None:
    """Serve the bundled demo sites on 127.0.0.1, crawl, let them change, crawl again."""
    from archiver.demo import run_demo

    sys.exit(run_demo(Path(db_path), fresh=not keep))
