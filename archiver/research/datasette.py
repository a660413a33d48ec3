"""`archiver serve`: Datasette over the archive, with the archive's own metadata.

The metadata describes every table and column, picks default facets, hides the raw `bodies`
(compressed bytes are no reading matter; `archiver raw` writes them) and adds canned queries
for the questions researchers ask first. A plugin (`datasette_plugins/history_links.py`) serves
each story's history page at `/-/history?url=...` and links the story rows to it. Plain
`datasette data/archive.db` works as before, without these additions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PLUGINS_DIR = Path(__file__).parent / "datasette_plugins"

TABLES: dict[str, dict[str, Any]] = {
    "articles": {
        "description": "One row per story; the history link opens its timeline and diffs.",
        "facets": ["site", "status"], "label_column": "url",
        "columns": {
            "url": "The story's identity URL (canonical when on the same site, else fetched)",
            "canonical_url": "The canonical URL the page declared",
            "site": "Host the story lives on, without www.",
            "status": "live, or removed (404/410 or redirected away)",
            "current_version": "Version the latest capture showed",
            "latest_version": "Highest version number",
            "first_seen": "First capture (UTC)", "last_seen": "Latest capture (UTC)",
        },
    },
    "versions": {
        "description": "Each distinct text of a story, numbered per story.",
        "facets": ["change", "language"],
        "columns": {
            "version": "1, 2, 3... per story",
            "change": "Main change kind against the version it was compared with",
            "base_version": "The version it was compared with (the one live before it)",
            "first_seen": "First capture showing it (UTC)",
            "last_seen": "Latest capture showing it (UTC)",
            "headlines": "JSON: every headline variant the page declared",
            "story_hash": "Hash of the normalized title and paragraphs",
        },
    },
    "version_texts": {
        "description": "Each version's text (a view over paragraphs stored once each).",
        "columns": {
            "paragraphs": "JSON list of the story's paragraphs",
            "text": "Paragraphs joined by blank lines",
        },
    },
    "paragraphs": {
        "description": "Every distinct paragraph, stored once however many versions show it; "
                       "full-text search runs over these.",
    },
    "updates": {
        "description": "Updates, corrections and editor's notes, repeated in every version "
                       "that shows them; update_key follows one note across versions. "
                       "A view over update_rows, whose texts are stored once each.",
        "facets": ["kind", "position"],
        "columns": {
            "kind": "update, correction, editors_note or clarification",
            "position": "appended, prepended or inline",
            "stated_time": "The time the note states, ISO 8601, when it gives one",
            "first_version": "The version it first appeared in",
            "start": "Index of its first paragraph", "end": "Index after its last paragraph",
            "text_id": "Its text's id in update_texts (what update_texts_fts matches)",
        },
    },
    "changes": {
        "description": "Change records of each version against the one it was compared with.",
        "facets": ["kind"],
        "columns": {"kind": "appended_update, correction, sentence_edit, title_change, ...",
                    "old": "Text before", "new": "Text after",
                    "detail": "JSON: kind-specific detail (field, words changed...)"},
    },
    "version_paragraphs": {"description": "The paragraphs of each version, in order."},
    "diffs": {
        "description": "Paragraph- and sentence-level alignment of each version with its base.",
        "facets": ["level", "op"],
    },
    "captures": {
        "description": "Every fetch, failures included; the raw body is kept by hash. "
                       "A view over capture_rows, whose URLs, content types and header "
                       "templates are stored once each.",
        "facets": ["outcome", "status", "source"],
        "columns": {
            "outcome": "new_version, unchanged, returned, removed, failed (held: waiting)",
            "fetched_at": "Fetch time (UTC)", "error": "Why no story came of it",
            "body_sha256": "SHA-256 of the raw body (archiver raw URL --capture ID)",
        },
    },
    # the captures view's rows and what they refer to (m030): read captures instead
    "capture_rows": {"hidden": True},
    "header_sets": {"hidden": True},
    # the updates view's rows and texts (m033): read updates instead
    "update_rows": {"hidden": True},
    "update_texts": {"description": "Every distinct update text, stored once however many "
                                    "versions show it; full-text search (update_texts_fts) "
                                    "runs over these."},
    "urls": {"description": "Every URL a capture asked for or landed on, stored once."},
    "events": {"description": "Removals, restorations, returns to an earlier version.",
               "facets": ["kind"]},
    "site_templates": {"description": "Blocks learned to repeat on every page of a site "
                                      "(template: its JSON, zstd-compressed; "
                                      "Archive.load_templates reads it)."},
    "bodies": {"hidden": True},
}

QUERIES: dict[str, dict[str, str]] = {
    "updated_after_publication": {
        "title": "Updates added after a story was first archived",
        "description": "Each update, correction or note that appeared in a later version, "
                       "with how many hours after the story was first seen.",
        "sql": """
select a.url, a.site, v.version, v.first_seen as seen,
       round((julianday(v.first_seen) - julianday(a.first_seen)) * 24, 1) as hours_later,
       u.kind, u.position, u.stated_time, u.text
from updates u
join versions v on v.id = u.version_id
join articles a on a.id = u.article_id
where u.version = u.first_version and u.first_version > 1
order by v.first_seen desc
limit 1000""",
    },
    "corrections": {
        "title": "Corrections",
        "description": "Every correction, in the version where it first appeared.",
        "sql": """
select a.url, a.site, u.version, v.first_seen as seen, u.stated_time, u.text
from updates u
join versions v on v.id = u.version_id
join articles a on a.id = u.article_id
where u.kind = 'correction' and u.version = u.first_version
order by v.first_seen desc
limit 1000""",
    },
    "headline_changes": {
        "title": "Headline changes",
        "description": "Every change of the headline or one of its variants (og:title, "
                       "title tag...), old and new.",
        "sql": """
select a.url, a.site, c.version, v.first_seen as seen,
       json_extract(c.detail, '$.field') as field, c.old, c.new
from changes c
join versions v on v.id = c.version_id
join articles a on a.id = c.article_id
where c.kind = 'title_change'
order by v.first_seen desc
limit 1000""",
    },
    "as_of": {
        "title": "A story as it stood at a moment",
        "description": "The version the latest capture at or before `at` showed (an ISO "
                       "time such as 2026-03-02T18:00:00+00:00); `url` as archived.",
        "sql": """
select a.url, v.version, c.fetched_at as seen_at, v.first_seen, v.last_seen, v.title,
       t.text
from captures c
join versions v on v.id = c.version_id
join version_texts t on t.version_id = v.id
join articles a on a.id = c.article_id
where c.article_id = (select article_id from article_urls where url = :url)
  and c.fetched_at <= :at
order by c.fetched_at desc, c.id desc
limit 1""",
    },
}


def metadata(database: str) -> dict[str, Any]:
    """Datasette metadata for the archive served under the name `database` (the file stem)."""
    return {
        "title": "Tech-news archive",
        "description": "Every story's versions, updates, corrections and captures. "
                       "Open a story's history page from its row in articles.",
        "databases": {database: {"tables": TABLES, "queries": QUERIES}},
    }


def serve(db_path: Path, port: int) -> None:
    """Run `datasette serve` in this process, on 127.0.0.1 only, with the archive's metadata
    and plugin; returns when the server stops (Ctrl-C, SIGTERM)."""
    import tempfile

    from datasette.cli import serve as datasette_serve

    with tempfile.TemporaryDirectory() as tmp:
        metadata_path = Path(tmp) / "metadata.json"
        metadata_path.write_text(json.dumps(metadata(db_path.stem), indent=2), encoding="utf-8")
        datasette_serve.main(
            [str(db_path), "--host", "127.0.0.1", "--port", str(port), "--metadata",
             str(metadata_path), "--plugins-dir", str(PLUGINS_DIR), "--setting",
             "sql_time_limit_ms", "5000"], prog_name="archiver serve", standalone_mode=False)
