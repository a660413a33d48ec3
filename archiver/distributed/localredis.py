"""A real redis-server on 127.0.0.1, on a free port, in a temporary folder of its own.

For the distributed demo, the tests and the benchmark: started, used, and stopped by the
process that started it. The server is Debian's `redis-server` (scripts/system-packages.sh
installs it), never a stand-in.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time

import redis


class RedisUnavailable(RuntimeError):
    pass


def redis_server_path() -> str | None:
    return shutil.which("redis-server") or next(
        (p for p in ("/usr/bin/redis-server", "/usr/sbin/redis-server")
         if shutil.which(p)), None)


class LocalRedis:
    def __init__(self):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._dir = None
        self._process = None

    def start(self) -> LocalRedis:
        server = redis_server_path()
        if server is None:
            raise RedisUnavailable("redis-server is not installed "
                                   "(scripts/system-packages.sh installs it)")
        self._dir = tempfile.TemporaryDirectory(prefix="archiver-redis-")
        self._process = subprocess.Popen(
            [server, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", self._dir.name,
             "--save", "", "--appendonly", "no", "--protected-mode", "yes",
             "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RedisUnavailable("redis-server did not start") from None
                time.sleep(0.05)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None

    def __enter__(self) -> LocalRedis:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
