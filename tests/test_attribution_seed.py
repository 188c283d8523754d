"""The seed article: quotes, chains, modality and author-voice framing the attribution issue asks for.

Actors and events are hand-built here (the lists below are what the Actors and Events stages are expected to
give), so these tests pin down the attribution stage alone; the last test runs the real stages end to end.
"""

from __future__ import annotations

import re

import pytest
from spacy.tokens import Doc

from newstrace.attribution import attribute_events, find_framing, find_quotes
from newstrace.nlp import load_model
from newstrace.records import ActorMention, CodedSpan, Event, Quote, Span

ACTORS = [
    ("Washington Post", "USAMED", "The Washington Post", "org", "MED"),
    ("New York Times", "USAMED", "The New York Times", "org", "MED"),
    ("U.S.", "USA", "United States", "gpe", None),
    ("Antony Blinken", "USAGOV", "Antony Blinken", "person", "GOV"),
    ("G7", "IGOG7", "Group of Seven", "org", "IGO"),
    ("Kremlin", "RUSGOV", "Kremlin", "org", "GOV"),
    ("Zelensky", "UKRGOV", "Volodymyr Zelensky", "person", "GOV"),
    ("Joe Biden", "USAGOV", "Joe Biden", "person", "GOV"),
]


@pytest.fixture(scope="module")
def doc(seed_text: str) -> Doc:
    return load_model()(seed_text)


@pytest.fixture(scope="module")
def actors(seed_text: str) -> list[ActorMention]:
    out = []
    for text, code, name, kind, role in ACTORS:
        for m in re.finditer(re.escape(text), seed_text):
            out.append(ActorMention(text, m.start(), m.end(), code, code[:3], role, name, kind, "test"))
    return out


@pytest.fixture(scope="module")
def quotes(doc: Doc, actors: list[ActorMention]) -> list[Quote]:
    return find_quotes(doc, actors)


def _event(text: str, trigger: str, modality: str = "asserted") -> Event:
    start = text.index(trigger)
    return Event(
        id=f"e{start}",
        sentence=0,
        trigger=Span(trigger, start, start + len(trigger)),
        source=CodedSpan("x", 0, 1),
        target=None,
        cameo="000",
        plover="X",
        modality=modality,
        evidence=Span(trigger, start, start + len(trigger)),
        rule="test",
    )


def test_blinken_is_quoted_directly(quotes: list[Quote]) -> None:
    blinken = next(q for q in quotes if q.content.text.startswith("“President Biden has committed"))
    assert blinken.kind == "direct"
    assert blinken.speaker is not None and "Blinken" in blinken.speaker.text
    assert blinken.speaker.code is not None and blinken.speaker.code.startswith("USA")
    assert blinken.cue is not None and blinken.cue.text == "said"


def test_g7_fragments_are_quoted_with_the_g7_as_speaker(quotes: list[Quote]) -> None:
    fragment = next(q for q in quotes if "as long as it takes" in q.content.text and q.kind == "partial")
    assert fragment.speaker is not None and fragment.speaker.code == "IGOG7"
    assert fragment.cue is not None and fragment.cue.text == "vowed"


def test_kremlin_denial_is_a_quote_with_a_denial_cue(quotes: list[Quote]) -> None:
    denial = next(q for q in quotes if q.content.text == "the call took place")
    assert denial.cue is not None and denial.cue.text == "denied"
    assert denial.speaker is not None and denial.speaker.code == "RUSGOV"


def test_us_decision_carries_the_full_sourcing_chain(
    seed_text: str, doc: Doc, quotes: list[Quote], actors: list[ActorMention]
) -> None:
    lifted = _event(seed_text, "lifted restrictions")
    attribute_events(doc, [lifted], quotes, actors)
    chain = [(link.text, link.kind, link.code) for link in lifted.attribution.chain]
    assert chain == [
        ("article", "author", None),
        ("Washington Post", "outlet", "USAMED"),
        ("New York Times", "outlet", "USAMED"),
        ("unnamed U.S. officials", "anonymous", "USAGOV"),
    ]
    assert lifted.modality == "reported"
    assert lifted.attribution.cue is not None and lifted.attribution.cue.text == "According to"


def test_back_references_reuse_the_earlier_chain(
    seed_text: str, doc: Doc, quotes: list[Quote], actors: list[ActorMention]
) -> None:
    limited = _event(seed_text, "limited to the Kursk")
    approve = _event(seed_text, "approve strikes elsewhere")
    attribute_events(doc, [limited, approve], quotes, actors)
    for event in (limited, approve):
        kinds = [link.kind for link in event.attribution.chain]
        assert kinds == ["author", "outlet", "outlet", "anonymous"]
    assert approve.modality == "hedged"  # "may still approve"


def test_claimed_call_is_denied_by_the_kremlin(
    seed_text: str, doc: Doc, quotes: list[Quote], actors: list[ActorMention]
) -> None:
    spoke = _event(seed_text, "spoke with Vladimir Putin")
    escalate = _event(seed_text, "escalate the war", modality="negated")
    attribute_events(doc, [spoke, escalate], quotes, actors)
    assert spoke.modality == "denied"
    assert spoke.attribution.speaker is not None and spoke.attribution.speaker.code == "RUSGOV"
    assert escalate.modality == "negated"  # set by the Events stage from the clause itself: kept


def test_claim_and_quote_modality(seed_text: str, doc: Doc, quotes: list[Quote], actors: list[ActorMention]) -> None:
    pushed = _event(seed_text, "pushed out the door")
    launched = _event(seed_text, "launched a total")
    future = _event(seed_text, "withhold funding", modality="future")
    attribute_events(doc, [pushed, launched, future], quotes, actors)
    assert pushed.modality == "reported"
    assert pushed.attribution.speaker is not None and pushed.attribution.speaker.code == "USAGOV"
    assert [link.kind for link in pushed.attribution.chain] == ["author", "person"]
    assert launched.attribution.speaker is not None and launched.attribution.speaker.code == "UKRGOV"
    assert future.modality == "future"


def test_events_outside_quotes_are_untouched(
    seed_text: str, doc: Doc, quotes: list[Quote], actors: list[ActorMention]
) -> None:
    held = _event(seed_text, "held calls")
    attribute_events(doc, [held], quotes, actors)
    assert held.modality == "asserted" and held.attribution.speaker is None and held.attribution.chain == []


def test_author_voice_framing(doc: Doc, quotes: list[Quote]) -> None:
    flags = find_framing(doc, quotes)
    author = {f.text for f in flags if f.voice == "author"}
    for expected in ["lame-duck", "Democrat-aligned", "Islamist regime", "Houthi terrorists", "bedevilling"]:
        assert expected in author
    assert "left-wing governments" in author
    blinken = next(q for q in quotes if q.content.text.startswith("“President Biden has committed"))
    assert not [f for f in flags if blinken.content.start <= f.start < blinken.content.end]
    assert all(f.rule.startswith("framing:") for f in flags)
    assert len(flags) <= 8, "precision over recall: only the loaded words of the seed are flagged"


def test_real_actor_and_event_stages_end_to_end(seed_text: str) -> None:
    """With the Actors and Events stages themselves, the seed's key attributions still hold."""
    from newstrace import actors as actor_stage
    from newstrace import events as event_stage
    from newstrace.pipeline import get_nlp

    parsed = get_nlp()(seed_text)
    found_actors, _ = actor_stage.find_actors(parsed, None)
    found_quotes = find_quotes(parsed, found_actors)
    blinken = next(q for q in found_quotes if q.content.text.startswith("“President Biden has committed"))
    assert blinken.speaker is not None and (blinken.speaker.code or "").startswith("USA")
    g7 = next(q for q in found_quotes if "as long as it takes" in q.content.text and q.kind == "partial")
    assert g7.speaker is not None and (g7.speaker.code or "").startswith("IGO")
    coded = event_stage.code_events(parsed, found_actors)
    attribute_events(parsed, coded, found_quotes, found_actors)
    chains = [[link.kind for link in e.attribution.chain] for e in coded if e.attribution.chain]
    assert ["author", "outlet", "outlet", "anonymous"] in chains
