"""Page metadata: title, authors, dates, language, canonical URL and every declared headline.

Sources are read in the order publishers make reliable: JSON-LD (schema.org Article), then
OpenGraph / article:* / Dublin Core meta tags, then visible markup (<h1>, <time>, rel=author).
Everything here runs on the tree *before* boilerplate removal, so bylines and <head> are
still present.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from itertools import chain
from urllib.parse import urljoin

from archiver.extract.text import collapse, core

_TITLE_SEPARATORS = re.compile(r"\s+(?:[-|–—·•:»«/]|::)\s+")
# "By" in its languages; "di"/"de" only in lower case ("Di Maria", "De Jong" are names).
_BY = re.compile(r"^(?:(?i:(?:written|posted|reported|words|text|story|photos?|published)\s+by|"
                 r"by|von|par|por|door|av|af|från|przez|od|autor(?:in)?|text)|di|de)\s*[:\-]?\s+")
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\||·|•|\s/\s|\s[-–—]\s|\band\b|\bund\b|\bet\b|\by\b|&|"
                           r"\bi\b|\be\b)\s*", re.I)
_PARENS = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_HANDLE_OR_MAIL = re.compile(r"\S*@\S*")
# A part that is only a job title ("Staff Writer", "Senior Tech Reporter") is not a name.
_ROLE = re.compile(r"\b(?:writer|reporter|editor|correspondent|contributor|columnist|"
                   r"journalist|photographer|producer|analyst|intern|redakteur(?:in)?|"
                   r"rédact(?:eur|rice)|redactor|periodista|journaliste)s?\b", re.I)
_LEAD_BY = re.compile(r"^\w+\s+by\s+", re.I)  # "Analysis by", "Commentary by"
_FILE_OR_HOST = re.compile(r"^\S+[./]\S+$")  # "humans.txt", "example.com", "/people/x"
_NOT_NAME = re.compile(r"\d|\bmin(?:ute)?s? read\b|\bupdated\b|\bpublished\b", re.I)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
                  r"\s*(?:Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?)?$", re.I)
_DATE_META = {
    "published": ("article:published_time", "og:published_time", "published_time",
                  "datepublished", "pubdate", "publishdate", "publish-date", "publish_date",
                  "date", "dc.date", "dc.date.issued", "dcterms.created", "dcterms.issued",
                  "sailthru.date", "parsely-pub-date", "article.published", "cxenseparse:recs:publishtime",
                  "article_date_original", "original-publish-date", "article:published",
                  "og:article:published_time", "date_published", "pdate", "displaydate",
                  "dc.date.created"),
    "modified": ("article:modified_time", "og:updated_time", "modified_time", "datemodified",
                 "dcterms.modified", "last-modified", "article.updated", "lastmod"),
}
_ARTICLE_TYPES = re.compile(r"(article|posting|report|story|review|blog)$", re.I)


def _json_objects(data):
    """Yield every dict in a JSON-LD payload (@graph, lists, nesting), breadth-bounded."""
    stack = [data]
    seen = 0
    while stack and seen < 2000:
        item = stack.pop()
        seen += 1
        if isinstance(item, dict):
            yield item
            for key in ("@graph", "mainEntity", "itemListElement"):
                sub = item.get(key)
                if isinstance(sub, (list, dict)):
                    stack.append(sub)
        elif isinstance(item, list):
            stack.extend(reversed(item[:200]))


def _types(obj) -> list[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return [t]
    if isinstance(t, list):
        return [x for x in t if isinstance(x, str)]
    return []


def jsonld_article(root) -> dict:
    """The first schema.org Article-like object the page declares, else {}."""
    best: dict = {}
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = script.text
        if not raw or len(raw) > 2_000_000:
            continue
        try:
            data = json.loads(raw.strip().rstrip(";"), strict=False)
        except (ValueError, RecursionError):
            continue
        for obj in _json_objects(data):
            if any(_ARTICLE_TYPES.search(t) for t in _types(obj)):
                if "headline" in obj or "articleBody" in obj:
                    return obj
                best = best or obj
    return best


def meta_tags(root) -> dict[str, str]:
    """name/property/itemprop (lower-cased) -> first non-empty content."""
    out: dict[str, str] = {}
    head = root.find("head")
    scope = head if head is not None and len(head) else root
    for m in scope.iter("meta"):
        content = m.get("content")
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = m.get(attr)
            if key:
                key = key.strip().lower()
                out.setdefault(key, content.strip())
                if attr == "itemprop" and " " in key:  # itemprop="datePublished dateCreated"
                    for k in key.split():
                        out.setdefault(k, content.strip())
    return out


def _str(v) -> str | None:
    if isinstance(v, str):
        return collapse(v) or None
    if isinstance(v, list) and v:
        return _str(v[0])
    if isinstance(v, dict):
        return _str(v.get("@value") or v.get("name") or v.get("@id") or v.get("url"))
    return None


# Zone abbreviations seen in bylines and meta tags; ambiguous ones (IST, CST in China) take
# their most common news meaning.
_TZ_ABBR = {"utc": 0, "gmt": 0, "z": 0, "ut": 0, "wet": 0, "bst": 60, "west": 60, "cet": 60,
            "cest": 120, "eet": 120, "eest": 180, "msk": 180, "ist": 330, "sgt": 480,
            "hkt": 480, "awst": 480, "jst": 540, "kst": 540, "aest": 600, "aedt": 660,
            "nzst": 720, "nzdt": 780, "est": -300, "edt": -240, "cst": -360, "cdt": -300,
            "mst": -420, "mdt": -360, "pst": -480, "pdt": -420, "akst": -540, "akdt": -480,
            "hst": -600, "ast": -240, "adt": -180}
_TZ_TAIL = re.compile(r"\s*\(?\b([A-Za-z]{1,4})\)?\s*$")
_AMPM = re.compile(r"\b(\d{1,2})[:.](\d{2})(?::(\d{2}))?\s*([AaPp])\.?\s*[Mm]\.?")
_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%d.%m.%Y %H:%M:%S",
            "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%B %d, %Y %H:%M",
            "%B %d, %Y", "%b %d, %Y %H:%M", "%b %d, %Y", "%b. %d, %Y %H:%M", "%b. %d, %Y", "%d %B %Y %H:%M",
            "%d %B %Y", "%d %b %Y", "%A, %B %d, %Y %H:%M", "%A, %B %d, %Y - %H:%M",
            "%A, %B %d, %Y", "%Y%m%d", "%Y%m%dT%H%M%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")


def normalize_date(value) -> str | None:
    """ISO 8601: the offset the page declares is kept ('Z' and zone names such as GMT or EST
    become +00:00 / -05:00); a date-time without any zone stays naive rather than guessed;
    a bare date stays a date. Unix timestamps (s or ms) are UTC. Unparseable: None."""
    s = _str(value)
    if not s:
        return None
    s = s.strip()
    if s.isdigit() and len(s) in (10, 13):
        try:
            return datetime.fromtimestamp(int(s[:10]), tz=timezone.utc).isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    if _ISO.match(s):
        iso = s.replace(" ", "T", 1) if len(s) > 10 and s[10] == " " else s
        iso = re.sub(r"\s+", "", iso)
        try:
            dt = datetime.fromisoformat(iso.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            m = re.match(r"^(\d{4}-\d{2}-\d{2}T\d{1,2}:\d{2}(?::\d{2})?)(?:[.,]\d+)?([+-]\d{2})(\d{2})?$", iso)
            if not m:
                return iso[:10] if re.match(r"^\d{4}-\d{2}-\d{2}", iso) else None
            try:
                dt = datetime.fromisoformat(f"{m.group(1)}{m.group(2)}:{m.group(3) or '00'}")
            except ValueError:
                return None
        if len(iso) == 10:
            return dt.date().isoformat()
        return dt.isoformat()
    try:
        dt = parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        dt = None
    if dt is not None and dt.tzinfo is not None:
        return dt.isoformat()
    loose = _loose_date(s)
    if loose or dt is None:
        return loose
    return dt.isoformat()


def _loose_date(s: str) -> str | None:
    """Human-written dates: "Nov 19, 2019 10:00 AM EST", "19.11.2019 14:30", "2019/11/19"."""
    tz = None
    m = _TZ_TAIL.search(s)
    if m and m.group(1).lower() in _TZ_ABBR:
        tz = timezone(timedelta(minutes=_TZ_ABBR[m.group(1).lower()]))
        s = s[: m.start()].strip()
    m = _AMPM.search(s)
    if m:
        hour = int(m.group(1)) % 12 + (12 if m.group(4).lower() == "p" else 0)
        s = f"{s[: m.start()]}{hour:02d}:{m.group(2)}{s[m.end():]}".strip()
    s = re.sub(r"\s+", " ", s.replace(" at ", " ").replace(",", ", ").replace(" ,", ",")).strip()
    s = s.replace(", ,", ",")
    lead_digit = s[:1].isdigit()
    for fmt in _FORMATS:
        if (fmt[1] in "Ymd") != lead_digit:
            continue
        try:
            dt = datetime.strptime(s, fmt)
        except ValueError:
            continue
        if dt.tzinfo is None and tz is not None and "%H" in fmt:
            dt = dt.replace(tzinfo=tz)
        return dt.isoformat() if dt.tzinfo or "%H" in fmt else dt.date().isoformat()
    if tz is not None and _ISO.match(s):
        iso = normalize_date(s)
        if iso and len(iso) > 10 and not _HAS_OFFSET.search(iso):
            return datetime.fromisoformat(iso).replace(tzinfo=tz).isoformat()
        return iso
    return None


_HAS_OFFSET = re.compile(r"[+-]\d{2}:\d{2}$")


def _lazy_xpath(root, path: str, limit: int):
    yield from root.xpath(path)[:limit]


def _plausible(d: str) -> bool:
    """CMS placeholders ("0001-01-01T00:00:00Z", epoch 0) are not dates."""
    try:
        year = int(d[:4])
    except ValueError:
        return False
    return 1991 <= year <= datetime.now(timezone.utc).year + 1


def _best_date(values) -> str | None:
    """The first plausible date that carries a time zone, else the first plausible date."""
    first = None
    for v in values:
        d = normalize_date(v)
        if not d or not _plausible(d):
            continue
        if _HAS_OFFSET.search(d):
            return d
        if first is None:
            first = d
    return first


def _author_names(v) -> list[str]:
    out: list[str] = []
    items = v if isinstance(v, list) else [v]
    for item in items[:20]:
        if isinstance(item, dict):
            name = _str(item.get("name"))
        else:
            name = _str(item)
        if name:
            out.extend(split_authors(name))
    return out


def split_authors(s: str) -> list[str]:
    """Names from a byline or author field: "By Ana Silva and Bob Jones, Staff Writers |
    5 min read" -> ["Ana Silva", "Bob Jones"]."""
    if not isinstance(s, str):
        return []
    lines = [collapse(x) for x in s.splitlines()]
    s = " | ".join(x for x in lines if x)
    if not s or s.startswith(("http://", "https://", "www.")) or len(s) > 200:
        return []
    s = _PARENS.sub("", s)
    parts = _AUTHOR_SPLIT.split(s) if len(s) > 3 else [s]
    out = []
    for p in parts:
        p = _HANDLE_OR_MAIL.sub("", p)
        p = p.strip(" .,:;·|-–—")
        p = _BY.sub("", _LEAD_BY.sub("", p)).strip(" .,:;·|-–—")
        if not p or len(p) >= 80 or p.startswith("http") or _NOT_NAME.search(p):
            continue
        if _ROLE.search(p) or _FILE_OR_HOST.match(p):
            continue
        if p.isupper() and len(p) > 3:
            p = p.title()
        out.append(p)
    return out


def _dedupe(names: list[str]) -> list[str]:
    seen, out = set(), []
    for n in names:
        k = n.casefold()
        if k not in seen:
            seen.add(k)
            out.append(n)
    return out


def strip_site_suffix(title: str, site: str | None = None) -> str:
    """'Story - Site Name' -> 'Story': drop the segments that name the site, keep the headline.

    With the site name known, the site segment and whatever lies beyond it ("Story | Tech |
    Site", "Site: Story") go, and so do short section names left next to the headline
    ("Story | Tech"). The headline keeps its own separators ("Why X - and why not Y")."""
    seps = list(_TITLE_SEPARATORS.finditer(title))
    if not seps:
        return title
    bounds = [0] + [x for m in seps for x in (m.start(), m.end())] + [len(title)]
    segs = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]
    texts = [title[a:b] for a, b in segs]
    if site:
        sc = core(site)
        hits = [i for i, t in enumerate(texts) if sc and core(t) == sc]
        if hits:
            others = [i for i in range(len(texts)) if i not in hits] or [0]
            longest = max(others, key=lambda i: len(texts[i]))
            after = [i for i in hits if i > longest]
            before = [i for i in hits if i < longest]
            lo = max(before) + 1 if before else 0
            hi = min(after) if after else len(texts)
            if lo < hi:
                # Section names next to the headline: short segments at the site's side.
                while hi - lo > 1 and after and len(texts[hi - 1]) * 2 < len(texts[lo]) \
                        and len(texts[hi - 1].split()) <= 2:
                    hi -= 1
                while hi - lo > 1 and before and len(texts[lo]) * 2 < len(texts[hi - 1]) \
                        and len(texts[lo].split()) <= 2:
                    lo += 1
                return title[segs[lo][0]: segs[hi - 1][1]].strip() or title
    # Otherwise the site name is the end with fewer words (a tie: the suffix, more common).
    first, last = texts[0].split(), texts[-1].split()
    if len(first) >= len(last):
        return title[: seps[-1].start()]
    return title[seps[0].end():]


def extract_metadata(root, url: str | None) -> dict:
    """All metadata fields of Article except the body."""
    meta = meta_tags(root)
    ld = jsonld_article(root)

    # Headlines as declared.
    headlines: dict[str, str] = {}
    title_el = root.find(".//title")
    if title_el is not None:
        t = collapse("".join(title_el.itertext()))
        if t:
            headlines["title_tag"] = t
    if meta.get("og:title"):
        headlines["og_title"] = collapse(meta["og:title"])
    if meta.get("twitter:title"):
        headlines["twitter_title"] = collapse(meta["twitter:title"])
    h1s = []
    for h in root.iter("h1"):
        t = collapse("".join(h.itertext()))
        if t:
            h1s.append(t)
        if len(h1s) >= 5:
            break
    if h1s:
        headlines["h1"] = h1s[0]
    ld_head = _str(ld.get("headline")) or _str(ld.get("name"))
    if ld_head:
        headlines["jsonld"] = ld_head

    site = meta.get("og:site_name") or _str((ld.get("publisher") or {}).get("name")
                                            if isinstance(ld.get("publisher"), dict) else None)
    title = choose_title(headlines, h1s, site)

    # Authors.
    authors = _author_names(ld.get("author")) if ld.get("author") else []
    if not authors:
        for key in ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author",
                    "byl", "dcterms.creator", "twitter:creator"):
            if meta.get(key):
                authors = split_authors(meta[key])
                if key == "twitter:creator":
                    authors = [a for a in authors if not a.startswith("@")]
                if authors:
                    break
    if not authors:
        for el in root.xpath('//*[@itemprop="author"] | //*[@rel="author"]')[:5]:
            name = el.get("content") or (el.xpath('string(.//*[@itemprop="name"])') or "").strip() \
                or "".join(el.itertext())
            authors.extend(split_authors(name))
    authors = _dedupe(authors)[:10]

    # Sources in order of trust; a later one only wins when it adds the time zone the
    # earlier ones left out (JSON-LD "2019-11-19T10:00:00" vs meta "...-05:00").
    # Generators: the tree is only searched when the head gave no zoned date.
    published = _best_date(chain(
        (ld.get("datePublished"), ld.get("dateCreated")),
        (meta.get(k) for k in _DATE_META["published"]),
        (el.get("content") or el.get("datetime") for el in _lazy_xpath(
            root, '//*[@itemprop="datePublished"] | //time[@datetime]', 3)),
        # Last resort: the visible text of the first <time> elements.
        (collapse("".join(el.itertext()))[:80] for el in _lazy_xpath(root, "//time", 2))))
    modified = _best_date(chain(
        (ld.get("dateModified"),), (meta.get(k) for k in _DATE_META["modified"]),
        (el.get("content") for el in _lazy_xpath(root, '//*[@itemprop="dateModified"]', 2))))

    # Language.
    lang = root.get("lang") or root.get("xml:lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        lang = meta.get("content-language") or meta.get("og:locale") or _str(ld.get("inLanguage"))
    language = None
    if lang:
        m = re.match(r"\s*([A-Za-z]{2,3})(?:[-_]|\s|$)", lang)
        if m:
            language = m.group(1).lower()

    # Canonical URL.
    canonical = None
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href"):
            canonical = link.get("href").strip()
            break
    if not canonical:
        canonical = meta.get("og:url") or _str(ld.get("url")) or _str(ld.get("mainEntityOfPage"))
    if canonical:
        try:
            canonical = urljoin(url or "", canonical)
        except ValueError:
            canonical = None
    if canonical and not canonical.startswith(("http://", "https://")):
        canonical = url if url and url.startswith(("http://", "https://")) else None
    if not canonical and url and url.startswith(("http://", "https://")):
        canonical = url

    body = ld.get("articleBody")
    return {
        "title": title,
        "authors": authors,
        "published": published,
        "modified": modified,
        "language": language,
        "canonical_url": canonical,
        "headlines": headlines,
        "jsonld_body": body if isinstance(body, str) else None,
        "site_name": site,
    }


def choose_title(headlines: dict[str, str], h1s: list[str], site: str | None) -> str | None:
    """The visible headline if some declared source agrees with it, else the best declared one."""
    declared = [headlines.get(k) for k in ("og_title", "jsonld", "twitter_title")]
    declared = [d for d in declared if d]
    tag = headlines.get("title_tag")
    stripped_tag = strip_site_suffix(tag, site) if tag else None
    keys = {core(d) for d in declared}
    if stripped_tag:
        keys.add(core(stripped_tag))
    if tag:
        keys.add(core(tag))
    for h in h1s:
        ch = core(h)
        if ch and (ch in keys or any(ch and ch in k for k in keys if len(ch) > 15)):
            return h
    for d in declared:
        s = strip_site_suffix(d, site)
        if s:
            return s
    if stripped_tag:
        return stripped_tag
    return h1s[0] if h1s else None


# -- language from the text, when the page declares none ---------------------------------
_SCRIPTS = (  # (language, regex of its characteristic script)
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
)
_STOPWORDS = {
    "en": "the and of to in is that for it with was on as are this be by have from at",
    "de": "der die und das ist nicht mit den sich des auf ein eine dem zu für auch im",
    "fr": "le la les et des est une un du pour que dans qui pas sur au avec il ce",
    "es": "el la los las del que en y un una por con para es se no al lo como",
    "pt": "o a os as do da que em um uma para com não é no na dos se ao",
    "it": "il la di che e un una per non del della sono con gli nel alla le è",
    "nl": "de het een en van is dat op te in niet met voor zijn ook die er",
    "sv": "och att det som en på är av för med inte den till har om var ett",
    "da": "og at det som en på er af for med ikke den til har de var et",
    "pl": "i w na z że nie się to do jest jak po co od przez dla",
    "tr": "ve bir bu da de için ile olarak çok daha ama gibi olan en",
    "id": "yang dan di ini itu dengan untuk tidak dari dalam akan pada juga ke",
    "cs": "a v se na je že to s z do jako ale pro od by jsou",
    "ro": "și în de la cu pe un o care nu din este să mai",
    "hu": "a az és hogy nem is egy meg de van ez csak már",
    "fi": "ja on ei että se oli hän mutta kun niin myös ovat tai",
}
_STOPSETS = {lang: frozenset(ws.split()) for lang, ws in _STOPWORDS.items()}
_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str) -> str | None:
    """A rough ISO 639-1 guess from the script, then from function-word counts; None if unsure."""
    sample = text[:6000]
    if not sample:
        return None
    for lang, rx in _SCRIPTS:
        n = len(rx.findall(sample))
        if n >= 20:
            if lang == "zh" and len(_SCRIPTS[1][1].findall(sample)) >= 5:
                return "ja"
            if lang == "ru" and re.search(r"[їєі]", sample):
                return "uk"
            return lang
    words = [w.casefold() for w in _WORD.findall(sample)]
    if len(words) < 20:
        return None
    best, best_n, second = None, 0, 0
    for lang, stops in _STOPSETS.items():
        n = sum(1 for w in words if w in stops)
        if n > best_n:
            best, best_n, second = lang, n, best_n
        elif n > second:
            second = n
    if best_n >= max(5, 0.08 * len(words)) and best_n > 1.3 * second:
        return best
    return None
