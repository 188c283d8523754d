"""Evaluate event coding against the gold sets in ``../shared/research/data`` (see ``event_coding_gold.README.md``).

Two kinds of gold, chosen by file name:

* ``plover_examples.jsonl`` (CAMEO-manual sentences re-coded in PLOVER v0.5): per sentence, does some event carry
  one of the gold PLOVER categories (v0.5 labels mapped to 2.0: FIGHT→ASSAULT, DEMAND→REQUEST,
  DISAPPROVE→ACCUSE, INVESTIGATE→ACCUSE), and does some event's source carry a gold source country prefix?
  Splits: ``test`` is every 5th record (index 4, 9, ...), held out from development; ``train`` the rest.
* ``petrarch2_gsr_validation.jsonl`` / ``petrarch_validation.jsonl`` (CAMEO triples): precision/recall/F1 over
  (source country, target country, CAMEO root) triples of events that are not negated or hypothetical; gold
  ``---`` matches any country; events whose source actor has no code form no triple. Also dyad P/R/F1
  (ignoring the code) and CAMEO-root accuracy on matched dyads.
* a ``.yaml`` sentence set (``tests/data/event_sentences.yaml``: one expected event per sentence with source and
  target code prefixes, CAMEO root, PLOVER category and modality): the share of sentences where some event has the
  right dyad + root + PLOVER category, and the share where some event has the right dyad + root + modality, the
  two figures of the issue's "news sentences kept aside". No splits (it is a development proxy).

Every report carries the modality distribution of the coded events.
"""

from __future__ import annotations

import datetime as dt
import json
import pathlib
from collections import Counter
from collections.abc import Iterator
from typing import Any

import yaml
from spacy.tokens import Doc

from newstrace import actors, events, nlp
from newstrace.records import Event

#: PLOVER v0.5 labels of the gold → PLOVER 2.0.
PLOVER_V05 = {"FIGHT": "ASSAULT", "DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE"}
#: CAMEO-era or dataset-specific country prefixes in the gold → the ISO alpha-3 the actor stage uses.
GOLD_ALIASES = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM", "ROM": "ROU", "GMY": "DEU"}
#: Modalities that do not assert an event happened (excluded from triple scoring).
UNREAL = frozenset({"negated", "hypothetical"})


def _records(gold: pathlib.Path, split: str | None, limit: int | None) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    if split == "test":
        rows = [r for i, r in enumerate(rows) if i % 5 == 4]
    elif split == "train":
        rows = [r for i, r in enumerate(rows) if i % 5 != 4]
    elif split not in (None, "all"):
        raise ValueError(f"unknown split {split!r} (use train, test or all)")
    return rows[:limit] if limit is not None else rows


def _published(value: str | None) -> dt.date | None:
    if not value:
        return None
    digits = value.replace("-", "")
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def _prefix(code: str | None) -> str:
    prefix = (code or "")[:3]
    return GOLD_ALIASES.get(prefix, prefix)


def code_records(records: list[dict[str, Any]], dated: bool = True) -> Iterator[tuple[dict[str, Any], list[Event]]]:
    """Parse, find actors and code events for each gold record (one batched ``nlp.pipe``)."""
    language = nlp.load_model()
    actors.configure(language)
    docs: Iterator[Doc] = language.pipe(r.get("text") or "" for r in records)
    for record, doc in zip(records, docs, strict=True):
        found, _warnings = actors.find_actors(doc, _published(record.get("date")) if dated else None)
        yield record, events.code_events(doc, found)


def _plover(records: list[dict[str, Any]]) -> dict[str, Any]:
    n = with_event = category_hit = source_hit = both_hit = 0
    modality: Counter[str] = Counter()
    per_category: dict[str, list[int]] = {}
    # The PLOVER examples are edited, undated sentences: roles are not dated (see eval.actors).
    for record, coded in code_records(records, dated=False):
        n += 1
        gold_categories = {PLOVER_V05.get(e[2], e[2]) for e in record["expected"]}
        gold_sources = {_prefix(e[0]) for e in record["expected"] if e[0]}
        modality.update(e.modality for e in coded)
        with_event += bool(coded)
        cat = any(e.plover in gold_categories for e in coded)
        src = any(_prefix(e.source.code) in gold_sources for e in coded)
        both = any(e.plover in gold_categories and _prefix(e.source.code) in gold_sources for e in coded)
        category_hit += cat
        source_hit += src
        both_hit += both
        for category in gold_categories:
            per_category.setdefault(category, [0, 0])
            per_category[category][0] += cat
            per_category[category][1] += 1
    return {
        "n": n,
        "sentences_with_event": round(with_event / n, 3) if n else 0.0,
        "plover_category_hit": round(category_hit / n, 3) if n else 0.0,
        "source_country_hit": round(source_hit / n, 3) if n else 0.0,
        "category_and_source_hit": round(both_hit / n, 3) if n else 0.0,
        "per_category_hit": {k: round(v[0] / v[1], 3) for k, v in sorted(per_category.items())},
        "modality": dict(modality.most_common()),
    }


def _country_match(gold: str, predicted: str) -> bool:
    return gold == "---" or gold == predicted


def _match(gold: list[tuple[str, str, str]], predicted: list[tuple[str, str, str]], use_code: bool) -> int:
    """Greedy one-to-one matching of gold and predicted (source, target, root) triples."""
    free = list(predicted)
    hits = 0
    for g in gold:
        for p in free:
            if _country_match(g[0], p[0]) and _country_match(g[1], p[1]) and (not use_code or g[2] == p[2]):
                free.remove(p)
                hits += 1
                break
    return hits


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def _triples(records: list[dict[str, Any]]) -> dict[str, Any]:
    n = n_gold = n_pred = n_dyads = tp = dyad_tp = root_ok = 0
    modality: Counter[str] = Counter()
    misses: list[dict[str, Any]] = []
    for record, coded in code_records(records):
        n += 1
        gold = [(_prefix(s), _prefix(t), c[:2]) for s, t, c in record["expected"]]
        # Only events that assert something and whose source has a code form a (source, target, root) triple.
        real = [e for e in coded if e.modality not in UNREAL and e.source.code]
        modality.update(e.modality for e in coded)
        predicted = list(
            dict.fromkeys(
                (_prefix(e.source.code), _prefix(e.target.code) if e.target else "", e.cameo[:2]) for e in real
            )
        )
        dyads = list(dict.fromkeys((p[0], p[1], "") for p in predicted))
        n_gold += len(gold)
        n_pred += len(predicted)
        n_dyads += len(dyads)
        hits = _match(gold, predicted, use_code=True)
        tp += hits
        d_hits = _match([(g[0], g[1], "") for g in gold], dyads, use_code=False)
        dyad_tp += d_hits
        root_ok += hits
        if hits < len(gold) or hits < len(predicted):
            misses.append({"id": record["id"], "gold": gold, "predicted": predicted})
    return {
        "n": n,
        "gold_triples": n_gold,
        "predicted_triples": n_pred,
        "triples": _prf(tp, n_pred, n_gold),
        "dyads": _prf(dyad_tp, n_dyads, n_gold),
        "cameo_root_accuracy_on_matched_dyads": round(root_ok / dyad_tp, 3) if dyad_tp else 0.0,
        "modality": dict(modality.most_common()),
        "mismatches": misses,
    }


def _yaml_records(gold: pathlib.Path, limit: int | None) -> list[dict[str, Any]]:
    data = yaml.safe_load(gold.read_text(encoding="utf-8"))
    default = data.get("published")
    rows = [{**r, "text": r["sentence"], "date": r.get("published", default)} for r in data["sentences"]]
    return rows[:limit] if limit is not None else rows


def _dyad_ok(record: dict[str, Any], event: Event) -> bool:
    """Source and target code prefixes as expected; an expected null target wants an event without one."""
    if not (event.source.code or "").startswith(record["source"]):
        return False
    if record["target"] is None:
        return event.target is None
    return event.target is not None and (event.target.code or "").startswith(record["target"])


def _sentences(records: list[dict[str, Any]]) -> dict[str, Any]:
    n = plover_hit = modality_hit = dyad_hit = dyad_root_hit = 0
    per_root: dict[str, list[int]] = {}
    per_modality: dict[str, list[int]] = {}
    misses: list[dict[str, Any]] = []
    for record, coded in code_records(records):
        n += 1
        dyad = [e for e in coded if _dyad_ok(record, e)]
        rooted = [e for e in dyad if e.cameo[:2] == record["cameo"]]
        by_plover = any(e.plover == record["plover"] for e in rooted)
        by_modality = any(e.modality == record["modality"] for e in rooted)
        dyad_hit += bool(dyad)
        dyad_root_hit += bool(rooted)
        plover_hit += by_plover
        modality_hit += by_modality
        per_root.setdefault(record["cameo"], [0, 0])
        per_root[record["cameo"]][0] += by_plover
        per_root[record["cameo"]][1] += 1
        per_modality.setdefault(record["modality"], [0, 0])
        per_modality[record["modality"]][0] += by_modality
        per_modality[record["modality"]][1] += 1
        if not (by_plover and by_modality):
            misses.append(
                {
                    "id": record["id"],
                    "expected": [record[k] for k in ("source", "target", "cameo", "plover", "modality")],
                    "coded": [
                        [e.source.code, e.target.code if e.target else None, e.cameo, e.plover, e.modality, e.rule]
                        for e in coded
                    ],
                }
            )
    return {
        "n": n,
        "dyad": round(dyad_hit / n, 3) if n else 0.0,
        "dyad_root": round(dyad_root_hit / n, 3) if n else 0.0,
        "dyad_root_plover": round(plover_hit / n, 3) if n else 0.0,
        "dyad_root_modality": round(modality_hit / n, 3) if n else 0.0,
        "per_root": {k: f"{v[0]}/{v[1]}" for k, v in sorted(per_root.items())},
        "per_modality": {k: f"{v[0]}/{v[1]}" for k, v in sorted(per_modality.items())},
        "mismatches": misses,
    }


def evaluate(gold: pathlib.Path, split: str | None = None, limit: int | None = None) -> dict[str, Any]:
    """Metrics for one gold file (kind chosen by file name); JSON-able."""
    gold = pathlib.Path(gold)
    if gold.suffix in {".yaml", ".yml"}:
        if split not in (None, "all"):
            raise ValueError(f"{gold.name} has no splits")
        return {"gold": str(gold), "split": "all", "kind": "sentences", **_sentences(_yaml_records(gold, limit))}
    records = _records(gold, split, limit)
    if "plover" in gold.name:
        result = _plover(records)
        kind = "plover"
    elif "petrarch" in gold.name:
        result = _triples(records)
        kind = "cameo-triples"
    else:
        raise ValueError(f"{gold.name}: not an event-coding gold file (plover_examples / petrarch*)")
    return {"gold": str(gold), "split": split or "all", "kind": kind, **result}
