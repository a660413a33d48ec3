"""Commands for researchers: find stories by their words, follow what changed, get the data out
(JSON Lines, CSV, WARC, Memento, raw pages) and browse it in Datasette.

Heavy modules (warcio, datasette, jinja2) are imported inside the commands that use them, so
`archiver --help` stays quick.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import timezone
from pathlib import Path

import click

from archiver.cli import (
    article_url,
    clip,
    db_option,
    json_option,
    main,
    open_archive,
    print_json,
)

EXPORT_TABLES = ("versions", "updates", "changes", "captures", "pairs")


def _moment(value: str | None, option: str) -> str | None:
    """A --since/--until value (a date, an ISO time, or an age such as 48h or 7d) as the
    archive writes times: ISO 8601 in UTC."""
    if not value:
        return None
    from spiders.news import parse_since

    try:
        moment = parse_since(value)
    except ValueError:
        raise click.BadParameter(f"{value!r}: give a date (2026-11-01), an ISO time, or an "
                                 "age (48h, 7d)", param_hint=option) from None
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


since_option = click.option("--since", help="Only from then on: a date, an ISO time, or an age "
                                            "(48h, 7d).")
until_option = click.option("--until", help="Only before then (same forms as --since).")
site_option = click.option("--site", help="Only this site (host without www., as in stats).")


@main.command()
@click.argument("query")
@site_option
@since_option
@until_option
@click.option("--kind", help="Only text inside updates of this kind (update, correction, "
                             "editors_note, clarification).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1))
@click.option("--all-versions", is_flag=True, help="Every matching version, not one per story.")
@db_option
@json_option
def search(query: str, site, since, until, kind, limit: int, all_versions: bool, db_path: str,
           as_json: bool) -> None:
    """Stories whose text or headline matches QUERY (SQLite FTS5: words, "a phrase", OR,
    prefix*), newest first, one hit per story (its latest matching version)."""
    from archiver.research import reads
    from archiver.research.sites import SiteNames

    since, until = _moment(since, "--since"), _moment(until, "--until")
    with open_archive(db_path) as archive:
        hits = reads.search(archive, query, site=site, since=since, until=until, kind=kind,
                            limit=limit, every_version=all_versions)
        names = SiteNames(archive)
        hits = [{**h, "site_name": names[h["site"]]} for h in hits]
    if as_json:
        print_json([{**h, "snippet": _marked(h["snippet"], "**", "**")} for h in hits])
        return
    for h in hits:
        where = f" [in {', '.join(h['in_updates'])}]" if h["in_updates"] else ""
        click.echo(f"{h['first_seen']}  {h['site_name']}  v{h['version']}  {h['url']}{where}")
        click.echo(f"    {h['title']}")
        bold = click.style("\x00", bold=True, fg="yellow").split("\x00")
        click.echo(f"    {_marked(h['snippet'], *bold).replace(chr(10), ' ')}", color=None)
    if not hits:
        click.echo("no match", err=True)


def _marked(snippet: str, start: str, end: str) -> str:
    return snippet.replace("\x02", start).replace("\x03", end)


@main.command()
@since_option
@until_option
@site_option
@click.option("--kind", help="Only versions with this change kind or a new update of this kind.")
@click.option("--limit", type=click.IntRange(1), help="At most this many versions.")
@db_option
@json_option
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")
@click.option("--nl", "as_nl", is_flag=True, help="Print JSON Lines (one object a line).")
def changes(since, until, site, kind, limit, db_path: str, as_json: bool, as_csv: bool,
            as_nl: bool) -> None:
    """What changed across the archive, newest first: every new version with its change kinds
    and the updates that first appeared in it ("what changed since yesterday": --since 24h)."""
    from archiver.research import reads
    from archiver.research.sites import SiteNames

    since, until = _moment(since, "--since"), _moment(until, "--until")
    with open_archive(db_path) as archive:
        names = SiteNames(archive)
        rows = ({**r, "site_name": names[r["site"]]} for r in reads.change_feed(
            archive, since=since, until=until, site=site, kind=kind, limit=limit))
        if as_json:
            print_json(list(rows))
        elif as_nl:
            for row in rows:
                click.echo(json.dumps(row, ensure_ascii=False))
        elif as_csv:
            _write_csv(sys.stdout, None, (_flat(r) for r in rows))
        else:
            for r in rows:
                also = [k for k in r["kinds"] if k != r["change"]]
                click.echo(f"{r['at']}  {r['site_name']}  v{r['version']} {r['change']}"
                           f"{' (+' + ', '.join(also) + ')' if also else ''}  {r['title']}")
                click.echo(f"    {r['url']}")
                for u in r["updates"]:
                    click.echo(f"    new {u['kind']}: {clip(u['text'], 100)}")


def _flat(row: dict) -> dict:
    """A feed row for CSV: lists as JSON text."""
    return {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
            for k, v in row.items()}


def _write_csv(out, names: list[str] | None, rows) -> int:
    writer, n = None, 0
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=names or list(row))
            writer.writeheader()
        writer.writerow(row)
        n += 1
    return n


@main.command()
@click.argument("table", type=click.Choice(EXPORT_TABLES))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file (default: standard output).")
@db_option
def export(table: str, fmt: str, output: str | None, db_path: str) -> None:
    """Stream TABLE out for pandas, R or jq, one row in memory at a time.

    versions, updates, changes and captures come with each story's URL; pairs has one row per
    version and the version it was compared with (old and new text, change kinds), as in
    NewsEdits. JSON columns are decoded in jsonl and left as JSON text in CSV.
    """
    from archiver.research import reads

    with open_archive(db_path) as archive:
        names, rows = reads.export_rows(archive, table)
        with click.open_file(output or "-", "w", encoding="utf-8") as out:
            if fmt == "csv":
                writer = csv.writer(out)
                writer.writerow(names)
                writer.writerows(rows)
            else:
                for values in rows:
                    out.write(json.dumps(reads.decode_json_columns(names, values),
                                         ensure_ascii=False) + "\n")


@main.command()
@click.argument("output", type=click.Path(dir_okay=False, writable=True))
@site_option
@since_option
@db_option
@json_option
def warc(output: str, site, since, db_path: str, as_json: bool) -> None:
    """Write every stored capture to OUTPUT (.warc.gz): a `response` record with the page as
    fetched, and a `conversion` record with the story text extracted from it."""
    from archiver.research.warc import write_warc

    since = _moment(since, "--since")
    with open_archive(db_path) as archive, open(output, "wb") as out:
        counts = write_warc(archive, out, filename=Path(output).name, site=site, since=since)
    if as_json:
        print_json({"output": output, **counts})
    else:
        click.echo(f"{output}: {counts['response']} response and {counts['conversion']} "
                   "conversion records")


@main.command()
@click.argument("url")
@click.option("--prefix", default="http://localhost:8080/archive", show_default=True,
              help="Replay address mementos are served under (a pywb collection).")
@db_option
@json_option
def timemap(url: str, prefix: str, db_path: str, as_json: bool) -> None:
    """The story's Memento TimeMap (RFC 7089, application/link-format): one memento per
    capture that showed a distinct version."""
    from archiver.research import reads
    from archiver.research.warc import memento_uri
    from archiver.research.warc import timemap as link_format

    with open_archive(db_path) as archive:
        story = archive.article_for(article_url(archive, url))
        mementos = reads.mementos(archive, story["id"])
    if as_json:
        print_json({"original": story["url"], "mementos": [
            {**m, "uri": memento_uri(prefix, m["fetched_at"], m["final_url"] or story["url"])}
            for m in mementos]})
        return
    self_uri = f"{prefix.rstrip('/')}/timemap/link/{story['url']}"
    click.echo(link_format(story["url"], mementos, prefix, self_uri), nl=False)


@main.command()
@click.argument("url")
@click.option("--version", "-v", "number", type=int, help="The latest capture of this version.")
@click.option("--capture", "capture_id", type=int, help="This capture (an id of captures).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file (default: standard output).")
@db_option
def raw(url: str, number, capture_id, output, db_path: str) -> None:
    """Write the stored page of the story at URL byte for byte, as it was fetched (default:
    its latest capture that kept a body)."""
    from archiver.research import reads

    with open_archive(db_path) as archive:
        story = archive.article_for(article_url(archive, url))
        row = reads.raw_capture(archive, story["id"], version=number, capture_id=capture_id)
        data = reads.body(archive, row["body_sha256"]) if row else None
    if data is None:
        raise click.ClickException("no stored page for that story, version or capture")
    with click.open_file(output or "-", "wb") as out:
        out.write(data)


@main.command()
@db_option
@click.option("--port", "-p", default=8001, show_default=True, type=int)
def serve(db_path: str, port: int) -> None:
    """Browse the archive in Datasette on 127.0.0.1, with table descriptions, facets, canned
    queries and each story's history page."""
    from archiver.research.datasette import serve as serve_datasette

    open_archive(db_path).close()  # a clear error for a missing file, and the schema up to date
    click.echo(f"Datasette on http://127.0.0.1:{port}/ (Ctrl-C stops it)", err=True)
    serve_datasette(Path(db_path), port)
