"""`archiver`: read the archive from the terminal (history, show, diff, stats) and run the demo."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from textwrap import shorten

import click

from archiver.changes import word_diff
from archiver.settings import ARCHIVER_DB
from archiver.storage import Archive, queries

DEFAULT_DB = ARCHIVER_DB
DEMO_DB = "data/demo.db"

db_option = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False), show_default=True,
    default=lambda: os.environ.get("ARCHIVER_DB", DEFAULT_DB),
    help="Archive file (also $ARCHIVER_DB).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def _open(db_path: str) -> Archive:
    try:
        return Archive.open_existing(db_path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


def _print_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _article_url(archive: Archive, url: str) -> str:
    """The archived article's own URL for `url` however it was typed, or a clean error."""
    article = archive.article_for(*_spellings(url))
    if article is None:
        raise click.ClickException(f"no article archived for {url}")
    return article["url"]


def _history_or_fail(archive: Archive, url: str) -> dict:
    return queries.history(archive, _article_url(archive, url))


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


@main.command()
@click.argument("url")
@db_option
@json_option
def history(url: str, db_path: str, as_json: bool) -> None:
    """Every version of the story at URL (fetched or canonical URL)."""
    with _open(db_path) as archive:
        data = _history_or_fail(archive, url)
    if as_json:
        _print_json(data)
        return
    click.echo(f"{data['url']}  [{data['status']}]")
    if data["canonical_url"] and data["canonical_url"] != data["url"]:
        click.echo(f"canonical: {data['canonical_url']}")
    for v in data["versions"]:
        click.echo(f"  v{v['version']}  {v['first_seen']} .. {v['last_seen']}  "
                   f"{v['captures']} capture(s)  {v['change']}: {v['title']}")
        others = [c["kind"] for c in v["changes"] if c["kind"] != v["change"]]
        if others:
            click.echo(f"      also: {', '.join(dict.fromkeys(others))}")
        for field, headline in sorted(v["headlines"].items()):
            if headline != v["title"]:
                click.echo(f"      {field}: {headline}")
        for u in v["updates"]:
            when = f" ({u['stated_time']})" if u["stated_time"] else ""
            click.echo(f"      {u['kind']} {u['position']}{when}, since v{u['first_version']}: "
                       f"{clip(u['text'], 90)}")
    for e in data["events"]:
        click.echo(f"  event {e['at']}: {e['kind']} {json.dumps(e['detail'])}")


@main.command()
@click.argument("url")
@click.option("--version", "-v", "number", type=int, help="Version number (default: latest).")
@db_option
@json_option
def show(url: str, number: int | None, db_path: str, as_json: bool) -> None:
    """The text of one version of the story at URL."""
    with _open(db_path) as archive:
        versions = _history_or_fail(archive, url)["versions"]
    chosen = versions[-1] if number is None else next(
        (v for v in versions if v["version"] == number), None)
    if chosen is None:
        raise click.ClickException(f"no version {number}; there are {len(versions)}")
    if as_json:
        _print_json(chosen)
        return
    click.echo(chosen["title"] or "")
    meta = ", ".join(filter(None, [", ".join(chosen["authors"]), chosen["published"]]))
    if meta:
        click.echo(meta)
    click.echo(f"(version {chosen['version']} of {len(versions)}, {chosen['change']})\n")
    click.echo("\n\n".join(chosen["paragraphs"]))


@main.command()
@click.argument("url")
@click.argument("a", type=int, required=False)
@click.argument("b", type=int, required=False)
@click.option("--color/--no-color", "color", default=None,
              help="Force colours on or off (default: only on a terminal).")
@db_option
@json_option
def diff(url: str, a: int | None, b: int | None, color: bool | None, db_path: str,
         as_json: bool) -> None:
    """Word-level diff between versions A and B of the story at URL.

    No numbers: the last two versions. Only A: version A against the latest. Colours on a
    terminal (green added, red removed), otherwise [-removed-]{+added+}; --json prints the
    change records between the two versions instead.
    """
    with _open(db_path) as archive:
        try:
            data = queries.diff(archive, _article_url(archive, url), a, b)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None
    if as_json:
        _print_json({k: data[k] for k in ("url", "from", "to", "change", "changes")})
        return
    if data["from"] == data["to"]:
        click.echo(f"{data['url']} has only version {data['to']}; nothing to compare.")
        return
    if color is None:
        color = sys.stdout.isatty()
    click.echo(f"{data['url']}  v{data['from']} -> v{data['to']}  ({data['change']})\n")
    old = (data["old"]["title"] or "") + "\n\n" + data["old"]["text"]
    new = (data["new"]["title"] or "") + "\n\n" + data["new"]["text"]
    click.echo(_render(word_diff(old, new), color), color=color)


def _render(ops: list[tuple[str, str]], color: bool) -> str:
    """Green for added and red for removed words on a terminal, [-old-]{+new+} elsewhere."""
    parts = []
    for op, text in ops:
        if op == "equal":
            parts.append(text)
        elif color and op == "removed":
            parts.append(click.style(text, fg="red", strikethrough=True))
        elif color:
            parts.append(click.style(text, fg="green"))
        else:
            parts.append(f"[-{text}-]" if op == "removed" else f"{{+{text}+}}")
    return "".join(parts)


@main.command()
@db_option
@json_option
def stats(db_path: str, as_json: bool) -> None:
    """What the archive holds."""
    with _open(db_path) as archive:
        data = queries.stats(archive)
    if as_json:
        _print_json(data)
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


def clip(text: str | None, width: int) -> str:
    """One line of at most `width` characters, cut at a word, for terminal reports."""
    return shorten(text or "", width, placeholder="…")


if __name__ == "__main__":
    main()
