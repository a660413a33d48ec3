"""Find the story among the page's text blocks and clean it to the story's paragraphs.

1. Score containers: each paragraph-like block (a <p>, <li>... or a leaf <div> holding one
   block) credits its container (full weight) and the container's parent (half), weighted
   by length, punctuation and (1 - link density).
2. Choose: the container with the best score times (1 - its link density) wins, where
   containers inside furniture, sections titled by a furniture heading ("Related posts")
   and one-of-many look-alike cards count for less.
3. Extend: siblings that also score well or are plain prose paragraphs join it (stories
   split by ad slots), and so does what is sandwiched between two joined parts (a
   subheading, a list); containers elsewhere with the story container's exact tag and class
   ("twins": a story cut into sections by full-width media) join too. A furniture-looking
   frame holding half of a joined part's prose ("paywall" wrappers) is part of the story;
   reader comments never are.
4. Clean: keep the chosen blocks in order, dropping what is not story even inside them:
   link lists (and a trailing "More stories" list), the headline and kicker repeats,
   bylines, pull quotes that repeat body text, repeated linky or non-prose lines (share
   bars), ad labels, letterless pagers, and blocks a site template knows. Leaf cells of a
   table row are joined into one line.
"""
from __future__ import annotations

import re

from archiver.extract.blocks import Block, Frame, release, walk
from archiver.extract.boilerplate import discussion
from archiver.extract.text import core

_PARA_TAGS = frozenset({"p", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "li",
                        "td", "th", "dd", "dt", "summary", "address", "caption"})
_NO_LETTERS = re.compile(r"^[\d\s]*$")
_PUNCT = re.compile(r"[,，、;；]")
_SENTENCE_END = re.compile(r"[.!?。！？…:\"”»)]\s*$")
_AD_LABELS = frozenset({"advertisement", "advertisements", "advertising", "ad", "sponsored",
                        "anzeige", "werbung", "publicité", "publicidad", "pubblicità",
                        "reklame", "reklama", "continue reading", "continue reading below",
                        "story continues below advertisement", "scroll to continue",
                        "scroll to continue with content", "skip advertisement",
                        "read more", "share", "share this", "share this article",
                        "share this story", "tweet", "email", "print", "comments"})
_BYLINE = re.compile(r"^(?:by|von|par|por|di|door|av|af|från|przez|written by|posted by|"
                     r"text:|texte\s*:|autor(?:in)?:)\s+\S", re.I)
MIN_LEN = 25
_PROSE_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "li", "td", "tr", "dd",
                         "blockquote"})
NEG_FACTOR = 0.25
# A winner under this share of the page's prose is checked against a second reading, which
# is taken when it finds this many times more text, and at least FALLBACK_MIN characters.
FALLBACK_SHARE = 0.5
FALLBACK_GAIN = 2.0
FALLBACK_MIN = 300
BIG_SHARE = 0.5
PULL_WINDOW = 40
REPEAT_PROSE = 100  # characters: a prose paragraph this long is not repeated by a story
# A twin of the story container (same tag and class) needs this share of its score: the
# class identity is already strong evidence, so the bar is lower than for plain siblings.
TWIN_SHARE = 0.1
# A story cut into sections: at least RIVAL_N other boxes scoring RIVAL_SHARE of the winner,
# and the winner's nearest ancestor that holds half of them is the story.
RIVAL_SHARE = 0.5
RIVAL_N = 3
# The winner's <article>/<main> is the story when it holds this many times its clean prose
# at under this link density.
SEMANTIC_GAIN = 3.0
SEMANTIC_LD = 0.3
_SANDWICH_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "blockquote",
                            "table", "pre", "p"})


def block_weights(blocks: list[Block], skip: set[int]) -> list[float]:
    """Prose weight of each block: long, punctuated, few links. 0 for non-prose."""
    out = []
    for i, b in enumerate(blocks):
        n = len(b.text)
        if n < MIN_LEN or i in skip or b.heading:
            out.append(0.0)
            continue
        ld = b.links / n
        if ld > 0.5:
            out.append(0.0)
            continue
        out.append((1.0 + len(_PUNCT.findall(b.text)) + min(n / 100.0, 3.0)) * (1.0 - ld))
    return out


def unmark_big_furniture(root: Frame, blocks: list[Block], cw: list[float],
                         share: float = 0.5, groups_too: bool = True) -> None:
    """A furniture-looking frame holding most of the prose under `root` is a wrapper, not
    furniture (body classes like "has-sidebar", WordPress "tag-x" on the article, a
    "paywall" div around the story's second half): unmark it. With `groups_too`, so are
    three or more look-alike frames (one tag and class) that together hold most of it: page
    builders put a "widget" class on every paragraph's box of a story. (Not on the whole
    page, where look-alikes are as often sidebar modules or responsive copies of one
    story.) `cw` is the cumulative prose weight per block."""
    total = cw[root.end] - cw[root.start]
    if total <= 0:
        return
    big = _big_lookalikes(root, cw, share * total) if groups_too else set()
    stack = [root]
    while stack:
        fr = stack.pop()
        if fr.neg and (cw[fr.end] - cw[fr.start] > share * total or _sig(fr) in big) and \
                not discussion(fr.el):
            fr.neg = False
        parent = fr.parent
        fr.negf = fr if fr.neg else (
            parent.negf if parent is not None and not fr.embed else None)
        stack.extend(fr.children)
    for b in blocks[root.start:root.end]:
        b.negf = b.frame.negf


def _big_lookalikes(root: Frame, cw: list[float], weight: float) -> set[tuple[str, str]]:
    """Signatures of three or more furniture-looking look-alike frames under `root` that
    together hold more than `weight` of prose."""
    groups: dict[tuple[str, str], list] = {}
    stack = [root]
    while stack:  # document order: a frame nested in a counted look-alike is not recounted
        fr = stack.pop()
        if fr.neg and fr.start < fr.end:
            g = groups.setdefault(_sig(fr), [0.0, 0, -1])  # weight, members, end of last
            if fr.start >= g[2]:
                g[0] += cw[fr.end] - cw[fr.start]
                g[1] += 1
                g[2] = fr.end
        stack.extend(reversed(fr.children))
    return {sig for sig, (w, n, _) in groups.items() if n >= 3 and w > weight}


def score_frames(blocks: list[Block], weights: list[float]) -> None:
    for b, w in zip(blocks, weights):
        if w <= 0:
            continue
        if b.negf is not None:
            w *= NEG_FACTOR
        f = b.frame
        # A leaf <div> holding one block is a paragraph too (sites without <p>).
        cont = f.parent if f.tag in _PARA_TAGS or (not f.children and f.end - f.start == 1) \
            else f
        if cont is None:
            continue
        cont.score += w
        if cont.parent is not None:
            cont.parent.score += w / 2


_sig_cache: dict[str, str] = {}


def _sig(fr: Frame) -> tuple[str, str]:
    """Tag and the leading class words without per-item ids: "post post-3287 category-x"
    -> "post" ; what list items of one template share while their tags/categories vary."""
    cls = fr.cls or ""
    norm = _sig_cache.get(cls)
    if norm is None:
        norm = " ".join([w for w in cls.split() if not any(c.isdigit() for c in w)][:2])
        if len(_sig_cache) > 20000:
            _sig_cache.clear()
        _sig_cache[cls] = norm
    return fr.tag, norm


def _furniture_factor(fr: Frame, blocks: list[Block]) -> float:
    """How much a container's prose counts, given what it sits in or starts with."""
    if fr.negf is not None:
        # Inside comments or a sidebar: only when no clean container has prose.
        return NEG_FACTOR
    # A section titled by a furniture heading ("related-posts-title") is that furniture:
    # the heading names what follows.
    first = blocks[fr.start] if fr.end > fr.start else None
    if first is not None and first.heading and first.negf is not None and \
            first.negf.depth > fr.depth:
        return NEG_FACTOR
    return 1.0


def _link_density(fr: Frame, clen: list[float], llen: list[float]) -> float:
    total = clen[fr.end] - clen[fr.start]
    if total <= 0:
        return 1.0
    return (llen[fr.end] - llen[fr.start]) / total


def choose_ranges(blocks: list[Block], root: Frame, skip: set[int],
                  weights: list[float] | None = None) -> list[tuple[int, int, int]]:
    """Block index ranges that make up the story, in document order (`weights`: the
    blocks' `block_weights` with `skip`, when the caller has them already)."""
    if not blocks:
        return []
    if weights is None:
        weights = block_weights(blocks, skip)
    cw = [0.0]
    for w in weights:
        cw.append(cw[-1] + w)
    unmark_big_furniture(root, blocks, cw, groups_too=False)
    score_frames(blocks, weights)
    clen = [0.0]
    llen = [0.0]
    for b in blocks:
        clen.append(clen[-1] + len(b.text))
        llen.append(llen[-1] + b.links)

    best, best_score = None, 0.0
    scored: list[tuple[float, Frame]] = []
    stack = [root]
    while stack:
        fr = stack.pop()
        kids = fr.children
        if len(kids) > 2:
            sigs: dict = {}
            for k in kids:
                if k.score > 0:
                    sig = _sig(k)
                    sigs[sig] = sigs.get(sig, 0) + 1
            for k in kids:
                if k.score > 0 and sigs[_sig(k)] > 2:
                    k.card = True
        if fr.score > 0:
            s = fr.score * (1.0 - _link_density(fr, clen, llen))
            if fr.pos:
                s *= 1.1
            if fr.card:
                # One of several look-alike siblings: a card in a list, or one section of
                # a story their parent holds; either way the parent is the better unit.
                s *= 0.5
            s *= _furniture_factor(fr, blocks)
            if s > 0:
                scored.append((s, fr))
            if s > best_score:
                best, best_score = fr, s
        stack.extend(fr.children)
    if best is None:
        # No prose anywhere: fall back to the longest block.
        i = max(range(len(blocks)), key=lambda k: len(blocks[k].text))
        return [(i, i + 1, blocks[i].frame.depth)]

    first = best
    best = _common_ancestor(best, best_score, scored, root, clen, llen)
    best = _semantic_container(best, blocks, weights, root, clen, llen)
    # Wrappers that add nothing (one child, no text of their own) are the same container:
    # climb them so that siblings split by ads or "companion columns" can be merged.
    while best.parent is not None and best.parent.start == best.start and \
            best.parent.end == best.end:
        best = best.parent
    # The publisher's own articleBody marking wins when it encloses the best container.
    anc, steps = best, 0
    while anc is not None and steps < 8:
        if anc.el.get("itemprop") == "articleBody":
            best = anc
            break
        anc, steps = anc.parent, steps + 1
    # Inside the story, a "furniture" frame holding half of its prose is part of the story.
    unmark_big_furniture(best, blocks, cw, BIG_SHARE)
    parent = best.parent
    if parent is None:
        return [(best.start, best.end, best.depth)]
    threshold = max(10.0, best_score * 0.2)
    kids = [sib for sib in parent.children if sib.end > sib.start]
    take = [False] * len(kids)
    for i, sib in enumerate(kids):
        if sib is best:
            take[i] = True
            continue
        ld = _link_density(sib, clen, llen)
        if sib.score * (1.0 - ld) * _furniture_factor(sib, blocks) >= threshold:
            unmark_big_furniture(sib, blocks, cw, BIG_SHARE)
            take[i] = True
        elif sib.tag == "p" and sib.end - sib.start == 1:
            n = clen[sib.end] - clen[sib.start]
            text = blocks[sib.start].text
            if (n > 80 and ld < 0.25) or (0 < n <= 80 and ld == 0 and _SENTENCE_END.search(text)):
                take[i] = True
    # What sits between two parts of the story (a subheading, a short list, a quote) is
    # story too, unless it looks like furniture or is mostly links.
    chosen = [i for i, t in enumerate(take) if t]
    for i in range(chosen[0] + 1, chosen[-1]):
        sib = kids[i]
        if not take[i] and sib.negf is None and _link_density(sib, clen, llen) < 0.5 \
                and sib.tag in _SANDWICH_TAGS:
            take[i] = True
    ranges = [(sib.start, sib.end, sib.depth) for sib, t in zip(kids, take) if t]
    return _add_twins(root, first, best, ranges, max(1.0, best_score * TWIN_SHARE), clen, llen,
                      blocks, cw)


def _common_ancestor(best, best_score, scored, root, clen, llen):
    """A story cut into sections, each in a box of its own (a listicle, a guide with a box
    per heading), has several near-equal winners: the story is the nearest ancestor of the
    winner that holds most of them (the whole page never is). `scored`: (score, frame) of
    every candidate."""
    rivals: list[Frame] = []
    for s, fr in sorted(scored, key=lambda x: -x[0]):
        if s < RIVAL_SHARE * best_score:
            break
        if fr.negf is not None or fr.start < best.end and best.start < fr.end:
            continue  # furniture, or the winner's own ancestor or descendant
        if any(fr.start < r.end and r.start < fr.end for r in rivals):
            continue  # nested in (or around) a rival already counted
        rivals.append(fr)
    if len(rivals) < RIVAL_N:
        return best
    need = max(RIVAL_N, len(rivals) / 2)
    anc = best.parent
    while anc is not None and anc is not root:
        if sum(1 for r in rivals if anc.start <= r.start and r.end <= anc.end) >= need:
            if _link_density(anc, clen, llen) < 0.5 and anc.negf is None:
                return anc
            return best
        anc = anc.parent
    return best


_STORY_TAGS = frozenset({"article", "main"})


def _semantic_container(best, blocks, weights, root, clen, llen):
    """The winner's nearest <article>, <main> or articleBody box is the story when it holds
    several times the winner's clean prose at a low link density: the winner was one part
    of it (a list, a section)."""
    anc = best.parent
    while anc is not None and anc is not root:
        if anc.tag in _STORY_TAGS or anc.el.get("itemprop") == "articleBody":
            if anc.negf is None and _link_density(anc, clen, llen) < SEMANTIC_LD and \
                    _clean_prose(anc, blocks, weights) > \
                    SEMANTIC_GAIN * _clean_prose(best, blocks, weights):
                return anc
            return best
        anc = anc.parent
    return best


def _clean_prose(fr, blocks, weights) -> float:
    """Prose weight under a frame, furniture inside it left out."""
    return sum(w for b, w in zip(blocks[fr.start:fr.end], weights[fr.start:fr.end])
               if b.negf is None)


def _add_twins(root, first, best, ranges, threshold, clen, llen, blocks, cw):
    """Stories cut into sections by full-width media are several containers of the same
    template class, often far apart in the tree: add the ones that also hold prose.
    The story's own siblings were already judged (by the stricter sibling rule) and are
    not reconsidered here: a look-alike right next to the story is more often a trailing
    "About the company" text component than a continuation."""
    sigs = set()
    for f in (first, best):
        cls = f.cls
        if cls and f.negf is None:
            sigs.add((f.tag, cls))
    if not sigs:
        return ranges
    covered = [0] * (root.end + 1)
    for a, b, _ in ranges:
        for i in range(a, b):
            covered[i + 1] = 1
    for i in range(1, len(covered)):
        covered[i] += covered[i - 1]
    extra = []
    stack = [root]
    while stack:
        fr = stack.pop()
        if fr.end <= fr.start:
            continue
        if fr.negf is None and fr.parent is not best.parent and \
                (fr.tag, fr.cls) in sigs and \
                fr.score * (1.0 - _link_density(fr, clen, llen)) >= threshold and \
                covered[fr.end] == covered[fr.start]:
            # (Ancestors are visited first and matches are not descended into, so the
            # twins found here cannot overlap each other.)
            unmark_big_furniture(fr, blocks, cw, BIG_SHARE)
            extra.append((fr.start, fr.end, fr.depth))
            continue
        stack.extend(fr.children)
    if not extra:
        return ranges
    return sorted(ranges + extra)


def clean(blocks: list[Block], ranges, title: str | None, authors: list[str],
          template=None) -> list[str]:
    picked: list[Block] = []
    for a, b, depth in ranges:
        for blk in blocks[a:b]:
            nf = blk.negf
            # Furniture nested inside the chosen container is dropped; furniture-looking
            # ancestors of the container (WordPress "tag-x" classes on <article>) are not.
            if nf is None or nf.depth <= depth:
                picked.append(blk)
    picked = _join_table_rows(picked)
    title_core = core(title) if title else ""
    author_cores = [core(a) for a in authors if a]
    keys = [core(b.text) for b in picked]
    counts: dict[str, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1

    out: list[Block] = []
    key_of: dict[int, str] = {}
    seen: set[str] = set()
    for b, k in zip(picked, keys):
        text = b.text
        n = len(text)
        if not k:
            continue
        if b.tag == "h1":
            continue
        if title_core and k == title_core:
            continue
        if k in _AD_LABELS:
            continue
        if b.tag != "tr" and _NO_LETTERS.match(k):
            continue  # "1 2 3 4 5" pagers, share counts, lone dates outside tables
        if b.links / n > (0.6 if n > 150 else 0.5):
            continue
        # Repeats are share bars and teasers, but a prose paragraph or heading may repeat
        # (recipes, "Meal 1 ... Meal 2" sections): only link text or non-prose tags count.
        prose = b.tag in _PROSE_TAGS and not b.links
        if n < 80 and counts.get(k, 0) > 1 and not prose:
            continue
        if k in seen and (not prose or n >= REPEAT_PROSE):
            continue  # (a long paragraph twice is a second copy: slideshows, mobile layouts)
        if n < 120 and _BYLINE.match(text) and not _SENTENCE_END.search(text):
            continue
        if n < 80 and author_cores and any(a and a in k for a in author_cores) and \
                not _SENTENCE_END.search(text):
            continue
        seen.add(k)
        key_of[id(b)] = k
        out.append(b)

    if template is not None and out:
        out = template.filter_blocks(out)

    # Pull quotes: a short block whose words all appear inside a longer kept block.
    if len(out) > 1:
        cores = [key_of.get(id(b)) or core(b.text) for b in out]
        near = _Neighbours(cores)
        out = [b for i, b in enumerate(out)
               if len(b.text) >= 300 or b.heading or not near.quotes(i)]

    # A story that ends in a list whose every item carries a link ("More great stories"),
    # introduced by a heading or a short line, ends before that list.
    k = len(out)
    while k > 0 and out[k - 1].tag == "li" and out[k - 1].links > 0:
        k -= 1
    if len(out) - k >= 3 and k > 0 and (out[k - 1].heading or len(out[k - 1].text) < 60):
        tail = out[k:]
        if sum(b.links for b in tail) > 0.3 * sum(len(b.text) for b in tail):
            out = out[: k - 1]

    # Trailing headings introduce something that is not there (or not story).
    while out and out[-1].heading:
        out.pop()
    return [b.text for b in out]


class _Neighbours:
    """Which kept blocks a block's words appear in, among its neighbours: pull quotes sit
    near their source, so a bounded window keeps the search linear.

    Word cores hold no line break, so the window's cores joined by line breaks are searched
    at once (one string search, the common case being no hit at all); only a hit is
    checked core by core."""

    def __init__(self, cores: list[str]):
        self.cores = cores
        self.joined = "\n".join(cores)
        self.starts = []  # where each core starts in `joined`
        at = 0
        for c in cores:
            self.starts.append(at)
            at += len(c) + 1

    def quotes(self, i: int) -> bool:
        """Whether core `i` is inside a longer core (by 20+ characters) of its window."""
        cores, c = self.cores, self.cores[i]
        lo, hi = max(0, i - PULL_WINDOW), min(len(cores), i + PULL_WINDOW)
        before = (self.starts[lo], self.starts[i])
        after = (self.starts[i] + len(c) + 1, self.starts[hi - 1] + len(cores[hi - 1]))
        if all(self.joined.find(c, a, b) < 0 for a, b in (before, after)):
            return False
        return any(j != i and len(cores[j]) > len(c) + 20 and c in cores[j]
                   for j in range(lo, hi))


def _join_table_rows(picked: list[Block]) -> list[Block]:
    """Cells of one data-table row read as one line ("3 Kevin Harvick 5033 4"): a lone
    number or name is meaningless and would be dropped as a repeat. Only leaf cells are
    joined, so layout tables (cells that hold paragraphs) are unaffected."""
    out: list[Block] = []
    row = None
    for b in picked:
        f = b.frame
        r = f.parent if f.tag in ("td", "th") and not f.children and f.parent is not None \
            and f.parent.tag == "tr" else None
        if r is not None and r is row and out:
            last = out[-1]
            merged = Block(last.text + " " + b.text, last.links + b.links, r)
            merged.negf = last.negf
            out[-1] = merged
            continue
        row = r
        if r is not None:
            negf = b.negf
            b = Block(b.text, b.links, r)
            b.negf = negf
        out.append(b)
    return out


def extract_body(body, title, authors, template=None, *, on_blocks=None) -> list[str]:
    """The story's paragraphs. A winner that holds a small part of the page's prose is
    checked against a second reading where only boxes that are never story count as
    furniture: a class word such as "widget", "summary" or "hidden" on the story's own
    wrappers must not leave a footer line or nothing in its place. `on_blocks(blocks)` is
    called after the first walk, before the template is consulted: a crawl learns the
    site's template there, from the same walk."""
    paragraphs, prose = _read(body, title, authors, template, on_blocks=on_blocks)
    found = sum(len(p) for p in paragraphs)
    if found < FALLBACK_SHARE * prose:
        second, _ = _read(body, title, authors, template, never_story_only=True)
        if sum(len(p) for p in second) >= max(FALLBACK_GAIN * found, FALLBACK_MIN):
            return second
    return paragraphs


def _read(body, title, authors, template, never_story_only=False, on_blocks=None):
    """(paragraphs, characters of prose on the page) for one reading of the page."""
    blocks, root = walk(body, never_story_only=never_story_only)
    if on_blocks is not None:
        on_blocks(blocks)
    full = block_weights(blocks, set())
    skip = template.known_indices(blocks) if template is not None else set()
    weights = full
    if skip:
        # When the "repeats" are most of the page's prose, this is the story itself seen
        # before (the same article under several URLs), not the site's furniture.
        weights = [0.0 if i in skip else w for i, w in enumerate(full)]
        if sum(weights) < 0.4 * sum(full):
            skip, weights = set(), full
    ranges = choose_ranges(blocks, root, skip, weights)
    prose = sum(len(b.text) for b, w in zip(blocks, full) if w > 0)
    paragraphs = clean(blocks, ranges, title, authors, template)
    release(root)
    return paragraphs, prose
