"""Group mentions: communities coded by residence, owned collectives, conjoined nationalities, weapon agents."""

from __future__ import annotations

import datetime as dt

import pytest
from spacy.language import Language

from newstrace import actors
from newstrace.nlp import load_model


@pytest.fixture(scope="module")
def nlp() -> Language:
    language = load_model()
    actors.configure(language)
    return language


def codes(nlp: Language, text: str) -> dict[str, str | None]:
    found, _ = actors.find_actors(nlp(text), dt.date(2024, 11, 17))
    return {m.text: m.code for m in found}


def test_ethnic_community_is_coded_by_where_it_lives(nlp: Language) -> None:
    assert codes(nlp, "Ethnic Albanians in south Serbia are demanding autonomy.")["Ethnic Albanians"] == "SRBCVL"
    assert codes(nlp, "The Albanians of southern Serbia are demanding autonomy.")["Albanians"] == "SRBCVL"
    # without "ethnic", "in" is only where nationals are: "Americans in Iraq" stay American
    assert codes(nlp, "Americans in Iraq were told to leave.")["Americans"] == "USA"


def test_collective_with_an_owner_is_not_placed_in_the_venue(nlp: Language) -> None:
    found = codes(nlp, "Egyptian mediators met Hamas officials in Cairo.")
    assert found.get("Hamas") == "PSEREB" and "officials in Cairo" not in found


def test_conjoined_nationalities_before_a_subject_noun_are_two_parties(nlp: Language) -> None:
    found = codes(nlp, "Russian and Ukrainian delegations held direct talks in Istanbul.")
    assert {c[:3] for c in found.values() if c} == {"RUS", "UKR"}


def test_weapons_as_passive_agent_are_the_military(nlp: Language) -> None:
    assert "TURMIL" in codes(nlp, "A Syrian army base was attacked by Turkish drones.").values()
