"""Floors for time and place on fixed slices of the gold sets (development slices only: never the TempEval test
split, nor the geo gold's every-4th reporting sample).

Measured 2026-11-25 when the floors were set: TBAQ-cleaned first 40 documents value F1 0.7515, span F1 0.9349;
geo dev split (``newstrace.eval.geo``), first 40 documents (LGL) recall 0.8410, country 0.9707, within 161 km
0.8836; first 25 GeoWebNews recall 0.7586, within 161 km 0.7955; first 25 GeoVirus recall 0.9123, within 161 km
0.8333; first 15 TR-News recall 0.9528, country 0.9917, within 161 km 0.9504.
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
    return geo.evaluate(gold_file("geo_gold.jsonl"), split="dev", limit=40)


@pytest.fixture(scope="module")
def geowebnews() -> dict:
    return geo.evaluate(gold_file("geo_gold.jsonl"), split="dev:GeoWebNews", limit=25)


@pytest.fixture(scope="module")
def geovirus() -> dict:
    return geo.evaluate(gold_file("geo_gold.jsonl"), split="dev:GeoVirus", limit=25)


@pytest.fixture(scope="module")
def trnews() -> dict:
    return geo.evaluate(gold_file("geo_gold.jsonl"), split="dev:TR-News", limit=15)


def test_time_report_shape(timex: dict) -> None:
    assert timex["n"] == 40
    assert timex["split"] == "tbaq-cleaned"
    assert timex["gold"].endswith("timex_gold.jsonl")


def test_time_floors(timex: dict) -> None:
    assert timex["span_f1"] >= 0.9349 - MARGIN
    assert timex["value_f1"] >= 0.7515 - MARGIN


def test_geo_report_shape(lgl: dict) -> None:
    assert lgl["n"] == 40
    assert lgl["split"] == "dev"
    assert lgl["n_toponyms"] > 300
    assert set(lgl["within_161km_by_corpus"]) == {"LGL"}


def test_geo_floors(lgl: dict, geowebnews: dict, geovirus: dict, trnews: dict) -> None:
    assert lgl["recall"] >= 0.8410 - MARGIN
    assert lgl["country_accuracy"] >= 0.9707 - MARGIN
    assert lgl["within_161km"] >= 0.8836 - MARGIN
    assert geowebnews["recall"] >= 0.7586 - MARGIN
    assert geowebnews["within_161km"] >= 0.7955 - MARGIN
    assert geovirus["recall"] >= 0.9123 - MARGIN
    assert geovirus["within_161km"] >= 0.8333 - MARGIN
    assert trnews["recall"] >= 0.9528 - MARGIN
    assert trnews["country_accuracy"] >= 0.9917 - MARGIN
    assert trnews["within_161km"] >= 0.9504 - MARGIN


def test_dev_and_reporting_splits_are_disjoint() -> None:
    docs = [{"id": str(i), "source_corpus": "LGL" if i < 6 else "GeoVirus"} for i in range(12)]
    every, dev = geo.select(docs, "every-4th"), geo.select(docs, "dev")
    assert [d["id"] for d in every] == ["0", "4", "8"]
    assert len(dev) == 9 and not {d["id"] for d in every} & {d["id"] for d in dev}
    assert [d["id"] for d in geo.select(docs, "dev:GeoVirus")] == ["6", "7", "9", "10", "11"]
    assert [d["id"] for d in geo.select(docs, "every-4th:LGL")] == ["0", "4"]
    assert len(geo.select(docs, "LGL")) == 6
