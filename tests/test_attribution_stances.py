"""Beliefs, intentions and stances (PolNeAR annotates them as attributions), nesting and content boundaries."""

from __future__ import annotations

import pytest
from spacy.language import Language

from newstrace.attribution import attribute_events, find_quotes, outermost
from newstrace.nlp import load_model
from newstrace.records import CodedSpan, Event, Quote
from newstrace.records import Span as CharSpan


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


def test_nested_reporting_chain_is_kept_but_outermost_drops_it(nlp: Language) -> None:
    text = "Aides said the senator told donors that his successor will push for the same goals."
    found = find_quotes(nlp(text), [])
    cues = {q.cue.text for q in found if q.cue is not None}
    assert {"said", "told"} <= cues  # a reporting chain: chains need the inner source
    top = outermost(found)
    assert [q.cue.text for q in top if q.cue is not None] == ["said"]
    assert top[0].content.text.startswith("the senator told donors")


def test_nested_belief_is_content_and_keeps_its_hedge(nlp: Language) -> None:
    """PolNeAR annotates only the outer attribution; the inner belief still hedges the events under it."""
    text = "Aides said Obama hopes that his successor will push for the same goals."
    doc = nlp(text)
    found = find_quotes(doc, [])
    assert [q.cue.text for q in found if q.cue is not None] == ["said"]
    start = text.index("push")
    trigger = CharSpan("push", start, start + 4)
    push = Event("e1", 0, trigger, CodedSpan("x", 0, 1), None, "0", "X", "asserted", trigger, "test")
    attribute_events(doc, [push], found, [])
    assert push.modality == "hedged"
    assert push.attribution is not None and push.attribution.cue is not None and push.attribution.cue.text == "said"


def test_nested_denial_still_denies_the_events_under_it(nlp: Language) -> None:
    text = "Officials said Moscow denied that troops fired on the town."
    doc = nlp(text)
    start = text.index("fired")
    trigger = CharSpan("fired", start, start + 5)
    fired = Event("e1", 0, trigger, CodedSpan("x", 0, 1), None, "0", "X", "asserted", trigger, "test")
    attribute_events(doc, [fired], find_quotes(doc, []), [])
    assert fired.modality == "denied"


def test_nested_same_speaker_intention_is_not_a_second_attribution(nlp: Language) -> None:
    found = find_quotes(nlp("He said he wants to put the money to good use."), [])
    assert [q.cue.text for q in found if q.cue is not None] == ["said"]


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
