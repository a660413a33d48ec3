"""What a spider yields: one capture per fetch, with the story when there is one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archiver.article import Article


@dataclass
class Capture:
    """One fetch of one URL.

    `error` is set (and `article` is None) when the fetch did not give a story: the capture
    is still archived, so a failure is a recorded fact, never a silent gap. The raw `body`
    travels to the storage pipeline, which keeps it compressed and leaves only its hash
    on the item, so `-O` feed exports stay small and JSON-safe.
    """

    url: str
    final_url: str
    fetched_at: str
    status: int | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body: bytes | None = None
    body_sha256: str | None = None
    article: Article | None = None
    error: str | None = None
    source: str | None = None
    # A page held back until its site's template is warm is recorded at once as `held`
    # (raw body kept, no story yet); the capture made later from the same fetch `completes`
    # that row, so a crawl stopped in between loses nothing.
    held: bool = False
    completes: int | None = None
    # Filled in by the pipelines.
    identity: str | None = None
    capture_id: int | None = None
    # The current version's stored page as today's extractor reads it (pipelines.baseline).
    baseline: Article | None = None
    baseline_version: int | None = None  # versions.id the baseline was read from
    story_hash: str | None = None
    outcome: str | None = None
    version: int | None = None
    change: str | None = None
    updates: list[dict[str, Any]] = field(default_factory=list)
