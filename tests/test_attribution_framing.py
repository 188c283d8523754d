"""find_framing: loaded labels, evaluative words and scare quotes, with the voice they are in."""

from __future__ import annotations

import pytest
from spacy.language import Language

from newstrace.attribution import find_framing, find_quotes
from newstrace.nlp import load_model
from newstrace.records import Framing


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_model()


def flags(nlp: Language, text: str) -> list[Framing]:
    doc = nlp(text)
    return find_framing(doc, find_quotes(doc, []))


def test_labels_on_named_groups_but_not_technical_senses(nlp: Language) -> None:
    found = {
        f.text for f in flags(nlp, "The Iranian regime backed the Houthi terrorists despite the sanctions regime.")
    }
    assert "Iranian regime" in found and "Houthi terrorists" in found
    assert not any("sanctions" in text for text in found)
    assert flags(nlp, "Police said terrorists struck the station at dawn.") == []


def test_voice_follows_quotation_marks(nlp: Language) -> None:
    found = flags(nlp, "Smith said: “This is a disgraceful deal.” The lame-duck governor signed it.")
    voices = {f.text: f.voice for f in found}
    assert voices == {"disgraceful": "quoted", "lame-duck": "author"}


def test_scare_quotes_are_single_unattributed_words(nlp: Language) -> None:
    found = flags(nlp, "The pills were “magic” for buyers.")
    assert [(f.text, f.category, f.voice) for f in found] == [("“magic”", "scare-quote", "author")]
    assert flags(nlp, "Trump called the plan “a total disaster” on Friday.") == []


def test_neutral_news_prose_is_not_flagged(nlp: Language) -> None:
    text = (
        "NATO jets scrambled to intercept Russian aircraft on Tuesday. The minister said the attack killed "
        "12 people and that talks would resume in Geneva. The government approved a strong budget."
    )
    assert flags(nlp, text) == []
