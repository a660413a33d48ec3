"""Shared fixtures: local sites on 127.0.0.1 and a real `scrapy crawl` in a subprocess."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archiver.localsite import LocalSite
from archiver.storage import Archive

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def unpacked(fixture: str, folder: Path) -> Path:
    """A gzipped archive of tests/fixtures, unpacked into `folder` (a test's own copy)."""
    path = folder / fixture.removesuffix(".gz")
    path.write_bytes(gzip.decompress((FIXTURES / fixture).read_bytes()))
    return path
SEED = ROOT.parent / "shared" / "seed-site"
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0",
        "-s", "DOWNLOAD_TIMEOUT=3", "-s", "LOG_LEVEL=INFO"]


def run_crawl(db: Path, *args: str, feed: Path | None = None, expect: int | None = 0,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`scrapy crawl news` exactly as a user types it, from the project root; `expect` is the
    exit status the run must end with (1: every fetch failed, 2: bad arguments; None: any)."""
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-s", f"ARCHIVER_DB={db}",
               *FAST, *args]
    if feed is not None:
        command += ["-O", str(feed)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180,
                            env=env)
    assert expect is None or result.returncode == expect, result.stderr[-3000:]
    return result


def crawl_stats(result: subprocess.CompletedProcess) -> str:
    return result.stderr


@pytest.fixture
def crawl():
    return run_crawl


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "archive.db"


@pytest.fixture
def archive(db_path):
    with Archive.open(db_path) as opened:
        yield opened


@pytest.fixture
def fixture_site():
    base = FIXTURES / "site"
    with LocalSite([base / "base"]) as site:
        site.root = base
        yield site


@pytest.fixture
def fixture_expected() -> dict:
    return json.loads((FIXTURES / "site" / "expected.json").read_text(encoding="utf-8"))


def sql_rows(db: Path, query: str, *params) -> list[tuple]:
    """Rows of one SQL query on an archive file, read with plain sqlite3 as a researcher would."""
    con = sqlite3.connect(db)
    try:
        return con.execute(query, params).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def demo_archive(tmp_path_factory) -> Path:
    """The demo's archive (three sites crawled, changed, crawled again with the real engine),
    built once for the tests that read a varied archive: updates, a correction, a headline
    change, a removal."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    result = subprocess.run([sys.executable, "-m", "archiver.cli", "demo", "--db", str(path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return path


def children_of(pid: int) -> list[int]:
    """Processes started by `pid` (Linux /proc): the crawl's page reader, and the
    multiprocessing resource tracker beside it."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            out.append(int(stat.parent.name))
    return out


def all_end(pids: list[int], seconds: float) -> bool:
    """Whether every process of `pids` ends within `seconds` (none left running)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = []
        for pid in pids:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z":
                alive.append(pid)
            else:  # a zombie: ended, its parent (reparented to us or init) reaps it
                try:
                    os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    pass
        if not alive:
            return bool(pids)
        time.sleep(0.1)
    return False
