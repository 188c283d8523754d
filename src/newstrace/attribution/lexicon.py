"""Load the attribution lexicons (reporting cues, hedges, source types, framing) from the package data files.

The lists are data, not code, so they can be reviewed and versioned on their own; each loader validates the
schema so a broken edit fails at import in the tests rather than silently matching nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

MODALITIES = frozenset({"reported", "hedged", "denied", "asserted"})
TAKES = frozenset({"clause", "inf", "np", "np+"})
#: What an attitude adjective can take besides prepositions: a that-clause or an infinitive ("sure that", "willing to").
ADJECTIVE_COMPLEMENTS = frozenset({"clause", "inf"})
FRAMING_CATEGORIES = frozenset({"loaded-label", "evaluative", "scare-quote", "intensifier"})
EXTENDS = frozenset({"head", "modifiers"})


class LexiconError(ValueError):
    """A data file does not follow its schema."""


@dataclass(frozen=True, slots=True)
class Cue:
    lemma: str
    cls: str
    modality: str
    takes: frozenset[str]


@dataclass(frozen=True, slots=True)
class FramingTerm:
    term: str
    category: str
    extend: str | None
    pos: str | None
    named: bool = False


@dataclass(frozen=True, slots=True)
class Lexicon:
    verbs: dict[str, Cue]
    prep_verbs: dict[str, frozenset[str]]
    nouns: dict[str, Cue]
    noun_preps: dict[str, frozenset[str]]
    adjectives: dict[str, frozenset[str]]
    adverbs: dict[str, str]
    citing: frozenset[str]
    nested_classes: frozenset[str]
    fillers: frozenset[str]
    hedges: frozenset[str]
    anonymous_heads: dict[str, str | None]
    anonymous_modifiers: frozenset[str]
    document_heads: frozenset[str]
    outlet_heads: frozenset[str]
    outlet_names: frozenset[str]
    official_roles: frozenset[str]
    framing_terms: tuple[FramingTerm, ...]
    framing_lemmas: dict[str, FramingTerm]


def _read(name: str) -> dict[str, Any]:
    text = resources.files("newstrace.attribution").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("version"), int):
        raise LexiconError(f"{name}: expected a mapping with an integer `version`")
    return data


def _strings(name: str, key: str, value: Any) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise LexiconError(f"{name}: `{key}` must be a list of non-empty strings")
    return frozenset(v.lower() for v in value)


def _cues(
    data: dict[str, Any],
) -> tuple[dict[str, Cue], dict[str, frozenset[str]], dict[str, Cue], dict[str, str]]:
    classes = data.get("classes")
    if not isinstance(classes, dict) or not set(classes.values()) <= MODALITIES:
        raise LexiconError(f"cues.yaml: `classes` must map class -> one of {sorted(MODALITIES)}")
    verbs: dict[str, Cue] = {}
    for lemma, spec in (data.get("verbs") or {}).items():
        if not isinstance(spec, dict) or spec.get("class") not in classes:
            raise LexiconError(f"cues.yaml: verb {lemma!r} needs a known `class`")
        takes = frozenset(spec.get("takes") or [])
        if not takes or not takes <= TAKES:
            raise LexiconError(f"cues.yaml: verb {lemma!r} `takes` must be a non-empty subset of {sorted(TAKES)}")
        verbs[lemma] = Cue(lemma, spec["class"], classes[spec["class"]], takes)
    preps = {k: _strings("cues.yaml", f"prep_verbs.{k}", v) for k, v in (data.get("prep_verbs") or {}).items()}
    nouns: dict[str, Cue] = {}
    for lemma, cls in (data.get("nouns") or {}).items():
        if cls not in classes:
            raise LexiconError(f"cues.yaml: noun {lemma!r} needs a known class")
        nouns[lemma] = Cue(lemma, cls, classes[cls], frozenset({"clause"}))
    adverbs = data.get("adverbs") or {}
    if not isinstance(adverbs, dict) or not set(adverbs.values()) <= MODALITIES:
        raise LexiconError("cues.yaml: `adverbs` must map adverb -> modality")
    return verbs, preps, nouns, adverbs


def _nested_classes(data: dict[str, Any]) -> frozenset[str]:
    classes = _strings("cues.yaml", "nested_classes", data.get("nested_classes"))
    if not classes <= set(data.get("classes") or {}):
        raise LexiconError("cues.yaml: `nested_classes` must name classes from `classes`")
    return classes


def _stances(data: dict[str, Any]) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """``noun_preps`` (noun -> prepositions) and ``adjectives`` (adjective -> prepositions, clause, inf)."""
    nouns = {k: _strings("cues.yaml", f"noun_preps.{k}", v) for k, v in (data.get("noun_preps") or {}).items()}
    adjectives = {k: _strings("cues.yaml", f"adjectives.{k}", v) for k, v in (data.get("adjectives") or {}).items()}
    for lemma, takes in adjectives.items():
        words = {t for t in takes if t not in ADJECTIVE_COMPLEMENTS}
        if not all(w.isalpha() for w in words):
            raise LexiconError(f"cues.yaml: adjective {lemma!r} takes prepositions, 'clause' or 'inf' only")
    return nouns, adjectives


def _framing(data: dict[str, Any]) -> tuple[tuple[FramingTerm, ...], dict[str, FramingTerm]]:
    terms: list[FramingTerm] = []
    for entry in data.get("terms") or []:
        if not isinstance(entry, dict) or not entry.get("term") or entry.get("category") not in FRAMING_CATEGORIES:
            raise LexiconError(f"framing.yaml: bad term entry {entry!r}")
        if entry.get("extend") not in (None, *EXTENDS):
            raise LexiconError(f"framing.yaml: bad `extend` in {entry!r}")
        terms.append(
            FramingTerm(
                entry["term"].lower(),
                entry["category"],
                entry.get("extend"),
                entry.get("pos"),
                bool(entry.get("named")),
            )
        )
    lemmas: dict[str, FramingTerm] = {}
    for entry in data.get("lemmas") or []:
        if not isinstance(entry, dict) or not entry.get("lemma") or entry.get("category") not in FRAMING_CATEGORIES:
            raise LexiconError(f"framing.yaml: bad lemma entry {entry!r}")
        lemmas[entry["lemma"].lower()] = FramingTerm(entry["lemma"].lower(), entry["category"], None, entry.get("pos"))
    return tuple(terms), lemmas


@cache
def load() -> Lexicon:
    """All attribution lexicons, read once per process."""
    cues = _read("cues.yaml")
    verbs, preps, nouns, adverbs = _cues(cues)
    noun_preps, adjectives = _stances(cues)
    hedges = _read("hedges.yaml")
    sources = _read("sources.yaml")
    anon = sources.get("anonymous_heads")
    if not isinstance(anon, dict):
        raise LexiconError("sources.yaml: `anonymous_heads` must map noun -> role or null")
    terms, lemmas = _framing(_read("framing.yaml"))
    return Lexicon(
        verbs=verbs,
        prep_verbs=preps,
        nouns=nouns,
        noun_preps=noun_preps,
        adjectives=adjectives,
        adverbs=adverbs,
        citing=_strings("cues.yaml", "citing", cues.get("citing")),
        nested_classes=_nested_classes(cues),
        fillers=_strings("cues.yaml", "fillers", cues.get("fillers")),
        hedges=_strings("hedges.yaml", "words", hedges.get("words")),
        anonymous_heads={str(k).lower(): v for k, v in anon.items()},
        anonymous_modifiers=_strings("sources.yaml", "anonymous_modifiers", sources.get("anonymous_modifiers")),
        document_heads=_strings("sources.yaml", "document_heads", sources.get("document_heads")),
        outlet_heads=_strings("sources.yaml", "outlet_heads", sources.get("outlet_heads")),
        outlet_names=_strings("sources.yaml", "outlet_names", sources.get("outlet_names")),
        official_roles=frozenset(
            r.upper() for r in _strings("sources.yaml", "official_roles", sources.get("official_roles"))
        ),
        framing_terms=terms,
        framing_lemmas=lemmas,
    )
