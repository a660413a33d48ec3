"""Benchmark our extractor against trafilatura on every page set of the shared benchmark.

Every set under `../shared/extraction-bench` (`data` and each `more/*`) is scored with the
benchmark's own metric, imported from its `score.py` (nothing reimplemented here). Both
extractors run in the same worker processes on the same pages, one right after the other on
each page, so that the machine's noise falls on both alike: the pages/s columns and their
ratio are comparable within one run only. Pages are split across `--jobs` processes; a
speed is pages divided by the summed time of the extractor calls (parsing included, file
reading excluded), i.e. pages per second of one core.

A page "collapses" when our recall is under 0.2 while trafilatura's is 0.8 or more: the
story was there and we lost it.

    .venv/bin/python bench/extraction.py                 # every set, one row per set
    .venv/bin/python bench/extraction.py --set wcxb-dev  # one set (repeatable)
    .venv/bin/python bench/extraction.py --worst 20      # also our 20 worst pages, per set
    .venv/bin/python bench/extraction.py --only bs4-parse --only lxml-parse   # parse cost
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

COLLAPSE_OURS = 0.2
COLLAPSE_REFERENCE = 0.8


def ours(html: str, url: str) -> str:
    from archiver.extract import extract

    return extract(html, url).text


def trafilatura_default(html: str, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html) or ""


def bs4_parse_only(html: str, url: str) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "lxml").get_text(" ")[:0]


def lxml_parse_only(html: str, url: str) -> str:
    from archiver.extract.dom import parse

    parse(html)
    return ""


EXTRACTORS = {
    "ours": ours,
    "trafilatura": trafilatura_default,
    "lxml-parse": lxml_parse_only,
    "bs4-parse": bs4_parse_only,
}


def load_score_module(bench: Path):
    """The shared benchmark's scorer, imported from its own file."""
    spec = importlib.util.spec_from_file_location("aeb_score", bench / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def page_sets(bench: Path, wanted: list[str] | None) -> list[tuple[str, Path]]:
    """(name, folder) of `data` and each `more/*` set, optionally only those named."""
    sets = [("data", bench / "data")]
    more = bench / "more"
    if more.is_dir():
        sets += [(p.name, p) for p in sorted(more.iterdir())
                 if (p / "ground-truth.json").is_file() or (p / "evaldata.json").is_file()]
    if wanted:
        unknown = set(wanted) - {n for n, _ in sets}
        if unknown:
            raise SystemExit(f"unknown set(s): {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(n for n, _ in sets)}")
        sets = [(n, p) for n, p in sets if n in wanted]
    return sets


def _run_chunk(job):
    """Worker: run each extractor on each page of the chunk, interleaved page by page."""
    names, pages = job
    funcs = [EXTRACTORS[n] for n in names]
    for f in funcs:  # warm-up: imports, caches
        for html, url in pages[:2]:
            f(html, url)
    outs = {n: [] for n in names}
    times = {n: [] for n in names}
    clock = time.perf_counter
    for html, url in pages:
        for n, f in zip(names, funcs):
            t0 = clock()
            try:
                out = f(html, url) or ""
            except Exception as exc:  # noqa: BLE001 - a crash is an empty page, counted
                out = ""
                print(f"{n} crashed on {url}: {type(exc).__name__}: {exc}", file=sys.stderr)
            times[n].append(clock() - t0)
            outs[n].append(out)
    return outs, times


def run_set(score_mod, folder: Path, names: list[str], pool, jobs: int):
    fmt, docs = score_mod.load_dataset(folder)
    pages = [(d.html, d.url) for d in docs]
    # Interleaved slices keep each worker's share alike in page size and site mix.
    chunks = [pages[i::jobs] for i in range(jobs)]
    results = pool.map(_run_chunk, [(names, c) for c in chunks]) if pool else \
        [_run_chunk((names, chunks[0]))]
    outs = {n: [None] * len(docs) for n in names}
    times = {n: [0.0] * len(docs) for n in names}
    for i, (o, t) in enumerate(results):
        for n in names:
            outs[n][i::jobs] = o[n]
            times[n][i::jobs] = t[n]
    scored = {}
    for n in names:
        summary, per_page = score_mod.score(fmt, docs, outs[n], 0, 0)
        total = sum(times[n])
        scored[n] = {"summary": summary, "per_page": per_page,
                     "pps": len(docs) / total if total > 0 else 0.0,
                     "median_ms": 1000 * statistics.median(times[n]) if docs else 0.0}
    return fmt, docs, scored


def collapsed(scored, ref="trafilatura") -> list[int]:
    """Indices of pages where ours lost a story the reference found."""
    if "ours" not in scored or ref not in scored:
        return []
    a, b = scored["ours"]["per_page"], scored[ref]["per_page"]
    return [i for i, (x, y) in enumerate(zip(a, b))
            if "recall" in x and x["recall"] < COLLAPSE_OURS and y["recall"] >= COLLAPSE_REFERENCE]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", type=Path, default=REPO.parent / "shared" / "extraction-bench")
    ap.add_argument("--set", action="append", dest="sets", metavar="NAME",
                    help="only this page set (data, wcxb-dev, ...; repeatable)")
    ap.add_argument("--only", action="append", choices=sorted(EXTRACTORS),
                    help="run only these extractors (repeatable; default: ours and trafilatura)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--worst", type=int, default=0, metavar="N",
                    help="list our N worst pages of each set, with trafilatura's score")
    args = ap.parse_args(argv)

    score_mod = load_score_module(args.bench)
    names = args.only or ["ours", "trafilatura"]
    sets = page_sets(args.bench, args.sets)
    jobs = max(1, args.jobs)
    pool = multiprocessing.get_context("spawn").Pool(jobs) if jobs > 1 else None
    rows = []
    started = time.perf_counter()
    try:
        for set_name, folder in sets:
            fmt, docs, scored = run_set(score_mod, folder, names, pool, jobs)
            lost = collapsed(scored)
            rows.append((set_name, len(docs), scored, len(lost)))
            if args.worst and "ours" in scored:
                _print_worst(set_name, docs, scored, lost, args.worst)
    finally:
        if pool:
            pool.close()
            pool.join()
    _print_table(rows, names, args.bench, jobs, time.perf_counter() - started)
    return 0


def _print_worst(set_name, docs, scored, lost, n):
    ref = scored.get("trafilatura")
    mine = scored["ours"]["per_page"]
    key = "f1" if "f1" in mine[0] else "fn"
    order = sorted(range(len(docs)), key=lambda i: mine[i].get(key, 0))[:n]
    print(f"{set_name}: our {n} worst pages" + (f" ({len(lost)} collapsed: *)" if ref else ""))
    for i in order:
        r = mine[i]
        line = f" {'*' if i in lost else ' '} {r['id']:<24} ours f1 {r['f1']:.3f} " \
               f"p {r['precision']:.3f} r {r['recall']:.3f}"
        if ref:
            t = ref["per_page"][i]
            line += f" | traf f1 {t['f1']:.3f} r {t['recall']:.3f}"
        print(line + f"  {r['url']}")
    print()


def _print_table(rows, names, bench, jobs, wall):
    total_pages = sum(r[1] for r in rows)
    print(f"{total_pages} pages in {len(rows)} sets from {bench} "
          f"({jobs} processes, {wall:.0f} s wall)")
    two = "ours" in names and "trafilatura" in names
    width = 30
    top = f"{'':<18}" + "".join(f" | {n:^{width}}" for n in names) + (" |" if two else "")
    cols = "".join(f" | {'F1':>6} {'prec':>6} {'recall':>6} {'pages/s':>8}" for _ in names)
    header = f"{'set':<12} {'pages':>5}{cols}" + (f" | {'speed':>5} {'collapsed':>9}" if two else "")
    print(top)
    print(header)
    print("-" * len(header))
    for set_name, n, scored, lost in rows:
        line = f"{set_name:<12} {n:>5}"
        for name in names:
            s = scored[name]["summary"]
            line += f" | {s['f1']:6.3f} {s['precision']:6.3f} {s['recall']:6.3f} " \
                    f"{scored[name]['pps']:8.1f}"
        if two:
            ratio = scored["ours"]["pps"] / scored["trafilatura"]["pps"]
            line += f" | {ratio:4.1f}x {lost:>9}"
        print(line)
    if two and len(rows) > 1:
        speeds = {n: total_pages / sum(r[1] / r[2][n]["pps"] for r in rows) for n in names}
        print(f"all sets: ours {speeds['ours']:.1f} pages/s, trafilatura "
              f"{speeds['trafilatura']:.1f} pages/s ({speeds['ours'] / speeds['trafilatura']:.1f}x); "
              f"collapsed pages: {sum(r[3] for r in rows)}")


if __name__ == "__main__":
    raise SystemExit(main())
