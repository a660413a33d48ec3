"""The seed story: v1 -> v2 is an appended update, exactly as the seed site's expected.json says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.article import Article
from archiver.changes import compare, find_updates, match_updates

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed-site"
OWN = Path(__file__).parent / "fixtures" / "sequences" / "seed_huawei.json"


def _own_versions():
    data = json.loads(OWN.read_text(encoding="utf-8"))
    v1, v2 = data["versions"][:2]
    return v1, v2, data["steps"][0]["added_text"]


def _seed_versions():
    if not (SEED / "v2" / "expected.json").exists():
        pytest.skip("shared seed site not present")
    v1 = json.loads((SEED / "v1" / "expected.json").read_text(encoding="utf-8"))
    v2 = json.loads((SEED / "v2" / "expected.json").read_text(encoding="utf-8"))
    return v1, v2, v2["updates"][0]["text"]


@pytest.fixture(params=["shared", "own"])
def seed(request):
    return _seed_versions() if request.param == "shared" else _own_versions()


def _article(v):
    return Article(title=v["title"], paragraphs=v["paragraphs"], authors=v.get("authors", []),
                   modified=v.get("modified"), headlines=v.get("headlines", {}))


def test_seed_compare_is_appended_update(seed):
    v1, v2, text = seed
    result = compare(_article(v1), _article(v2))
    assert result.kind == "appended_update"
    assert result.added_text == text
    assert [c.kind for c in result.changes] == ["appended_update"]
    assert [(r.op, r.new_index) for r in result.alignment] == [("added", 3), ("added", 4)]


def test_seed_find_updates(seed):
    v1, v2, text = seed
    assert find_updates(v1["paragraphs"]) == []
    (update,) = find_updates(v2["paragraphs"])
    assert (update.kind, update.position, update.stated_time) == ("update", "appended", None)
    assert update.text == text
    assert (update.start, update.end) == (3, 5)
    assert update.marker == "Update:"


def test_seed_expected_updates_match_shape(seed):
    v1, v2, _ = seed
    if "updates" in v2:
        found = [{k: u.to_dict()[k] for k in ("kind", "position", "text")} for u in find_updates(v2["paragraphs"])]
        assert found == v2["updates"]


def test_seed_recrawl_is_unchanged(seed):
    _, v2, _ = seed
    again = _article(v2)
    again.paragraphs = [" " + p.replace(" ", "  ") + "\u200b" for p in again.paragraphs]
    result = compare(_article(v2), again)
    assert result.kind == "unchanged"
    assert result.changes == [] and result.alignment == []


def test_seed_first_capture():
    v1, _, _ = _own_versions()
    result = compare(None, _article(v1))
    assert result.kind == "first" and result.changes == []


def test_seed_update_matches_itself_across_versions(seed):
    _, v2, _ = seed
    ups = find_updates(v2["paragraphs"])
    assert match_updates(ups, ups) == {0: 0}
    assert match_updates([], ups) == {}
