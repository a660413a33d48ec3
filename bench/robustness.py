"""Time and peak memory of `archiver.extract.extract` on hostile inputs.

Each case is generated here (nothing downloaded), extracted once in this process, and reported
as wall time, peak traced Python memory (tracemalloc) and the process's peak RSS so far
(resource.getrusage; lxml's C allocations show there, not in tracemalloc). Every case runs
under a SIGALRM watchdog so a pathological input reports TIMEOUT instead of hanging `make bench`.

    .venv/bin/python bench/robustness.py [--timeout SECONDS]
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

_WORDS = ("network", "carrier", "market", "equipment", "report", "security", "phone",
          "company", "growth", "launch", "chip", "software", "update", "users", "data")


def _sentence(rng: random.Random, n: int = 18) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(n)).capitalize() + "."


def big_article(target_bytes: int = 10_000_000) -> str:
    """A ~10 MB article page: nav, a very long story, sidebar and comments."""
    rng = random.Random(1)
    head = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Huge story - "
            "Example</title></head><body><nav><a href='/'>Home</a><a href='/tech'>Tech</a></nav>"
            "<main><article><h1>Huge story</h1><div class='article-body'>")
    tail = ("</div></article><aside class='sidebar'><h2>Most Popular</h2><ol>"
            + "".join(f"<li><a href='/s/{i}'>Story {i}</a></li>" for i in range(20))
            + "</ol></aside></main><footer>(c) Example</footer></body></html>")
    parts = [head]
    size = len(head) + len(tail)
    i = 0
    while size < target_bytes:
        if i % 25 == 24:
            p = f"<h2>Section {i}</h2>"
        else:
            p = "<p>" + " ".join(_sentence(rng) for _ in range(4)) + " <a href='/x'>link</a></p>"
        parts.append(p)
        size += len(p)
        i += 1
    parts.append(tail)
    return "".join(parts)


def deep_nesting(depth: int = 10_000) -> str:
    return ("<html><body>" + "<div>" * depth + "<p>" + "Deep paragraph text, " * 20 + "</p>"
            + "</div>" * depth + "</body></html>")


def many_tiny(n: int = 50_000) -> str:
    cells = "".join(f"<span class='c{i % 7}'><b>{i}</b></span><i>x</i>" if i % 3 else
                    f"<div><a href='/{i}'>{i}</a></div>" for i in range(n))
    return f"<html><body><div class='grid'>{cells}</div><p>{'Some real text. ' * 30}</p></body></html>"


def binary_garbage(n: int = 2_000_000) -> bytes:
    return random.Random(7).randbytes(n)


CASES = [
    ("10 MB article page", big_article),
    ("10,000-deep nesting", deep_nesting),
    ("50,000 tiny elements", many_tiny),
    ("2 MB binary garbage", binary_garbage),
]


class _Timeout(BaseException):  # not swallowed by extract()
    pass


def _alarm(signum, frame):
    raise _Timeout()


def run_case(name, make, timeout: int):
    from archiver.extract import extract

    page = make()
    size = len(page)
    tracemalloc.start()
    t0 = time.perf_counter()
    status = "ok"
    n_par = 0
    has_alarm = hasattr(signal, "SIGALRM")
    if has_alarm:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(timeout)
    try:
        art = extract(page, "https://example.test/story")
        n_par = len(art.paragraphs)
    except _Timeout:
        status = "TIMEOUT"
    except Exception as exc:  # noqa: BLE001 - reported, never raised by contract
        status = f"RAISED {type(exc).__name__}"
    finally:
        if has_alarm:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)
    dt = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return name, size, dt, peak, n_par, status


def _rss_mb() -> float:
    try:
        import resource
    except ImportError:
        return float("nan")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--timeout", type=int, default=60, help="seconds allowed per case")
    args = ap.parse_args(argv)
    from archiver.extract import extract

    extract("<p>warm up the imports</p>")
    header = f"{'case':<22} {'input':>9} {'time s':>8} {'py peak MB':>10} {'max RSS MB':>10} {'paras':>6}  status"
    print(header)
    print("-" * len(header))
    for name, make in CASES:
        name, size, dt, peak, n_par, status = run_case(name, make, args.timeout)
        print(f"{name:<22} {size / 1e6:8.2f}M {dt:8.3f} {peak / 2**20:10.1f} {_rss_mb():10.1f} "
              f"{n_par:6d}  {status}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
