"""Beliefs, intentions and stances (PolNeAR annotates them as attributions), nesting and content boundaries."""

from __future__ import annotations

import pytest
from spacy.language import Language

from newstrace.attribution import find_quotes, outermost
from newstrace.nlp import load_model
from newstrace.records import Quote


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_model()


def by_cue(nlp: Language, text: str, cue: str) -> Quote:
    found = [q for q in find_quotes(nlp(text), []) if q.cue is not None and q.cue.text == cue]
    assert len(found) == 1, [(q.cue.text if q.cue else None, q.content.text) for q in find_quotes(nlp(text), [])]
    return found[0]


def test_belief_verb_with_clause(nlp: Language) -> None:
    quote = by_cue(nlp, "Most economists believe the plan will fail.", "believe")
    assert quote.content.text == "the plan will fail"
    assert quote.speaker is not None and quote.speaker.text == "Most economists"


def test_intention_verb_with_infinitive(nlp: Language) -> None:
    quote = by_cue(nlp, "Clinton wants to triple the size of the AmeriCorps program.", "wants")
    assert quote.content.text == "to triple the size of the AmeriCorps program"
    assert quote.speaker is not None and quote.speaker.text == "Clinton"


def test_stance_noun_after_light_verb(nlp: Language) -> None:
    quote = by_cue(nlp, "Several senators expressed deep concern about the policy.", "expressed deep concern about")
    assert quote.content.text == "the policy"
    assert quote.rule == "indirect-noun-prep"
    assert quote.speaker is not None and quote.speaker.text == "Several senators"


def test_attitude_adjective_after_copula(nlp: Language) -> None:
    quote = by_cue(nlp, "Graham has long been critical of Trump.", "been critical of")
    assert quote.content.text == "Trump"
    assert quote.speaker is not None and quote.speaker.text == "Graham"


def test_nested_attribution_is_kept_but_outermost_drops_it(nlp: Language) -> None:
    text = "Aides said Obama hopes that his successor will push for the same goals."
    found = find_quotes(nlp(text), [])
    cues = {q.cue.text for q in found if q.cue is not None}
    assert {"said", "hopes"} <= cues  # chains and event modality need the inner one
    top = outermost(found)
    assert [q.cue.text for q in top if q.cue is not None] == ["said"]
    assert top[0].content.text.startswith("Obama hopes that")


def test_outermost_keeps_direct_quotes(nlp: Language) -> None:
    text = "He said the mayor told him: “We will rebuild the bridge.”"
    found = find_quotes(nlp(text), [])
    assert any(q.kind == "direct" for q in outermost(found))


def test_discourse_filler_is_not_an_attribution(nlp: Language) -> None:
    found = find_quotes(nlp("The rally was, you know, a real mess for the campaign."), [])
    assert not [q for q in found if q.cue is not None and q.cue.text == "know"]


def test_scene_clause_is_outside_the_content(nlp: Language) -> None:
    quote = by_cue(nlp, "She declined to speak to reporters as she left the breakfast on Monday.", "declined")
    assert quote.content.text == "to speak to reporters"


def test_cue_spans_never_run_backwards(nlp: Language) -> None:
    text = "It was the one issue about which the senator complained for years, aides said."
    for quote in find_quotes(nlp(text), []):
        assert quote.cue is None or quote.cue.start < quote.cue.end
        assert quote.content.start < quote.content.end
