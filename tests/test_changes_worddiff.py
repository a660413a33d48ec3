"""word_diff: words only, separators carried from the texts, both sides recoverable."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from archiver.changes import word_diff


def _marked(ops):
    return "".join(t if op == "equal" else f"[-{t}-]" if op == "removed" else f"{{+{t}+}}"
                   for op, t in ops)


def test_runs_of_changed_words_stay_together():
    ops = word_diff("Nvidia to stop selling RTX 5090 cards in the US",
                    "Nvidia pauses US sales of RTX 5090 cards, retailers told")
    assert _marked(ops) == ("Nvidia [-to stop selling-]{+pauses US sales of+} RTX 5090 "
                            "[-cards in the US-]{+cards, retailers told+}")


def test_paragraph_breaks_survive_and_whitespace_is_not_a_change():
    assert _marked(word_diff("P1 x.\n\nP2 y.\n\nP3 z.", "P1  x.\n\nP3 z.")) == \
        "P1  x.\n\n[-P2 y.-]\n\nP3 z."
    assert word_diff("a  b\u00a0c", "a b c") == [("equal", "a b c")]
    assert _marked(word_diff("B C", "C")) == "[-B-] C"
    assert word_diff("", "") == []


words = st.lists(st.sampled_from(["the", "a", "update", "recall", "chip", "fell", "rose", "said", "5", "U.S.", "Apple"]),
                 max_size=25)


@given(words, words)
def test_both_versions_can_be_read_back(old, new):
    ops = word_diff(" ".join(old), " ".join(new))
    assert " ".join(t for op, t in ops if op != "removed").split() == new
    assert " ".join(t for op, t in ops if op != "added").split() == old
