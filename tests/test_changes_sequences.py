"""Hand-written version sequences, each run through the pure API and through the real archive.

Pure API: compare() for the records, version_updates() (find_updates() corrected by what
compare() saw added) and link_updates() (match_updates() against the live version, then older
ones) for the updates, their keys and first versions. Archive:
Archive.record() on captures that went through the real normalize pipeline.

Every file in fixtures/sequences/ lists versions of one story (or a failed fetch: `status`)
and, per step after the first, what must come out: the main kind, every change record, the
updates present afterwards (with the version that first showed each) and the storage outcome.
Expected records are partial: only the keys a fixture writes are checked, but the list of
records must match in length and order, so an extra or a missing record fails.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from archiver.article import Article
from archiver.changes import compare, detect_marker, link_updates, version_updates
from archiver.items import Capture
from archiver.storage import Archive
from pipelines.normalize import NormalizePipeline

DIR = Path(__file__).parent / "fixtures" / "sequences"
FILES = sorted(DIR.glob("*.json"))
DEFAULT_URL = "https://technews.example/2026/04/story/"
HOME_REDIRECT = "redirected to the home page"


def load(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(data["steps"]) == len(data["versions"]) - 1, path.name
    return data


def article(data: dict, v: dict) -> Article:
    return Article(title=v.get("title"), paragraphs=list(v["paragraphs"]),
                   authors=list(v.get("authors", [])),
                   published=v.get("published", data.get("published")),
                   modified=v.get("modified"), language=v.get("language"),
                   canonical_url=data.get("url", DEFAULT_URL),
                   headlines=dict(v.get("headlines", {})))


def at(v: dict, i: int) -> str:
    return v.get("at") or f"2026-04-24T{10 + i // 60:02d}:{i % 60:02d}:00+00:00"


def capture(data: dict, v: dict, i: int) -> Capture:
    """A capture as the spider yields it, then through the real normalize pipeline."""
    url = data.get("url", DEFAULT_URL)
    body = json.dumps(v, sort_keys=True).encode()
    sha = hashlib.sha256(body).hexdigest()
    if "status" in v or v.get("redirect_home"):
        status = v.get("status", 200)
        home = url.split("/", 3)[0] + "//" + url.split("/")[2] + "/"
        final = home if v.get("redirect_home") else url
        error = HOME_REDIRECT if v.get("redirect_home") else f"HTTP {status}"
        item = Capture(url=url, final_url=final, fetched_at=at(v, i), status=status, body=body,
                       body_sha256=sha, error=error)
    else:
        item = Capture(url=url, final_url=url, fetched_at=at(v, i), status=200, body=body,
                       body_sha256=sha, article=article(data, v))
    return NormalizePipeline().process_item(item)


def partial_match(expected: dict, actual: dict, where: str) -> None:
    for key, want in expected.items():
        if key == "detail":
            for dk, dv in want.items():
                assert actual["detail"].get(dk) == dv, f"{where}: detail.{dk}"
        else:
            assert actual.get(key) == want, f"{where}: {key}: {actual.get(key)!r} != {want!r}"


def match_list(expected: list[dict], actual: list[dict], where: str) -> None:
    assert [e["kind"] for e in expected] == [a["kind"] for a in actual], where
    for n, (e, a) in enumerate(zip(expected, actual)):
        partial_match(e, a, f"{where} #{n}")


@pytest.fixture(params=FILES, ids=[f.stem for f in FILES])
def sequence(request):
    return request.param.stem, load(request.param)


def test_enough_sequences_cover_every_kind():
    assert len(FILES) >= 21
    seen, update_kinds, positions = set(), set(), set()
    for path in FILES:
        data = load(path)
        for step in data["steps"]:
            seen.update(c["kind"] for c in step.get("changes", []))
            seen.add(step.get("outcome", "new_version"))
            for u in step.get("updates", []):
                update_kinds.add(u["kind"])
                positions.add(u.get("position"))
    assert {"appended_update", "prepended_update", "correction", "editors_note",
            "paragraph_added", "paragraph_removed", "sentence_edit", "title_change",
            "byline_change", "redated", "silent_edit"} <= seen
    assert {"unchanged", "returned", "removed"} <= seen
    assert update_kinds == {"update", "correction", "editors_note", "clarification"}
    assert positions - {None} == {"appended", "prepended", "inline"}


def test_sequences_use_the_common_markers_in_four_languages():
    markers, languages = set(), set()
    for path in FILES:
        for v in load(path)["versions"]:
            for p in v.get("paragraphs", []):
                m = detect_marker(p)
                if m:
                    markers.add(m.marker)
                    languages.add(m.language)
    assert languages == {"en", "de", "fr", "es"}
    for prefix in ("Update 2:", "UPDATE (7:02 p.m.):", "Updated at ", "Update, April 24th",
                   "Correction:", "Clarification:", "Editor's note:", "Nachtrag:", "Korrektur:",
                   "Mise à jour :", "Actualización:", "Aclaración:"):
        assert any(m.startswith(prefix) for m in markers), prefix


def _link(old: list, found: list, seen: dict, number: int) -> list:
    """(Update, first_version, key) for each update of a new version, as the archive keys them."""
    live = {key for *_, key in old}
    pool = [(u, fv, key) for key, (u, fv) in sorted(seen.items()) if key not in live]
    links = link_updates([u for u, *_ in old], [u for u, *_ in pool], found)
    state = []
    for k, u in enumerate(found):
        side, i = links.get(k, (None, None))
        fv, key = ((old if side == "live" else pool)[i][1:] if side
                   else (number, max(seen, default=0) + 1))
        state.append((u, fv, key))
        seen[key] = (u, fv)
    return state


def test_pure_api(sequence):
    name, data = sequence
    prev = None  # (Article, [(Update, first_version, update_key)])
    number = 0
    states: dict[int, list] = {}
    seen: dict[int, tuple] = {}  # update_key -> (latest Update, first_version)
    for i, v in enumerate(data["versions"]):
        step = data["steps"][i - 1] if i else None
        outcome = step.get("outcome", "new_version") if step else "new_version"
        if "paragraphs" not in v:
            continue  # a failed fetch: nothing for the pure API
        art = article(data, v)
        result = compare(prev[0] if prev else None, art)
        where = f"{name} step {i}"
        if step is None:
            assert result.kind == "first"
        else:
            assert result.kind == step["kind"], f"{where}: kind {result.kind}"
            match_list(step.get("changes", []), [c.to_dict() for c in result.changes], where)
            if "alignment" in step:
                got = [[r.level, r.op, r.old_index, r.new_index] for r in result.alignment]
                assert got == step["alignment"], where
        old = prev[1] if prev else []
        if outcome == "new_version":
            number += 1
            found = version_updates(art.paragraphs, result, [u for u, *_ in old],
                                    published=art.published)
            states[number] = _link(old, found, seen, number)
            state = states[number]
        else:
            # the archive keeps the version it already has (the returned-to one for a flip-flop)
            state = states[step["returned_to"] if outcome == "returned" else number]
        got = [{**u.to_dict(), "marker": u.marker or None, "first_version": fv,
                "update_key": key} for u, fv, key in state]
        want = step["updates"] if step else data.get("first_updates")
        if want is not None:
            match_list(want, got, f"{where} updates")
            if step and step.get("update_keys") is not None:
                assert [u["update_key"] for u in got] == step["update_keys"], where
        prev = (art, state)


def test_storage(sequence, tmp_path):
    name, data = sequence
    with Archive.open(tmp_path / "a.db") as archive:
        for i, v in enumerate(data["versions"]):
            step = data["steps"][i - 1] if i else None
            result = archive.record(capture(data, v, i))
            where = f"{name} step {i}"
            want = step.get("outcome", "new_version") if step else "new_version"
            assert result.outcome == want, f"{where}: outcome {result.outcome}"
            if want == "removed":
                continue
            row = archive.version_row(result.article_id, result.version)
            if want == "new_version":
                assert row["change"] == (step["kind"] if step else "first"), where
                changes = [{**c, "detail": json.loads(c["detail"])} for c in archive.db.query(
                    "select * from changes where version_id = ? order by seq", [row["id"]])]
                match_list(step.get("changes", []) if step else [], changes, where)
                if step and "alignment" in step:
                    rows = archive.db.query(
                        "select * from diffs where version_id = ? order by seq", [row["id"]])
                    got = [[r["level"], r["op"], r["old_index"], r["new_index"]] for r in rows]
                    assert got == step["alignment"], where
            if want == "returned":
                assert result.version == step["returned_to"], where
                event = list(archive.db.query(
                    "select detail from events where capture_id = ?", [result.capture_id]))
                assert json.loads(event[0]["detail"])["version"] == step["returned_to"]
            want_updates = step["updates"] if step else data.get("first_updates")
            if want_updates is not None:
                match_list(want_updates, archive.updates_of(row["id"]), f"{where} updates")
                keys = step.get("update_keys")
                if keys is not None:
                    assert [u["update_key"] for u in archive.updates_of(row["id"])] == keys, where
        events = [e["kind"] for e in archive.db.query("select kind from events order by id")]
        assert events == data.get("events", []), name
        versions = archive.db["versions"].count
        assert versions == sum(1 for s in data["steps"] if s.get("outcome", "new_version")
                               == "new_version") + 1, name
