"""Definite role descriptions ("the president-elect", "the premier", "the former president") refer back."""

from __future__ import annotations

import datetime as dt

import pytest
from spacy.language import Language

from newstrace import actors
from newstrace.nlp import load_model
from newstrace.records import ActorMention


@pytest.fixture(scope="module")
def nlp() -> Language:
    language = load_model()
    actors.configure(language)
    return language


def find(nlp: Language, text: str, published: dt.date | None) -> list[ActorMention]:
    found, _ = actors.find_actors(nlp(text), published)
    return found


def resolved(found: list[ActorMention], text: str) -> ActorMention | None:
    return next((m for m in found if m.text.lower() == text.lower()), None)


def test_president_elect_refers_back(nlp: Language) -> None:
    text = "President-elect Donald Trump met Republican leaders on Monday. Later the president-elect flew to Florida."
    m = resolved(find(nlp, text, dt.date(2024, 11, 17)), "the president-elect")
    assert m is not None and m.name == "Donald Trump" and (m.code, m.role, m.via) == ("USA", "ELECT", "coref")


def test_misspelt_elect_head_refers_to_the_earlier_elect(nlp: Language) -> None:
    text = "President-elect Donald Trump named his cabinet. Aides said the presdent-elect would travel to Paris."
    m = resolved(find(nlp, text, dt.date(2024, 11, 17)), "the presdent-elect")
    assert m is not None and m.name == "Donald Trump" and m.code == "USA"


def test_elect_head_must_resemble_the_earlier_title(nlp: Language) -> None:
    text = "President-elect Donald Trump named his cabinet. Aides said the mayor-elect would travel to Paris."
    assert resolved(find(nlp, text, dt.date(2024, 11, 17)), "the mayor-elect") is None


def test_any_office_elect_introduced_in_the_document(nlp: Language) -> None:
    text = (
        "Canadian Prime Minister-elect Jean Tremblay met the outgoing cabinet. "
        "The prime minister-elect promised a new budget."
    )
    found = find(nlp, text, dt.date(2024, 11, 17))
    m = resolved(found, "the prime minister-elect")
    assert m is not None and m.name == "Jean Tremblay" and m.country == "CAN" and m.role == "ELECT"


def test_premier_refers_to_a_prime_minister(nlp: Language) -> None:
    text = "Indian Prime Minister Narendra Modi arrived in Tokyo. The premier met business leaders on Friday."
    m = resolved(find(nlp, text, dt.date(2024, 11, 17)), "the premier")
    assert m is not None and m.name == "Narendra Modi" and m.code == "INDGOV"


def test_former_president_is_a_past_holder_not_the_incumbent(nlp: Language) -> None:
    text = "Barack Obama and Joe Biden appeared together in Detroit. The former president spoke first."
    m = resolved(find(nlp, text, dt.date(2024, 11, 1)), "the former president")
    assert m is not None and m.name == "Barack Obama"


def test_former_refers_to_someone_introduced_as_former(nlp: Language) -> None:
    text = "Former Prime Minister Jan Novak criticised the budget. The former prime minister called it reckless."
    found = find(nlp, text, dt.date(2024, 11, 17))
    assert resolved(found, "the former prime minister") is not None
    # the incumbent-looking "the prime minister" does not pick up a former holder
    text = "Former Prime Minister Jan Novak criticised the budget. The prime minister called it prudent."
    assert resolved(find(nlp, text, dt.date(2024, 11, 17)), "the prime minister") is None


def test_outgoing_chancellor(nlp: Language) -> None:
    text = "German Chancellor Olaf Scholz called Vladimir Putin. The outgoing chancellor defended the call."
    m = resolved(find(nlp, text, dt.date(2024, 11, 17)), "the outgoing chancellor")
    assert m is not None and m.name == "Olaf Scholz" and m.code == "DEUGOV"
