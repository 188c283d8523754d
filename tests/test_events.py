"""Unit tests of the event coder with hand-built actor mentions (independent of the actor gazetteer)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from newstrace.events import code_events
from newstrace.nlp import load_model
from newstrace.records import ActorMention, Event


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_model()


def mention(text: str, sub: str, code: str, kind: str = "gpe", nth: int = 0) -> ActorMention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return ActorMention(sub, start, start + len(sub), code, code[:3], code[3:] or None, sub, kind, "test")


def code(nlp: Language, text: str, *actors: tuple) -> list[Event]:
    return code_events(nlp(text), [mention(text, *a) for a in actors])


def dyads(events: list[Event]) -> set[tuple[str | None, str | None, str, str]]:
    return {(e.source.code, e.target.code if e.target else None, e.cameo, e.plover) for e in events}


def test_active_verb(nlp: Language) -> None:
    events = code(nlp, "Russia attacked Ukraine on Saturday.", ("Russia", "RUS"), ("Ukraine", "UKR"))
    assert dyads(events) == {("RUS", "UKR", "190", "ASSAULT")}
    event = events[0]
    assert event.id == "e1" and event.sentence == 0 and event.modality == "asserted"
    assert event.trigger.text == "attacked"
    assert event.quad_class == 4 and event.goldstein == -10.0
    assert event.rule == "v.attack"


def test_offsets_point_into_the_text(nlp: Language) -> None:
    text = "Talks went on. Later, the United States urged Russia to withdraw its troops from Ukraine."
    events = code(nlp, text, ("United States", "USA"), ("Russia", "RUS"), ("Ukraine", "UKR"))
    assert events
    for event in events:
        assert text[event.trigger.start : event.trigger.end] == event.trigger.text
        assert text[event.source.start : event.source.end] == event.source.text
        assert event.evidence.start <= event.trigger.start < event.trigger.end <= event.evidence.end
        assert event.sentence == 1


def test_passive_with_agent(nlp: Language) -> None:
    events = code(nlp, "Ukraine was attacked by Russia.", ("Russia", "RUS"), ("Ukraine", "UKR"))
    assert dyads(events) == {("RUS", "UKR", "190", "ASSAULT")}


def test_coordinated_sources_give_one_event_per_pair(nlp: Language) -> None:
    text = "The US, Russia, and Switzerland met yesterday."
    events = code(nlp, text, ("US", "USA"), ("Russia", "RUS"), ("Switzerland", "CHE"))
    pairs = {(e.source.code, e.target.code) for e in events}
    assert len(pairs) == 6 and ("RUS", "CHE") in pairs and ("CHE", "USA") in pairs
    assert {e.plover for e in events} == {"CONSULT"}


def test_coordinated_targets(nlp: Language) -> None:
    text = "Pakistan threatened to break off diplomatic relations with Congo and Costa Rica."
    events = code(nlp, text, ("Pakistan", "PAK"), ("Congo", "COG"), ("Costa Rica", "CRI"))
    assert {(e.source.code, e.target.code) for e in events} == {("PAK", "COG"), ("PAK", "CRI")}
    assert {e.plover for e in events} == {"THREATEN"}
    assert {e.cameo for e in events} == {"1313"}


def test_light_verb_nouns(nlp: Language) -> None:
    text = "Students staged demonstrations against the government of Indonesia."
    events = code(nlp, text, ("Students", "IDNEDU", "group"), ("government of Indonesia", "IDNGOV", "org"))
    assert dyads(events) == {("IDNEDU", "IDNGOV", "141", "PROTEST")}
    assert events[0].trigger.text == "staged demonstrations"
    events = code(nlp, "Chirac issued an ultimatum to Iraq.", ("Chirac", "FRAGOV", "person"), ("Iraq", "IRQ"))
    assert dyads(events) == {("FRAGOV", "IRQ", "139", "THREATEN")}


def test_possessive_source_and_prepositional_target(nlp: Language) -> None:
    text = "Russia's attack on Ukraine was condemned."
    events = code(nlp, text, ("Russia", "RUS"), ("Ukraine", "UKR"))
    assert ("RUS", "UKR", "190", "ASSAULT") in dyads(events)


def test_target_inside_a_phrase(nlp: Language) -> None:
    text = "Ukraine will use the missiles to strike targets within Russia."
    events = code(nlp, text, ("Ukraine", "UKR"), ("Russia", "RUS"))
    assert ("UKR", "RUS", "190", "ASSAULT") in dyads(events)


def test_appeal_is_coded_from_its_complement(nlp: Language) -> None:
    text = "The United States urged Russia to withdraw its troops."
    events = code(nlp, text, ("United States", "USA"), ("Russia", "RUS"))
    assert dyads(events) == {("USA", "RUS", "0256", "REQUEST")}
    assert events[0].rule == "v.appeal:compose"


def test_intent_and_refusal(nlp: Language) -> None:
    events = code(nlp, "Israel and Jordan have agreed to cooperate.", ("Israel", "ISR"), ("Jordan", "JOR"))
    assert {e.plover for e in events} == {"AGREE"} and {e.source.code for e in events} == {"ISR", "JOR"}
    text = "Obama said he would not provide support to Israel."
    events = code(nlp, text, ("Obama", "USAGOV", "person"), ("Israel", "ISR"))
    assert dyads(events) == {("USAGOV", "ISR", "122", "REJECT")}


def test_will_give_is_a_promise(nlp: Language) -> None:
    text = "Finland will give Tanzania a grant of 580 million shillings."
    events = code(nlp, text, ("Finland", "FIN"), ("Tanzania", "TZA"))
    assert ("FIN", "TZA", "0331", "AGREE") in dyads(events)
    assert {e.modality for e in events if e.plover == "AGREE"} == {"asserted"}


def test_must_under_a_reporting_verb_is_a_demand(nlp: Language) -> None:
    text = "The Bush administration declared that China must drop barriers to exports."
    events = code(nlp, text, ("Bush administration", "USAGOV", "org"), ("China", "CHN"))
    assert dyads(events) == {("USAGOV", "CHN", "100", "REQUEST")}


def test_reported_attack_is_also_an_accusation(nlp: Language) -> None:
    text = "Ukraine said Russia attacked Kharkiv."
    events = code(nlp, text, ("Ukraine", "UKR"), ("Russia", "RUS"))
    by_plover = {e.plover: e for e in events}
    assert by_plover["ASSAULT"].modality == "reported"
    assert (by_plover["ACCUSE"].source.code, by_plover["ACCUSE"].target.code) == ("UKR", "RUS")


def test_pronoun_subject_resolves_to_the_speaker(nlp: Language) -> None:
    text = "Israel announced it would free 150 Palestinian prisoners."
    events = code(nlp, text, ("Israel", "ISR"), ("Palestinian", "PSE"))
    assert dyads(events) == {("ISR", "PSE", "0353", "AGREE")}


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("Russia attacked Ukraine.", "asserted"),
        ("Officials said Russia attacked Ukraine.", "reported"),
        ("According to officials, Russia attacked Ukraine.", "reported"),
        ("Russia reportedly attacked Ukraine.", "hedged"),
        ("Russia may attack Ukraine.", "hedged"),
        ("Russia is said to have attacked Ukraine.", "hedged"),
        ("Russia will attack Ukraine next week.", "future"),
        ("Russia is expected to attack Ukraine.", "future"),
        ("Russia plans to attack Ukraine.", "future"),
        ("Russia did not attack Ukraine.", "negated"),
        ("Russia never attacked Ukraine.", "negated"),
        ("If Russia attacks Ukraine, the alliance will respond.", "hypothetical"),
        ("Russia would attack Ukraine.", "hypothetical"),
        ("Moscow denied that Russia attacked Ukraine.", "denied"),
        ("Russia denied attacking Ukraine.", "denied"),
        ("Russia never attacked Ukraine, officials insisted.", "negated"),
    ],
)
def test_modality(nlp: Language, text: str, modality: str) -> None:
    actors = [("Russia", "RUS"), ("Ukraine", "UKR")]
    events = [e for e in code(nlp, text, *actors) if e.plover == "ASSAULT"]
    assert events, text
    assert events[0].modality == modality


def test_later_denial_marks_the_event(nlp: Language) -> None:
    text = "Reports claimed that Trump spoke with Putin. The Kremlin has denied the call took place."
    events = code(nlp, text, ("Trump", "USA", "person"), ("Putin", "RUSGOV", "person"), ("Kremlin", "RUSGOV", "org"))
    consult = [e for e in events if e.plover == "CONSULT"]
    assert consult and {e.modality for e in consult} == {"denied"}


def test_symmetric_meeting_needs_two_parties(nlp: Language) -> None:
    events = code(nlp, "Blinken spoke from Brussels on Wednesday.", ("Blinken", "USAGOV", "person"))
    assert events == []


def test_no_actor_no_event(nlp: Language) -> None:
    assert code_events(nlp("Insurgents attacked the town."), []) == []


def test_trailing_attribution_turns_would_into_a_threat(nlp: Language) -> None:
    text = "Israel would retaliate against Iran, Netanyahu warned."
    events = code(nlp, text, ("Israel", "ISR"), ("Iran", "IRN"), ("Netanyahu", "ISRGOV", "person"))
    assert dyads(events) == {("ISRGOV", "IRN", "138", "THREATEN")}
    assert events[0].modality == "asserted" and events[0].rule == "v.attack:intent"


def test_receiving_from_is_the_giver_acting(nlp: Language) -> None:
    text = "Georgian demonstrators received weapons from the Georgian government."
    events = code(
        nlp,
        text,
        ("Georgian demonstrators", "GEOOPP", "group"),
        ("Georgian government", "GEOGOV", "org"),
    )
    assert dyads(events) == {("GEOGOV", "GEOOPP", "072", "AID")}


def test_wanting_someone_else_to_act_is_an_appeal(nlp: Language) -> None:
    text = "Obama wants Putin to attack Switzerland."
    events = code(nlp, text, ("Obama", "USAGOV", "person"), ("Putin", "RUSGOV", "person"), ("Switzerland", "CHE"))
    assert [(e.source.code, e.target.code, e.plover) for e in events] == [("USAGOV", "RUSGOV", "REQUEST")]
