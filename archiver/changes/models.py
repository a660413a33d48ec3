"""Result records of change detection.

Plain dataclasses: the storage layer writes their fields to SQLite without knowing anything
about how they were computed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Update:
    """An update, correction, clarification or editor's note found in one version's body.

    `start`/`end` is the paragraph range [start, end) the note covers and `text` those
    paragraphs joined by a blank line, so the storage layer can cut it out of the story.
    """

    kind: str  # update | correction | editors_note | clarification
    position: str  # appended | prepended | inline
    text: str
    stated_time: str | None
    start: int
    end: int
    marker: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Change:
    """One thing that differs between two versions.

    `paragraph` is the index in the new version (in the old one for removals); `old`/`new`
    carry the text involved, `detail` anything kind-specific (marker, field, op, ...).
    """

    kind: str
    old: str | None = None
    new: str | None = None
    paragraph: int | None = None
    detail: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class AlignRow:
    """One non-equal row of the old/new alignment (equal rows are left out)."""

    level: str  # paragraph | sentence
    op: str  # added | removed | changed | moved
    old_index: int | None
    new_index: int | None
    old_text: str | None
    new_text: str | None


@dataclass
class Comparison:
    """What happened between two versions.

    `kind` is the single most informative label ("unchanged" when the versions are the same
    story, "first" when there was no old version); `changes` lists every record.
    """

    kind: str
    changes: list[Change] = field(default_factory=list)
    alignment: list[AlignRow] = field(default_factory=list)
    added_text: str | None = None
