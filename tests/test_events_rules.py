"""General coder rules added for issue 6's proxy sets, each on our own sentences with the real actor stage."""

from __future__ import annotations

import datetime as dt

import pytest
from spacy.language import Language

from newstrace import actors
from newstrace.events import code_events
from newstrace.nlp import load_model
from newstrace.records import Event


@pytest.fixture(scope="module")
def nlp() -> Language:
    language = load_model()
    actors.configure(language)
    return language


def code(nlp: Language, text: str) -> list[Event]:
    doc = nlp(text)
    found, _ = actors.find_actors(doc, dt.date(2024, 11, 17))
    return code_events(doc, found)


def triples(events: list[Event]) -> set[tuple[str, str | None, str]]:
    """(source prefix, target prefix, CAMEO root) of each event."""
    return {((e.source.code or "")[:3], (e.target.code or "")[:3] if e.target else None, e.cameo[:2]) for e in events}


def test_given_thing_made_elsewhere_is_not_the_target(nlp: Language) -> None:
    # theme predicates: the recipient, not the maker of the object, is the target
    assert ("GBR", "UKR", "07") in triples(code(nlp, "Britain sent American missiles to Ukraine."))
    assert ("HUN", "UKR", "16") in triples(code(nlp, "Hungary blocked EU funding for Ukraine."))
    assert ("IRN", "RUS", "07") in triples(code(nlp, "Iran supplied Russia with drones."))
    assert ("GBR", "FRA", "06") in triples(code(nlp, "Britain shared intelligence about the plot with France."))


def test_pledge_of_money_is_intent_not_aid(nlp: Language) -> None:
    events = code(nlp, "Japan pledged $500 million in reconstruction aid to Ukraine.")
    assert {(e.plover, e.cameo[:2]) for e in events} == {("AGREE", "03")}


def test_intent_noun_with_infinitive_is_coded_from_the_clause(nlp: Language) -> None:
    events = code(nlp, "Turkey expressed willingness to host peace talks between Russia and Ukraine.")
    assert {e.rule for e in events} == {"n.intent:compose"}
    assert ("TUR", "RUS", "03") in triples(events) and all(e.modality == "asserted" for e in events)


def test_decision_to_act_with_hostility_is_the_act(nlp: Language) -> None:
    events = code(nlp, "The European Union agreed on Monday to impose new sanctions on Russia.")
    assert ("IGO", "RUS", "16") in triples(events)
    # a vow to do the same is a threat
    assert ("IGO", "RUS", "13") in triples(code(nlp, "The European Union vowed to impose new sanctions on Russia."))


def test_attempt_is_the_act_itself(nlp: Language) -> None:
    events = code(nlp, "North Korea tried to hack into the computers of South Korean army officers.")
    assert {e.plover for e in events} == {"COERCE"}


def test_purpose_of_going_is_the_event(nlp: Language) -> None:
    events = code(nlp, "U.S. and Russian negotiators return to Geneva this week for talks on missiles.")
    assert {("USA", "RUS", "04"), ("RUS", "USA", "04")} <= triples(events)


def test_author_of_a_rejected_proposal_is_the_target(nlp: Language) -> None:
    assert ("ISR", "EGY", "12") in triples(code(nlp, "Israel rejected the ceasefire proposal put forward by Egypt."))


def test_complement_subject_is_the_target_without_an_object(nlp: Language) -> None:
    events = code(nlp, "Belarus allowed Russian troops to use its territory for the exercises.")
    assert ("BLR", "RUS", "08") in triples(events)


def test_non_actor_object_controls_a_prepositional_complement(nlp: Language) -> None:
    # "the West" supplies, not Moscow: no Russian aid event
    events = code(nlp, "Moscow has repeatedly warned the West against supplying long-range weapons to Ukraine.")
    assert {e.plover for e in events} == {"THREATEN"}


def test_joint_exercises_are_mutual_cooperation(nlp: Language) -> None:
    events = code(nlp, "India and Japan held joint naval exercises in the Bay of Bengal.")
    assert {("IND", "JPN", "06"), ("JPN", "IND", "06")} <= triples(events)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kenyan doctors went on strike over unpaid wages.", ("KEN", None, "14")),
        ("The Rapid Support Forces massacred hundreds of civilians in Darfur.", ("SDN", None, "20")),
        ("Russian forces used chemical weapons against Ukrainian troops.", ("RUS", "UKR", "20")),
        ("Azerbaijan expelled the Armenian population of the enclave.", ("AZE", "ARM", "20")),
        ("Hamas denied that its fighters had fired on the Israeli convoy.", ("PSE", "ISR", "19")),
        ("A Syrian army base was attacked by Turkish drones.", ("TUR", "SYR", "19")),
        ("Chinese coast guard ships fired water cannon at a Philippine supply vessel.", ("CHN", "PHL", "17")),
        ("Russian soldiers beat Ukrainian prisoners.", ("RUS", "UKR", "18")),
        ("North Korean troops crossed the border into South Korea.", ("PRK", "KOR", "15")),
        # the object of a relative clause is the noun it modifies
        ("Ukraine shot down most of the drones that Russia launched overnight.", ("RUS", None, "19")),
        # "called for X to do": "for" parsed as the mark of the clause
        ("Zelensky called for Western allies to deliver more air defence systems.", ("UKR", None, "02")),
        # a light verb in the promised clause: the event noun's own target
        ("The G7 pledged to keep sanctions on Russia in place.", ("IGO", "RUS", "13")),
    ],
)
def test_lexicon_entries(nlp: Language, text: str, expected: tuple[str, str | None, str]) -> None:
    assert expected in triples(code(nlp, text))


def test_tear_gas_is_not_a_chemical_weapon(nlp: Language) -> None:
    events = code(nlp, "Liberian riot police used tear gas to disperse demonstrators in Monrovia.")
    assert all(e.cameo[:2] != "20" for e in events) and any(e.plover == "COERCE" for e in events)


def test_institution_without_a_country_is_the_sources_own(nlp: Language) -> None:
    events = code(nlp, "Tunisia's president dissolved parliament and suspended the constitution.")
    assert ("TUN", "TUN", "17") in triples(events)
    banned = code(nlp, "A Thai court banned the main opposition party.")
    assert any(
        e.target is not None and e.target.code == "THAOPP" and e.target.text == "the main opposition party"
        for e in banned
    )
    # not for cooperation, and not when the institution has an owner of its own
    assert ("IND", "USA", "04") in triples(code(nlp, "India met the American administration."))
