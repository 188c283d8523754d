"""Floor for HTML main-text extraction on a fixed slice of the ScrapingHub gold (as trafilatura's eval gate does).

The slice is the first 30 ScrapingHub pages of ``extraction_gold.jsonl`` in file order; one has a truncated gold
body, so the floor is on the 29 untruncated ones. Full-set figures are in docs/quality.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newstrace.eval import extraction

GOLD = Path(__file__).resolve().parents[1].parent / "shared" / "research/data" / "extraction_gold.jsonl"
SLICE = 30
#: Token F1 of newstrace on the slice when the floor was set (2026-11-25, trafilatura 2.3.1).
MEASURED_TOKEN_F1 = 0.9738
MARGIN = 0.01


@pytest.fixture(scope="module")
def report() -> dict:
    if not GOLD.exists():
        pytest.skip("../shared/research/data/extraction_gold.jsonl is not present")
    return extraction.evaluate(GOLD, split="scrapinghub", limit=SLICE)


def test_slice_is_the_fixed_one(report: dict) -> None:
    assert report["n"] == SLICE
    assert report["scrapinghub"]["all"]["n"] == SLICE
    assert report["scrapinghub"]["untruncated"]["n"] == SLICE - 1


def test_token_f1_stays_at_its_floor(report: dict) -> None:
    ours = report["scrapinghub"]["untruncated"]["newstrace"]["tokens"]
    assert ours["f1"] >= MEASURED_TOKEN_F1 - MARGIN, ours


def test_at_least_as_good_as_bare_trafilatura(report: dict) -> None:
    scores = report["scrapinghub"]["untruncated"]
    for metric in ("tokens", "shingles"):
        assert scores["newstrace"][metric]["f1"] >= scores["trafilatura"][metric]["f1"], (metric, scores)


def test_token_and_shingle_counts() -> None:
    """The metric itself, on texts small enough to count by hand."""
    assert extraction.token_counts("The cat sat.", "the cat sat") == (1.0, 0.0, 0.0)
    tp, fp, fn = extraction.token_counts("a b c d", "a b x")
    assert (tp, fp, fn) == pytest.approx((2 / 5, 1 / 5, 2 / 5))
    assert extraction.macro_scores([extraction.token_counts("a b c d", "a b x")]) == {
        "precision": pytest.approx(0.6667, abs=1e-4),
        "recall": 0.5,
        "f1": pytest.approx(0.5714, abs=1e-4),
    }
    # four-word shingles keep case, as the benchmark's evaluate.py does
    assert extraction.shingle_counts("one two three four five", "One two three four five") == pytest.approx(
        (1 / 3, 1 / 3, 1 / 3)
    )


def test_empty_prediction_counts_only_against_recall() -> None:
    scores = extraction.macro_scores([extraction.token_counts("a b", ""), extraction.token_counts("a b", "a b")])
    assert scores == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(0.6667, abs=1e-4)}


def test_snippet_scores_are_micro_summed() -> None:
    page = extraction.GoldPage(
        id="t",
        source=extraction.TRAFILATURA_EVAL,
        url=None,
        html="",
        expected_text=None,
        truncated=False,
        with_=("first  line", "missing"),
        without=("menu",),
    )
    scores = extraction.snippet_scores([page], ["first line\nbody"])
    assert (scores["tp"], scores["fp"], scores["fn"], scores["tn"]) == (1, 0, 1, 1)
    assert scores["precision"] == 1.0
    assert scores["recall"] == 0.5
