"""Which elements are page furniture rather than story, judged from tag, class/id, role, style.

Class and id names are split into words ("c-share-bar__item" -> c, share, bar, item) and
matched against a vocabulary that holds across sites and languages of markup. Results are
cached per attribute string: the same few hundred class names repeat on every page of a site.
"""

from __future__ import annotations

import re

# Never part of the story text.
SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "svg", "math", "canvas", "iframe", "object",
    "embed", "video", "audio", "picture", "source", "track", "map", "head", "title", "meta",
    "link", "button", "input", "select", "textarea", "option", "datalist", "output",
    "progress", "meter", "dialog", "nav", "footer", "aside", "figcaption", "menu", "label",
    "fieldset", "legend", "header", "base", "area", "param", "img", "image", "hr",
})

# Elements that do not break a paragraph.
INLINE_TAGS = frozenset({
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn",
    "em", "font", "i", "ins", "kbd", "mark", "nobr", "q", "rp", "rt", "ruby", "s", "samp",
    "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr", "br",
    "img", "o:p",
})

_NEG_EXACT = frozenset({
    "ad", "ads", "adv", "advert", "adverts", "advertisement", "advertising", "adsbygoogle",
    "adslot", "adunit", "adwrapper", "adcontainer", "dfp", "gpt", "tag", "tags", "tagged",
    "tagcloud", "taglist", "topics", "keywords", "meta", "byline", "bylines", "dateline",
    "author", "authors", "bio", "caption", "captions", "credit", "credits", "print", "email",
    "rss", "login", "signin", "hidden", "hide", "toc", "poll", "rating", "masthead", "menu",
    "nav", "navbar", "navigation", "breadcrumb", "breadcrumbs", "pagination", "pager",
    "toolbar", "skip", "jump", "modal", "popup", "overlay", "cookie", "cookies", "consent",
    "gdpr", "banner", "widget", "widgets", "sidebar", "rail", "footer", "outbrain", "taboola",
    "zergnet", "disqus", "respond", "reply", "replies", "subscribe", "subscription", "signup",
    "newsletter", "newsletters", "promo", "promos", "promotion", "sponsored", "sponsor",
    "teaser", "teasers", "share", "shares", "sharing", "social", "related", "recommended",
    "recommendations", "popular", "trending", "mostread", "most", "comments", "comment",
    "follow", "donate", "paywall", "upsell", "timestamp", "date", "published", "updated",
    "sr", "screenreader", "visuallyhidden", "offscreen", "photo", "gallery", "lightbox",
})
_NEG_PREFIX = ("share", "social", "related", "newsletter", "subscri", "promo", "advert",
               "sponsor", "comment", "footer", "sidebar", "breadcrumb", "byline", "caption",
               "popular", "trending", "recommend", "outbrain", "taboola", "cookie", "signup",
               "sharing", "mostread", "widget", "disqus", "banner")
# Boxes that are never the story whatever they hold (reader comments, teasers of other
# stories, sign-up and consent boxes, page footers and sidebars), as against words that also
# sit on wrappers of stories ("widget", "hidden", "tag-x", "summary", "meta").
_NEVER_STORY = ("comment", "disqus", "respond", "reply", "replies", "discussion", "related",
                "recommend", "popular", "trending", "mostread", "outbrain", "taboola",
                "zergnet", "newsletter", "subscri", "signup", "cookie", "consent", "gdpr",
                "footer", "sidebar")
_POS_EXACT = frozenset({"article", "content", "story", "entry", "post", "body", "main", "text",
                        "hentry", "prose", "richtext", "articlebody", "storybody", "postbody",
                        "entrycontent", "article_body", "page"})
_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HIDING_ATTRS = frozenset({"hidden", "aria-hidden", "role", "style"})
_BAD_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search",
                        "dialog", "alertdialog", "menu", "menubar", "toolbar", "tablist"})

_cache: dict[str, tuple[bool, bool, bool]] = {}


def classify_attrs(attrs: str) -> tuple[bool, bool, bool]:
    """(looks like boilerplate, looks like content, is never story) for a 'class id' string."""
    hit = _cache.get(attrs)
    if hit is not None:
        return hit
    # (Only an upper-case letter makes a camelCase word boundary.)
    words = _SPLIT.split((attrs if attrs.islower() else _CAMEL.sub("-", attrs)).lower())
    neg = pos = never = False
    for w in words:
        if w:
            w_neg, w_pos, w_never = _word_kinds.get(w) or _word_kind(w)
            neg, pos, never = neg or w_neg, pos or w_pos, never or w_never
    hit = (neg, pos, never)
    if len(_cache) > 20000:
        _cache.clear()
    _cache[attrs] = hit
    return hit


_word_kinds: dict[str, tuple[bool, bool, bool]] = {}


def _word_kind(w: str) -> tuple[bool, bool, bool]:
    """`classify_attrs` for one word, kept: class names are made of a few thousand words."""
    neg = w in _NEG_EXACT or w.startswith(_NEG_PREFIX)
    kind = (neg, not neg and w in _POS_EXACT, neg and w.startswith(_NEVER_STORY))
    if len(_word_kinds) > 20000:
        _word_kinds.clear()
    _word_kinds[w] = kind
    return kind


_DISCUSSION = ("comment", "disqus", "respond", "reply", "replies", "discussion")


def discussion(el) -> bool:
    """Reader comments: furniture however much text they hold (never "the story itself")."""
    attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
    words = _SPLIT.split(_CAMEL.sub("-", attrs).lower())
    return any(w.startswith(_DISCUSSION) for w in words if w)


def hidden(el) -> bool:
    """Hidden from readers by the hidden attribute, inline style, aria-hidden or a furniture role."""
    if _HIDING_ATTRS.isdisjoint(el.keys()):
        return False  # (most elements: one look at the attribute names, not four lookups)
    get = el.get
    if get("hidden") is not None or get("aria-hidden") == "true":
        return True
    role = get("role")
    if role and role.lower() in _BAD_ROLES:
        return True
    style = get("style")
    return bool(style and _HIDDEN_STYLE.search(style))
