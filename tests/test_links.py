import pytest

from archiver.links import looks_like_article, looks_like_listing


@pytest.mark.parametrize("url", [
    "https://n.example/2026/03/chipmaker-recalls-batteries/",
    "https://n.example/2026/11/20/slug.html",
    "https://n.example/news/apple-ships-a-new-laptop-today",
    "https://n.example/article/some-title-123456",
])
def test_story_urls(url):
    assert looks_like_article(url)


@pytest.mark.parametrize("url", [
    "https://n.example/", "https://n.example/tag/apple-vision-pro/",
    "https://n.example/authors/jane-doe-smith/", "https://n.example/privacy-policy",
    "https://n.example/img/huge-photo-of-a-thing.jpg", "https://n.example/security/",
])
def test_not_story_urls(url):
    assert not looks_like_article(url)


def test_listings():
    assert looks_like_listing("https://n.example/security/")
    assert not looks_like_listing("https://n.example/about/")
    assert not looks_like_listing("https://n.example/2026/03/a-long-story-slug/")
