"""Event time and place: the time expression and the place that the event's own clause governs.

An expression belongs to an event when, walking up the dependency tree from the expression, the first verb
reached is the event's clause verb (the trigger, or the verb a nominal trigger like "attack" hangs from), possibly
through a participle clause attached to it ("Speaking from Brussels on Wednesday, Blinken said..."). A
relative clause introduced by "where" takes the place it modifies ("the Kursk region, where Ukraine launched an
incursion"). Anything else in the sentence belongs to another clause and is not attached: no guessing from mere
proximity.

An event whose clause governs no time expression is dated by the publication date, marked as such (the issue's
"the time expression governing the event's clause, else the publication date marked as such, else null"): a
``TimeExpr`` with ``value`` the ISO publication date, ``anchor = "publication"`` and a ``rule`` starting with
``publication-date``. It says "reported by then", so it is given only to events the text presents as having
happened (modality asserted, reported or hedged): a future, hypothetical, negated or denied event has no date of
occurrence to fall back to and keeps ``time = None``, as does every event when the publication date is unknown.
Provenance: when the text opens with a dateline whose value is the publication date ("KYIV, Nov 17 (Reuters) -",
"WASHINGTON (AP) — November 17, 2024 —": a date in the first 200 characters followed by a parenthesis, a dash or a
line break), the fallback carries that expression's text and offsets (``rule = "publication-date+dateline"``), and
the dateline is never attached as a governed time. Otherwise the date is not in the text at all, and the fallback
has ``text = ""``, ``start = end = -1`` (never a valid offset, so nothing highlights or slices it) and
``rule = "publication-date"``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TypeVar

from spacy.tokens import Doc, Span, Token

from newstrace.records import Event, Place, TimeExpr
from newstrace.timeplace.places import prepositions

_Item = TypeVar("_Item", TimeExpr, Place)
#: Modalities of events the text presents as having happened: only these are dated by the publication date.
_HAPPENED = frozenset({"asserted", "reported", "hedged"})
#: A dateline starts within this many characters of the text and is followed by one of ``_DATELINE_NEXT``.
_DATELINE_CHARS = 200
_DATELINE_NEXT = ("(", "-", "—", "–", "\n")
_VERBAL = ("VERB", "AUX")
#: Participle and adverbial clauses that describe the circumstances of their head clause's event.
_CIRCUMSTANTIAL = ("advcl",)


def _clause_verb(token: Token) -> Token:
    """The verb heading the clause ``token`` is in (``token`` itself when it is a verb)."""
    while token.pos_ not in _VERBAL and token.head.i != token.i:
        if token.dep_ in ("relcl", "acl") and token.pos_ in _VERBAL:
            break
        token = token.head
    return token


def _governed_by(root: Token, anchor: Token, trigger: Span) -> bool:
    """Whether the expression rooted at ``root`` modifies the event's clause headed by ``anchor``."""
    if trigger.start <= root.i < trigger.end:
        return False
    token = root
    while token.head.i != token.i:
        token = token.head
        if trigger.start <= token.i < trigger.end:
            return True  # inside the trigger phrase's own subtree ("the attack on Saturday")
        if token.pos_ in _VERBAL:
            while token.i != anchor.i and token.dep_ in _CIRCUMSTANTIAL and token.tag_ in ("VBG", "VBN"):
                token = token.head
            return token.i == anchor.i
    return False


def _locative(root: Token) -> bool:
    """A place is where the event happens only as the object of a locative preposition (or a conjunct of one):
    "Zelensky said" or "the G7 nations of Canada" name places that are not the event's location."""
    while root.dep_ == "conj":
        root = root.head
    return root.dep_ == "pobj" and root.head.lower_ in prepositions()["event_place"]


def _where_clause_place(anchor: Token, places_by_token: dict[int, Place]) -> Place | None:
    """ "the Kursk region, where Ukraine launched...": the noun a "where" relative clause modifies."""
    if anchor.dep_ == "relcl" and any(c.lower_ == "where" for c in anchor.children):
        noun = anchor.head
        # "the Kursk region of Russia, where...": the region, not the country that qualifies it.
        if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.i in places_by_token:
            noun = noun.head.head
        return places_by_token.get(noun.i)
    return None


def _index(doc: Doc, items: list[_Item]) -> list[tuple[Span, _Item]]:
    out: list[tuple[Span, _Item]] = []
    for item in items:
        span = doc.char_span(item.start, item.end, alignment_mode="expand")
        if span is not None:
            out.append((span, item))
    return out


def attach(
    events: list[Event], times: list[TimeExpr], places: list[Place], doc: Doc, published: dt.date | None
) -> None:
    """Set ``event.time`` and ``event.place`` in place for every event whose clause governs one; an event that has
    happened and whose clause governs no time gets the publication date (see the module docstring)."""
    fallback = _publication_time(times, doc, published)
    # A dateline dates the report, not the clause the parser hangs it on: it only ever serves as the fallback.
    dateline = (fallback.start, fallback.end) if fallback is not None and fallback.start >= 0 else None
    time_spans = [(s, t) for s, t in _index(doc, times) if (t.start, t.end) != dateline]
    place_spans = [(s, p) for s, p in _index(doc, places) if not p.rule.endswith("+demonym")]
    places_by_token: dict[int, Place] = {}
    for span, place in place_spans:
        for tok in span:
            places_by_token[tok.i] = place
    for event in events:
        trigger = doc.char_span(event.trigger.start, event.trigger.end, alignment_mode="expand")
        if trigger is None:
            continue
        anchor = _clause_verb(trigger.root)
        sentence = trigger.root.sent
        participants = [(p.start, p.end) for p in (event.source, event.target) if p is not None]
        event.time = _closest(
            [(s, t) for s, t in time_spans if s.sent == sentence and _governed_by(s.root, anchor, trigger)],
            trigger,
        )
        if event.time is None and fallback is not None and event.modality in _HAPPENED:
            event.time = replace(fallback)
        governed_places = [
            (s, p)
            for s, p in place_spans
            if s.sent == sentence
            and _locative(s.root)
            and _governed_by(s.root, anchor, trigger)
            and not any(p.start < end and start < p.end for start, end in participants)
        ]
        place = _closest(governed_places, trigger)
        event.place = place if place is not None else _where_clause_place(anchor, places_by_token)


def _publication_time(times: list[TimeExpr], doc: Doc, published: dt.date | None) -> TimeExpr | None:
    """The publication date as an event time: the dateline that states it, else a span-less expression."""
    if published is None:
        return None
    value = published.isoformat()
    text = doc.text  # a property that joins every token: once, not once per time expression
    for time in times:
        after = text[time.end : time.end + 3].lstrip(" ,")
        if time.value == value and time.start < _DATELINE_CHARS and after.startswith(_DATELINE_NEXT):
            return TimeExpr(time.text, time.start, time.end, "DATE", value, "publication", "publication-date+dateline")
    return TimeExpr("", -1, -1, "DATE", value, "publication", "publication-date")


def _closest(found: list[tuple[Span, _Item]], trigger: Span) -> _Item | None:
    if not found:
        return None
    return min(found, key=lambda pair: min(abs(pair[0].start - trigger.start), abs(pair[0].end - trigger.end)))[1]
