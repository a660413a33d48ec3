"""Site templates benchmark: what an archive that knows many sites costs a crawl of a few.

An archive is given `--sites` mature site templates (each at the size a site's template
reaches: 125 pages, 4,000 block fingerprints, 4,000 placed ones; their hex values random).
Then, as a crawl does, a template book is opened on it, `--meets` of the sites are met and
learn one page each, and the book is saved. Printed: the seconds that took, the memory (the
growth of the peak RSS of a process that does only that), and the bytes the templates take
in the archive; for this checkout and, side by side in the same run, for a reference commit
(default: `f2b13b4`, the last whose book loaded and saved every site's template, and stored
them as plain JSON). Each side builds its archive with its own code. Needs the git history
(the reference is checked out with `git archive`).

    .venv/bin/python bench/templates.py [--sites 1000] [--meets 20] [--reference f2b13b4]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def mature_template(rng: random.Random, pages: int = 125, fingerprints: int = 4000) -> str:
    """A mature template's JSON, in the format `SiteTemplate.to_json` writes (version 2)."""
    def hexes(n: int, digits: int) -> list[str]:
        return [f"{rng.getrandbits(4 * digits):0{digits}x}" for _ in range(n)]

    counts = {fp: rng.randint(1, pages) for fp in hexes(fingerprints, 16)}
    placed = {f"{fp}@{place}": n for (fp, n), place in
              zip(counts.items(), hexes(fingerprints, 12))}
    return json.dumps({"version": 2, "min_pages": 3, "min_share": 0.5,
                       "max_fingerprints": 4000, "max_pages": 5000,
                       "pages": hexes(pages, 16), "counts": counts, "placed": placed},
                      separators=(",", ":"))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(sites: int, db: Path) -> None:
    """The archive, written by this checkout's code (each checkout stores templates its way)."""
    from archiver.storage import Archive

    rng = random.Random(7)
    with Archive.open(db) as archive:
        for start in range(0, sites, 100):
            archive.save_templates({f"site-{n}.example": mature_template(rng)
                                    for n in range(start, min(start + 100, sites))})


def measure(meets: int, db: Path) -> dict:
    """In a process that did nothing else: open a book, meet `meets` sites, learn, save."""
    from archiver.templates import TemplateBook

    rng = random.Random(8)
    page = frozenset((f"{rng.getrandbits(64):016x}", "p<div.story") for _ in range(80))
    before = rss_mb()
    start = time.perf_counter()
    book = TemplateBook(str(db))
    opened = time.perf_counter() - start
    for n in range(meets):
        book.for_site(f"site-{n}.example").count(page, f"https://site-{n}.example/new-story/")
    book.save()
    elapsed = time.perf_counter() - start
    with sqlite3.connect(db) as con:
        stored = con.execute("select sum(pgsize) from dbstat where name = 'site_templates'"
                             ).fetchone()[0]
    return {"open_s": opened, "total_s": elapsed, "rss_mb": rss_mb() - before,
            "stored": stored}


def run(root: Path, sites: int, meets: int, db: Path) -> dict:
    """Build with the checkout at `root`, then measure with it in a fresh process."""
    common = [sys.executable, __file__, "--root", str(root), "--sites", str(sites),
              "--meets", str(meets), "--db", str(db)]
    subprocess.run([*common, "--build"], check=True, capture_output=True, cwd=root)
    done = subprocess.run([*common, "--measure"], check=True, capture_output=True, text=True,
                          cwd=root)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--meets", type=int, default=20)
    parser.add_argument("--reference", default="f2b13b4")
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--root", default=str(REPO), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build or args.measure:
        sys.path.insert(0, args.root)
        if args.build:
            build(args.sites, Path(args.db))
        else:
            print(json.dumps(measure(args.meets, Path(args.db))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        tree = work / "reference"
        tree.mkdir()
        archive = subprocess.run(["git", "-C", str(REPO), "archive", args.reference],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        ref = run(tree, args.sites, args.meets, work / "reference.db")
        ours = run(REPO, args.sites, args.meets, work / "ours.db")
    print(f"an archive with {args.sites:,} mature site templates; a crawl meets "
          f"{args.meets} of the sites, each learns a page, the book is saved")
    print(f"{'':10} {'open s':>8} {'open+meet+save s':>17} {'RSS growth MB':>14} "
          f"{'templates stored B':>19}")
    for label, got in (("ours", ours), (f"ref {args.reference}", ref)):
        print(f"{label:10} {got['open_s']:8.2f} {got['total_s']:17.2f} {got['rss_mb']:14.1f} "
              f"{got['stored']:19,}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
