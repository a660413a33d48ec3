"""Commands for the crawl operator: how runs went, what failed, what the next revisit fetches."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone

import click

from archiver.cli import clip, db_option, json_option, main, open_archive, print_json
from archiver.settings import ARCHIVER_REVISIT_GIVE_UP, ARCHIVER_REVISIT_RETRY


def _counts(mapping: dict | None) -> str:
    return ", ".join(f"{k} {n}" for k, n in sorted((mapping or {}).items(),
                                                   key=lambda kv: (-kv[1], kv[0]))) or "-"


@main.command()
@click.option("--limit", "-n", default=20, show_default=True, help="How many runs, newest first.")
@db_option
@json_option
def runs(limit: int, db_path: str, as_json: bool) -> None:
    """The latest crawls: when, what they were asked, what they did, how they ended."""
    from archiver.storage.runs import recent_runs

    with open_archive(db_path) as archive:
        rows = recent_runs(archive, limit) if archive.db["runs"].exists() else []
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("no runs recorded")
        return
    for run in rows:
        status = "running or killed" if run["exit_status"] is None else f"exit {run['exit_status']}"
        click.echo(f"run {run['id']}  {run['started_at']} .. {run['ended_at'] or '?'}  {status}"
                   f"  ({run['finish_reason'] or 'no end recorded'})")
        arguments = " ".join(f"{k}={v}" for k, v in (run["arguments"] or {}).items())
        click.echo(f"    asked     {clip(arguments, 90) or '-'}")
        click.echo(f"    fetched   {run['pages_fetched'] or 0} pages; "
                   f"{run['new_articles'] or 0} new stories, {run['new_versions'] or 0} new versions")
        click.echo(f"    captures  {_counts(run['captures'])}")
        if run["failures"]:
            click.echo(f"    failures  {_counts(run['failures'])}")
        if run.get("cuts"):
            click.echo(f"    cut       {_counts(run['cuts'])}")


def parse_since(value: str | None) -> str | None:
    """`--since` as an ISO time: an age (48h, 7d) or a date/time."""
    if not value:
        return None
    from spiders.news import parse_since as parse  # one reading of ages, shared with -a since=

    try:
        return parse(value).astimezone(timezone.utc).isoformat(timespec="seconds")
    except ValueError as exc:
        raise click.BadParameter(str(exc).replace("since=", "", 1)) from None


@main.command()
@click.option("--since", help="Only failures since: an age (48h, 7d) or a date/time.")
@click.option("--urls", "-u", "per_reason", default=5, show_default=True,
              help="URLs listed per reason (all with --json).")
@db_option
@json_option
def failures(since: str | None, per_reason: int, db_path: str, as_json: bool) -> None:
    """Failed captures by reason: how many, when last, and which URLs."""
    from archiver.failures import reason_of
    from archiver.storage.runs import failed_captures

    start = parse_since(since)
    with open_archive(db_path) as archive:
        rows = failed_captures(archive, start)
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[reason_of(row["error"])].append(row)
    reasons = sorted(grouped.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    if as_json:
        print_json([{"reason": reason, "count": len(found), "last": found[0]["fetched_at"],
                     "captures": found} for reason, found in reasons])
        return
    if not reasons:
        click.echo("no failed captures" + (f" since {start}" if start else ""))
        return
    for reason, found in reasons:
        click.echo(f"{len(found):>6}  {reason}  (last {found[0]['fetched_at']})")
        for row in found[:per_reason]:
            click.echo(f"          {row['url']}  {clip(row['error'], 70)}")
        if len(found) > per_reason:
            click.echo(f"          ... {len(found) - per_reason} more")


@main.command()
@click.option("--all", "everything", is_flag=True, help="List every story, not only those due now.")
@click.option("--retry", type=float, default=ARCHIVER_REVISIT_RETRY, show_default=True,
              help="ARCHIVER_REVISIT_RETRY: hours before a failing story is tried again.")
@click.option("--give-up", type=float, default=ARCHIVER_REVISIT_GIVE_UP, show_default=True,
              help="ARCHIVER_REVISIT_GIVE_UP: days of failures after which it is not revisited.")
@db_option
@json_option
def due(everything: bool, retry: float, give_up: float, db_path: str, as_json: bool) -> None:
    """What the next `revisit=due` run will fetch, and when each story is due."""
    from archiver.revisit import Backoff, schedule
    from archiver.storage.revisits import revisit_rows

    now = datetime.now(timezone.utc)
    with open_archive(db_path) as archive:
        plan = schedule(revisit_rows(archive), now,
                        Backoff(timedelta(hours=retry), timedelta(days=give_up)))
    rows = [{"url": d.url, "site": d.site, "status": d.status, "last_fetch": d.last_fetch,
             "due_at": d.due_at.isoformat(timespec="seconds") if d.due_at else None,
             "due_now": d.due_at is not None and d.due_at <= now, "reason": d.reason}
            for d in plan]
    if not everything:
        rows = [r for r in rows if r["due_now"]]
    if as_json:
        print_json(rows)
        return
    click.echo(f"{sum(r['due_now'] for r in rows)} due now (of {len(plan)} archived stories)")
    for r in rows:
        when = "now" if r["due_now"] else (r["due_at"] or "never (given up)")
        click.echo(f"  {when:<25}  {r['url']}  [{r['status']}]  {r['reason']}")
