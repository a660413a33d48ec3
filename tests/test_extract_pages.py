"""Per-site expected output: our own fictional news pages with realistic noise.

Each tests/fixtures/pages/<site>/<case>.html has a <case>.json next to it with the expected
title, authors, published date, language, the exact story paragraphs, and a "without" list
of phrases (navigation, share bars, captions, pull quotes, newsletter boxes, teasers, tags,
comments, footers) that must not appear anywhere in the extracted story.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.extract import extract

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
CASES = sorted(PAGES.glob("*/*.html"))


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def _expected(path: Path) -> dict:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def test_there_are_fixture_pages():
    assert len(CASES) >= 5
    assert len({p.parent.name for p in CASES}) >= 3


@pytest.mark.parametrize("path", CASES, ids=_id)
def test_page_extracts_as_expected(path):
    exp = _expected(path)
    art = extract(path.read_bytes(), exp["url"])  # bytes: the page's own charset applies
    assert art.title == exp["title"]
    assert art.authors == exp["authors"]
    assert art.published == exp["published"]
    if "language" in exp:
        assert art.language == exp["language"]
    assert art.paragraphs == exp["paragraphs"]
    for phrase in exp["without"]:
        assert phrase not in art.text, phrase


@pytest.mark.parametrize("path", CASES, ids=_id)
def test_update_and_correction_notes_are_kept(path):
    """Notes that open or close a story are part of it ("Update:", "Correction:")."""
    exp = _expected(path)
    art = extract(path.read_bytes(), exp["url"])
    notes = [p for p in exp["paragraphs"]
             if p.startswith(("Update:", "Correction:", "Editor's note:", "Editor’s note:"))]
    for note in notes:
        assert note in art.paragraphs


def test_fixture_set_covers_update_and_correction():
    paras = [p for path in CASES for p in _expected(path)["paragraphs"]]
    assert any(p.startswith("Update:") for p in paras)
    assert any(p.startswith("Correction:") for p in paras)
