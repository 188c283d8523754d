"""find_quotes on short texts: each quote kind, cues, speakers (pronouns, anonymous sources) and broken marks."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from newstrace.attribution import attribute_events, find_framing, find_quotes
from newstrace.nlp import load_model
from newstrace.records import ActorMention, CodedSpan, Event, Quote, Span


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_model()


def actor(text: str, full: str, code: str, kind: str, role: str | None = None, nth: int = 0) -> ActorMention:
    start = -1
    for _ in range(nth + 1):
        start = full.index(text, start + 1)
    return ActorMention(text, start, start + len(text), code, code[:3], role, text, kind, "test")


def quotes(nlp: Language, text: str, actors: list[ActorMention] | None = None) -> list[Quote]:
    return find_quotes(nlp(text), actors or [])


def test_direct_quote_with_cue_after_and_pronoun_speaker(nlp: Language) -> None:
    text = "Putin met the envoy on Monday.\n\n“We are ready to talk,” he said on Tuesday."
    found = quotes(nlp, text, [actor("Putin", text, "RUSGOV", "person", "GOV")])
    (quote,) = [q for q in found if q.kind == "direct"]
    assert quote.content.text == "“We are ready to talk,”"
    assert quote.cue is not None and quote.cue.text == "said"
    assert quote.speaker is not None and quote.speaker.text == "he"  # the local mention stays the pronoun
    assert quote.speaker.code == "RUSGOV" and quote.speaker.name == "Putin"


def test_split_quote_shares_cue_and_speaker(nlp: Language) -> None:
    text = "“We will not retreat,” the minister said, “and we will not forget.”"
    found = [q for q in quotes(nlp, text) if q.kind == "direct"]
    assert [q.content.text for q in found] == ["“We will not retreat,”", "“and we will not forget.”"]
    assert {(q.cue.start, q.speaker.text) for q in found if q.cue and q.speaker} == {
        (text.index("said"), "the minister")
    }


def test_guillemets_and_single_quotes(nlp: Language) -> None:
    found = quotes(nlp, "Le ministre a dit: «Nous sommes prêts.» Then Smith said: 'We agree.'")
    assert any(q.content.text == "«Nous sommes prêts.»" for q in found)


def test_partial_quote_inside_reported_clause(nlp: Language) -> None:
    text = "The G7 vowed “enduring support for Ukraine” and to back Kyiv."
    found = quotes(nlp, text, [actor("G7", text, "IGOG7", "org", "IGO")])
    partial = [q for q in found if q.kind == "partial"]
    assert [q.content.text for q in partial] == ["“enduring support for Ukraine”"]
    assert partial[0].speaker is not None and partial[0].speaker.code == "IGOG7"
    assert any(q.kind == "mixed" for q in found)


def test_indirect_quotes_with_that_clause_and_according_to(nlp: Language) -> None:
    text = "The ministry said that troops had withdrawn. Prices will rise, according to the central bank."
    found = quotes(nlp, text)
    said = next(q for q in found if q.cue and q.cue.text == "said")
    assert said.kind == "indirect" and said.content.text == "that troops had withdrawn"
    assert said.speaker is not None and said.speaker.text == "The ministry"
    according = next(q for q in found if q.cue and q.cue.text.lower() == "according to")
    assert according.content.text == "Prices will rise"
    assert according.speaker is not None and according.speaker.text == "the central bank"


def test_anonymous_source_is_typed_with_country_and_role(nlp: Language) -> None:
    text = "Unnamed U.S. officials said the strikes would be limited."
    found = quotes(nlp, text, [actor("U.S.", text, "USA", "gpe")])
    (quote,) = found
    assert quote.speaker is not None and quote.speaker.text == "Unnamed U.S. officials"
    assert quote.speaker.code == "USAGOV"


def test_denial_cue_is_kept(nlp: Language) -> None:
    (quote,) = quotes(nlp, "The Kremlin has denied the call took place.")
    assert quote.cue is not None and quote.cue.text == "denied"
    assert quote.content.text == "the call took place"


def test_headline_colon_credits_the_line(nlp: Language) -> None:
    found = quotes(nlp, "Graham: Trump's rhetoric is destroying the party.\n\nBody text.")
    assert any(q.cue and q.cue.text == ":" and q.speaker and q.speaker.text == "Graham" for q in found)


def test_title_in_quotes_is_not_a_quote(nlp: Language) -> None:
    assert quotes(nlp, "The ‘Weimar Triangle’ alliance met in Paris.") == []


def test_every_quote_has_a_cue_and_valid_offsets(nlp: Language, seed_text: str) -> None:
    doc = nlp(seed_text)
    for quote in find_quotes(doc, []):
        assert quote.cue is not None and quote.rule
        assert seed_text[quote.content.start : quote.content.end] == quote.content.text
        assert seed_text[quote.cue.start : quote.cue.end] == quote.cue.text
        if quote.speaker is not None:
            assert seed_text[quote.speaker.start : quote.speaker.end] == quote.speaker.text


def test_unbalanced_marks_do_not_swallow_the_article(nlp: Language) -> None:
    text = "He said “this never closes.\n\nThe army said troops withdrew.\n\nLater she said: “Fine.”"
    found = quotes(nlp, text)
    assert all(len(q.content.text) < 40 for q in found)
    assert any(q.content.text == "“Fine.”" for q in found)


_PIECES = st.sampled_from(
    ["He said", " ", "“", "”", '"', "'", "‘", "’", "«", "»", "Smith", "it’s", "don't", ",", ".", "\n", ":", "—", "x"]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_PIECES, max_size=30))
def test_random_quote_marks_never_raise(nlp: Language, pieces: list[str]) -> None:
    text = "".join(pieces)
    doc = nlp(text)
    found = find_quotes(doc, [])
    for quote in found:
        assert 0 <= quote.content.start <= quote.content.end <= len(text)
    find_framing(doc, found)


def _event(text: str, trigger: str, modality: str = "asserted") -> Event:
    start = text.index(trigger)
    span = Span(trigger, start, start + len(trigger))
    return Event(f"e{start}", 0, span, CodedSpan("x", 0, 1), None, "190", "ASSAULT", modality, span, "test")


def test_presupposed_objects_keep_their_modality(nlp: Language) -> None:
    """ "condemned the attack": the attack is a fact to the writer, not something the EU reports."""
    text = "The EU condemned the attack on Kyiv. Officials said troops fired on the town."
    doc = nlp(text)
    found = find_quotes(doc, [])
    attack, fired = _event(text, "attack"), _event(text, "fired")
    attribute_events(doc, [attack, fired], found, [])
    assert attack.modality == "asserted" and attack.attribution.speaker is None
    assert fired.modality == "reported"
    assert fired.attribution.speaker is not None and fired.attribution.speaker.text == "Officials"
    assert [link.kind for link in fired.attribution.chain] == ["author", "anonymous"]


def test_claims_and_hedges(nlp: Language) -> None:
    text = "Kyiv claimed that Russia shelled the port. Moscow said it may strike again."
    doc = nlp(text)
    found = find_quotes(doc, [])
    shelled, strike = _event(text, "shelled"), _event(text, "strike")
    attribute_events(doc, [shelled, strike], found, [])
    assert shelled.modality == "hedged"
    assert strike.modality == "hedged"
