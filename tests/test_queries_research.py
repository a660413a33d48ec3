"""The archive answers research questions in plain SQL, over an archive built from fixtures.

Two examples from the issue: "which updates added the word recall" (update blocks joined to
the aligned diff rows that introduced the word) and "how many stories changed their headline
within an hour" (title_change records against each story's first capture).
"""

from __future__ import annotations

import pytest

from archiver.storage import Archive
from tests.test_changes_sequences import DIR, capture, load

SEQUENCES = ["apple_charger_update_time", "nvidia_headline_and_update", "openai_headline_ab_test",
             "slack_update_with_typo_fix", "telekom_nachtrag_korrektur", "intel_noise_recaptures"]

# Diff rows (paragraph or sentence level) that brought the word in, inside an update block of
# the same version: the word was not in the old text of that row.
UPDATES_ADDING_WORD = """
select distinct a.url, v.version, u.kind, u.update_key, u.first_version
from diffs d
join versions v on v.id = d.version_id
join articles a on a.id = v.article_id
join updates u on u.version_id = d.version_id
               and d.new_index >= u.start and d.new_index < u."end"
where d.op in ('added', 'changed')
  and lower(d.new_text) like '%' || :word || '%'
  and lower(coalesce(d.old_text, '')) not like '%' || :word || '%'
order by a.url, v.version
"""

# Stories with at least one headline change (any variant) first seen within an hour of the
# story's first capture.
HEADLINE_CHANGED_WITHIN_AN_HOUR = """
select count(distinct v.article_id) as stories
from changes c
join versions v on v.id = c.version_id
join articles a on a.id = v.article_id
where c.kind = 'title_change'
  and (julianday(v.first_seen) - julianday(a.first_seen)) * 24 <= 1
"""


@pytest.fixture(scope="module")
def research_archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("research") / "archive.db"
    with Archive.open(path) as archive:
        for name in SEQUENCES:
            data = load(DIR / f"{name}.json")
            for i, v in enumerate(data["versions"]):
                archive.record(capture(data, v, i))
        yield archive


def test_which_updates_added_the_word_recall(research_archive):
    rows = list(research_archive.db.query(UPDATES_ADDING_WORD, {"word": "recall"}))
    assert rows == [{"url": "https://gadgetwire.example/2026/04/24/apple-35w-charger-recall/",
                     "version": 2, "kind": "update", "update_key": 1, "first_version": 2}]
    # the body's "recalling" in version 1 is not an update, and version 3 only extended it
    korrektur = list(research_archive.db.query(UPDATES_ADDING_WORD, {"word": "30.000"}))
    assert [(r["kind"], r["version"]) for r in korrektur] == [("correction", 3)]


def test_how_many_stories_changed_their_headline_within_an_hour(research_archive):
    [row] = research_archive.db.query(HEADLINE_CHANGED_WITHIN_AN_HOUR)
    assert row["stories"] == 1  # OpenAI's A/B test at +15 min; Nvidia's rewrite came after 3.5 h
    within_a_day = HEADLINE_CHANGED_WITHIN_AN_HOUR.replace("<= 1", "<= 24")
    assert next(research_archive.db.query(within_a_day))["stories"] == 2


# The same question driven by the full-text index of update texts (the README's form): only the
# updates holding a word that starts with it, and their diff rows, are read.
UPDATES_ADDING_WORD_FTS = """
select distinct a.url, v.version, u.kind, u.update_key, u.first_version
from update_texts_fts f
join updates u on u.text_id = f.rowid
join diffs d on d.version_id = u.version_id
               and d.new_index >= u.start and d.new_index < u."end"
join versions v on v.id = u.version_id
join articles a on a.id = v.article_id
where update_texts_fts match '"' || :word || '"*'
  and d.op in ('added', 'changed')
  and lower(d.new_text) like '%' || :word || '%'
  and lower(coalesce(d.old_text, '')) not like '%' || :word || '%'
order by a.url, v.version
"""


@pytest.mark.parametrize("word", ["recall", "30.000", "update", "charger", "the"])
def test_the_indexed_form_gives_the_same_answers(research_archive, word):
    slow = list(research_archive.db.query(UPDATES_ADDING_WORD, {"word": word}))
    fast = list(research_archive.db.query(UPDATES_ADDING_WORD_FTS, {"word": word}))
    assert fast == slow
    if word in ("recall", "30.000"):
        assert fast
