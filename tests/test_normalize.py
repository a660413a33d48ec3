from archiver.article import Article
from archiver.normalize import (clean_paragraphs, clean_text, identity_url, normalize_article,
                                normalize_url, story_hash)


def test_clean_text_folds_unicode_invisibles_and_whitespace():
    decomposed = "Cafe\u0301\u200b  launches\n\tnew\u00a0app"
    assert clean_text(decomposed) == "Café launches new app"


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
