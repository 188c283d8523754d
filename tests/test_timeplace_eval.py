"""Floors for time and place on fixed slices of the gold sets (development slices, never the TempEval test).

Measured 2026-11-25 when the floors were set: TBAQ-cleaned first 40 documents value F1 0.7515, span F1 0.9349;
geo every-4th sample, first 40 documents (LGL) recall 0.8397, country 0.9712, within 161 km 0.8936;
GeoWebNews first 25 of the sample recall 0.7613, within 161 km 0.8136.
"""

from __future__ import annotations

import pytest

from conftest import gold_file
from newstrace.eval import geo, time

MARGIN = 0.02


@pytest.fixture(scope="module")
def timex() -> dict:
    return time.evaluate(gold_file("timex_gold.jsonl"), split="tbaq-cleaned", limit=40)


@pytest.fixture(scope="module")
def lgl() -> dict:
    return geo.evaluate(gold_file("geo_gold.jsonl"), split="every-4th", limit=40)


@pytest.fixture(scope="module")
def geowebnews() -> dict:
    return geo.evaluate(gold_file("geo_gold.jsonl"), split="every-4th:GeoWebNews", limit=25)


def test_time_report_shape(timex: dict) -> None:
    assert timex["n"] == 40
    assert timex["split"] == "tbaq-cleaned"
    assert timex["gold"].endswith("timex_gold.jsonl")


def test_time_floors(timex: dict) -> None:
    assert timex["span_f1"] >= 0.9349 - MARGIN
    assert timex["value_f1"] >= 0.7515 - MARGIN


def test_geo_report_shape(lgl: dict) -> None:
    assert lgl["n"] == 40
    assert lgl["split"] == "every-4th"
    assert lgl["n_toponyms"] > 300


def test_geo_floors(lgl: dict, geowebnews: dict) -> None:
    assert lgl["recall"] >= 0.8397 - MARGIN
    assert lgl["country_accuracy"] >= 0.9712 - MARGIN
    assert lgl["within_161km"] >= 0.8936 - MARGIN
    assert geowebnews["recall"] >= 0.7613 - MARGIN
    assert geowebnews["within_161km"] >= 0.8136 - MARGIN
