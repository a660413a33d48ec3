"""Property-based robustness: no input makes `extract` raise or return a malformed Article.

Random and mutated HTML (truncation, duplication, unclosed tags, random bytes, wrong charsets,
NULs, huge attribute values, deep nesting) must always give an Article whose paragraphs are a
list of non-empty strings. Kept to a few seconds: small example counts, no deadline.
"""

from __future__ import annotations

import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver.article import Article
from archiver.extract import SiteTemplate, extract

# The module, not the function the package re-exports under the same name.
_module = sys.modules["archiver.extract"]

BASE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Chipmaker delays its flagship - Example News</title>
<meta property="og:title" content="Chipmaker delays its flagship">
<script type="application/ld+json">{"@type":"NewsArticle","headline":"Chipmaker delays its flagship",
"author":{"name":"Ana Silva"},"datePublished":"2024-03-02T10:00:00+01:00"}</script></head>
<body><a class="skip" href="#main">Skip to content</a><nav><a href="/">Home</a></nav>
<main id="main"><article><h1>Chipmaker delays its flagship</h1><p class="byline">By Ana Silva</p>
<div class="article-body"><p>The company said on Tuesday that its next processor will ship a quarter
late, citing yields at its partner's new factory.</p><p>Analysts had expected the part in spring;
the delay leaves rivals a clear window for the holiday season.</p>
<blockquote>We would rather be late than wrong, the chief executive said.</blockquote>
<ul><li>First point of a list inside the story.</li><li>Second point.</li></ul>
<table><tr><td>Q1</td><td>12</td></tr><tr><td>Q2</td><td>15</td></tr></table>
<p>Update: the company later confirmed the new date.</p></div></article>
<aside class="sidebar"><h2>Most Popular</h2><ol><li><a href="/a">Other story</a></li></ol></aside>
</main><footer>(c) Example News</footer></body></html>"""

TAGS = ["div", "p", "span", "a", "article", "section", "table", "tr", "td", "ul", "li", "b",
        "i", "h1", "h2", "script", "style", "nav", "aside", "main", "br", "img", "font",
        "blockquote", "pre", "template", "svg", "iframe", "noscript", "form", "select"]
ATTRS = ["class", "id", "style", "hidden", "role", "itemprop", "aria-hidden", "href", "lang"]

FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def check(html, **kw) -> Article:
    # The public function never raises by contract (it has a catch-all); the inner one
    # must not need it either, or a bug would silently cost whole articles.
    inner = _module._extract(html, None, kw.get("template"))
    assert isinstance(inner, Article)
    art = extract(html, **kw)
    assert isinstance(art, Article)
    assert isinstance(art.paragraphs, list)
    for p in art.paragraphs:
        assert isinstance(p, str) and p.strip(), repr(p)
    assert art.title is None or isinstance(art.title, str)
    assert isinstance(art.authors, list) and all(isinstance(a, str) and a for a in art.authors)
    assert isinstance(art.text, str)
    return art


@st.composite
def html_fragments(draw, depth=0):
    """Random tag soup: any tags, attributes, text, comments; closed or not."""
    parts = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.integers(0, 5))
        if kind == 0 or depth > 4:
            parts.append(draw(st.text(max_size=40)))
        elif kind == 1:
            parts.append("<!--" + draw(st.text(max_size=10)) + "-->")
        else:
            tag = draw(st.sampled_from(TAGS))
            attrs = "".join(
                f' {draw(st.sampled_from(ATTRS))}="{draw(st.text(max_size=12))}"'
                for _ in range(draw(st.integers(0, 2))))
            inner = draw(html_fragments(depth=depth + 1))
            close = draw(st.booleans())
            parts.append(f"<{tag}{attrs}>{inner}" + (f"</{tag}>" if close else ""))
    return "".join(parts)


@FAST
@given(html_fragments())
def test_random_tag_soup(fragment):
    check(fragment)
    check("<html><body>" + fragment + "</body></html>")


@FAST
@given(st.binary(max_size=3000))
def test_random_bytes(data):
    check(data)


@FAST
@given(st.text(max_size=2000))
def test_random_text(text):
    check(text)


@FAST
@given(st.integers(0, len(BASE)), st.integers(0, len(BASE)))
def test_truncated_and_spliced(a, b):
    check(BASE[:a])
    check(BASE[a:])
    check(BASE[:a] + BASE[b:])          # a cut out (or a repeat, when b < a)
    check(BASE[:a] + BASE + BASE[a:])   # the whole page pasted inside itself


@FAST
@given(st.lists(st.tuples(st.integers(0, len(BASE)), st.sampled_from(
    ["\x00", "<", ">", "</div>", "<div>", "<p>", "&", "&#0;", "&#xD800;", "\ufffd", "\u202e",
     "<!--", "<![CDATA[", "<script>", "\"", "'", "<?xml version='1.0'?>", "\r\n"])),
    max_size=12))
def test_random_insertions(edits):
    html = BASE
    for pos, s in sorted(edits, reverse=True):
        html = html[:pos] + s + html[pos:]
    art = check(html)
    check(html.encode("utf-8"))
    assert isinstance(art.paragraphs, list)


@FAST
@given(st.sampled_from(["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-16-be", "shift_jis",
                        "koi8-r", "utf-8"]),
       st.sampled_from(["utf-8", "iso-8859-1", "shift_jis", "nonsense-charset", "utf-16", ""]))
def test_wrong_charsets(actual, declared):
    html = BASE.replace('<meta charset="utf-8">', f'<meta charset="{declared}">')
    html = html.replace("Silva", "Silvá ÄÖÜ €")
    data = html.encode(actual, "replace")
    art = check(data)
    if actual in ("utf-8", "utf-16", "cp1252", "latin-1", "utf-16-le", "utf-16-be"):
        assert any("processor" in p for p in art.paragraphs)


@FAST
@given(st.integers(1, 200_000), st.sampled_from(["class", "style", "href", "data-x", "id"]))
def test_huge_attribute_values(n, attr):
    html = BASE.replace("<article>", f'<article {attr}="{"x" * n}">')
    check(html)


@settings(max_examples=8, deadline=None)
@given(st.integers(100, 12_000), st.sampled_from(["div", "span", "font", "b", "li", "table"]))
def test_deep_nesting(depth, tag):
    html = ("<html><body>" + f"<{tag}>" * depth + "<p>" + "Deep text that is long enough. " * 5
            + "</p>" + f"</{tag}>" * (depth // 2) + "<p>After the nest.</p></body></html>")
    check(html)


def test_deep_unclosed_nesting_keeps_text_after_the_limit():
    html = ("<html><body>" + "<div>" * 5000 + "<p>" + "Deep text that is long enough. " * 5
            + "</p></body></html>")
    art = check(html)
    assert art.paragraphs and "Deep text" in art.paragraphs[0]


@FAST
@given(html_fragments())
def test_template_never_raises(fragment):
    tpl = SiteTemplate(min_pages=2)
    for i in range(3):
        tpl.observe(BASE + fragment, url=f"https://example.test/{i}")
        tpl.observe(fragment, url=f"https://example.test/f{i}")
    check(fragment, template=tpl)
    check(BASE, template=tpl)


def test_odd_argument_types():
    for value in (None, 0, 1.5, [], {}, object(), bytearray(b"<p>x</p>"),
                  memoryview(b"<p>hello there</p>")):
        check(value)
    check(BASE, url=12345)
