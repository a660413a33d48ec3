"""Metadata sanity: headline without the site name, authors without "By", ISO-8601 dates with
their time zone, language; a typed result; caps on what a page can make us store."""

from __future__ import annotations

import json

import pytest
from lxml import html as lxml_html

import archiver.extract.metadata
from archiver.extract import extract
from archiver.extract.metadata import (
    Metadata,
    detect_language,
    extract_metadata,
    normalize_date,
    split_authors,
    strip_site_suffix,
)
from archiver.extract.metadata.authors import MAX_AUTHORS, MAX_NAME
from archiver.extract.metadata.titles import MAX_HEADLINE


@pytest.mark.parametrize("raw, iso", [
    ("2024-03-02T10:00:00Z", "2024-03-02T10:00:00+00:00"),
    ("2024-03-02T10:00:00+0100", "2024-03-02T10:00:00+01:00"),
    ("2024-03-02T10:00:00.000Z", "2024-03-02T10:00:00+00:00"),
    ("2019-11-19T10:00:00 +0000", "2019-11-19T10:00:00+00:00"),
    ("2019-11-19T10:00:00 EST", "2019-11-19T10:00:00-05:00"),
    ("Tue, 19 Nov 2019 10:00:00 GMT", "2019-11-19T10:00:00+00:00"),
    ("Nov 19, 2019 10:00 AM EST", "2019-11-19T10:00:00-05:00"),
    ("Nov. 19, 2019 3:05 p.m. PST", "2019-11-19T15:05:00-08:00"),
    ("November 19, 2019 at 3:05 PM CET", "2019-11-19T15:05:00+01:00"),
    ("1574168486", "2019-11-19T13:01:26+00:00"),
    ("1574168486000", "2019-11-19T13:01:26+00:00"),
    # No zone given: kept naive rather than guessed; a bare date stays a date.
    ("2024-03-02 10:00", "2024-03-02T10:00:00"),
    ("19.11.2019 14:30", "2019-11-19T14:30:00"),
    ("2024-03-02", "2024-03-02"),
    ("November 19, 2019", "2019-11-19"),
    ("Updated 3 hours ago", None),
    ("", None),
    # Written for people, read by dateutil with the project's vocabulary.
    ("Sunday, December 28, 2014,  9:10 PM", "2014-12-28T21:10:00"),
    ("01:38:07 PM IST Nov 20, 2019", "2019-11-20T13:38:07+05:30"),
    ("Nov 19, 2019 10:00 AM ET", "2019-11-19T10:00:00-05:00"),
    ("2024-05-09 13:00:00 +0000 UTC", "2024-05-09T13:00:00+00:00"),
    ("Tue Nov 19 2019 03:05:46 GMT+0000", "2019-11-19T03:05:46+00:00"),
    ("10:00 GMT+3 2019-11-19", "2019-11-19T10:00:00+03:00"),
    ("2021-01-03T17:40:00EET", "2021-01-03T17:40:00+02:00"),
    ("jueves, 09 enero 2014 10:21", "2014-01-09T10:21:00"),
    ("25. März 2026, 10:03", "2026-03-25T10:03:00"),
    ("25 novembre 2026 à 10h03", "2026-11-25T10:03:00"),
    ("Dec 19th 2025", "2025-12-19"),
    ("13/11/2025 09:21:40", "2025-11-13T09:21:40"),
    ("05.11.2019", "2019-11-05"),
    # Not dates: an impossible month, a day and month that could be either, no year, an
    # unknown zone (its offset would be a guess), a time range.
    ("2014-00-29T11:12:28Z", None),
    ("05/09/2024 10:46:12", None),
    ("December 29 6:30 PM", None),
    ("Nov 19, 2019 10:00 AM XYZT", None),
    ("Thu., January 15, 2026, 3:00 p.m. - 4:00 p.m. ET", None),
])
def test_normalize_date(raw, iso):
    assert normalize_date(raw) == iso


@pytest.mark.parametrize("raw, names", [
    ("By Ana Silva and Bob Jones", ["Ana Silva", "Bob Jones"]),
    ("BY ANA SILVA", ["Ana Silva"]),
    ("by Ana Silva | Tech Reporter", ["Ana Silva"]),
    ("Ana Silva, Staff Writer", ["Ana Silva"]),
    ("Written by Ana Silva", ["Ana Silva"]),
    ("Analysis by Ana Silva, Senior Editor", ["Ana Silva"]),
    ("Ana Silva (@anasilva)", ["Ana Silva"]),
    ("Ana Silva · 5 min read", ["Ana Silva"]),
    ("Ana Silva\nSenior Editor", ["Ana Silva"]),
    ("Por María José", ["María José"]),
    ("von Hans Müller und Eva Klein", ["Hans Müller", "Eva Klein"]),
    ("Newsroom Staff", ["Newsroom Staff"]),
    ("De Jong", ["De Jong"]),
    ("humans.txt", []),
    ("https://social.example/ana", []),
])
def test_split_authors(raw, names):
    assert split_authors(raw) == names


@pytest.mark.parametrize("title, site, headline", [
    ("Chip delayed - Example News", "Example News", "Chip delayed"),
    ("Example News | Chip delayed", "Example News", "Chip delayed"),
    ("Chip delayed | Tech | Example News", "Example News", "Chip delayed"),
    ("Why now - and why not later - Example News", "Example News", "Why now - and why not later"),
    ("Chip delayed: what it means - Example News", None, "Chip delayed: what it means"),
    ("Plain headline", "Example News", "Plain headline"),
])
def test_strip_site_suffix(title, site, headline):
    assert strip_site_suffix(title, site) == headline


PAGE = """<html lang="{lang}"><head><title>Battery maker opens plant | Tech | Voltage Daily</title>
<meta property="og:site_name" content="Voltage Daily">
<meta name="author" content="By Mira Okafor, Staff Writer">
<meta property="article:published_time" content="{date}">
<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "2024-05-06T08:30:00"}}</script>
</head><body><article><h1>Battery maker opens plant</h1>
<p>The factory will employ four hundred people and make cells for buses and trucks.</p>
<p>It is the first plant of its kind in the region, officials said at the opening.</p>
</article></body></html>"""


def test_page_metadata_fields():
    art = extract(PAGE.format(lang="en-GB", date="2024-05-06T08:30:00+02:00"))
    assert art.title == "Battery maker opens plant"
    assert art.authors == ["Mira Okafor"]
    # JSON-LD has no zone, the meta tag does: the zoned value wins.
    assert art.published == "2024-05-06T08:30:00+02:00"
    assert art.language == "en"


def test_placeholder_dates_are_dropped():
    html = PAGE.format(lang="en", date="0001-01-01T00:00:00Z").replace(
        "2024-05-06T08:30:00", "0001-01-01T00:00:00")
    assert extract(html).published is None


def test_language_guessed_from_text_when_undeclared():
    html = PAGE.format(lang="", date="2024-05-06T08:30:00Z")
    assert extract(html).language == "en"
    de = ("<html><body><article>" + "<p>Die Fabrik soll in diesem Jahr eröffnet werden, und "
          "der Betreiber ist mit dem Verlauf der Arbeiten auf der Baustelle sehr zufrieden.</p>" * 3
          + "</article></body></html>")
    assert extract(de).language == "de"


@pytest.mark.parametrize("text, lang", [
    ("배터리 공장이 문을 열었다. 이 공장은 지역에서 처음으로 버스와 트럭용 셀을 생산한다. " * 3, "ko"),
    ("電池工場が開所した。この工場は地域で初めてバスやトラック向けのセルを生産する。" * 3, "ja"),
    ("La fábrica empleará a cuatrocientas personas y es la primera de la región, según "
     "dijeron los responsables en la inauguración del lunes por la mañana con el alcalde.", "es"),
    ("short", None),
])
def test_detect_language(text, lang):
    assert detect_language(text) == lang


def test_the_metadata_package_imports_by_its_dotted_name():
    assert archiver.extract.metadata.extract_metadata is extract_metadata


def test_metadata_is_a_typed_result():
    root = lxml_html.document_fromstring(PAGE.format(lang="en-GB", date="2024-05-06T08:30:00Z"))
    meta = extract_metadata(root, "https://voltage.example/2024/05/plant/?utm_source=x")
    assert isinstance(meta, Metadata)
    assert (meta.title, meta.authors, meta.language, meta.site_name) == \
        ("Battery maker opens plant", ["Mira Okafor"], "en", "Voltage Daily")
    assert meta.published == "2024-05-06T08:30:00+00:00" and meta.modified is None
    assert meta.canonical_url == "https://voltage.example/2024/05/plant/?utm_source=x"
    assert meta.headlines == {"title_tag": "Battery maker opens plant | Tech | Voltage Daily",
                              "h1": "Battery maker opens plant"}


def test_a_megabyte_title_byline_and_headlines_are_capped_at_extraction():
    huge = "Chip " * 220_000  # 1.1 MB
    ld = {"@type": "NewsArticle", "headline": huge,
          "author": [{"name": f"Author Number{'x' * n} Jones"} for n in range(40)]}
    page = (f"<html><head><title>{huge}</title><meta property='og:title' content='{huge}'>"
            f"<meta name='twitter:title' content='{huge}'><meta name='author' content='{huge}'>"
            f"<script type='application/ld+json'>{json.dumps(ld)}</script></head>"
            f"<body><article><h1>{huge}</h1>"
            + "<p>The factory will employ four hundred people and make cells for buses.</p>" * 3
            + "</article></body></html>")
    art = extract(page)
    assert art.paragraphs  # the story is still read
    assert art.title and art.title.startswith("Chip Chip") and art.title.endswith("…")
    assert len(art.title) <= MAX_HEADLINE
    assert set(art.headlines) == {"title_tag", "og_title", "twitter_title", "h1", "jsonld"}
    assert all(len(v) <= MAX_HEADLINE for v in art.headlines.values())
    assert 0 < len(art.authors) <= MAX_AUTHORS
    assert all(len(a) < MAX_NAME for a in art.authors)
    assert split_authors("By " + huge) == []  # a megabyte is no byline


def test_markup_alone_gives_authors_and_dates_in_page_order():
    """No JSON-LD, no meta tags: the byline and dates come from microdata, rel=author and
    <time>, the first ones on the page (as a reader sees them), and an element that is both
    itemprop and rel author counts once."""
    page = """<html><head><title>Chip plant delayed</title></head><body>
      <p>By <a rel="author" href="/a/ana" itemprop="author">Ana Silva</a> and
         <span itemprop="author"><span itemprop="name">Bob Jones</span> (Lisbon)</span></p>
      <time>yesterday</time>
      <time datetime="2026-03-02T10:00:00+01:00">March 2</time>
      <div itemprop="dateModified" content="2026-03-03T09:30:00Z"></div>
      <p itemprop="datePublished" content="2026-02-01T08:00:00Z">An older teaser.</p>
      <p><a rel="author" href="/a/cy">Cy Ode</a></p>
    </body></html>"""
    meta = extract_metadata(lxml_html.fromstring(page), "https://orbitwire.example/s")
    assert meta.authors == ["Ana Silva", "Bob Jones", "Cy Ode"]
    assert meta.published == "2026-03-02T10:00:00+01:00"  # the first zoned date, in page order
    assert meta.modified == "2026-03-03T09:30:00+00:00"
