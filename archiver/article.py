"""The story as the extractor sees it: the one shape every layer passes around."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Article:
    """A parsed article page.

    `paragraphs` is the story body in reading order, without the headline; it is the unit
    that versions and updates are computed on. `headlines` keeps every headline the page
    declares (`title_tag`, `og_title`, `twitter_title`, `h1`, `jsonld`), so that a quietly
    rewritten SEO title is visible even when the visible one stays.
    """

    title: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    headlines: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["text"] = self.text
        return data
