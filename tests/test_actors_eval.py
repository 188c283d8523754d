"""Floor for actor coding on a fixed slice of the PLOVER/CAMEO-manual examples (no splits in that set)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newstrace.eval import actors as actors_eval

GOLD = Path(__file__).resolve().parents[1].parent / "shared" / "research" / "data" / "plover_examples.jsonl"
SLICE = 120
#: Source-country recall on the first 120 records when the floor was set (2026-11-25).
MEASURED = 0.9485
MARGIN = 0.02


@pytest.fixture(scope="module")
def report() -> dict:
    if not GOLD.exists():
        pytest.skip("../shared/research/data/plover_examples.jsonl is not present")
    return actors_eval.evaluate(GOLD, limit=SLICE)


def test_report_shape(report: dict) -> None:
    assert report["n_records"] == SLICE
    assert report["n"] > SLICE * 0.9
    assert report["gold"].endswith("plover_examples.jsonl")


def test_source_country_recall_floor(report: dict) -> None:
    assert report["source_country_recall"] >= MEASURED - MARGIN
