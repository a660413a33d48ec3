"""`archiver enqueue` as an operator's cron job runs it: a Redis it cannot use is one error
line and a non-zero exit, a password is never printed, and enqueuing is not a crawl of the
archive (no run recorded, no archive created). A real redis-server, real subprocesses."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from archiver.distributed.localredis import LocalRedis, RedisUnavailable
from archiver.localsite import LocalSite
from tests.conftest import FIXTURES, ROOT, run_crawl, sql_rows

SECRET = "s3cret-Pa55"


@pytest.fixture(scope="module")
def guarded_redis():
    """A redis-server of this module's own, with a password."""
    try:
        with LocalRedis() as server:
            server.client().config_set("requirepass", SECRET)
            yield server
    except RedisUnavailable as exc:
        pytest.skip(f"no real Redis to test against: {exc}")


def _with_password(server: LocalRedis, password: str = SECRET) -> str:
    return server.url.replace("redis://", f"redis://:{password}@")


def _enqueue(cwd: Path, redis_url: str, *args: str) -> subprocess.CompletedProcess:
    """The command as cron runs it, from a folder of its own, ARCHIVER_DB unset."""
    env = {k: v for k, v in os.environ.items() if k not in ("ARCHIVER_DB", "ARCHIVER_REDIS_URL")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "archiver.cli", "enqueue", "--redis", redis_url,
                           *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def _closed_port() -> int:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _one_error_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0, (result.stdout, result.stderr[-3000:])
    assert "Traceback" not in result.stderr and "queued" not in result.stdout, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr[-3000:]
    assert SECRET not in result.stdout + result.stderr
    return lines[0]


def test_an_unreachable_redis_is_one_error_line_and_a_failed_exit(tmp_path):
    port = _closed_port()
    result = _enqueue(tmp_path, f"redis://:{SECRET}@127.0.0.1:{port}/0",
                      "--feed", "http://127.0.0.1:9/feed.xml")
    line = _one_error_line(result)
    assert f"redis://:***@127.0.0.1:{port}/0" in line and "onnection refused" in line
    assert not (tmp_path / "data").exists()


def test_a_wrong_password_is_one_error_line(guarded_redis, tmp_path):
    result = _enqueue(tmp_path, _with_password(guarded_redis, "not-" + SECRET),
                      "--feed", "http://127.0.0.1:9/feed.xml")
    line = _one_error_line(result)
    assert "not-" + SECRET not in line and ":***@" in line


def test_enqueue_masks_the_password_and_creates_no_archive(guarded_redis, tmp_path):
    url = _with_password(guarded_redis)
    given = tmp_path / "given.db"
    with LocalSite([FIXTURES / "site" / "base"]) as site:
        default = _enqueue(tmp_path, url, "--feed", site.url("/feed.xml"))
        named = _enqueue(tmp_path, url, "--db", str(given), site.url("/2026/03/any-story/"))
    for result in (default, named):
        assert result.returncode == 0, result.stderr[-3000:]
        assert SECRET not in result.stdout + result.stderr
        assert result.stdout.strip() == (
            f"1 requests queued in {url.replace(SECRET, '***')}"), result.stdout
    assert not (tmp_path / "data").exists() and not given.exists()  # no archive made
    assert redis.Redis.from_url(url).dbsize() > 0  # queued behind the password


def test_enqueue_due_reads_the_archive_and_records_no_run(guarded_redis, tmp_path):
    url = _with_password(guarded_redis)
    db = tmp_path / "archive.db"
    with LocalSite([FIXTURES / "site" / "base"]) as site:
        run_crawl(db, "-a", f"feeds={site.url('/feed.xml')}")  # the archive of record
    runs = sql_rows(db, "select id, ended_at from runs")
    revisit = _enqueue(tmp_path, url, "--revisit", "all", "--db", str(db))
    assert revisit.returncode == 0, revisit.stderr[-3000:]
    assert revisit.stdout.startswith("2 requests queued")
    assert sql_rows(db, "select id, ended_at from runs") == runs  # enqueuing is no crawl
    missing = _enqueue(tmp_path, url, "--due", "--db", str(tmp_path / "nowhere.db"))
    assert "nowhere.db" in _one_error_line(missing)
    assert not (tmp_path / "nowhere.db").exists()


def test_a_redis_that_refuses_writes_midway_is_one_error_line(tmp_path):
    """Redis answers the first ping but refuses every write (full, under `noeviction`): the
    run stops with one line naming the refusal, never '0 requests queued' and exit 0."""
    try:
        with LocalRedis() as server:
            client = server.client()
            client.config_set("maxmemory", "1")
            client.config_set("maxmemory-policy", "noeviction")
            result = _enqueue(tmp_path, server.url, "http://127.0.0.1:9/2026/03/a-story/")
    except RedisUnavailable as exc:
        pytest.skip(f"no real Redis to test against: {exc}")
    line = _one_error_line(result)
    assert "enqueue stopped after 0 requests queued" in line and "maxmemory" in line
