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
@click.option("--keep", is_flag=True, help="Keep the archive instead of starting afresh.")
@click.option("--db", "db_path", default=DEMO_DB, show_default=True,
              type=click.Path(dir_okay=False),
              help="Archive file the demo writes (its own, so a real archive is never wiped).")
def demo(keep: bool, db_path: str) -> None:
    """Serve the bundled demo sites on 127.0.0.1, crawl, let them change, crawl again."""
    from archiver.demo import run_demo

    sys.exit(run_demo(Path(db_path), fresh=not keep))
