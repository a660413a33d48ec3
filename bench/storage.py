"""Storage benchmark: bytes and time each kind of capture adds to the archive.

Real article pages of the shared extraction benchmark (read in place, never copied) are
recorded through the archive's real write path (`Archive.record`, one transaction each) as
stories of a few sites, then recaptured in each scenario a scheduled crawl meets:

- first capture of every page: of the first page of each site, then of the site's other
  pages (the sites are the pages' real sites: only sites with two pages or more are used);
- unchanged recapture answered 304, and answered 200 with the same bytes;
- noise-only recapture (share count and ad changed, the story did not);
- a version that adds one sentence to one paragraph;
- a live blog of 150 updates that gains one more (update matching across versions);
- then `archiver compact` over all the run stored: the first captures' bodies after it.

The same scenarios run, in the same run, against the archive code of a reference commit
(default: the commit before the compact storage, `8a1c507`), checked out into a temporary
directory: the figures are side by side, so the machine's noise hits both alike.

    .venv/bin/python bench/storage.py [--pages 300] [--reference 8a1c507]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from variants import variant  # bench/, the script's own folder, is on sys.path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO.parent / "shared" / "extraction-bench"
LIVE_BLOG = "live blog, 150 updates +1"
COMPACT = "archiver compact"
PER_VERSION = "  per new version"
SCENARIOS = ["first page of a site", "other page, same site", "unchanged, 304",
             "unchanged, 200", "noise only", "one sentence added", PER_VERSION, LIVE_BLOG]
FIRST_CAPTURES = SCENARIOS[:2]
GOALS = {"first page of a site": "<= 25,000", "other page, same site": "<= 25,000",
         "unchanged, 304": "< 300", "unchanged, 200": "< 300", "noise only": "< 2,000",
         "one sentence added": "", PER_VERSION: "< 5,000", LIVE_BLOG: ""}



def load_pages(limit: int) -> list[tuple[str, bytes]]:
    """(site, page) for up to `limit` real article pages of the shared benchmark whose site
    has two pages or more in it (so that a page can be compressed against its site's
    other page), grouped by site, in a fixed order."""
    by_site: dict[str, list[Path]] = {}
    for truth in [BENCH / "data" / "ground-truth.json",
                  *sorted(BENCH.glob("more/*/ground-truth.json"))]:
        for key, entry in sorted(json.loads(truth.read_text(encoding="utf-8")).items()):
            page = truth.parent / "html" / f"{key}.html.gz"
            site = urlsplit(entry.get("url") or "").netloc
            if site and page.is_file():
                by_site.setdefault(site, []).append(page)
    pages = [(site, gzip.decompress(f.read_bytes()))
             for site, files in sorted(by_site.items()) if len(files) > 1 for f in files]
    return pages[:limit]


def archive_bytes(db) -> int:
    """The archive's size without free pages, after the WAL is folded in."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages, free, size = (db.execute(f"PRAGMA {p}").fetchone()[0]
                         for p in ("page_count", "freelist_count", "page_size"))
    return (pages - free) * size


def stored_bodies(db, fetched_at: str) -> list[int]:
    """Bytes of compressed body each capture of one step stored (exact, unlike the file's
    growth in pages), smallest first."""
    return sorted(n for (n,) in db.execute(
        "select length(b.data) from captures c join bodies b on b.sha256 = c.body_sha256 "
        "where c.fetched_at = ?", [fetched_at]))


def measure(pages: int, db_path: Path) -> dict:
    """Run every scenario through this checkout's Archive; bytes and ms per capture."""
    from archiver.extract import extract
    from archiver.items import Capture
    from archiver.normalize import identity_url, normalize_article, normalize_url, story_hash
    from archiver.storage import Archive

    loaded = load_pages(pages)
    html = [page for _, page in loaded]
    urls = [f"https://{site}/2026/03/story-{n}/" for n, (site, _) in enumerate(loaded)]
    first_of_site = [n == 0 or loaded[n - 1][0] != site for n, (site, _) in enumerate(loaded)]
    has_headers = "headers" in Capture.__dataclass_fields__

    def capture(n: int, mode: str, when: str, status: int = 200) -> Capture:
        url = normalize_url(urls[n])
        body = variant(html[n], mode, n) if status == 200 else None
        etag = f'"{hashlib.sha1(body or b"").hexdigest()[:16]}"'
        extra = {}
        if has_headers:
            extra["headers"] = [["Server", "BaseHTTP/0.6 Python/3.11"], ["Date", when],
                                ["Content-Type", "text/html; charset=utf-8"],
                                ["Content-Length", str(len(body or b""))], ["Etag", etag]]
        cap = Capture(url=url, final_url=url, fetched_at=when, status=status,
                      content_type="text/html; charset=utf-8", etag=etag, body=body,
                      body_sha256=hashlib.sha256(body).hexdigest() if body else None,
                      source="bench", **extra)
        if body is not None:
            story = normalize_article(extract(body, url))
            if story.paragraphs:
                cap.article, cap.identity = story, identity_url(url, story.canonical_url)
                cap.story_hash = story_hash(story)
            else:
                cap.error = "no story text found"
        return cap

    everything = range(len(html))
    steps = [("first page of a site", "base", 200, [n for n in everything if first_of_site[n]]),
             ("other page, same site", "base", 200,
              [n for n in everything if not first_of_site[n]]),
             ("unchanged, 304", "base", 304, everything),
             ("unchanged, 200", "base", 200, everything), ("noise only", "noise", 200, everything),
             ("one sentence added", "edit", 200, everything)]
    out = {}
    with Archive.open(db_path) as archive:
        for day, (name, mode, status, which) in enumerate(steps, start=1):
            made = [capture(n, mode, f"2026-03-{day:02d}T10:00:00+00:00", status)
                    for n in which]  # extraction is not what is timed
            before = archive_bytes(archive.db)
            outcomes: dict[str, int] = {}
            start = time.perf_counter()
            for cap in made:
                outcome = archive.record(cap).outcome
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
            elapsed = time.perf_counter() - start
            grew = archive_bytes(archive.db) - before
            out[name] = {"bytes": grew / len(made), "ms": 1000 * elapsed / len(made),
                         "outcomes": outcomes}
            if name in FIRST_CAPTURES:
                out[name]["bodies"] = stored_bodies(archive.db, made[0].fetched_at)
                out[name]["when"] = made[0].fetched_at
            if name == "one sentence added":  # not every page had a paragraph to edit
                versions = outcomes.get("new_version", 0)
                unchanged = out["unchanged, 200"]["bytes"] * (len(made) - versions)
                out[PER_VERSION] = {"bytes": (grew - unchanged) / max(versions, 1),
                                    "ms": out[name]["ms"], "outcomes": {}}
        out[LIVE_BLOG] = live_blog(archive, capture)
        try:
            from archiver.storage.compaction import DEFAULT_LEVEL, compact
        except ImportError:  # a reference commit from before `archiver compact`
            return out
        start = time.perf_counter()
        done = compact(archive)
        out[COMPACT] = {"level": DEFAULT_LEVEL, "bodies": done.bodies, "before": done.before,
                        "after": done.after,
                        "ms": 1000 * (time.perf_counter() - start) / max(done.bodies, 1)}
        for name in FIRST_CAPTURES:
            out[name]["compacted"] = stored_bodies(archive.db, out[name]["when"])
    return out


def live_blog(archive, capture, notes: int = 150, steps: int = 3) -> dict:
    """A live blog of `notes` timestamped updates gains one more per capture: the update
    matching across versions is what costs."""
    import random

    from archiver.article import Article
    from archiver.normalize import story_hash

    rng = random.Random(5)
    words = ["outage", "users", "service", "restored", "engineers", "region", "traffic",
             "status", "page", "customers", "reported", "errors", "fix", "rollout"]

    def note(i: int) -> str:
        return f"Update {8 + i // 60}:{i % 60:02d} a.m.: " + " ".join(rng.choices(words, k=30))

    paragraphs = ["Engineers are investigating an outage of the service.", *map(note, range(notes))]
    elapsed, grew, outcomes = 0.0, 0, {}
    for step in range(steps + 1):
        cap = capture(0, "base", f"2026-03-20T{10 + step:02d}:00:00+00:00")
        cap.url = cap.final_url = cap.identity = "https://live.example/2026/03/outage-live/"
        cap.article = Article(title="Outage: live updates", paragraphs=list(paragraphs))
        cap.story_hash = story_hash(cap.article)
        before = archive_bytes(archive.db)
        start = time.perf_counter()
        outcome = archive.record(cap).outcome
        if step:  # the first capture only sets the blog up
            elapsed += time.perf_counter() - start
            grew += archive_bytes(archive.db) - before
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        paragraphs.append(note(notes + step))
    return {"bytes": grew / steps, "ms": 1000 * elapsed / steps, "outcomes": outcomes}


def reference_run(rev: str, pages: int, work: Path) -> dict:
    """`measure` with the archive code of commit `rev`, in a subprocess."""
    tree = work / "reference"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    result = subprocess.run(
        [sys.executable, __file__, "--measure", "--root", str(tree), "--pages", str(pages),
         "--db", str(work / "reference.db")],
        check=True, capture_output=True, text=True, cwd=tree)
    return json.loads(result.stdout)


def spread(sizes: list[int]) -> str:
    """median, 90th percentile and mean of sorted sizes."""
    mean = sum(sizes) / len(sizes)
    return f"{sizes[len(sizes) // 2]:8,} {sizes[len(sizes) * 9 // 10]:9,} {mean:9,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--reference", default="8a1c507",
                        help="commit whose archive code is measured alongside ('' for none)")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--root", default=str(REPO), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, args.root)
    if args.measure:
        print(json.dumps(measure(args.pages, Path(args.db))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        reference = reference_run(args.reference, args.pages, work) \
            if args.reference else None
        ours = measure(args.pages, work / "ours.db")
    sites = len({site for site, _ in load_pages(args.pages)})
    print(f"{args.pages} real pages of {sites} sites, recorded through Archive.record; "
          f"bytes the archive grows per capture (page-level), ms per capture")
    head = f"{'scenario':23} {'goal B':>9} {'ours B':>9} {'ours ms':>8}"
    if reference:
        head += f" {'ref B':>9} {'ref ms':>8} {'B ratio':>8}"
    print(head)
    print("-" * len(head))
    for name in SCENARIOS:
        mine = ours[name]
        line = f"{name:23} {GOALS[name]:>9} {mine['bytes']:9,.0f} {mine['ms']:8.2f}"
        if reference:
            ref = reference[name]
            ratio = mine["bytes"] / ref["bytes"] if ref["bytes"] else float("nan")
            line += f" {ref['bytes']:9,.0f} {ref['ms']:8.2f} {ratio:8.3f}"
        print(line)
    print("stored body per first capture (compressed bytes, exact): median, 90th "
          "percentile, mean (a few pages of megabytes hold the mean up)")
    for name in FIRST_CAPTURES:
        line = f"{name:23} ours {spread(ours[name]['bodies'])}"
        if reference and "bodies" in reference[name]:
            line += f"   ref {spread(reference[name]['bodies'])}"
        print(line)
    if COMPACT in ours:
        done = ours[COMPACT]
        print(f"after `archiver compact` (level {done['level']}, every body of the run: "
              f"{done['bodies']} bodies, {done['ms']:.0f} ms each): {done['before']:,} -> "
              f"{done['after']:,} B ({1 - done['after'] / max(done['before'], 1):.1%} less)")
        for name in FIRST_CAPTURES:
            saved = (sum(ours[name]["bodies"]) - sum(ours[name]["compacted"])) / \
                len(ours[name]["bodies"])
            print(f"{name:23} ours {spread(ours[name]['compacted'])}"
                  f"   ({saved:,.0f} B less per capture)")
    print("outcomes (ours):", {k: v["outcomes"] for k, v in ours.items() if v.get("outcomes")})
    print(f"'{PER_VERSION.strip()}': the one-sentence step's growth less its unchanged "
          "captures (at the unchanged-200 rate), per new version")
    if reference:
        print(f"reference: commit {args.reference}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
