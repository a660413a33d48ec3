"""What a crawl passes along: the spider's `Fetch` (an HTTP answer as received), and the
`Capture` the page reader makes of it (the story, or the reason there is none)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archiver.article import Article


@dataclass
class Fetch:
    """One HTTP answer to an article request, as received: all the spider yields for it.

    The spider only navigates; `archiver.reader.PageReader` reads the page (learns its site's
    template and extracts the story, on one parsed tree) and turns the Fetch into a Capture.
    `headers` are [name, value] pairs in the order received, a repeated name repeated (names
    in Scrapy's capitalization).
    """

    url: str  # the URL asked for, before any redirect
    final_url: str
    status: int
    headers: list[list[str]]
    body: bytes
    fetched_at: str
    source: str | None = None

    def header(self, name: str) -> str | None:
        """The last value of header `name` (any case), or None."""
        name = name.lower()
        for key, value in reversed(self.headers):
            if key.lower() == name:
                return value
        return None


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
    headers: list[list[str]] | None = None  # as received (see Fetch), for WARC export
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
