"""`archiver`: read the archive from the terminal and run the demo.

The group and the options every command shares live here; each command family is a module of
this package, imported at the end so that it registers its commands on `main`. The archive's
modules (sqlite-utils, change detection) are imported when a command runs, not at start-up.
"""

from __future__ import annotations

import json
import os
from textwrap import shorten
from typing import TYPE_CHECKING

import click

from archiver.settings import ARCHIVER_DB

if TYPE_CHECKING:
    from archiver.storage import Archive

DEFAULT_DB = ARCHIVER_DB
DEMO_DB = "data/demo.db"

db_option = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False), show_default=True,
    default=lambda: os.environ.get("ARCHIVER_DB", DEFAULT_DB),
    help="Archive file (also $ARCHIVER_DB).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def open_archive(db_path: str) -> Archive:
    from archiver.storage import Archive

    try:
        return Archive.open_existing(db_path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


def print_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def article_url(archive: Archive, url: str) -> str:
    """The archived article's own URL for `url` however it was typed, or a clean error."""
    from archiver.storage import queries

    article = queries.article_reached_by(archive, *_spellings(url))
    if article is None:
        raise click.ClickException(f"no article archived for {url}")
    return article["url"]


def history_or_fail(archive: Archive, url: str) -> dict:
    from archiver.storage import queries

    return queries.history(archive, article_url(archive, url))


def _spellings(url: str) -> list[str]:
    """The URL as typed, then with the other scheme and with or without the trailing slash:
    how people copy URLs, never how the archive stores them apart."""
    other = url.replace("https://", "http://", 1) if url.startswith("https://") else \
        url.replace("http://", "https://", 1)
    out = []
    for base in (url, other):
        out += [base, base[:-1] if base.endswith("/") else base + "/"]
    return out


@click.group()
@click.version_option(package_name="technews-archiver")
def main() -> None:
    """Query the tech-news archive: how every story changed, version by version."""


def clip(text: str | None, width: int) -> str:
    """One line of at most `width` characters, cut at a word, for terminal reports; within
    the first word when that alone is too long (a list of URLs is one word)."""
    line = shorten(text or "", width, placeholder="…")
    if line == "…":
        return " ".join(text.split())[:width - 1] + "…"
    return line


# Command modules register themselves on `main`; imported last, after what they use.
from archiver.cli import (  # noqa: E402,F401
    archive_cmds,
    distributed,
    operations,
    research,
    story,
)
