"""How fast does the archive answer researchers at 1,000,000 versions?

Builds an archive through the project's own write path (`Archive.record`, the code a crawl
runs: comparison, change records, updates, diffs, full-text index) from generated stories whose
paragraphs are real news text (the article bodies of ../shared/extraction-bench, split into
paragraphs), then times, in-process: `history`, `search` (a rare word, a common word, a
phrase), `stats`, `changes --since`, the README's research queries, an export's rows/s, and
the CLI's start-up against a bare interpreter, measured side by side in this run.

Recording a million versions one capture at a time takes hours on a small machine, so by
default a base of --base versions is recorded through the write path and then copied with
SQL (`--scale`) until the archive holds --versions: each copy gets new ids, new story URLs
(`.../copy-K/`), its own site names (a suffix per copy group) and times shifted back by K
times the base's period (so the archive covers K+1 such periods, as a longer crawl would), its
rows go in through the same triggers, and its paragraphs into their full-text index as the
write path puts them (its update rows name the base's update texts, indexed once already).
`--keep` resumes a stopped build. The output says how many versions came from each. `--base`
equal to `--versions` records everything directly.

    .venv/bin/python bench/queries.py [--versions 1000000] [--base 40000] [--db PATH] [--keep]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from archiver.article import Article  # noqa: E402
from archiver.items import Capture  # noqa: E402
from archiver.normalize import story_hash  # noqa: E402
from archiver.research import reads  # noqa: E402
from archiver.storage import Archive, queries  # noqa: E402

GOALS = {"history": 0.005, "search": 0.030, "stats": 1.0, "research": 1.0, "startup": 0.100}
SYLLABLES = ["vol", "tre", "on", "mesh", "wick", "lan", "tern", "quil", "lon", "fer", "rite",
             "tide", "wa", "ter", "ker", "strel", "lu", "mor", "a", "hal", "vard", "key",
             "fold", "tes", "sel", "late", "or", "chard", "stra", "to", "cir", "rus"]
START = datetime(2026, 1, 1, tzinfo=timezone.utc)

# The README's research queries, as a researcher copies them (README "Querying it").
README_QUERIES = {
    "updates that added 'recall'": """
select distinct a.url, v.version, u.kind, u.first_version
from update_texts_fts f
join updates u on u.text_id = f.rowid
join diffs d on d.version_id = u.version_id and d.new_index >= u.start and d.new_index < u."end"
join versions v on v.id = u.version_id
join articles a on a.id = v.article_id
where update_texts_fts match 'recall*'
  and d.op in ('added', 'changed') and lower(d.new_text) like '%recall%'
  and lower(coalesce(d.old_text, '')) not like '%recall%'""",
    "headline changed within an hour": """
select count(distinct v.article_id) as stories
from changes c join versions v on v.id = c.version_id join articles a on a.id = v.article_id
where c.kind = 'title_change' and (julianday(v.first_seen) - julianday(a.first_seen)) * 24 <= 1""",
}
# The first query as the README wrote it before (a scan of every diff row): the reference.
README_RECALL_BEFORE = """
select distinct a.url, v.version, u.kind, u.first_version
from diffs d
join versions v on v.id = d.version_id
join articles a on a.id = v.article_id
join updates u on u.version_id = d.version_id and d.new_index >= u.start and d.new_index < u."end"
where d.op in ('added', 'changed') and lower(d.new_text) like '%recall%'
  and lower(coalesce(d.old_text, '')) not like '%recall%'"""


# Building the archive -------------------------------------------------------------------------

def real_paragraphs(bench: Path) -> tuple[list[str], list[str]]:
    """Paragraphs and hosts of the extraction benchmark's real articles."""
    truth = json.loads((bench / "data" / "ground-truth.json").read_text(encoding="utf-8"))
    paragraphs, hosts = [], []
    for entry in truth.values():
        body = (entry.get("articleBody") or "").replace("...", "")
        paragraphs += [p.strip() for p in body.split("\n") if len(p.strip()) > 60]
        hosts.append(re.sub(r"^www\.", "", entry["url"].split("/")[2]))
    return sorted(set(paragraphs)), sorted(set(hosts))


class Stories:
    """Generated stories and their edits, from a fixed seed."""

    def __init__(self, paragraphs: list[str], hosts: list[str], seed: int = 7):
        self.rng = random.Random(seed)
        self.paragraphs, self.hosts = paragraphs, hosts

    def name(self) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(3)).capitalize()

    def new(self, n: int) -> dict:
        rng = self.rng
        company = self.name()
        body = rng.sample(self.paragraphs, rng.randint(4, 12))
        body[0] = f"{company} said on Monday that {body[0][0].lower()}{body[0][1:]}"
        title = f"{company} {rng.choice(['recalls', 'delays', 'launches', 'patches', 'prices'])}" \
                f" {' '.join(rng.choice(self.paragraphs).split()[:rng.randint(5, 9)])}"
        host = rng.choice(self.hosts)
        return {"url": f"https://{host}/2026/{n % 12 + 1:02d}/story-{n}/", "title": title,
                "paragraphs": body, "company": company}

    def edit(self, story: dict) -> dict:
        """The next version: an appended update, a correction, a sentence edit, a headline
        change or an inserted paragraph, as crawls meet them."""
        rng, paragraphs = self.rng, list(story["paragraphs"])
        kind = rng.choices(["update", "correction", "sentence", "title", "insert"],
                           [45, 10, 25, 12, 8])[0]
        title = story["title"]
        if kind == "update":
            paragraphs.append(f"Update: {story['company']} " + rng.choice(self.paragraphs))
        elif kind == "correction":
            paragraphs.append("Correction: An earlier version of this article misstated "
                              + rng.choice(self.paragraphs)[:120])
        elif kind == "sentence":
            i = rng.randrange(len(paragraphs))
            words = paragraphs[i].split()
            words[rng.randrange(len(words))] = rng.choice(["reportedly", "about", "nearly"])
            paragraphs[i] = " ".join(words)
        elif kind == "title":
            title = f"{story['company']} {rng.choice(['confirms', 'denies', 'expands'])} " \
                    + " ".join(title.split()[2:])
        else:
            paragraphs.insert(rng.randrange(1, len(paragraphs)), rng.choice(self.paragraphs))
        return {**story, "title": title, "paragraphs": paragraphs}


def capture(story: dict, at: datetime) -> Capture:
    article = Article(title=story["title"], paragraphs=story["paragraphs"],
                      authors=["Staff Writer"], canonical_url=story["url"],
                      published="2026-01-01T08:00:00+00:00", language="en")
    page = ("<html><head><title>" + story["title"] + "</title></head><body><article>"
            + "".join(f"<p>{p}</p>" for p in story["paragraphs"]) + "</article></body></html>")
    body = page.encode("utf-8")
    return Capture(url=story["url"], final_url=story["url"],
                   fetched_at=at.isoformat(timespec="seconds"), status=200,
                   content_type="text/html; charset=utf-8", body=body,
                   body_sha256=hashlib.sha256(body).hexdigest(), article=article,
                   identity=story["url"], story_hash=story_hash(article), source="bench")


def record_base(archive: Archive, target: int, stories: Stories) -> tuple[int, float]:
    """Record captures through the write path until `target` versions exist."""
    started, versions, n = time.perf_counter(), 0, 0
    clock = START
    while versions < target:
        story = stories.new(n)
        n += 1
        at = clock = clock + timedelta(minutes=stories.rng.randint(1, 9))
        for fetch in range(stories.rng.randint(1, 5)):
            if fetch and stories.rng.random() < 0.55:  # most revisits find nothing new
                story = stories.edit(story)
            result = archive.record(capture(story, at))
            versions += result.outcome == "new_version"
            at += timedelta(minutes=stories.rng.choice([10, 30, 45, 90, 240, 720]))
        if n % 2000 == 0:
            print(f"  recorded {versions:,} versions ({n:,} stories)", file=sys.stderr)
    return versions, time.perf_counter() - started


# Copies of the base: each table a story has rows in, as (id column or None, the column that
# says a row belongs to the base, moved columns). Ids move past the base's by `:<table>`
# (copy K times the base's largest id). Copied paragraphs get ` ¶K` at their end so that each
# copy's texts are its own distinct paragraphs, as a longer crawl's would be.
_URL = "replace({col}, '/story-', '/copy-' || :k || '/story-')"
_SHIFT = "strftime('%Y-%m-%dT%H:%M:%S+00:00', {col}, '-' || :hours || ' hours')"
_COPIES = {
    "articles": ("id", "id", {
        "url": _URL, "canonical_url": _URL, "first_seen": _SHIFT, "last_seen": _SHIFT,
        "site": "site || (case when :k % 4 = 0 then '' else '.' || (:k % 4) end)"}),
    "article_urls": (None, "article_id", {"url": _URL, "article_id": "article_id + :articles"}),
    "paragraphs": ("id", "id", {"text": "text || ' ¶' || :k",
                                "key": "paragraph_key(text || ' ¶' || :k)"}),
    "versions": ("id", "id", {"article_id": "article_id + :articles",
                              "first_seen": _SHIFT, "last_seen": _SHIFT}),
    "version_paragraphs": (None, "version_id", {"version_id": "version_id + :versions",
                                                "paragraph_id": "paragraph_id + :paragraphs"}),
    # the table under the updates view (m033); copies share the texts, as their rows did
    "update_rows": ("id", "id", {"article_id": "article_id + :articles",
                                 "version_id": "version_id + :versions"}),
    "changes": ("id", "id", {"article_id": "article_id + :articles",
                             "version_id": "version_id + :versions"}),
    # the tables under the diffs and captures views (m003, m030)
    "diff_rows": ("id", "id", {"version_id": "version_id + :versions",
                               "old_paragraph": "old_paragraph + :paragraphs",
                               "new_paragraph": "new_paragraph + :paragraphs"}),
    "urls": ("id", "id", {"url": _URL}),
    "capture_rows": ("id", "id", {
        "article_id": "article_id + :articles", "version_id": "version_id + :versions",
        "url_id": "url_id + :urls",
        "final_url_id": "case final_url_id when 0 then 0 else final_url_id + :urls end",
        "fetched_at": _SHIFT}),
    "events": ("id", "id", {"article_id": "article_id + :articles",
                            "capture_id": "capture_id + :capture_rows", "at": _SHIFT}),
}
_OWNER = {"article_id": "articles", "version_id": "versions", "id": None}


def scale(archive: Archive, target: int) -> int:
    """Copy the recorded base until the archive holds about `target` versions; returns the
    number of copies. Copy K takes ids past copy K-1's, URLs `.../copy-K/story-N/`, and times
    K spans of the base earlier, so the archive covers K times the base's period, as a crawl
    that ran that long would. Resumes where an earlier run stopped."""
    from archiver.storage.texts import paragraph_key

    conn = archive.db.conn
    conn.create_function("paragraph_key", 1, paragraph_key, deterministic=True)
    originals = "(select id from articles where url not like '%/copy-%')"
    base = conn.execute(f"select count(*) from versions where article_id in {originals}"
                        ).fetchone()[0]
    have = conn.execute("select count(*) from versions").fetchone()[0] // base - 1
    first, last = conn.execute(f"select min(first_seen), max(last_seen) from versions "
                               f"where article_id in {originals}").fetchone()
    span = (datetime.fromisoformat(last) - datetime.fromisoformat(first)) // timedelta(hours=1) + 1
    # after `have` copies, each table's largest id is (have + 1) times the base's largest
    maxes = {t: conn.execute(f"select coalesce(max({key}), 0) from {t}").fetchone()[0]
             // (have + 1) for t, (key, _, _) in _COPIES.items() if key}
    k = have + 1
    while base * (k + 1) <= target + base // 2:
        params = {"k": k, "hours": k * span, **{t: m * k for t, m in maxes.items()}}
        with archive.writing():
            for table, spec in _COPIES.items():
                conn.execute(_copy_sql(archive, table, *spec, maxes), params)
            # the copied paragraphs into their full-text index, as the write path adds them
            # (m032); the copied update rows name the base's texts, indexed once (m036)
            conn.execute("insert into paragraphs_fts (rowid, text) select id, text "
                         "from paragraphs where id > ?", [maxes["paragraphs"] * k])
        print(f"  copy {k}: {conn.execute('select count(*) from versions').fetchone()[0]:,}"
              " versions", file=sys.stderr)
        k += 1
    return k - 1


def _copy_sql(archive: Archive, table: str, key: str | None, owner: str, moved: dict,
              maxes: dict) -> str:
    columns = [c.name for c in archive.db[table].columns]
    exprs = [f"{col} + :{table}" if col == key else
             moved[col].format(col=col) if col in moved else col for col in columns]
    limit = maxes[_OWNER[owner] or table]
    return (f"insert into {table} ({', '.join(columns)}) "
            f"select {', '.join(exprs)} from {table} where {owner} <= {limit}")


# Timing ---------------------------------------------------------------------------------------

def timed(fn: Callable[[], object], runs: int) -> tuple[float, float, object]:
    """(p50, p95) in seconds over `runs` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], result


def startup(runs: int = 15) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds of `python -c pass` and of `archiver --help`, interleaved.
    CPU time (user + system, of the child) is also given: on a shared machine, wall time
    measures the neighbours as much as us."""
    commands = {"bare": [sys.executable, "-c", "pass"],
                "cli": [sys.executable, "-m", "archiver.cli", "--help"]}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(command, cwd=REPO, stdout=subprocess.DEVNULL, check=True)
            wall = time.perf_counter() - t
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            times[name].append((wall, cpu))
    return {name: (statistics.median(w for w, _ in values),
                   statistics.median(c for _, c in values)) for name, values in times.items()}


def print_startup(start: dict[str, tuple[float, float]]) -> None:
    (bare_wall, bare_cpu), (cli_wall, cli_cpu) = start["bare"], start["cli"]
    print(f"start-up (median of 15): python -c pass {bare_wall * 1000:.0f} ms wall / "
          f"{bare_cpu * 1000:.0f} ms CPU, archiver --help {cli_wall * 1000:.0f} ms wall / "
          f"{cli_cpu * 1000:.0f} ms CPU: +{(cli_wall - bare_wall) * 1000:.0f} ms wall, "
          f"+{(cli_cpu - bare_cpu) * 1000:.0f} ms CPU (goal < +{GOALS['startup'] * 1000:.0f} ms)")


def words_by_frequency(archive: Archive) -> tuple[str, str]:
    """A rare word (in a few distinct paragraphs) and the commonest word of four letters or
    more, from the paragraphs' full-text index."""
    conn = archive.db.conn
    conn.execute("create virtual table if not exists temp.vocab using fts5vocab(main, "
                 "paragraphs_fts, row)")
    common = conn.execute("select term from temp.vocab where length(term) > 3 "
                          "order by doc desc limit 1").fetchone()[0]
    rare = conn.execute("select term from temp.vocab where doc between 2 and 60 "
                        "and length(term) > 6 order by doc desc limit 1").fetchone()[0]
    return rare, common


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--versions", type=int, default=1_000_000)
    ap.add_argument("--base", type=int, default=40_000,
                    help="versions recorded through the write path (the rest are copies)")
    ap.add_argument("--db", type=Path, help="archive to build (default: a temporary file)")
    ap.add_argument("--keep", action="store_true", help="reuse --db if it is already built")
    ap.add_argument("--bench", type=Path, default=REPO.parent / "shared" / "extraction-bench")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--startup-only", action="store_true",
                    help="measure only the CLI's start-up (no archive is built)")
    args = ap.parse_args()
    if args.startup_only:
        print_startup(startup())
        return 0

    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory()
        args.db = Path(tmp.name) / "bench.db"
    if not (args.keep and args.db.exists()):
        args.db.unlink(missing_ok=True)
        paragraphs, hosts = real_paragraphs(args.bench)
        print(f"building: {len(paragraphs):,} real paragraphs from {args.bench}, "
              f"{len(hosts)} sites", file=sys.stderr)
        with Archive.open(args.db) as archive:
            recorded, seconds = record_base(archive, min(args.base, args.versions),
                                            Stories(paragraphs, hosts))
        print(f"write path: {recorded:,} versions recorded in {seconds:.0f} s "
              f"({recorded / seconds:,.0f} versions/s)", file=sys.stderr)
    with Archive.open(args.db) as archive:  # with --keep, a stopped build goes on here
        copies = scale(archive, args.versions)
        archive.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"{copies} SQL copies of the recorded versions", file=sys.stderr)

    with Archive.open_existing(args.db) as archive:
        conn = archive.db.conn
        n_versions = conn.execute("select count(*) from versions").fetchone()[0]
        n_articles = conn.execute("select count(*) from articles").fetchone()[0]
        n_base = conn.execute("select count(*) from versions v join articles a on "
                              "a.id = v.article_id where a.url not like '%/copy-%'").fetchone()[0]
        size = os.path.getsize(args.db) / 2**20
        print(f"archive: {n_versions:,} versions of {n_articles:,} stories, {size:,.0f} MiB; "
              f"{n_base:,} versions recorded through Archive.record, "
              f"{n_versions - n_base:,} SQL copies of them (new ids, URLs, sites, times)")
        rng = random.Random(3)
        urls = [u for (u,) in conn.execute(
            "select url from articles where id in (select abs(random()) % "
            "(select max(id) from articles) + 1 from versions limit 500)")]
        rare, common = words_by_frequency(archive)
        # a phrase of four words from inside a real paragraph (the opening is generated)
        paragraphs = json.loads(conn.execute(
            "select paragraphs from version_texts where version_id = "
            "(select max(id) / 2 from versions)").fetchone()[0])
        phrase = '"' + " ".join(re.findall(r"\w+", paragraphs[1])[4:8]) + '"'
        latest = conn.execute("select max(first_seen) from versions").fetchone()[0]
        since = (datetime.fromisoformat(latest) - timedelta(hours=24)).isoformat(
            timespec="seconds")

        rows = []

        def row(name, p50, p95, goal, note=""):
            rows.append((name, p50, p95, goal, note))

        p50, p95, _ = timed(lambda: queries.history(archive, rng.choice(urls)), args.runs)
        row("history URL", p50, p95, GOALS["history"])
        for label, words in (("rare", rare), ("common", common), ("phrase", phrase)):
            p50, p95, hits = timed(lambda w=words: reads.search(archive, w, limit=20),
                                   args.runs // 4)
            row(f"search {label} {words}", p50, p95, GOALS["search"], f"{len(hits)} hits")
        p50, p95, _ = timed(lambda: queries.stats(archive), 5)
        row("stats", p50, p95, GOALS["stats"])
        p50, p95, feed = timed(lambda: list(reads.change_feed(archive, since=since)), 10)
        row("changes --since 24h", p50, p95, GOALS["research"], f"{len(feed):,} rows")
        for label, sql in README_QUERIES.items():
            p50, p95, result = timed(lambda s=sql: conn.execute(s).fetchall(), 5)
            row(f"README: {label}", p50, p95, GOALS["research"], f"{len(result)} rows")
        p50, p95, result = timed(lambda: conn.execute(README_RECALL_BEFORE).fetchall(), 1)
        row("reference: 'recall' query scanning diffs", p50, p95, None,
            f"{len(result)} rows (the README's former form)")

        names, export = reads.export_rows(archive, "versions")
        tracemalloc.start()
        started, n = time.perf_counter(), 0
        with open(os.devnull, "w", encoding="utf-8") as sink:
            for values in export:
                sink.write(json.dumps(reads.decode_json_columns(names, values),
                                      ensure_ascii=False) + "\n")
                n += 1
                if n >= 200_000:
                    break
        export_seconds = time.perf_counter() - started
        export_peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()

    start = startup()
    print(f"\n{'query':<46} {'p50 ms':>9} {'p95 ms':>9} {'goal ms':>8}  note")
    print("-" * 92)
    for name, p50, p95, goal, note in rows:
        verdict = "" if goal is None else ("ok" if p50 < goal else "OVER")
        goal_ms = "" if goal is None else f"{goal * 1000:.0f}"
        print(f"{name[:46]:<46} {p50 * 1000:>9.2f} {p95 * 1000:>9.2f} {goal_ms:>8}  "
              f"{verdict} {note}")
    print(f"\nexport versions (jsonl): {n / export_seconds:,.0f} rows/s over {n:,} rows, "
          f"peak Python memory {export_peak:.1f} MiB")
    print_startup(start)
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
