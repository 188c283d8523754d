"""Event time and place: the expressions the event's own clause governs, tested with hand-made events."""

from __future__ import annotations

import datetime as dt

import pytest
from spacy.language import Language

from newstrace import actors
from newstrace.nlp import load_model
from newstrace.records import CodedSpan, Event, Span
from newstrace.timeplace import attach, find_places, find_times

SEED_DATE = dt.date(2024, 11, 17)


@pytest.fixture(scope="module")
def nlp() -> Language:
    language = load_model()
    actors.configure(language)
    return language


def event(text: str, trigger: str, context: str, source: str = "x", modality: str = "asserted") -> Event:
    start = text.index(context) + context.index(trigger)
    s = text.index(source) if source in text else 0
    return Event(
        id="e1",
        sentence=0,
        trigger=Span(trigger, start, start + len(trigger)),
        source=CodedSpan(source, s, s + len(source)),
        target=None,
        cameo="190",
        plover="ASSAULT",
        modality=modality,
        evidence=Span(trigger, start, start + len(trigger)),
        rule="test",
    )


def run(nlp: Language, text: str, events: list[Event], published: dt.date | None = SEED_DATE) -> None:
    doc = nlp(text)
    found, _ = actors.find_actors(doc, published)
    attach(events, find_times(doc, published), find_places(doc, found), doc, published)


def test_seed_attack_time_and_place(nlp: Language, seed_text: str) -> None:
    attack = event(seed_text, "launched", "Moscow launched a large-scale attack", source="Moscow")
    incursion = event(seed_text, "launched", "launched a surprise incursion", source="Ukraine launched")
    statement = event(seed_text, "said", "Blinken said")
    run(nlp, seed_text, [attack, incursion, statement])
    assert attack.time is not None and attack.time.value == "2024-11-16"
    assert attack.place is not None and attack.place.name == "Ukraine"
    assert incursion.time is not None and incursion.time.value == "2024-SU"
    assert incursion.place is not None and incursion.place.text == "Kursk region"
    assert statement.time is not None and statement.time.value == "2024-11-13"
    assert statement.place is not None and statement.place.text == "Brussels"


def test_time_of_another_clause_is_not_attached(nlp: Language) -> None:
    text = "Officials said on Monday that the army had shelled the town."
    shelling = event(text, "shelled", "had shelled")
    run(nlp, text, [shelling])
    # "on Monday" dates the saying, not the shelling, which falls back to the publication date
    assert shelling.time is not None and shelling.time.rule == "publication-date"
    assert shelling.place is None


def test_no_governed_time_falls_back_to_the_publication_date(nlp: Language) -> None:
    text = "Rebels attacked a convoy near Goma."
    ambush = event(text, "attacked", "attacked")
    run(nlp, text, [ambush])
    assert ambush.time is not None
    fallback = ambush.time
    assert (fallback.value, fallback.anchor, fallback.rule) == ("2024-11-17", "publication", "publication-date")
    assert (ambush.time.text, ambush.time.start, ambush.time.end) == ("", -1, -1)  # not in the text
    assert ambush.place is not None and ambush.place.text == "Goma"


def test_no_publication_date_leaves_none(nlp: Language) -> None:
    text = "Rebels attacked a convoy near Goma."
    ambush = event(text, "attacked", "attacked")
    run(nlp, text, [ambush], published=None)
    assert ambush.time is None


@pytest.mark.parametrize("modality", ["future", "hypothetical", "negated", "denied"])
def test_unhappened_events_get_no_publication_date(nlp: Language, modality: str) -> None:
    text = "Rebels will attack a convoy near Goma."
    ambush = event(text, "attack", "attack a convoy", modality=modality)
    run(nlp, text, [ambush])
    assert ambush.time is None


@pytest.mark.parametrize("modality", ["reported", "hedged"])
def test_reported_events_get_the_publication_date(nlp: Language, modality: str) -> None:
    text = "Rebels reportedly attacked a convoy near Goma."
    ambush = event(text, "attacked", "attacked", modality=modality)
    run(nlp, text, [ambush])
    assert ambush.time is not None and ambush.time.value == "2024-11-17"


def test_dateline_gives_the_fallback_its_span(nlp: Language) -> None:
    text = "GOMA, Nov 17 (Reuters) - Rebels attacked a convoy near the city."
    ambush = event(text, "attacked", "attacked")
    run(nlp, text, [ambush])
    assert ambush.time is not None and ambush.time.rule == "publication-date+dateline"
    assert text[ambush.time.start : ambush.time.end] == ambush.time.text == "Nov 17"
    assert ambush.time.value == "2024-11-17"


def test_subject_is_not_the_location(nlp: Language) -> None:
    text = "Ukraine fired missiles at targets on Tuesday."
    strike = event(text, "fired", "fired", source="Ukraine")
    run(nlp, text, [strike])
    assert strike.place is None
    assert strike.time is not None and strike.time.value == "2024-11-12"


def test_an_opening_date_that_is_no_dateline_is_governed(nlp: Language) -> None:
    text = "On Sunday, rebels attacked a convoy near Goma."
    ambush = event(text, "attacked", "attacked")
    run(nlp, text, [ambush])
    assert ambush.time is not None and ambush.time.text == "Sunday" and ambush.time.value == "2024-11-17"
    assert not ambush.time.rule.startswith("publication-date")
