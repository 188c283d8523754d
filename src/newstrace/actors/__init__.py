"""Actors: who does and says things in a news article, coded CAMEO-style (RUSGOV, UKRMIL, IGOG7, USAMED).

``configure(nlp)`` adds the gazetteer EntityRuler before the statistical NER so that curated names win
(the small model calls Kyiv a PERSON); ``find_actors(doc, published)`` then codes every mention, using the
publication date for office holders' roles. ``actor_at`` lets later stages map a token span to the actor
covering it, so events, quotes and attribution agree on who is who.
"""

from __future__ import annotations

from spacy.language import Language

from newstrace.actors.gazetteer import load
from newstrace.actors.resolve import find_actors
from newstrace.records import ActorMention

RULER_NAME = "newstrace_actor_ruler"

__all__ = ["RULER_NAME", "actor_at", "configure", "find_actors"]


def configure(nlp: Language) -> None:
    """Add the gazetteer EntityRuler before "ner" (idempotent: a second call changes nothing)."""
    if RULER_NAME in nlp.pipe_names:
        return
    where = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    ruler = nlp.add_pipe("entity_ruler", name=RULER_NAME, config={"overwrite_ents": True, "validate": False}, **where)
    # Phrase patterns only need the tokenizer; without this spaCy runs the tagger and parser over every name.
    with nlp.select_pipes(enable=[RULER_NAME]):
        ruler.add_patterns(load().patterns())  # type: ignore[attr-defined]


def actor_at(actors: list[ActorMention], start_char: int, end_char: int) -> ActorMention | None:
    """The actor mention for a character span: the smallest mention covering it, else the largest inside it.

    Events and quotes find their source/speaker as a token or a phrase; this keeps them coded exactly as the
    actor stage coded the same text.
    """
    covering = [a for a in actors if a.start <= start_char and end_char <= a.end]
    if covering:
        return min(covering, key=lambda a: a.end - a.start)
    inside = [a for a in actors if start_char <= a.start and a.end <= end_char]
    if inside:
        return max(inside, key=lambda a: a.end - a.start)
    return None
