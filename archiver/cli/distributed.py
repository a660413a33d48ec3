"""Commands of a distributed crawl: the one archive writer, and seeding the shared frontier."""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit, urlunsplit

import click

from archiver.cli import db_option, main, open_archive

set_option = click.option(
    "-s", "--set", "settings", multiple=True, metavar="NAME=VALUE",
    help="A Scrapy setting, as with `scrapy crawl -s` (for example LOG_LEVEL=WARNING).",
)
redis_option = click.option(
    "--redis", "redis_url", metavar="URL", show_default=True,
    default=lambda: os.environ.get("ARCHIVER_REDIS_URL", "redis://127.0.0.1:6379/0"),
    help="The Redis the workers share (also $ARCHIVER_REDIS_URL).",
)


@main.command()
@redis_option
@db_option
@click.option("--exit-when-idle", type=float, default=0, metavar="SECONDS",
              help="Stop once nothing has arrived for this long, no worker is alive and the "
                   "frontier is empty (default: run until stopped).")
@set_option
def ingest(redis_url: str, db_path: str, exit_when_idle: float, settings) -> None:
    """The one writer: store the workers' captures in the archive.

    A capture leaves Redis only after its transaction committed, so the writer can be
    stopped and started at any time. A second writer (same Redis or same archive) is refused.
    """
    from archiver.distributed.writer import ingest as run

    sys.exit(run(redis_url, db_path, exit_when_idle=exit_when_idle,
                 settings_overrides=_settings(settings)))


@main.command()
@redis_option
@db_option
@click.argument("urls", nargs=-1)
@click.option("--feed", "feeds", multiple=True, metavar="URL", help="An RSS or Atom feed.")
@click.option("--sitemap", "sitemaps", multiple=True, metavar="URL",
              help="A sitemap, sitemap index or robots.txt.")
@click.option("--start", "starts", multiple=True, metavar="URL",
              help="A home or section page whose story links are followed.")
@click.option("--since", metavar="AGE", help="Skip sitemap entries older than this (48h, 7d, a date).")
@click.option("--revisit", type=click.Choice(["all", "due"]),
              help="Archived stories to fetch again (of the sites named, or of all).")
@click.option("--due", is_flag=True, help="Same as --revisit due: the stories whose time has come.")
@set_option
def enqueue(redis_url, db_path, urls, feeds, sitemaps, starts, since, revisit, due,
            settings) -> None:
    """Put article URLs, feeds, sitemaps, start pages or due revisits in the shared frontier.

    The workers (`scrapy crawl news -s ARCHIVER_REDIS_URL=...`) fetch them. Revisits are read
    from the archive (--db), so run --due where the writer's archive is. Enqueuing is not a
    crawl: it records no run, and it opens the archive only for --due or --revisit (which
    need one that exists). A Redis it cannot reach or that refuses a write is one error
    line and exit status 1.
    """
    from archiver.distributed.enqueue import enqueue as run

    args = {name: ",".join(values) for name, values in
            (("urls", urls), ("feeds", feeds), ("sitemaps", sitemaps), ("start", starts))
            if values}
    if since:
        args["since"] = since
    if due or revisit:
        args["revisit"] = "due" if due else revisit
    if not args:
        raise click.UsageError("give URLs, --feed, --sitemap, --start or --due")
    overrides = {"ARCHIVER_DB": "", **_settings(settings)}  # no archive unless revisits
    if "revisit" in args:
        open_archive(db_path).close()  # a missing or foreign archive: one error line
    else:
        db_path = None
    _check_reachable(redis_url)
    done = run(redis_url, args, db_path=db_path, settings_overrides=overrides)
    if done.errors:
        raise click.ClickException(f"enqueue stopped after {done.queued} requests queued in "
                                   f"{shown_url(redis_url)}: {done.errors[0]}")
    click.echo(f"{done.queued} requests queued in {shown_url(redis_url)}")


def _check_reachable(redis_url: str) -> None:
    """Fail in one line, before any crawl machinery starts, when the frontier's Redis cannot
    be reached (down, wrong port, wrong password, not a Redis URL)."""
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=10, socket_timeout=10).ping()
    except (redis.RedisError, ValueError) as exc:
        raise click.ClickException(f"Redis at {shown_url(redis_url)} cannot be used: "
                                   f"{exc}") from None


def shown_url(url: str) -> str:
    """A Redis URL as it may be printed: its password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def _settings(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{pair!r}: give NAME=VALUE", param_hint="-s")
        out[name] = value
    return out
