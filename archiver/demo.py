"""The offline demo: bundled sites served on 127.0.0.1, crawled before and after they change.

Each crawl is a real `scrapy crawl news` in a subprocess, exactly as a user would run it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import click

from archiver.cli import clip
from archiver.extract import SiteTemplate
from archiver.localsite import LocalSite
from archiver.normalize import site_of
from archiver.storage import Archive, queries
from archiver.storage.files import refusal

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_SITE = PROJECT_ROOT / "data" / "demo-site"
FAST_LOCAL = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
              "-s", "LOG_LEVEL=WARNING"]


def load_manifest(root: Path = DEMO_SITE) -> dict:
    return json.loads((root / "manifest.json").read_text(encoding="utf-8"))


def crawl_arguments(sites: list[tuple[dict, LocalSite]], *, revisit: bool) -> list[str]:
    """`-a` arguments that discover every demo site through its start page, feed and sitemap."""
    args: dict[str, list[str]] = {"start": [], "feeds": [], "sitemaps": []}
    for spec, server in sites:
        found = spec["discovery"]
        args["start"].append(server.url(found.get("start") or "/"))
        if found.get("feed"):
            args["feeds"].append(server.url(found["feed"]))
        if found.get("sitemap"):
            args["sitemaps"].append(server.url(found["sitemap"]))
    out = []
    for name, urls in args.items():
        if urls:
            out += ["-a", f"{name}={','.join(urls)}"]
    if revisit:
        out += ["-a", "revisit=1"]
    return out


def crawl(db_path: Path, arguments: list[str], extra: list[str] = ()) -> int:
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-s", f"ARCHIVER_DB={db_path}",
               *FAST_LOCAL, *extra, *arguments]
    return subprocess.run(command, cwd=PROJECT_ROOT, env={**os.environ}, check=False).returncode


def run_demo(db_path: Path, *, fresh: bool = True, root: Path = DEMO_SITE) -> int:
    db_path = db_path if db_path.is_absolute() else Path.cwd() / db_path
    if fresh and not start_afresh(db_path):
        return 2
    manifest = load_manifest(root)
    with ExitStack() as stack:
        sites = [(spec, stack.enter_context(LocalSite([root / spec["dir"] / "base"])))
                 for spec in manifest["sites"]]
        for spec, server in sites:
            click.echo(f"   {spec['name']}: {server.base}")
        if both_states(db_path, sites, root,
                       lambda revisit: crawl(db_path, crawl_arguments(sites, revisit=revisit))):
            return 1
    click.echo(f"\nArchive: {db_path}\nTry: archiver history URL --db {db_path}  |  "
               f"archiver stats --db {db_path}  |  datasette {db_path}")
    return 0


def both_states(db_path: Path, sites: list, root: Path, crawl_round) -> int:
    """The demo's two rounds: the sites as first published, then in their later state with
    revisits, each followed by a summary, and the report at the end. `crawl_round(revisit)`
    runs one round (one crawl, or Redis workers and a writer) and returns its exit status."""
    click.secho("1. Crawling the demo sites as first published ...", bold=True)
    if crawl_round(False):
        return 1
    _summary(db_path)
    click.secho("\n2. The sites move to their later state; crawling again (with revisit) ...",
                bold=True)
    for spec, server in sites:
        server.layers = [root / spec["dir"] / "later", root / spec["dir"] / "base"]
    if crawl_round(True):
        return 1
    _summary(db_path)
    _report(db_path, sites)
    return 0


def start_afresh(db_path: Path) -> bool:
    """Delete the demo's earlier archive at `db_path`; False (and one error line) when the
    file there is not a demo archive, which is never deleted."""
    refused = not_a_demo_archive(db_path)
    if refused:
        click.echo(f"Error: {refused}; the demo starts afresh only in an archive of its "
                   "own (give another --db, or --keep to add to it)", err=True)
        return False
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    return True


def not_a_demo_archive(path: Path) -> str | None:
    """Why `path` may not be deleted for a fresh demo, or None: only a missing file or an
    archive of local sites only (what the demo writes) may go."""
    if not path.exists():
        return None
    refused = refusal(path)
    if refused or path.stat().st_size == 0:
        return refused or f"{path} is an empty file, not a demo archive"
    with Archive.open_existing(path) as archive:
        hosts = {urlsplit(row["url"]).hostname for row in archive.db.query(
            "select url from articles")}
    if hosts - {"127.0.0.1", "localhost"}:
        return f"{path} holds stories of real sites, not a demo archive"
    return None


def _summary(db_path: Path) -> None:
    with Archive.open(db_path) as archive:
        s = queries.stats(archive)
    click.echo(f"   archive: {s['articles']} articles, {s['versions']} versions, "
               f"{s['captures']} captures ({s['failed_captures']} failed), "
               f"{s['updates']} updates, {s['removed_articles']} removed")


def _report(db_path: Path, sites: list[tuple[dict, LocalSite]]) -> None:
    click.secho("\n3. What the archive now holds, site by site:", bold=True)
    with Archive.open(db_path) as archive:
        templates = archive.load_templates()
        for spec, server in sites:
            site = site_of(server.base)
            click.secho(f"\n {spec['name']}  ({_template_line(templates.get(site))})", bold=True)
            rows = archive.db.query("select url from articles where site = ? order by url", [site])
            for row in rows:
                _article(queries.history(archive, row["url"]), server.base)


def _template_line(data: str | None) -> str:
    """How much of the site's own furniture the learned template knows."""
    if not data:
        return "no site template learned"
    template = SiteTemplate.from_json(data)
    return (f"site template: {template.repeated_blocks()} repeated blocks learned from "
            f"{len(template.pages)} pages")


def _article(data: dict, base: str) -> None:
    versions = data["versions"]
    last = versions[-1]
    kinds = " -> ".join(v["change"] or "?" for v in versions)
    status = "" if data["status"] == "live" else f"  [{data['status'].upper()}]"
    click.echo(f"   {data['url'].removeprefix(base)}{status}")
    click.echo(f"      \"{clip(last['title'], 80)}\"")
    click.echo(f"      {_plural(len(versions), 'version')}: {kinds}")
    for change in last["changes"] if len(versions) > 1 else []:
        line = _change_line(change)
        if line:
            click.echo(f"      {line}")
    for update in last["updates"]:
        when = f" at {update['stated_time']}" if update["stated_time"] else ""
        first = update["text"].split("\n\n")[0]
        click.echo(f"      {update['kind']} ({update['position']}{when}): {clip(first, 70)}")
    for event in data["events"]:
        if event["kind"] == "removed":
            click.echo(f"      removed from the site (HTTP {event['detail'].get('status')}); "
                       f"the archive keeps {_plural(len(versions), 'version')}")


def _change_line(change: dict) -> str | None:
    """One line for the edits a reader wants to see (updates are listed on their own)."""
    kind = change["kind"]
    if kind == "title_change" and change.get("field") == "title":
        return f"headline was: \"{clip(change['old'], 70)}\""
    if kind == "sentence_edit" and change.get("added_words"):
        return (f"sentence edited: \"{clip(' / '.join(change['removed_words']), 30)}\" -> "
                f"\"{clip(' / '.join(change['added_words']), 30)}\"")
    if kind in ("sentence_edit", "paragraph_added", "paragraph_removed"):
        unit = "sentence" if kind == "sentence_edit" else "paragraph"
        verb, text = ("added", change["new"]) if change["new"] else ("removed", change["old"])
        return f"{unit} {verb}: \"{clip(text, 60)}\""
    return None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
