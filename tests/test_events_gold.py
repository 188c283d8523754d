"""Floors for event coding on fixed slices of the gold sets (skipped when ../shared is absent).

Measured when the floors were set (2026-11-25, en_core_web_sm 3.8.0 and the actor stage of that day; raised the
same day after the proxy-set work): plover_examples train split, first 80 records: PLOVER category 0.800, source
country 0.838; petrarch2_gsr_validation (all 78 records): triple F1 0.566, dyad F1 0.691.
"""

from __future__ import annotations

import pytest

from conftest import gold_file
from newstrace.eval import events as events_eval

MARGIN = 0.03


@pytest.fixture(scope="module")
def plover() -> dict:
    return events_eval.evaluate(gold_file("plover_examples.jsonl"), split="train", limit=80)


@pytest.fixture(scope="module")
def petrarch() -> dict:
    return events_eval.evaluate(gold_file("petrarch2_gsr_validation.jsonl"))


def test_plover_report_shape(plover: dict) -> None:
    assert plover["n"] == 80 and plover["split"] == "train" and plover["kind"] == "plover"
    assert set(plover["modality"]) <= {"asserted", "reported", "hedged", "denied", "future", "negated", "hypothetical"}


def test_plover_category_floor(plover: dict) -> None:
    assert plover["plover_category_hit"] >= 0.800 - MARGIN


def test_plover_source_floor(plover: dict) -> None:
    assert plover["source_country_hit"] >= 0.838 - MARGIN


def test_petrarch_triple_floor(petrarch: dict) -> None:
    assert petrarch["n"] == 78 and petrarch["kind"] == "cameo-triples"
    assert petrarch["triples"]["f1"] >= 0.566 - MARGIN
    assert petrarch["dyads"]["f1"] >= 0.691 - MARGIN


def test_splits_partition_the_file() -> None:
    path = gold_file("plover_examples.jsonl")
    rows = events_eval._records(path, None, None)
    train = events_eval._records(path, "train", None)
    test = events_eval._records(path, "test", None)
    assert test == rows[4::5]  # every 5th record is held out
    assert len(train) + len(test) == len(rows)
