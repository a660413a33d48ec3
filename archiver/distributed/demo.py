"""The offline demo, distributed: a real Redis, three crawl workers and one archive writer.

The same bundled sites, the same two crawls (first published, then later) as `make demo`,
and the same report; every process is a real command, as a user would start it on several
machines: `archiver enqueue`, `scrapy crawl news -s ARCHIVER_REDIS_URL=...` (the workers) and
`archiver ingest` (the writer). Everything started here is stopped here.

    python -m archiver.distributed.demo [--workers 3] [--db data/demo-distributed.db]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import click

from archiver.demo import (
    DEMO_SITE,
    FAST_LOCAL,
    PROJECT_ROOT,
    both_states,
    load_manifest,
    start_afresh,
)
from archiver.distributed.localredis import LocalRedis
from archiver.localsite import LocalSite

DEMO_DB = "data/demo-distributed.db"
# Workers stop one second after the shared frontier runs dry; so does the writer.
IDLE = ["-s", "ARCHIVER_REDIS_IDLE_CLOSE=1"]


def seeds(sites: list[tuple[dict, LocalSite]]) -> list[str]:
    """`archiver enqueue` options that discover every demo site (start page, feed, sitemap)."""
    out = []
    for spec, server in sites:
        found = spec["discovery"]
        out += ["--start", server.url(found.get("start") or "/")]
        if found.get("feed"):
            out += ["--feed", server.url(found["feed"])]
        if found.get("sitemap"):
            out += ["--sitemap", server.url(found["sitemap"])]
    return out


def crawl_round(redis_url: str, db_path: Path, scratch: Path, seed_options: list[str],
                workers: int, round_name: str, log_level: str = "WARNING") -> int:
    """Seed the frontier, run `workers` workers and the writer until all is stored."""
    # Each round is a new crawl: its own "already scheduled" set, as a new local crawl has.
    common = ["-s", f"SCHEDULER_DUPEFILTER_KEY=%(spider)s:seen:{round_name}",
              "-s", f"LOG_LEVEL={log_level}"]
    archiver = [sys.executable, "-m", "archiver.cli"]
    queued = subprocess.run([*archiver, "enqueue", "--redis", redis_url, "--db", str(db_path),
                             *common, *seed_options], cwd=PROJECT_ROOT, check=False)
    if queued.returncode:
        return queued.returncode
    writer = subprocess.Popen([*archiver, "ingest", "--redis", redis_url, "--db", str(db_path),
                               "--exit-when-idle", "1", *common], cwd=PROJECT_ROOT)
    # Each worker has a scratch archive of its own (pages held for a template), as it would
    # on a machine of its own; only the writer touches db_path.
    crawlers = [subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "news",
                                  "-s", f"ARCHIVER_REDIS_URL={redis_url}",
                                  "-s", f"ARCHIVER_DB={scratch / f'worker-{n}.db'}",
                                  *FAST_LOCAL, *IDLE, *common],
                                 cwd=PROJECT_ROOT)
                for n in range(workers)]
    codes = [p.wait() for p in crawlers] + [writer.wait()]
    return max(codes)


def run_distributed_demo(db_path: Path, *, workers: int = 3, root: Path = DEMO_SITE,
                         log_level: str = "WARNING") -> int:
    db_path = db_path if db_path.is_absolute() else Path.cwd() / db_path
    if not start_afresh(db_path):
        return 2
    manifest = load_manifest(root)
    with ExitStack() as stack:
        redis = stack.enter_context(LocalRedis())
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="workers-")))
        sites = [(spec, stack.enter_context(LocalSite([root / spec["dir"] / "base"])))
                 for spec in manifest["sites"]]
        click.secho(f"Redis: {redis.url}   workers: {workers}   writer: 1   archive: {db_path}",
                    bold=True)

        def crawl_state(revisit: bool) -> int:
            arguments = [*seeds(sites), "--revisit", "all"] if revisit else seeds(sites)
            return crawl_round(redis.url, db_path, scratch, arguments, workers,
                               "later" if revisit else "base", log_level)

        if both_states(db_path, sites, root, crawl_state):
            return 1
    click.echo(f"\nArchive: {db_path}   (Redis and every worker stopped)")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--db", default=DEMO_DB)
    options = parser.parse_args()
    sys.exit(run_distributed_demo(Path(options.db), workers=options.workers))


if __name__ == "__main__":
    main()
