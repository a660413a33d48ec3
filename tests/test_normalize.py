from archiver.article import Article
from archiver.normalize import (
    clean_paragraphs,
    identity_url,
    normalize_article,
    normalize_url,
    story_hash,
)


def test_relative_times_and_empty_paragraphs_are_dropped():
    assert clean_paragraphs(["2 hours ago", " ", "Real text.", "Updated 5 mins ago", "Yesterday"]) \
        == ["Real text."]
    assert clean_paragraphs(["He left 2 hours ago."]) == ["He left 2 hours ago."]


def test_tracking_parameters_and_fragments_go():
    url = "HTTPS://News.Example:443/a/story?id=7&utm_source=x&fbclid=abc&gclid=1#comments"
    assert normalize_url(url) == "https://news.example/a/story?id=7"
    # an untouched query keeps its own encoding
    assert normalize_url("http://a.example/s?q=a%20b&x=%2F") == "http://a.example/s?q=a%20b&x=%2F"


def test_identity_prefers_same_site_canonical():
    fetched = "http://127.0.0.1:8000/story/?utm_medium=feed"
    assert identity_url(fetched, "http://127.0.0.1:8000/2026/story/") == "http://127.0.0.1:8000/2026/story/"
    assert identity_url(fetched, "https://other.example/story") == "http://127.0.0.1:8000/story/"
    assert identity_url(fetched, None) == "http://127.0.0.1:8000/story/"
    # a template that declares the home page as every story's canonical must not merge stories
    assert identity_url(fetched, "http://127.0.0.1:8000/") == "http://127.0.0.1:8000/story/"


def test_story_hash_ignores_metadata_but_not_text():
    a = Article(title="T", paragraphs=["one", "two"], authors=["A"], modified="2026-01-01")
    b = Article(title="T", paragraphs=["one", "two"], authors=["B"], modified="2026-01-02")
    c = Article(title="T", paragraphs=["one", "two!"])
    assert story_hash(a) == story_hash(b) != story_hash(c)


def test_normalize_article_is_stable():
    art = Article(title=" Big\u00a0news ", paragraphs=["x\u200b y", "3 hours ago"],
                  canonical_url="https://a.example/s?utm_campaign=z")
    once = normalize_article(art)
    assert once.title == "Big news" and once.paragraphs == ["x y"]
    assert once.canonical_url == "https://a.example/s"
    assert normalize_article(once) == once


NOISE = [
    "Last updated 14 minutes ago", "Updated: 3 hours ago",
    "5 min read", "3 minute read", "4-minute read", "Reading time: 6 min", "Lesezeit: 4 Minuten",
    "1,234 views", "12 comments", "3.4K shares", "12 comments · 1.2K shares",
    "Updated: Nov 25, 2026, 10:03 AM ET", "Published 10:03 a.m. EST, Tue November 25, 2026",
    "Aktualisiert am 25.11.2026, 10:03 Uhr", "Updated: November 25, 2026 at 10:03 UTC",
    "Publié le 25 novembre 2026 à 10h03", "Actualizado el 25 de noviembre de 2026, 10:03 CET",
    "Last updated: 2026-11-25T10:03:00Z", "JUST NOW.", "Posted 2 hrs ago.", "Today",
]
STORY = [
    "Update, March 3, 7:02 p.m. ET: Lumora confirmed the recall covers every unit.",
    "Update: March 3, 7:02 p.m. ET",  # an editor's update marker is part of the story
    "He left 2 hours ago.", "The update was published on March 3, 2026.",
    "12 comments were deleted by the moderators.", "It is a 5 min read at most, he said.",
    "March 3, 2026", "Updated 2026", "Updated today, the company said.", "2 hours ago, or so",
]


def test_lines_that_are_only_page_noise_are_dropped():
    """Timestamps, reading times and counters change on every fetch: alone on a line they
    would make a new version each time."""
    for line in NOISE:
        assert clean_paragraphs(["Real text.", line, "More text."]) == ["Real text.", "More text."], line


def test_story_paragraphs_that_mention_times_or_counts_are_kept():
    assert clean_paragraphs(STORY) == STORY


def test_a_refetch_with_fresh_noise_hashes_the_same():
    first = Article(title="T", paragraphs=["Updated: Nov 25, 2026, 10:03 AM ET", "Story.",
                                           "1,234 views", "5 min read"])
    second = Article(title="T", paragraphs=["Updated: Nov 25, 2026, 10:17 AM ET", "Story.",
                                            "1,751 views", "6 min read"])
    assert story_hash(normalize_article(first)) == story_hash(normalize_article(second))


def test_update_markers_that_introduce_the_next_paragraph_are_kept():
    markers = ["Updated at 3:15 p.m. ET:", "Mise à jour, le 24 avril 2026 à 19h02 :",
               "[Updated March 3, 2026, 7:02 p.m. ET]"]
    assert clean_paragraphs(markers) == markers


def test_normalize_article_drops_control_characters_from_every_text_field():
    art = Article(title="\x1b[31mChip\x1b[0m plant", paragraphs=["Opened \x1b]0;x\x07today.\x07"],
                  authors=["Ana\x00 Silva"], headlines={"title_tag": "Chip\x9b2J plant | Wire"})
    clean = normalize_article(art)
    assert (clean.title, clean.paragraphs, clean.authors, clean.headlines) == \
        ("Chip plant", ["Opened today."], ["Ana Silva"], {"title_tag": "Chip plant | Wire"})
