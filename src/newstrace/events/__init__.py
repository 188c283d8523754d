"""Event coding: CAMEO and PLOVER 2.0 events with modality, evidence span and rule (issue 6).

``code_events(doc, actors)`` is the stage function: a parsed ``Doc`` and the actor mentions of
``newstrace.actors.find_actors`` in, ``Event`` records out. The verb/noun patterns, the CAMEO table (quad class,
Goldstein score, PLOVER category and mode) and the modality cues are data files in ``data/``.
"""

from __future__ import annotations

from spacy.tokens import Doc
from spacy.vocab import Vocab

from newstrace.events.coder import EventCoder
from newstrace.events.lexicon import CameoCode, load_lexicon
from newstrace.records import ActorMention, Event

__all__ = ["CameoCode", "EventCoder", "cameo_info", "code_events", "coder_for"]

_CODERS: dict[int, tuple[Vocab, EventCoder]] = {}


def coder_for(vocab: Vocab) -> EventCoder:
    """One compiled coder per spaCy vocabulary (the Matcher is bound to it)."""
    entry = _CODERS.get(id(vocab))
    if entry is None or entry[0] is not vocab:
        entry = (vocab, EventCoder(vocab))
        _CODERS[id(vocab)] = entry
    return entry[1]


def code_events(doc: Doc, actors: list[ActorMention]) -> list[Event]:
    """Who did what to whom in ``doc``; every event has a source actor, a trigger, evidence and a rule id."""
    return coder_for(doc.vocab).code(doc, actors)


def cameo_info(code: str) -> CameoCode | None:
    """Name, quad class, Goldstein score and PLOVER category of a CAMEO code (or its nearest ancestor)."""
    return load_lexicon().lookup(code)
