"""Update, correction and editor's notes are story, whatever box a site puts them in."""

from __future__ import annotations

import pytest

from archiver.extract import extract

STORY = "".join(
    f"<p>The {word} paragraph of the report on the router flaw, with enough words to read as "
    f"prose, researchers said on Tuesday.</p>" for word in ("first", "second", "third", "fourth"))
NOTES = {
    "aside": '<aside class="correction"><p><strong>Correction:</strong> An earlier version '
             "misstated the patch number; it is 23.05.4.</p></aside>",
    "furniture-looking class": '<p class="updated">Update, March 3, 7:02 p.m. ET: The vendor '
                               "confirmed the patch.</p>",
    "footer": "<footer><p>Editor's note: This story was updated with comment from the "
              "vendor.</p></footer>",
    "bold marker in a box": '<div class="update"><p><b>Update 2:</b> The vendor says a second '
                            "patch ships Friday.</p></div>",
}


@pytest.mark.parametrize("where", ["top", "bottom"])
@pytest.mark.parametrize("box", sorted(NOTES))
def test_notes_in_boxes_are_kept(box, where):
    note = NOTES[box]
    inner = note + STORY if where == "top" else STORY + note
    html = (f"<html><body><nav><a href='/'>Home</a></nav><article><h1>Router flaw</h1>{inner}"
            "</article><aside class='sidebar'><h3>Most Popular</h3><ul><li><a href='/x'>Other "
            "story</a></li></ul></aside></body></html>")
    paragraphs = extract(html, "https://n.example/2026/03/router-flaw/").paragraphs
    notes = [p for p in paragraphs if "paragraph of the report" not in p]
    assert len(notes) == 1 and notes[0].split()[0] in ("Correction:", "Update,", "Editor's",
                                                        "Update")
    assert len(paragraphs) == 5
    assert (paragraphs.index(notes[0]) == 0) == (where == "top")
    assert not any("Most Popular" in p or "Other story" in p for p in paragraphs)


def test_an_aside_that_is_not_a_note_is_still_furniture():
    html = (f"<html><body><article><h1>Router flaw</h1>{STORY}<aside><p>Read more: how routers "
            "get hacked, and what to do about it this year.</p></aside></article></body></html>")
    paragraphs = extract(html, "https://n.example/2026/03/router-flaw/").paragraphs
    assert len(paragraphs) == 4 and not any("Read more" in p for p in paragraphs)
