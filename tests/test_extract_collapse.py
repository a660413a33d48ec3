"""A page with a long story never gives an empty or tiny result.

The pages in tests/fixtures/collapse/ reproduce the ways a whole story used to be lost: a
furniture-looking class word ("widget") on every box of the story, so that a footer line
won; an unclosed <div> in a <nav> that libxml2 stretches over the rest of the page, story
included; a story cut into boxes of its own, where one list outweighed each box. Their
paragraphs come from story.txt (`{0}`...`{9}` in the HTML).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.extract import extract

HERE = Path(__file__).resolve().parent / "fixtures" / "collapse"
STORY = HERE.joinpath("story.txt").read_text(encoding="utf-8").strip().split("\n")
URL = "https://riverside.example/2026/11/fibre-ring"
FOOTER = "All rights reserved"


def page(name: str) -> tuple[str, list[str]]:
    """The fixture page with its story filled in, and the story paragraphs it holds."""
    html = HERE.joinpath(name).read_text(encoding="utf-8")
    held = [p for i, p in enumerate(STORY) if "{" + str(i) + "}" in html]
    for i, p in enumerate(STORY):
        html = html.replace("{" + str(i) + "}", p)
    return html, held


@pytest.mark.parametrize("name", ["widget_wrapped.html", "nav_misnested.html", "sectioned.html"])
def test_whole_story_not_a_fragment(name):
    html, held = page(name)
    art = extract(html, URL)
    assert [p for p in art.paragraphs if p in STORY] == held
    assert not any(FOOTER in p for p in art.paragraphs)


def test_sectioned_story_keeps_its_list_and_headings():
    html, _ = page("sectioned.html")
    art = extract(html, URL)
    assert "The cost" in art.paragraphs
    assert any(p.startswith("Each provider leases dark fibre") for p in art.paragraphs)


def _story_html(paragraphs: list[str], extra: str = "", wrap: str = "<article>{}</article>") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>Fibre ring</title></head><body>"
            f"{wrap.format(body)}{extra}<div class=\"legal\"><p>© 2026 Riverside Ledger. {FOOTER}.</p>"
            f"</div></body></html>")


def test_story_in_a_box_a_script_reveals_is_read():
    # Script-drawn pages ship the story in a hidden box and reveal it in the browser.
    html = _story_html(STORY[:5], wrap='<div hidden id="S:0"><article>{}</article></div>')
    assert extract(html, URL).paragraphs == STORY[:5]


def test_hidden_cookie_dialog_is_not_a_wrapper():
    legal = [f"Cookie notice section {i}: we and our partners store and read information on "
             f"your device, such as cookies, to measure audiences and to personalise ads."
             for i in range(12)]
    dialog = ('<div role="alertdialog" style="display:none">'
              + "".join(f"<p>{x}</p>" for x in legal) + "</div>")
    art = extract(_story_html(STORY[:3], extra=dialog), URL)
    assert art.paragraphs == STORY[:3]


def test_second_reading_does_not_take_reader_comments():
    # A short story under a misleading class, and a long comment thread below it: the
    # fallback reading still treats the comments as furniture.
    comments = "".join(
        f'<div class="comment-body"><p>Reader {i} wrote: I have lived on the ring road for '
        f"twenty years, and every provider has dug up my street at least twice, so this is "
        f"welcome, although I doubt the four-day promise will hold.</p></div>"
        for i in range(15))
    html = _story_html(STORY[:2], wrap='<div class="entry-widget">{}</div>',
                       extra=f'<section id="comments">{comments}</section>')
    art = extract(html, URL)
    assert art.paragraphs[:2] == STORY[:2]
    assert not any(p.startswith("Reader ") for p in art.paragraphs)


def test_long_paragraph_repeated_verbatim_is_kept_once():
    # Responsive layouts and slideshows print the same story twice.
    html = _story_html(STORY[:3] + STORY[:3])
    assert extract(html, URL).paragraphs == STORY[:3]


def test_short_repeated_prose_lines_are_kept():
    steps = ["Stir well.", STORY[0], "Stir well.", STORY[1]]
    assert extract(_story_html(steps), URL).paragraphs == steps
