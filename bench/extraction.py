"""Benchmark our extractor against trafilatura on the shared extraction benchmark.

Quality uses the benchmark's own metric (imported from its score.py, nothing reimplemented);
speed is timed around each extractor call in one process, one extractor after the other on
the same pages, so the pages/s columns are comparable within one run only.

    .venv/bin/python bench/extraction.py [--bench DIR] [--runs N] [--only ours] [--worst K]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def load_score_module(bench: Path):
    spec = importlib.util.spec_from_file_location("aeb_score", bench / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", type=Path, default=REPO.parent / "shared" / "extraction-bench")
    ap.add_argument("--runs", type=int, default=2, help="timed passes per extractor (best kept)")
    ap.add_argument("--only", action="append", choices=sorted(EXTRACTORS),
                    help="run only these extractors (repeatable)")
    ap.add_argument("--worst", type=int, default=0, help="list the K worst pages of ours")
    args = ap.parse_args(argv)

    score_mod = load_score_module(args.bench)
    fmt, docs = score_mod.load_dataset(args.bench / "data")
    names = args.only or ["ours", "trafilatura"]
    rows = []
    for name in names:
        func = EXTRACTORS[name]
        for d in docs[:3]:  # warm-up: imports, caches
            func(d.html, d.url)
        best = None
        outputs = None
        for _ in range(max(1, args.runs)):
            outs, times, errs = score_mod.run_pass(func, docs)
            if outputs is None:
                outputs = outs
            if best is None or sum(times) < sum(best):
                best = times
        summary, per_page = score_mod.score(fmt, docs, outputs, 0, 0)
        total = sum(best)
        rows.append((name, summary, len(docs) / total, 1000 * statistics.median(best),
                     1000 * score_mod.pct(best, 0.95), sum(1 for e in errs if e)))
        if name == "ours" and args.worst:
            for row in sorted(per_page, key=lambda r: r["f1"])[: args.worst]:
                print(f"  {row['id']}  f1={row['f1']:.3f} p={row['precision']:.3f} "
                      f"r={row['recall']:.3f}  {row['url']}")

    print(f"{len(docs)} pages from {args.bench}")
    header = f"{'extractor':<14} {'F1':>6} {'prec':>6} {'recall':>6} {'acc':>6} {'pages/s':>8} {'med ms':>7} {'p95 ms':>7}"
    print(header)
    print("-" * len(header))
    for name, s, pps, med, p95, nerr in rows:
        print(f"{name:<14} {s['f1']:6.3f} {s['precision']:6.3f} {s['recall']:6.3f} "
              f"{s['accuracy']:6.3f} {pps:8.1f} {med:7.2f} {p95:7.2f}" + (f"  errors={nerr}" if nerr else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
