"""The benchmark's generated pairs double as a randomized test: every edit gets its kind."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "changes.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_changes", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_edits_get_the_expected_main_kind(bench, seed):
    pairs = bench.generate(800, seed)
    _, kinds, wrong = bench.run(pairs)
    assert wrong == [], Counter(wrong).most_common(5)
    assert kinds["unchanged"] > 100 and len(kinds) >= 10


def test_generation_is_deterministic(bench):
    a, b = bench.generate(50, 7), bench.generate(50, 7)
    assert [(e, o.paragraphs, n.paragraphs, n.title) for e, o, n in a] == \
        [(e, o.paragraphs, n.paragraphs, n.title) for e, o, n in b]
