"""The researcher's side of the archive: search, the changes feed, exports, WARC and Memento,
the history page and Datasette.

Every SQL statement these modules run lives in `archiver.research.reads` (and the canned
queries Datasette offers in `archiver.research.datasette`), so a change of the storage schema
is a change of those two modules only.
"""
