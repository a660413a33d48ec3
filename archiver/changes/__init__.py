"""Change detection between versions of one story: pure functions, no I/O.

- `find_updates(paragraphs, published=...)`: the update/correction/note blocks in one version.
- `compare(old, new)`: a `Comparison` with the main kind ("first" when old is None,
  "unchanged" when the two are the same story up to whitespace/Unicode form), every `Change`
  record and the paragraph/sentence `AlignRow`s.
- `match_updates(old_updates, new_updates)`: which updates in the new version continue which
  in the old one.
- `version_updates(paragraphs, comparison, previous)`: find_updates corrected by what compare
  saw added (exact block extent, unmarked update blocks), as the archive stores them.
- `link_updates(live, older, found)`: match_updates against the version replaced, then
  against older updates it lacks, so a note that comes back keeps its identity.
- `word_diff(old_text, new_text)`: equal/removed/added runs of words, for display.
"""

from archiver.changes.classify import compare
from archiver.changes.markers import Marker, detect_marker
from archiver.changes.models import AlignRow, Change, Comparison, Update
from archiver.changes.sentences import split_sentences
from archiver.changes.stated_time import parse_stated_time
from archiver.changes.tracking import link_updates, version_updates
from archiver.changes.updates import find_updates, match_updates
from archiver.changes.worddiff import word_diff

__all__ = [
    "AlignRow",
    "Change",
    "Comparison",
    "Marker",
    "Update",
    "compare",
    "detect_marker",
    "find_updates",
    "link_updates",
    "match_updates",
    "parse_stated_time",
    "split_sentences",
    "version_updates",
    "word_diff",
]
