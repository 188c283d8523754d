"""``newstrace eval time``: TIMEX3 recognition and normalisation against TempEval-3 style gold.

Scoring follows TempEval-3 Task A: a system span matches a gold span when they overlap (relaxed match, one to
one, in text order); span P/R/F1 over those matches; value accuracy is the share of matched pairs whose value
strings are equal; value F1 = span F1 × value accuracy. Each gold document's creation time is the publication
date the normaliser anchors on.
"""

from __future__ import annotations

import datetime as dt
import json
import pathlib
from collections import Counter
from typing import Any

from newstrace import pipeline
from newstrace.timeplace import find_times


def _dct(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _match(gold: list[dict[str, Any]], system: list[Any]) -> list[tuple[dict[str, Any], Any]]:
    """One-to-one overlap matching, greedy by largest overlap."""
    pairs = []
    for g in gold:
        for s in system:
            overlap = min(g["end"], s.end) - max(g["start"], s.start)
            if overlap > 0:
                pairs.append((overlap, g["start"], s.start, g, s))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    used_g: set[int] = set()
    used_s: set[int] = set()
    out = []
    for _, _, _, g, s in pairs:
        if id(g) in used_g or id(s) in used_s:
            continue
        used_g.add(id(g))
        used_s.add(id(s))
        out.append((g, s))
    return out


#: The split rules are developed on; ``te3-platinum`` is the test split, to be scored once for a report.
DEVELOPMENT_SPLIT = "tbaq-cleaned"


def evaluate(gold: pathlib.Path, split: str | None = None, limit: int | None = None, errors: int = 0) -> dict[str, Any]:
    """Span and value scores over ``split`` of ``gold`` (default: the development split; first ``limit``
    documents); ``errors`` > 0 adds that many value mismatches, misses and spurious expressions for inspection."""
    split = split or DEVELOPMENT_SPLIT
    language = pipeline.get_nlp()
    docs = [json.loads(line) for line in pathlib.Path(gold).read_text(encoding="utf-8").split("\n") if line.strip()]
    docs = [d for d in docs if d["split"] == split]
    if limit is not None:
        docs = docs[:limit]
    n_gold = n_sys = n_match = n_value = n_type = 0
    mismatches: list[dict[str, str]] = []
    missed: Counter[str] = Counter()
    spurious: Counter[str] = Counter()
    for record, doc in zip(docs, language.pipe(d["text"] for d in docs), strict=True):
        system = find_times(doc, _dct(record.get("dct")))
        pairs = _match(record["timexes"], system)
        n_gold += len(record["timexes"])
        n_sys += len(system)
        n_match += len(pairs)
        for g, s in pairs:
            n_value += g["value"] == s.value
            n_type += g["type"] == s.type
            if errors and g["value"] != s.value:
                mismatches.append(
                    {
                        "gold": g["text"],
                        "sys": s.text,
                        "gold_value": g["value"],
                        "value": s.value,
                        "rule": s.rule,
                        "dct": record.get("dct", ""),
                    }
                )
        matched_g = {id(g) for g, _ in pairs}
        matched_s = {id(s) for _, s in pairs}
        missed.update(g["text"].lower() for g in record["timexes"] if id(g) not in matched_g)
        spurious.update(s.text.lower() for s in system if id(s) not in matched_s)
    precision = n_match / n_sys if n_sys else 0.0
    recall = n_match / n_gold if n_gold else 0.0
    span_f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    value_accuracy = n_value / n_match if n_match else 0.0
    result: dict[str, Any] = {
        "gold": str(gold),
        "split": split,
        "n": len(docs),
        "n_gold": n_gold,
        "n_system": n_sys,
        "span_precision": round(precision, 4),
        "span_recall": round(recall, 4),
        "span_f1": round(span_f1, 4),
        "value_accuracy": round(value_accuracy, 4),
        "type_accuracy": round(n_type / n_match, 4) if n_match else 0.0,
        "value_f1": round(span_f1 * value_accuracy, 4),
    }
    if errors:
        result["value_errors"] = mismatches[:errors]
        result["missed"] = missed.most_common(errors)
        result["spurious"] = spurious.most_common(errors)
    return result
