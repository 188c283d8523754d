"""Evaluate the attribution stage on PolNeAR (``attribution_gold.jsonl``).

Metrics follow the attribution issue: a predicted quote counts for a gold attribution when their content spans
overlap and most of the prediction (> 50% of its characters) lies inside the gold content plus the gold cue; each
gold attribution and each prediction is matched at most once (greedy, largest overlap first). Quotes sharing one
cue (a split quote "X," he said, "Y." and its continuations, or a mixed quote and its fragments) form one
prediction, because PolNeAR annotates them as one discontinuous attribution. Speaker accuracy is over matched
pairs whose gold has a source: the predicted speaker span must overlap it (PolNeAR's source is the local mention).
Actors are not needed for any of these figures, so the Actors stage is not run.

PolNeAR annotates only the top level of nested reporting: none of its 22,023 train and dev attributions has a cue
inside another attribution's content. The stage keeps nested reporting chains ("Aides said the senator told donors
that …", "according to") because chains need them, so the headline figures compare the ``outermost`` view with the
gold; the ``*_all_quotes`` figures score every quote the stage emits, for comparison.
"""

from __future__ import annotations

import json
import pathlib
import time
from collections.abc import Iterator
from typing import Any

from newstrace.attribution import find_quotes, outermost
from newstrace.nlp import load_model
from newstrace.records import Quote

Intervals = list[tuple[int, int]]


def _records(gold: pathlib.Path, split: str | None, limit: int | None) -> Iterator[dict[str, Any]]:
    count = 0
    with gold.open(encoding="utf-8") as handle:
        for line in handle:
            if limit is not None and count >= limit:
                return
            record = json.loads(line)
            if split is not None and record.get("split") != split:
                continue
            count += 1
            yield record


def _merge(intervals: Intervals) -> Intervals:
    out: Intervals = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _length(intervals: Intervals) -> int:
    return sum(end - start for start, end in intervals)


def _intersection(a: Intervals, b: Intervals) -> int:
    total = 0
    for s1, e1 in a:
        for s2, e2 in b:
            total += max(0, min(e1, e2) - max(s1, s2))
    return total


def _predictions(quotes: list[Quote]) -> list[tuple[Intervals, Intervals]]:
    """(content intervals, speaker intervals) per cue; quotes without a cue stand alone."""
    groups: dict[tuple[int, int] | str, tuple[Intervals, Intervals]] = {}
    for quote in quotes:
        key: tuple[int, int] | str = (quote.cue.start, quote.cue.end) if quote.cue else quote.id
        content, speaker = groups.setdefault(key, ([], []))
        content.append((quote.content.start, quote.content.end))
        if quote.speaker is not None and not speaker:
            speaker.append((quote.speaker.start, quote.speaker.end))
    return [(_merge(content), speaker) for content, speaker in groups.values()]


def _match(gold: list[dict[str, Any]], preds: list[tuple[Intervals, Intervals]]) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int, int]] = []
    for gi, item in enumerate(gold):
        content = _merge([tuple(o) for o in item["content_offsets"]])  # type: ignore[misc]
        allowed = _merge(content + [tuple(o) for o in item["cue_offsets"]])  # type: ignore[operator]
        for pi, (pred, _) in enumerate(preds):
            overlap = _intersection(pred, content)
            if overlap and _intersection(pred, allowed) * 2 > _length(pred):
                pairs.append((overlap, gi, pi))
    pairs.sort(reverse=True)
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    matches: list[tuple[int, int]] = []
    for _, gi, pi in pairs:
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        matches.append((gi, pi))
    return matches


def evaluate(gold: pathlib.Path, split: str | None = None, limit: int | None = None) -> dict[str, Any]:
    """Content overlap P/R/F1, speaker accuracy on matches and direct-quote recall on ``gold``."""
    nlp = load_model()
    records = list(_records(pathlib.Path(gold), split, limit))
    n_gold = n_pred = n_match = 0
    n_pred_all = n_match_all = 0
    direct_gold = direct_match = 0
    speaker_total = speaker_ok = 0
    started = time.perf_counter()
    stage_seconds = 0.0
    for record, doc in zip(records, nlp.pipe(r["text"] for r in records), strict=True):
        t0 = time.perf_counter()
        quotes = find_quotes(doc, [])
        stage_seconds += time.perf_counter() - t0
        preds = _predictions(outermost(quotes))
        gold_items = record["quotes"]
        matches = _match(gold_items, preds)
        every = _predictions(quotes)
        n_pred_all += len(every)
        n_match_all += len(_match(gold_items, every))
        n_gold += len(gold_items)
        n_pred += len(preds)
        n_match += len(matches)
        matched_gold = {gi for gi, _ in matches}
        for gi, item in enumerate(gold_items):
            if item["type"] == "direct":
                direct_gold += 1
                direct_match += gi in matched_gold
        for gi, pi in matches:
            gold_speaker = [tuple(o) for o in gold_items[gi]["speaker_offsets"]]
            if not gold_speaker:
                continue
            speaker_total += 1
            pred_speaker = preds[pi][1]
            speaker_ok += bool(pred_speaker) and _intersection(pred_speaker, gold_speaker) > 0  # type: ignore[arg-type]
    precision = n_match / n_pred if n_pred else 0.0
    recall = n_match / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    precision_all = n_match_all / n_pred_all if n_pred_all else 0.0
    recall_all = n_match_all / n_gold if n_gold else 0.0
    f1_all = 2 * precision_all * recall_all / (precision_all + recall_all) if precision_all + recall_all else 0.0
    return {
        "task": "attribution",
        "gold": str(gold),
        "split": split,
        "limit": limit,
        "n": len(records),
        "n_gold": n_gold,
        "n_pred": n_pred,
        "n_matched": n_match,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "precision_all_quotes": round(precision_all, 4),
        "recall_all_quotes": round(recall_all, 4),
        "f1_all_quotes": round(f1_all, 4),
        "speaker_accuracy": round(speaker_ok / speaker_total, 4) if speaker_total else 0.0,
        "speaker_n": speaker_total,
        "direct_recall": round(direct_match / direct_gold, 4) if direct_gold else 0.0,
        "direct_n": direct_gold,
        "seconds_total": round(time.perf_counter() - started, 2),
        "seconds_attribution": round(stage_seconds, 2),
    }
