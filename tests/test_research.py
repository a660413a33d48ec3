"""The researcher's commands (search, changes, export, warc, timemap, raw) on the demo archive,
crawled from the bundled sites by the real engine; their --json outputs are checked against
the archive itself."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json

import pytest
from click.testing import CliRunner

from archiver.cli import main
from archiver.research import reads
from archiver.storage import Archive
from tests.conftest import sql_rows, unpacked

KEYFOLD = "/breaches/keyfold-password-manager-vault-backups-accessed/"
GPU = "/2026/03/02/used-data-center-gpu-prices-record/"
TESSELLATE = "/vulnerabilities/tessellate-vpn-gateway-flaw-exploited/"


def run(db, *args, ok=True) -> str:
    result = CliRunner().invoke(main, [*args, "--db", str(db)])
    if ok:
        assert result.exit_code == 0, result.output
    return result.output


def run_json(db, *args):
    return json.loads(run(db, *args, "--json"))


def url_of(db, path: str) -> str:
    [(url,)] = sql_rows(db, "select url from articles where url like ?", "%" + path)
    return url


def test_search_a_phrase_marks_the_hit(demo_archive):
    [hit] = run_json(demo_archive, "search", '"vault backups"')
    assert hit["url"] == url_of(demo_archive, KEYFOLD)
    assert hit["version"] == 2 and hit["change"] == "title_change"
    assert "**vault backups**" in hit["snippet"]
    assert hit["site_name"] == "Patchwire"  # og:site_name, where `site` is the host
    assert hit["in_updates"] == []


def test_search_gives_one_hit_per_story_newest_first(demo_archive):
    hits = run_json(demo_archive, "search", "the", "--limit", "50")
    stories = sql_rows(demo_archive, "select count(distinct v.article_id) from versions v where v.id "
                                "in (select rowid from versions_fts where versions_fts match 'the') "
                                "or v.id in (select vp.version_id from version_paragraphs vp "
                                "join paragraphs_fts f on f.rowid = vp.paragraph_id "
                                "where paragraphs_fts match 'the')")
    assert len(hits) == len({h["url"] for h in hits}) == stories[0][0] > 5
    latest = dict(sql_rows(demo_archive, "select a.url, max(v.version) from versions v join articles a "
                                    "on a.id = v.article_id group by a.url"))
    assert all(h["version"] == latest[h["url"]] for h in hits)
    assert [h["first_seen"] for h in hits] == sorted((h["first_seen"] for h in hits),
                                                     reverse=True)
    every = run_json(demo_archive, "search", "the", "--limit", "50", "--all-versions")
    assert len(every) > len(hits)
    assert len(run_json(demo_archive, "search", "the", "--limit", "3")) == 3


def test_search_inside_updates_of_a_kind(demo_archive):
    [hit] = run_json(demo_archive, "search", "misstated", "--kind", "correction")
    assert hit["url"] == url_of(demo_archive, GPU) and hit["in_updates"] == ["correction"]
    assert "**misstated**" in hit["snippet"]
    assert run_json(demo_archive, "search", "misstated", "--kind", "update") == []
    # the plain search says when the words sit in an update
    [plain] = run_json(demo_archive, "search", "misstated")
    assert plain["in_updates"] == ["correction"]


# Every update row of the kind whose text matches, newest row first, in one plain query
MATCHING_ROWS = """
select u.version_id, u.article_id, u.text_id, u.kind
from updates u join versions v on v.id = u.version_id join articles a on a.id = u.article_id
where u.kind = :kind {filters}
  and u.text_id in (select rowid from update_texts_fts where update_texts_fts match :query)
order by u.id desc
"""


def test_search_inside_updates_reads_every_matching_row_newest_first(tmp_path):
    """`search --kind` reads update rows in two passes (the newest rows walked in order, then
    the older rows of the matching texts, sorted): wherever the passes meet, it reads the
    rows one plain query over every row gives, in the same order. On live blogs whose
    versions repeat their updates, one text shared by two stories (tests/fixtures)."""
    with Archive.open(unpacked("archive-before-m033.db.gz", tmp_path)) as archive:
        total = archive.db["update_rows"].count
        sites = [r[0] for r in archive.db.execute("select distinct site from articles")]
        checked = 0
        for query, kind in (("outage", "update"), ("update", "update"), ("company", "update"),
                            ("misstated", "correction"), ('"kept watching"', "update")):
            for site in (None, *sites):
                filters, params = reads._filters(site, None, None)
                params.update(query=query, kind=kind)
                every = archive.db.execute(MATCHING_ROWS.format(filters=filters),
                                           params).fetchall()
                checked += len(every)
                for recent in (0, 1, 7, total // 2, total, total + 1):
                    assert list(reads._update_rows(archive, filters, params, recent)) == every, (
                        query, site, recent)
        assert total > 30 and checked > 2 * total  # some words in many rows


def test_search_filters_and_odd_queries(demo_archive):
    site = url_of(demo_archive, TESSELLATE).split("/")[2]
    hits = run_json(demo_archive, "search", "the", "--site", site, "--limit", "50")
    assert hits and {h["site"] for h in hits} == {site}
    assert run_json(demo_archive, "search", "the", "--since", "2100-01-01") == []
    assert run_json(demo_archive, "search", "the", "--until", "2000-01-01") == []
    # FTS5 syntax in a researcher's words is taken as text, never a crash
    [hit] = run_json(demo_archive, "search", "7.4.2")
    assert hit["url"] == url_of(demo_archive, TESSELLATE)
    assert run_json(demo_archive, "search", "Keyfold (vault") != []
    [risc] = run_json(demo_archive, "search", "RISC-V")  # `-V` would be a column filter
    assert "RISC-V" in risc["title"]
    for odd in ("2-nanometer", 'firmware"', "*", "firmware:", "RISC-V --kind"):
        assert isinstance(run_json(demo_archive, "search", odd), list), odd
    assert isinstance(run_json(demo_archive, "search", "RISC-V", "--kind", "correction"), list)
    bad = CliRunner().invoke(main, ["search", "x", "--since", "soon", "--db", str(demo_archive)])
    assert bad.exit_code == 2 and "--since" in bad.output
    assert "no match" in run(demo_archive, "search", "zyzzyvaqq")


def test_changes_feed(demo_archive):
    feed = run_json(demo_archive, "changes")
    assert len(feed) == sql_rows(demo_archive, "select count(*) from versions")[0][0]
    assert [r["at"] for r in feed] == sorted((r["at"] for r in feed), reverse=True)
    [gpu] = [r for r in feed if r["url"] == url_of(demo_archive, GPU) and r["version"] == 2]
    assert gpu["change"] == "correction" and "sentence_edit" in gpu["kinds"]
    assert gpu["site_name"] == "The Circuit Ledger" and gpu["site"].startswith("127.0.0.1:")
    assert [u["kind"] for u in gpu["updates"]] == ["correction"]
    assert gpu["updates"][0]["text"].startswith("Correction")
    corrections = run_json(demo_archive, "changes", "--kind", "correction")
    assert [(r["url"], r["version"]) for r in corrections] == [(gpu["url"], 2)]
    titles = run_json(demo_archive, "changes", "--kind", "title_change")
    assert url_of(demo_archive, KEYFOLD) in {r["url"] for r in titles}
    assert run_json(demo_archive, "changes", "--since", "2100-01-01") == []
    assert len(run_json(demo_archive, "changes", "--limit", "2")) == 2
    lines = run(demo_archive, "changes", "--nl").splitlines()
    assert [json.loads(line) for line in lines] == feed
    rows = list(csv.DictReader(io.StringIO(run(demo_archive, "changes", "--csv"))))
    assert len(rows) == len(feed) and json.loads(rows[0]["kinds"]) == feed[0]["kinds"]


@pytest.mark.parametrize("table", ["versions", "updates", "changes", "captures"])
def test_export_tables_jsonl_and_csv(demo_archive, table, tmp_path):
    out = tmp_path / f"{table}.jsonl"
    run(demo_archive, "export", table, "-o", str(out))
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == sql_rows(demo_archive, f"select count(*) from {table}")[0][0] > 0
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    assert all(r["url"].startswith("http://127.0.0.1:") for r in rows)
    as_csv = list(csv.DictReader(io.StringIO(run(demo_archive, "export", table,
                                                 "--format", "csv"))))
    assert len(as_csv) == len(rows) and set(as_csv[0]) == set(rows[0])
    if table == "versions":
        assert isinstance(rows[0]["paragraphs"], list)  # JSON decoded in JSON Lines
        assert json.loads(as_csv[0]["paragraphs"]) == rows[0]["paragraphs"]  # JSON text in CSV
        assert rows[0]["text"] == "\n\n".join(rows[0]["paragraphs"])


def test_export_pairs(demo_archive):
    pairs = [json.loads(line) for line in run(demo_archive, "export", "pairs").splitlines()]
    assert len(pairs) == sql_rows(demo_archive, "select count(*) from versions where version > 1")[0][0]
    [keyfold] = [p for p in pairs if p["url"] == url_of(demo_archive, KEYFOLD)]
    assert (keyfold["old_version"], keyfold["new_version"]) == (1, 2)
    assert keyfold["old_title"] != keyfold["new_title"]
    assert keyfold["change"] == "title_change" and "title_change" in keyfold["kinds"]
    assert keyfold["old_text"] != keyfold["new_text"] and keyfold["old_seen"] < keyfold["new_seen"]


def test_warc_reads_back_with_warcio(demo_archive, tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    out = tmp_path / "demo-captures.warc.gz"
    counts = run_json(demo_archive, "warc", str(out))
    captures = {row[0]: row for row in sql_rows(
        demo_archive, "select c.fetched_at || ' ' || c.final_url, c.body_sha256, c.status, "
                      "v.title, t.text from captures c left join versions v "
                      "on v.id = c.version_id left join version_texts t on t.version_id = v.id "
                      "where c.body_sha256 is not null")}
    assert counts["response"] == len(captures)
    assert counts["conversion"] == sum(1 for row in captures.values() if row[3] is not None)
    responses, conversions = {}, []
    with gzip.open(out, "rb") as raw, Archive.open_existing(demo_archive) as archive:
        for record in ArchiveIterator(raw, check_digests="raise"):
            kind = record.rec_type
            if kind == "warcinfo":
                assert record.rec_headers.get_header("WARC-Filename") == "demo-captures.warc.gz"
            elif kind == "response":
                payload = record.content_stream().read()
                date = record.rec_headers.get_header("WARC-Date")
                uri = record.rec_headers.get_header("WARC-Target-URI")
                [key] = [k for k in captures if k.endswith(" " + uri)
                         and k.startswith(date[:19])]
                _, sha, status, _, _ = captures[key]
                assert hashlib.sha256(payload).hexdigest() == sha
                assert payload == reads.body(archive, sha)
                assert record.http_headers.get_statuscode() == str(status)
                assert record.http_headers.get_header("Content-Length") == str(len(payload))
                # the headers as received from the local site's server
                assert record.http_headers.get_header("Server").startswith("BaseHTTP")
                responses[record.rec_headers.get_header("WARC-Record-ID")] = key
            elif kind == "conversion":
                conversions.append((record.rec_headers.get_header("WARC-Refers-To"),
                                    record.content_stream().read().decode("utf-8")))
    assert len(responses) == counts["response"]
    for refers_to, text in conversions:
        _, _, _, title, body = captures[responses[refers_to]]
        assert text == f"{title}\n\n{body}"


def test_warc_filters(demo_archive, tmp_path):
    site = url_of(demo_archive, KEYFOLD).split("/")[2]
    counts = run_json(demo_archive, "warc", str(tmp_path / "one.warc.gz"), "--site", site)
    expected = sql_rows(demo_archive, "select count(*) from captures c join articles a on "
                                 "a.id = c.article_id where a.site = ?", site)[0][0]
    assert counts["response"] == expected > 0
    none = run_json(demo_archive, "warc", str(tmp_path / "none.warc.gz"), "--since", "2100-01-01")
    assert none["response"] == 0


def test_timemap(demo_archive):
    url = url_of(demo_archive, KEYFOLD)
    data = run_json(demo_archive, "timemap", url)
    times = sql_rows(demo_archive, "select fetched_at from captures c join articles a on "
                              "a.id = c.article_id where a.url = ? and outcome in "
                              "('new_version', 'returned') order by fetched_at", url)
    assert [m["fetched_at"] for m in data["mementos"]] == [t for (t,) in times]
    assert [m["version"] for m in data["mementos"]] == [1, 2]
    text = run(demo_archive, "timemap", url, "--prefix", "http://replay.test/coll")
    lines = text.rstrip("\n").split(",\n")
    assert lines[0] == f'<{url}>; rel="original"'
    assert lines[1] == f'<http://replay.test/coll/{url}>; rel="timegate"'
    assert 'rel="self"; type="application/link-format"; from="' in lines[2]
    assert 'rel="first memento"; datetime="' in lines[3] and " GMT\"" in lines[3]
    assert 'rel="last memento"' in lines[4] and len(lines) == 5
    stamp = data["mementos"][0]["fetched_at"][:19].replace("-", "").replace(":", "")
    assert lines[3].startswith(f"<http://replay.test/coll/{stamp.replace('T', '')}/{url}>")


def test_raw_writes_the_stored_page(demo_archive, tmp_path):
    url = url_of(demo_archive, KEYFOLD)
    runner = CliRunner()
    latest = runner.invoke(main, ["raw", url, "--db", str(demo_archive)]).stdout_bytes
    rows = sql_rows(demo_archive, "select c.id, c.body_sha256, v.version from captures c "
                             "join versions v on v.id = c.version_id join articles a "
                             "on a.id = c.article_id where a.url = ? order by c.id", url)
    assert hashlib.sha256(latest).hexdigest() == rows[-1][1]
    first = tmp_path / "v1.html"
    run(demo_archive, "raw", url, "--version", "1", "-o", str(first))
    [v1_sha] = {sha for _, sha, version in rows if version == 1}
    assert hashlib.sha256(first.read_bytes()).hexdigest() == v1_sha != rows[-1][1]
    by_id = runner.invoke(main, ["raw", url, "--capture", str(rows[0][0]), "--db",
                                 str(demo_archive)]).stdout_bytes
    assert by_id == first.read_bytes()
    missing = runner.invoke(main, ["raw", url, "--version", "9", "--db", str(demo_archive)])
    assert missing.exit_code == 1 and "no stored page" in missing.output
