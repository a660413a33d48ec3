"""Acceptance tests for the article extractor on the seed story and on our own fixture pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.article import Article
from archiver.extract import extract

HERE = Path(__file__).resolve().parent
SEED = HERE.parent.parent / "shared" / "seed-site"
FIXTURES = HERE / "fixtures" / "pages"
SEED_URL = "https://technews.example/2013/4/24/huawei-backs-out-of-us-network-equipment-market"
SEED_NOISE = ["Skip to main content", "Share this story", "Huawei (STOCK)", "Most Popular",
              "Sign up for the newsletter"]

needs_seed = pytest.mark.skipif(not SEED.is_dir(), reason="shared seed site not present")


@needs_seed
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_seed_title_and_paragraphs_exact(version):
    expected = json.loads((SEED / version / "expected.json").read_text(encoding="utf-8"))
    art = extract((SEED / version / "article.html").read_bytes(), SEED_URL)
    assert art.title == expected["title"]
    assert art.paragraphs == expected["paragraphs"]


@needs_seed
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_seed_fields(version):
    art = extract((SEED / version / "article.html").read_text(encoding="utf-8"), SEED_URL)
    assert art.authors == ["Newsroom Staff"]
    assert art.published == "2013-04-24T14:31:00-04:00"
    assert art.language == "en"
    assert art.canonical_url == SEED_URL
    assert art.headlines["og_title"] == art.title
    assert art.headlines["title_tag"].endswith(" - Example Tech News")
    for phrase in SEED_NOISE:
        assert phrase not in art.text


@needs_seed
def test_seed_v2_modified_and_update_paragraph():
    art = extract((SEED / "v2" / "article.html").read_bytes(), SEED_URL)
    assert art.modified == "2013-04-24T19:02:11-04:00"
    assert art.paragraphs[3].startswith("Update: According to Huawei")


def test_empty_inputs_give_empty_article():
    for html in ("", b"", "   ", b"\x00\x01\x02", "<html></html>"):
        art = extract(html)
        assert isinstance(art, Article)
        assert art.paragraphs == []


def test_script_rendered_story_falls_back_to_declared_article_body():
    """A page whose visible HTML has no story (rendered by JavaScript) but whose JSON-LD
    declares the articleBody: the declared text is the story."""
    paras = ["The city council voted on Tuesday to put free public Wi-Fi in every library "
             "branch, starting with the four busiest ones next spring.",
             "Officials said the project would cost less than expected because the fibre "
             "is already in place from an earlier upgrade of the traffic lights.",
             "Residents will need no account; the network will be open from opening to "
             "closing time and filtered only for known malware sites."]
    for body in ("\n".join(paras), "".join(f"<p>{p}</p>" for p in paras)):
        ld = json.dumps({"@type": "NewsArticle", "headline": "Free Wi-Fi for libraries",
                         "articleBody": body})
        html = (f'<html><head><script type="application/ld+json">{ld}</script></head>'
                '<body><nav><a href="/">Home</a> <a href="/local">Local</a></nav>'
                '<div id="app">Loading…</div></body></html>')
        art = extract(html)
        assert art.title == "Free Wi-Fi for libraries"
        assert art.paragraphs == paras


def test_declared_article_body_does_not_replace_a_found_story():
    story = ["A visible paragraph that is long enough to be the story of this page, and it is.",
             "Another visible paragraph, with more words, that continues the same story here."]
    ld = json.dumps({"@type": "NewsArticle", "headline": "H", "articleBody": "short teaser"})
    html = (f'<html><head><script type="application/ld+json">{ld}</script></head><body>'
            f'<article>{"".join(f"<p>{p}</p>" for p in story)}</article></body></html>')
    assert extract(html).paragraphs == story


def test_subheading_and_list_between_two_parts_of_the_story_are_kept():
    part1 = "".join(f"<p>Opening paragraph number {i} explains, at some length and with care, "
                    f"what the new standard changes for makers of chargers and cables.</p>"
                    for i in range(6))
    part2 = "".join(f"<p>Later paragraph number {i} describes, with equal care and detail, "
                    f"how the rules will be enforced across the market from next year.</p>"
                    for i in range(3))
    html = (f"<html><body><nav><a href='/'>Home</a></nav><div class='wrap'>"
            f"<div class='group'>{part1}</div><h2>What happens next</h2>"
            f"<ul><li>Chargers sold from June must carry the new mark.</li>"
            f"<li>Older stock can be sold until December.</li></ul>"
            f"<div class='group'>{part2}</div></div>"
            f"<div class='related'><h2>Related</h2><ul><li><a href='/x'>Other story</a></li></ul>"
            f"</div></body></html>")
    paras = extract(html).paragraphs
    assert "What happens next" in paras
    assert "Older stock can be sold until December." in paras
    assert paras[-1].startswith("Later paragraph number 2")
    assert "Other story" not in paras and "Related" not in paras


def test_trailing_list_of_story_links_is_not_story():
    body = "".join(f"<p>Paragraph {i} of a story about batteries, with enough words to count as "
                   f"prose in any reasonable reading of the page.</p>" for i in range(5))
    links = "".join(f"<li><a href='/s/{i}'>Another headline number {i} from this site</a> "
                    f"in brief</li>" for i in range(5))
    steps = "".join(f"<li>Step {i}: unplug the charger and wait a minute.</li>" for i in range(3))
    html = (f"<html><body><article><div class='story'>{body}<ul>{steps}</ul>"
            f"<p>The final paragraph closes the story with a quote from the engineer.</p>"
            f"<h3>More Great Stories</h3><ul>{links}</ul></div></article></body></html>")
    paras = extract(html).paragraphs
    assert paras[-1] == "The final paragraph closes the story with a quote from the engineer."
    assert "Step 2: unplug the charger and wait a minute." in paras   # a plain list stays


def test_embedded_post_inside_a_social_wrapper_is_quoted_content():
    body = "".join(f"<p>Paragraph {i} of a story about a phone launch, long enough to be prose "
                   f"and to make this container the story.</p>" for i in range(4))
    tweet = ('<div class="social-embed"><blockquote class="twitter-tweet"><p>The new phone '
             'ships on Friday in six colours.</p>— Example Phones (@examplephones) '
             '<a href="https://x.example/1">May 2, 2024</a></blockquote></div>')
    html = (f"<html><body><article><div class='story'>{body}{tweet}<p>After the post, the "
            f"story goes on with one more paragraph of reporting.</p></div></article>"
            f"<div class='social-links'><p>Follow us on every network we are on today.</p>"
            f"</div></body></html>")
    paras = extract(html).paragraphs
    assert "The new phone ships on Friday in six colours." in paras
    assert "Follow us on every network we are on today." not in paras


def test_custom_inline_element_does_not_split_a_sentence():
    body = "".join(f"<p>Sentence {i} cites a study of 496 adults (<hl-source><a href='/s'>{i}"
                   f"</a></hl-source>) and goes on to explain what it found.</p>"
                   for i in range(4))
    paras = extract(f"<html><body><article>{body}</article></body></html>").paragraphs
    assert paras[0] == ("Sentence 0 cites a study of 496 adults (0) and goes on to explain "
                        "what it found.")
