"""Time expressions: TIMEX3 types and values normalised against the publication date with the clause's tense."""

from __future__ import annotations

import datetime as dt

import pytest
from spacy.language import Language

from newstrace import actors
from newstrace.nlp import load_model
from newstrace.records import TimeExpr
from newstrace.timeplace import find_times
from newstrace.timeplace.times import load_lexicon_data, read_parts, resolve

SEED_DATE = dt.date(2024, 11, 17)  # a Sunday


@pytest.fixture(scope="module")
def nlp() -> Language:
    language = load_model()
    actors.configure(language)
    return language


def times(nlp: Language, text: str, published: dt.date | None = SEED_DATE) -> dict[str, TimeExpr]:
    return {t.text: t for t in find_times(nlp(text), published)}


def value_of(words: str, published: dt.date | None = SEED_DATE, tense: str = "past") -> str | None:
    reading = resolve(read_parts(words.lower().split()), published, tense)
    return reading.value if reading else None


def test_seed_values(nlp: Language, seed_text: str) -> None:
    found = find_times(nlp(seed_text), SEED_DATE)
    values = {(t.text, t.value) for t in found}
    assert ("Saturday", "2024-11-16") in values
    assert ("Wednesday", "2024-11-13") in values
    assert ("last week", "2024-W45") in values
    assert ("next week", "2024-W47") in values
    assert ("January 20th", "2025-01-20") in values
    assert ("the summer", "2024-SU") in values
    assert ("2014", "2014") in values
    assert ("two months", "P2M") in values


def test_seed_offsets_and_provenance(nlp: Language, seed_text: str) -> None:
    for t in find_times(nlp(seed_text), SEED_DATE):
        assert seed_text[t.start : t.end] == t.text
        assert t.rule
        assert t.type in {"DATE", "TIME", "DURATION", "SET"}
        assert t.anchor in {"publication", "absolute", "none"}


def test_without_publication_date_relative_values_stay_unanchored(nlp: Language, seed_text: str) -> None:
    found = {t.text: t for t in find_times(nlp(seed_text), None)}
    assert found["Saturday"].value == "XXXX-WXX-6"
    assert found["Saturday"].anchor == "none"
    assert found["last week"].value == "XXXX-WXX"
    assert found["2014"].anchor == "absolute"


def test_weekday_equal_to_publication_day_is_that_day(nlp: Language) -> None:
    found = times(nlp, "The minister resigned on Sunday.")
    assert found["Sunday"].value == "2024-11-17"


def test_future_clause_points_forward(nlp: Language) -> None:
    found = times(nlp, "The leaders will meet on Friday.")
    assert found["Friday"].value == "2024-11-22"
    assert times(nlp, "The talks will run through June.")["June"].value == "2025-06"
    assert times(nlp, "Prices rose in October.")["October"].value == "2024-10"


def test_durations_sets_and_references() -> None:
    assert value_of("three years") == "P3Y"
    assert value_of("the past two months") == "P2M"
    assert value_of("several days") == "PXD"
    assert value_of("24 hours") == "PT24H"
    assert value_of("a decade") == "P10Y"
    assert value_of("daily") == "P1D"
    assert value_of("now") == "PRESENT_REF"
    assert value_of("two years ago") == "2022"
    assert value_of("last year") == "2023"
    assert value_of("the third quarter") == "2024-Q3"
    assert value_of("the 1990s") == "199"
    assert value_of("march 3 , 2011") == "2011-03-03"
    assert value_of("yesterday") == "2024-11-16"
    assert value_of("last fall", dt.date(1998, 2, 6)) == "1997-FA"


def test_types(nlp: Language) -> None:
    found = times(nlp, "Officials met every morning for three weeks, starting at 9 a.m. on Monday.")
    kinds = {t.type for t in found.values()}
    assert "SET" in kinds
    assert "DURATION" in kinds


def test_ages_are_not_times(nlp: Language) -> None:
    assert not any("old" in t for t in times(nlp, "A 52-year-old man was arrested."))


def test_lexicon_schema() -> None:
    data = load_lexicon_data()
    assert data["version"] == 1
    for key in (
        "months",
        "weekdays",
        "seasons",
        "units",
        "numbers",
        "ordinals",
        "parts_of_day",
        "refs",
        "day_offsets",
        "sets",
        "relative",
        "shifts",
        "skip",
        "holidays",
        "patterns",
    ):
        assert key in data, key
    assert set(data["weekdays"].values()) == set(range(1, 8))
    assert set(data["months"].values()) == set(range(1, 13))
    assert set(data["seasons"].values()) == {"SP", "SU", "FA", "WI"}
    for word, value in data["refs"].items():
        assert value in {"PRESENT_REF", "PAST_REF", "FUTURE_REF"}, word
    for entry in data["patterns"]:
        assert set(entry) == {"id", "pattern"}
        assert isinstance(entry["pattern"], list) and entry["pattern"]
    for name, (month, day) in data["holidays"].items():
        dt.date(2000, month, day)  # a real calendar day
        assert name == name.lower()
