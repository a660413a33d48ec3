"""The one text normalizer, and what it keeps out of the archive: control characters."""

from __future__ import annotations

import unicodedata

import pytest
from click.testing import CliRunner

from archiver.cli import main
from archiver.localsite import LocalSite
from archiver.text import clean_text

ESC = "\x1b"
C1 = [chr(c) for c in range(0x80, 0xA0) if c != 0x85]  # U+0085 (NEL) is a line break


@pytest.mark.parametrize("raw, clean", [
    ("Cafe\u0301\u200b  launches\n\tnew\u00a0app", "Café launches new app"),
    ("\x1b[31mRed\x1b[0m alert", "Red alert"),
    ("\x1b[1;32;40mbold\x1b[m", "bold"),
    ("a \x1b]0;pwned\x07 b", "a b"),                   # OSC: set the terminal title
    ("a \x1b]8;;http://x.example\x1b\\link\x1b]8;;\x1b\\ b", "a link b"),  # OSC 8 hyperlink
    ("a\x9b2Jb \x9d0;t\x9c c", "ab c"),                 # the one-character C1 forms
    ("bell\x07 back\x08space\x00 nul\x7f del", "bell backspace nul del"),
    ("line\x85break\u2028and\rreturn", "line break and return"),
    ("  ", ""),
    (None, ""),
    # printable texts with only runs, ends or composition to fix (the fast path's edges)
    ("two  spaces", "two spaces"), (" lead", "lead"), ("trail ", "trail"), (" ", ""),
    ("Cafe\u0301 au lait", "Caf\u00e9 au lait"), ("Caf\u00e9  au lait ", "Caf\u00e9 au lait"),
])
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_clean_text_is_idempotent_and_leaves_no_control_character():
    raw = "".join(chr(c) for c in range(0xA0)) + "e\u0301 \u200b" + ESC + "[0m"
    once = clean_text(raw)
    assert clean_text(once) == once
    assert not any(unicodedata.category(ch) == "Cc" for ch in once)
    assert once.endswith("é")


def test_clean_text_leaves_clean_text_alone():
    for text in ("Plain ASCII sentence.", "Grüße aus Köln — „Zitat“", "東京で発表された"):
        assert clean_text(text) == text


PAGE = ("<html><head><title>\x1b[31mChip \x1b]0;owned\x07plant opens\x1b[0m</title></head>"
        "<body><article><h1>\x1b[31mChip plant opens\x1b[0m</h1>"
        "<p>The plant \x1b[2J\x1b[Hopened on Monday and will employ four hundred people, the "
        "company said in a statement.</p>"
        "<p>It makes memory chips for phones and cars &#27;[5mand\u009b0m ships them across "
        "the region from next spring.</p></article></body></html>")


def test_escape_sequences_in_a_page_never_reach_the_terminal(crawl, db_path):
    url_path = "/2026/03/chip-plant-opens/"
    routes = {url_path: lambda: (200, {"Content-Type": "text/html; charset=utf-8"},
                                 PAGE.encode("utf-8"))}
    with LocalSite([], routes=routes) as site:
        url = site.url(url_path)
        crawl(db_path, "-a", f"urls={url}")
    runner = CliRunner()
    shown = runner.invoke(main, ["show", url, "--db", str(db_path)])
    history = runner.invoke(main, ["history", url, "--json", "--db", str(db_path)])
    assert shown.exit_code == 0 and history.exit_code == 0, shown.output + history.output
    assert "Chip plant opens" in shown.output
    assert "The plant opened on Monday" in shown.output
    assert "phones and cars and ships them" in shown.output
    for output in (shown.output, history.output):
        assert ESC not in output and "\\u001b" not in output
        assert not any(ch in output for ch in C1) and "\\u009b" not in output
        assert "\x07" not in output and "owned" not in output
