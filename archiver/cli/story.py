"""Commands about one story: its history, one version's text, a diff of two versions."""

from __future__ import annotations

import json
import sys

import click

from archiver.cli import (
    article_url,
    clip,
    db_option,
    history_or_fail,
    json_option,
    main,
    open_archive,
    print_json,
)


@main.command()
@click.argument("url")
@db_option
@json_option
def history(url: str, db_path: str, as_json: bool) -> None:
    """Every version of the story at URL (fetched or canonical URL)."""
    with open_archive(db_path) as archive:
        data = history_or_fail(archive, url)
    if as_json:
        print_json(data)
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
    for c in data["failed_captures"]:
        click.echo(f"  {c['outcome']} capture {c['fetched_at']}: {c['error']}")


@main.command()
@click.argument("url")
@click.option("--version", "-v", "number", type=int, help="Version number (default: latest).")
@db_option
@json_option
def show(url: str, number: int | None, db_path: str, as_json: bool) -> None:
    """The text of one version of the story at URL."""
    with open_archive(db_path) as archive:
        versions = history_or_fail(archive, url)["versions"]
    chosen = versions[-1] if number is None else next(
        (v for v in versions if v["version"] == number), None)
    if chosen is None:
        raise click.ClickException(f"no version {number}; there are {len(versions)}")
    if as_json:
        print_json(chosen)
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
@click.option("--html", "html_path", type=click.Path(dir_okay=False, writable=True),
              help="Write the story's history page (timeline and red/green diff) to this file.")
@db_option
@json_option
def diff(url: str, a: int | None, b: int | None, color: bool | None, html_path: str | None,
         db_path: str, as_json: bool) -> None:
    """Word-level diff between versions A and B of the story at URL.

    No numbers: the last two versions. Only A: version A against the latest. Colours on a
    terminal (green added, red removed), otherwise [-removed-]{+added+}; --json prints the
    change records between the two versions instead; --html FILE writes the story's history
    page with this diff in red and green.
    """
    if html_path:
        _write_history_page(url, a, b, html_path, db_path)
        return
    from archiver.changes import word_diff
    from archiver.storage import queries

    with open_archive(db_path) as archive:
        try:
            data = queries.diff(archive, article_url(archive, url), a, b)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None
    if as_json:
        print_json({k: data[k] for k in ("url", "from", "to", "change", "changes")})
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


def _write_history_page(url: str, a: int | None, b: int | None, path: str, db_path: str) -> None:
    from archiver.research.page import history_page

    with open_archive(db_path) as archive:
        try:
            page = history_page(archive, article_url(archive, url), a, b)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None
    with open(path, "w", encoding="utf-8") as f:
        f.write(page)
    click.echo(f"wrote {path}")


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
