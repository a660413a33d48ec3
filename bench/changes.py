"""How fast is change detection? compare() + find_updates() over generated version pairs.

The pairs are generated from a fixed seed, so every run times the same work: short and long
(30-60 paragraph) stories in English, German, French and Spanish, with the edits a crawl
meets (appended and prepended updates, corrections, typo fixes, rewritten sentences,
inserted/removed/moved paragraphs, headline and byline changes, re-dating) and a large share
of noise-only re-captures (whitespace, Unicode form, invisible characters, re-split
paragraphs). Timing is single-process, one pair after the other.

    .venv/bin/python bench/changes.py [--pairs 10000] [--seed 4] [--kinds]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archiver.article import Article  # noqa: E402
from archiver.changes import compare, find_updates  # noqa: E402

GOAL = 2000  # pairs per second on one core

COMPANIES = ["Apple", "Samsung", "Google", "Microsoft", "Nvidia", "Intel", "AMD", "Qualcomm",
             "Huawei", "Xiaomi", "Sony", "Meta", "Amazon", "Netflix", "Spotify", "Valve",
             "Cloudflare", "Tesla", "TSMC", "Arm", "OpenAI", "Anthropic", "Mozilla", "Dell"]
PRODUCTS = ["phone", "laptop", "chip", "router", "headset", "smartwatch", "tablet", "console",
            "graphics card", "browser", "operating system", "cloud service", "app store",
            "charger", "modem", "server", "battery pack", "e-reader", "drone", "camera"]
VERBS = ["announced", "confirmed", "denied", "delayed", "recalled", "launched", "patched",
         "priced", "shipped", "cancelled", "updated", "redesigned", "tested", "licensed"]
CLAUSES = ["according to people familiar with the plans", "in a filing with regulators",
           "the company said on Tuesday", "analysts said", "in a blog post",
           "citing supply constraints", "after a months-long investigation",
           "despite earlier promises", "in an email to customers", "the report said",
           "two weeks after the previous release", "in most European markets"]
TAILS = ["The change applies to all regions.", "It did not give a reason.",
         "A spokesperson declined to comment.", "Shares fell 3 percent in early trading.",
         "The company plans to say more at its developer conference.",
         "Customers will be notified by email.", "Prices start at $499.",
         "The update is rolling out gradually.", "Regulators have asked for more details."]
MARKERS = ["Update:", "Update 2:", "UPDATE (7:02 p.m.):", "Updated at 3:15 p.m. ET:",
           "Update, April 24th, 7:02PM ET:", "Correction:", "Editor's note:", "Clarification:",
           "Nachtrag:", "Korrektur:", "Mise à jour :", "Rectificatif :", "Actualización:",
           "Corrección:", "Nota del editor:"]
NOTES = ["Anmerkung der Redaktion: Der Autor war auf Einladung des Herstellers vor Ort.",
         "Editor's note: The author owns shares in the company."]
TYPOS = {"the": "teh", "company": "compnay", "said": "siad", "percent": "precent",
         "customers": "cusotmers", "phone": "phnoe", "chip": "chpi", "regulators": "regualtors"}


def sentence(rng: random.Random) -> str:
    c, p, v, cl = (rng.choice(COMPANIES), rng.choice(PRODUCTS), rng.choice(VERBS),
                   rng.choice(CLAUSES))
    n = rng.randint(2, 90_000)
    return rng.choice([
        f"{c} {v} its new {p}, {cl}.",
        f"The {p} from {c} was {v} in {rng.randint(3, 40)} countries, {cl}.",
        f"About {n:,} units of the {p} are affected, {cl}.",
        f"{c} said the {p} would be {v} by the end of the quarter.",
        f"\"We are moving quickly,\" a {c} spokesperson said of the {p}.",
    ]) + (" " + rng.choice(TAILS) if rng.random() < 0.4 else "")


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))


def story(rng: random.Random) -> Article:
    n = rng.randint(30, 60) if rng.random() < 0.25 else rng.randint(3, 14)
    c, p = rng.choice(COMPANIES), rng.choice(PRODUCTS)
    title = f"{c} {rng.choice(VERBS)} its {p}"
    return Article(title=title, paragraphs=[paragraph(rng) for _ in range(n)],
                   authors=["Staff Reporter"], published="2026-04-24T11:20:00-04:00",
                   modified="2026-04-24T11:20:00-04:00",
                   headlines={"og_title": title, "h1": title, "title_tag": title + " | Site"})


def _copy(a: Article, **kw) -> Article:
    b = Article(title=a.title, paragraphs=list(a.paragraphs), authors=list(a.authors),
                published=a.published, modified="2026-04-24T19:02:00-04:00",
                headlines=dict(a.headlines))
    for k, v in kw.items():
        setattr(b, k, v)
    return b


def _typo_fix(rng, old: Article) -> Article:
    new = _copy(old)
    k = rng.randrange(len(old.paragraphs))
    words = old.paragraphs[k].split()
    spots = [i for i, w in enumerate(words) if w in TYPOS]
    if spots:
        i = rng.choice(spots)
        broken = words[:i] + [TYPOS[words[i]]] + words[i + 1:]
        old.paragraphs[k] = " ".join(broken)  # the typo was in the old version
    else:
        new.paragraphs[k] = old.paragraphs[k].replace(".", ",", 1)
    return new


def _edit(rng, old: Article) -> Article:
    new = _copy(old)
    k = rng.randrange(len(old.paragraphs))
    new.paragraphs[k] = new.paragraphs[k] + " " + sentence(rng)
    return new


def _append(rng, old: Article) -> Article:
    extra = [f"{rng.choice(MARKERS)} {paragraph(rng)}"]
    if rng.random() < 0.3:
        extra.append(paragraph(rng))
    return _copy(old, paragraphs=old.paragraphs + extra)


def _prepend(rng, old: Article) -> Article:
    return _copy(old, paragraphs=[rng.choice(NOTES)] + old.paragraphs)


def _insert(rng, old: Article) -> Article:
    k = rng.randint(1, len(old.paragraphs) - 1)
    return _copy(old, paragraphs=old.paragraphs[:k] + [paragraph(rng)] + old.paragraphs[k:])


def _remove(rng, old: Article) -> Article:
    k = rng.randrange(1, len(old.paragraphs))
    return _copy(old, paragraphs=old.paragraphs[:k] + old.paragraphs[k + 1:])


def _move(rng, old: Article) -> Article:
    paras = list(old.paragraphs)
    p = paras.pop(rng.randrange(len(paras)))
    paras.insert(rng.randrange(len(paras) + 1), p)
    return _copy(old, paragraphs=paras)


def _headline(rng, old: Article) -> Article:
    title = f"{old.title}, {rng.choice(CLAUSES)}"
    return _copy(old, title=title, headlines={**old.headlines, "og_title": title, "h1": title})


def _messy(rng, old: Article) -> Article:
    return _append(rng, _headline(rng, _typo_fix(rng, old)))


def _byline(rng, old: Article) -> Article:
    return _copy(old, authors=old.authors + ["Second Reporter"])


def _redated(rng, old: Article) -> Article:
    return _copy(old)


def _noise(rng, old: Article) -> Article:
    paras = [" " + unicodedata.normalize("NFD", p).replace(" ", "  ", 2) + "\u200b"
             for p in old.paragraphs]
    new = _copy(old, paragraphs=paras)
    new.modified = old.modified
    return new


def _resplit(rng, old: Article) -> Article:
    """A re-render that breaks one paragraph in two at a sentence end: noise, not an edit."""
    paras = list(old.paragraphs)
    k = rng.randrange(len(paras))
    head, sep, tail = paras[k].partition(". ")
    if sep:
        paras[k:k + 1] = [head + ".", tail]
    new = _copy(old, paragraphs=paras)
    new.modified = old.modified
    return new


EDITS = [(_noise, 27), (_resplit, 3), (_append, 18), (_typo_fix, 12), (_edit, 8), (_headline, 6),
         (_insert, 6), (_remove, 4), (_move, 3), (_prepend, 4), (_messy, 5), (_byline, 2),
         (_redated, 2)]


NOTE_KINDS = {"appended_update", "correction", "editors_note"}
# main kind each generated edit must get (a move to the same place is only a re-dating)
EXPECTED = {"noise": {"unchanged"}, "resplit": {"unchanged"}, "append": NOTE_KINDS,
            "messy": NOTE_KINDS, "typo_fix": {"sentence_edit"}, "edit": {"sentence_edit"},
            "headline": {"title_change"}, "insert": {"paragraph_added"},
            "remove": {"paragraph_removed"}, "move": {"paragraph_moved", "redated"},
            "prepend": {"editors_note"}, "byline": {"byline_change"}, "redated": {"redated"}}


def generate(n: int, seed: int) -> list[tuple[str, Article, Article]]:
    rng = random.Random(seed)
    funcs, weights = zip(*EDITS)
    pairs = []
    for _ in range(n):
        old = story(rng)
        edit = rng.choices(funcs, weights)[0]
        new = edit(rng, old)
        pairs.append((edit.__name__.lstrip("_"), old, new))
    return pairs


def run(pairs) -> tuple[list[float], Counter, list]:
    """Time each pair; also collect the main kinds and pairs labelled against expectation."""
    times, kinds, wrong = [], Counter(), []
    clock = time.perf_counter
    for edit, old, new in pairs:
        t0 = clock()
        result = compare(old, new)
        find_updates(new.paragraphs, published=new.published)
        times.append(clock() - t0)
        kinds[result.kind] += 1
        if result.kind not in EXPECTED[edit]:
            wrong.append((edit, result.kind))
    return times, kinds, wrong


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--kinds", action="store_true", help="Also print the main kinds found.")
    args = ap.parse_args()
    pairs = generate(args.pairs, args.seed)
    long_ = sum(1 for _, old, _ in pairs if len(old.paragraphs) >= 30)
    paragraphs = sum(len(new.paragraphs) for _, _, new in pairs)
    times, kinds, wrong = run(pairs)
    total = sum(times)
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    rate = len(pairs) / total
    print(f"pairs: {len(pairs)} (seed {args.seed}; {long_} long stories of 30-60 paragraphs; "
          f"{paragraphs} paragraphs in new versions)")
    print("edits: " + ", ".join(f"{k} {n}" for k, n in Counter(p[0] for p in pairs).most_common()))
    print(f"compare()+find_updates(): {total:.2f} s, {rate:,.0f} pairs/s on one core "
          f"(goal > {GOAL:,}), median {statistics.median(ms):.3f} ms, p95 {p95:.3f} ms, "
          f"max {ms[-1]:.2f} ms")
    print(f"labelled as expected: {len(pairs) - len(wrong)}/{len(pairs)}"
          + (f" (wrong: {Counter(wrong).most_common(5)})" if wrong else ""))
    if args.kinds:
        print("main kinds: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    return 0 if rate > GOAL and not wrong else 1


if __name__ == "__main__":
    sys.exit(main())
