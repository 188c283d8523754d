"""The event coder's data files, loaded once and checked.

All coding knowledge (which verb or noun in which frame means which CAMEO code, what a CAMEO code's PLOVER
category, quad class and Goldstein score are, and which words signal modality) lives in ``data/`` so that it can
be reviewed and extended without touching the coder. Loading validates the files: a predicate that names an
unknown CAMEO code or an unknown field fails loudly at import rather than silently never firing.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).parent / "data"

PLOVER_CATEGORIES = frozenset(
    {
        "AGREE",
        "CONSULT",
        "SUPPORT",
        "CONCEDE",
        "COOPERATE",
        "AID",
        "RETREAT",
        "REQUEST",
        "ACCUSE",
        "REJECT",
        "THREATEN",
        "PROTEST",
        "SANCTION",
        "MOBILIZE",
        "COERCE",
        "ASSAULT",
    }
)
COMPOSE_FAMILIES = frozenset({"appeal", "intent", "demand", "reject", "threaten"})
PREDICATE_FIELDS = frozenset(
    {
        "id",
        "pos",
        "lemmas",
        "cameo",
        "prep",
        "decision",
        "theme",
        "objects",
        "compose",
        "complement",
        "symmetric",
        "targets",
        "target",
        "inverse",
        "person",
        "mode",
    }
)
MODALITY_KEYS = frozenset(
    {
        "version",
        "reporting_verbs",
        "reporting_nouns",
        "hedge_words",
        "hedge_modals",
        "hedge_raising",
        "future_aux",
        "future_governors",
        "future_time_heads",
        "future_time_words",
        "negation_words",
        "negating_governors",
        "conditional_marks",
        "hypothetical_aux",
        "denial_verbs",
    }
)


class LexiconError(ValueError):
    """A data file does not follow its schema."""


@dataclass(frozen=True, slots=True)
class CameoCode:
    code: str
    name: str
    quad_class: int
    goldstein: float
    plover: str | None
    plover_mode: str | None


@dataclass(frozen=True, slots=True)
class Predicate:
    id: str
    pos: str
    lemmas: tuple[str, ...]
    cameo: str
    prep: str | None = None
    objects: frozenset[str] = frozenset()
    compose: str | None = None
    complement_required: bool = False
    complement_forbidden: bool = False
    complement_coded: bool = False
    symmetric: bool = False
    targets: tuple[str, ...] | None = None
    target_required: bool = False
    target_place: bool = False
    inverse: bool = False
    person_cameo: str | None = None
    mode: str | None = None
    #: the verb reports a decision ("agreed to impose sanctions"): a hostile complement is coded as itself
    decision: bool = False
    #: the direct object is the thing given or withheld ("sent American missiles to Ukraine"), so an actor that
    #: only modifies it is its maker or owner, not the target
    theme: bool = False

    @property
    def specificity(self) -> int:
        """More satisfied conditions = a more specific reading ("lift sanctions" beats "lift")."""
        return 2 * bool(self.prep) + 2 * bool(self.objects) + bool(self.compose)


@dataclass(frozen=True, slots=True)
class Lexicon:
    version: str
    cameo: dict[str, CameoCode]
    by_key: dict[tuple[str, str], tuple[Predicate, ...]]
    light_verbs: frozenset[str]
    support_nouns: frozenset[str]
    purpose_verbs: frozenset[str]
    speech_nouns: frozenset[str]
    stative_passives: frozenset[str]
    verb_targets: tuple[str, ...]
    theme_targets: tuple[str, ...]
    domestic_targets: dict[str, str]
    noun_targets: tuple[str, ...]
    noun_sources: tuple[str, ...]
    categories: dict[str, str]
    families: dict[str, dict[str, str]]
    modality: dict[str, frozenset[str]]

    def predicates(self, pos: str, lemma: str) -> tuple[Predicate, ...]:
        return self.by_key.get((pos, lemma), ())

    def lookup(self, code: str) -> CameoCode | None:
        """The code itself, else its nearest listed ancestor (a 4-digit code missing from the table)."""
        while code:
            found = self.cameo.get(code)
            if found is not None:
                return found
            code = code[:-1] if len(code) > 2 else ""
        return None

    def category(self, code: str) -> str | None:
        """The complement category of a code (longest matching prefix in ``composition.categories``)."""
        for length in range(len(code), 1, -1):
            found = self.categories.get(code[:length])
            if found is not None:
                return found
        return None


def _words(raw: Any, what: str) -> frozenset[str]:
    if not isinstance(raw, list) or not all(isinstance(w, str) and w for w in raw):
        raise LexiconError(f"{what} must be a list of non-empty strings")
    return frozenset(w.lower() for w in raw)


def load_cameo(path: Path = DATA / "cameo.tsv") -> dict[str, CameoCode]:
    table: dict[str, CameoCode] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            code = row["code"]
            if not (code.isdigit() and 2 <= len(code) <= 4 and 1 <= int(code[:2]) <= 20):
                raise LexiconError(f"cameo.tsv: bad code {code!r}")
            plover = None if row["plover"] == "-" else row["plover"]
            if plover is not None and plover not in PLOVER_CATEGORIES:
                raise LexiconError(f"cameo.tsv: {code} has unknown PLOVER category {plover!r}")
            table[code] = CameoCode(
                code=code,
                name=row["name"],
                quad_class=int(row["quad_class"]),
                goldstein=float(row["goldstein"]),
                plover=plover,
                plover_mode=None if row["plover_mode"] == "-" else row["plover_mode"],
            )
    return table


def _predicate(raw: dict[str, Any], cameo: dict[str, CameoCode]) -> Predicate:
    unknown = set(raw) - PREDICATE_FIELDS
    pid = raw.get("id")
    if unknown:
        raise LexiconError(f"predicate {pid}: unknown fields {sorted(unknown)}")
    if not isinstance(pid, str) or raw.get("pos") not in ("verb", "noun", "adj"):
        raise LexiconError(f"predicate {pid}: needs an id and pos verb|noun|adj")
    code = str(raw.get("cameo", ""))
    if code not in cameo:
        raise LexiconError(f"predicate {pid}: CAMEO code {code!r} is not in cameo.tsv")
    if cameo[code].plover is None:
        raise LexiconError(f"predicate {pid}: CAMEO code {code} has no PLOVER category")
    compose = raw.get("compose")
    if compose is not None and compose not in COMPOSE_FAMILIES:
        raise LexiconError(f"predicate {pid}: unknown compose family {compose!r}")
    complement = raw.get("complement", "required" if compose else "optional")
    allowed = ("required", "optional", "coded") if compose else ("optional", "none")
    if complement not in allowed:
        raise LexiconError(f"predicate {pid}: complement must be one of {allowed}")
    targets = raw.get("targets")
    if targets is not None:
        _words(targets, f"predicate {pid} targets")
    if raw.get("target", "optional") not in ("required", "optional", "place"):
        raise LexiconError(f"predicate {pid}: target must be required|optional|place")
    return Predicate(
        id=pid,
        pos=raw["pos"],
        lemmas=tuple(sorted(_words(raw.get("lemmas"), f"predicate {pid} lemmas"))),
        cameo=code,
        prep=raw.get("prep"),
        objects=_words(raw["objects"], f"predicate {pid} objects") if "objects" in raw else frozenset(),
        compose=compose,
        complement_required=compose is not None and complement in ("required", "coded"),
        complement_coded=complement == "coded",
        complement_forbidden=complement == "none",
        symmetric=bool(raw.get("symmetric", False)),
        targets=tuple(targets) if targets is not None else None,
        target_required=raw.get("target") in ("required", "place"),
        target_place=raw.get("target") == "place",
        inverse=bool(raw.get("inverse", False)),
        person_cameo=_person_code(raw, pid, cameo),
        mode=raw.get("mode"),
        decision=bool(raw.get("decision", False)),
        theme=bool(raw.get("theme", False)),
    )


def _person_code(raw: dict[str, Any], pid: str, cameo: dict[str, CameoCode]) -> str | None:
    code = raw.get("person")
    if code is not None and str(code) not in cameo:
        raise LexiconError(f"predicate {pid}: person code {code!r} is not in cameo.tsv")
    return None if code is None else str(code)


@cache
def load_lexicon() -> Lexicon:
    """Read and validate ``cameo.tsv``, ``predicates.yaml`` and ``modality.yaml`` (once per process)."""
    cameo = load_cameo()
    raw = yaml.safe_load((DATA / "predicates.yaml").read_text(encoding="utf-8"))
    seen: set[str] = set()
    by_key: dict[tuple[str, str], list[Predicate]] = defaultdict(list)
    for entry in raw["predicates"]:
        pred = _predicate(entry, cameo)
        if pred.id in seen:
            raise LexiconError(f"duplicate predicate id {pred.id}")
        seen.add(pred.id)
        for lemma in pred.lemmas:
            by_key[(pred.pos, lemma)].append(pred)
    composition = raw["composition"]
    categories = {str(k): str(v) for k, v in composition["categories"].items()}
    families = {fam: {str(k): str(v) for k, v in table.items()} for fam, table in composition["families"].items()}
    for fam, table in families.items():
        if fam not in COMPOSE_FAMILIES:
            raise LexiconError(f"composition: unknown family {fam}")
        for cat, code in table.items():
            if cat not in set(categories.values()) or code not in cameo:
                raise LexiconError(f"composition: {fam}.{cat} -> {code} is not valid")
    for prefix in categories:
        if prefix not in cameo:
            raise LexiconError(f"composition: category prefix {prefix} is not a CAMEO code")
    modality_raw = yaml.safe_load((DATA / "modality.yaml").read_text(encoding="utf-8"))
    if set(modality_raw) != MODALITY_KEYS:
        raise LexiconError(f"modality.yaml keys differ from the schema: {set(modality_raw) ^ MODALITY_KEYS}")
    modality = {key: _words(value, key) for key, value in modality_raw.items() if key != "version"}
    defaults = raw["defaults"]
    return Lexicon(
        version=str(raw["version"]),
        cameo=cameo,
        by_key={key: tuple(preds) for key, preds in by_key.items()},
        light_verbs=_words(raw["light_verbs"], "light_verbs"),
        support_nouns=_words(raw["support_nouns"], "support_nouns"),
        purpose_verbs=_words(raw["purpose_verbs"], "purpose_verbs"),
        speech_nouns=_words(raw["speech_nouns"], "speech_nouns"),
        stative_passives=_words(raw["stative_passives"], "stative_passives"),
        verb_targets=tuple(defaults["verb_targets"]),
        theme_targets=tuple(defaults["theme_targets"]),
        domestic_targets={str(k): str(v) for k, v in raw["domestic_targets"].items()},
        noun_targets=tuple(defaults["noun_targets"]),
        noun_sources=tuple(defaults["noun_sources"]),
        categories=categories,
        families=families,
        modality=modality,
    )
