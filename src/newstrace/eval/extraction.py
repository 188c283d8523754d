"""Score newstrace's HTML main-text extraction against bare trafilatura on ``extraction_gold.jsonl``.

Both extractors run in the same process on the same pages, so the report is a like-for-like comparison and not
a number copied from a published table. newstrace is scored through the full ``Extractor`` path (trafilatura
plus boilerplate-line removal), because that is the text every later stage and every user sees.

Two parts of the gold, two metrics, each as the benchmark defines it:

* ScrapingHub article-extraction-benchmark (``expected_text``): per-document precision and recall averaged
  over documents, F1 the harmonic mean of the averages. ``tokens`` is a bag of lowercased ``\\w+`` tokens;
  ``shingles`` is the benchmark's own bag of word 4-grams (case kept). Three gold bodies are truncated
  (paywalled pages ending in "..."), so figures are given without them (``untruncated``) and with them
  (``all``).
* trafilatura's evaluation pages (``with``/``without`` snippets): whitespace-normalised substring test,
  micro-summed over the corpus.
"""

from __future__ import annotations

import json
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trafilatura

from newstrace.extract import ExtractionError, Extractor
from newstrace.records import Source

SCRAPINGHUB = "scrapinghub-article-extraction-benchmark"
TRAFILATURA_EVAL = "trafilatura-eval"
#: ``split`` picks a part of the gold (the file has no train/test split): short name -> ``source`` value.
PARTS = {"scrapinghub": SCRAPINGHUB, "trafilatura": TRAFILATURA_EVAL}

_TOKEN = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
_SHINGLE_N = 4

Counts = tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class GoldPage:
    id: str
    source: str
    url: str | None
    html: str
    expected_text: str | None
    truncated: bool
    with_: tuple[str, ...]
    without: tuple[str, ...]


def load_gold(gold: Path, split: str | None = None, limit: int | None = None) -> list[GoldPage]:
    """Pages of the chosen part(s), in file order; ``limit`` keeps the first N of *each* part."""
    if split is not None and split not in PARTS:
        raise ValueError(f"unknown split {split!r}; the extraction gold has parts {sorted(PARTS)}")
    wanted = {PARTS[split]} if split else set(PARTS.values())
    taken: Counter[str] = Counter()
    pages: list[GoldPage] = []
    with gold.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            source = record["source"]
            if source not in wanted or (limit is not None and taken[source] >= limit):
                continue
            taken[source] += 1
            pages.append(
                GoldPage(
                    id=record["id"],
                    source=source,
                    url=record.get("url"),
                    html=record["html"],
                    expected_text=record.get("expected_text"),
                    truncated=bool(record.get("expected_text_truncated")),
                    with_=tuple(record.get("with") or ()),
                    without=tuple(record.get("without") or ()),
                )
            )
    return pages


def newstrace_runner() -> Callable[[GoldPage], str]:
    """The text a user gets from ``newstrace ingest page.html``: one ``Extractor`` for the whole run, as in a
    batch ingest, so repeated-line learning across an outlet's pages is part of what is measured."""
    extractor = Extractor()

    def run(page: GoldPage) -> str:
        try:
            document, _ = extractor.extract(Source(origin=page.id, html=page.html, url=page.url, input_format="html"))
        except ExtractionError:
            return ""
        return document.text

    return run


def trafilatura_runner() -> Callable[[GoldPage], str]:
    """Bare trafilatura with its defaults: the baseline newstrace must not fall below."""

    def run(page: GoldPage) -> str:
        return trafilatura.extract(page.html, url=page.url) or ""

    return run


def _bag_counts(true: list[Any], pred: list[Any]) -> Counts:
    """TP/FP/FN over two multisets, normalised per document so long pages do not outweigh short ones."""
    true_bag, pred_bag = Counter(true), Counter(pred)
    tp = sum((true_bag & pred_bag).values())
    fp = sum((pred_bag - true_bag).values())
    fn = sum((true_bag - pred_bag).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def token_counts(true: str, pred: str) -> Counts:
    return _bag_counts(_TOKEN.findall(true.lower()), _TOKEN.findall(pred.lower()))


def shingle_counts(true: str, pred: str, n: int = _SHINGLE_N) -> Counts:
    """The ScrapingHub benchmark's measure: word n-grams of case-kept ``\\w+`` tokens (a text shorter than n
    words is one short shingle)."""

    def shingles(text: str) -> list[tuple[str, ...]]:
        tokens = _TOKEN.findall(text)
        return [tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]]

    return _bag_counts(shingles(true), shingles(pred))


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def macro_scores(counts: list[Counts]) -> dict[str, float]:
    """The benchmark's averaging: a document enters the precision mean only if something was predicted, and
    the recall mean only if it has gold text; F1 is the harmonic mean of the two means."""
    precisions = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


_METRICS: dict[str, Callable[[str, str], Counts]] = {"tokens": token_counts, "shingles": shingle_counts}
#: Paired bootstrap of the F1 difference (the benchmark reports bootstrap intervals too); seeded, so reruns agree.
BOOTSTRAP_SAMPLES = 1000


def _f1_difference_interval(ours: list[Counts], theirs: list[Counts]) -> list[float]:
    """95% interval of F1(newstrace) - F1(trafilatura) over documents resampled with replacement, the same
    documents for both, so page difficulty cancels out."""
    rng = random.Random(0)
    n = len(ours)
    differences = []
    for _ in range(BOOTSTRAP_SAMPLES):
        sample = [rng.randrange(n) for _ in range(n)]
        differences.append(
            macro_scores([ours[i] for i in sample])["f1"] - macro_scores([theirs[i] for i in sample])["f1"]
        )
    differences.sort()
    tail = int(0.025 * BOOTSTRAP_SAMPLES)
    return [round(differences[tail], 4), round(differences[-tail - 1], 4)]


def _ratio(ours: float, theirs: float) -> float | None:
    return round(ours / theirs, 4) if theirs else None


def _compare_scrapinghub(pages: list[GoldPage], ours: list[str], theirs: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {"n": len(pages), "newstrace": {}, "trafilatura": {}, "ratio_f1": {}}
    result["difference_f1_ci95"] = {}
    for name, outputs in (("newstrace", ours), ("trafilatura", theirs)):
        result[name]["empty_outputs"] = sum(1 for text in outputs if not text.strip())
    for metric, count in _METRICS.items():
        mine = [count(p.expected_text or "", o) for p, o in zip(pages, ours, strict=True)]
        base = [count(p.expected_text or "", o) for p, o in zip(pages, theirs, strict=True)]
        result["newstrace"][metric], result["trafilatura"][metric] = macro_scores(mine), macro_scores(base)
        result["ratio_f1"][metric] = _ratio(result["newstrace"][metric]["f1"], result["trafilatura"][metric]["f1"])
        result["difference_f1_ci95"][metric] = _f1_difference_interval(mine, base) if len(pages) > 1 else None
    return result


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def snippet_scores(pages: list[GoldPage], outputs: list[str]) -> dict[str, Any]:
    """Micro-summed confusion counts over all snippets: a ``with`` snippet found is a TP, missing a FN; a
    ``without`` snippet found is a FP, absent a TN."""
    tp = fp = fn = tn = 0
    for page, output in zip(pages, outputs, strict=True):
        text = _norm(output)
        found_with = sum(1 for s in page.with_ if _norm(s) in text)
        found_without = sum(1 for s in page.without if _norm(s) in text)
        tp, fn = tp + found_with, fn + len(page.with_) - found_with
        fp, tn = fp + found_without, tn + len(page.without) - found_without
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    total = tp + fp + fn + tn
    return {
        "n": len(pages),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "accuracy": round((tp + tn) / total, 4) if total else 0.0,
        "f1": round(2 * tp / (2 * tp + fp + fn), 4) if tp + fp + fn else 0.0,
    }


def _run(runner: Callable[[GoldPage], str], pages: list[GoldPage]) -> tuple[list[str], float]:
    start = time.perf_counter()
    outputs = [runner(page) for page in pages]
    return outputs, round(time.perf_counter() - start, 2)


def evaluate(gold: Path, split: str | None = None, limit: int | None = None) -> dict[str, Any]:
    """Scores of newstrace and bare trafilatura side by side; ``split`` is ``scrapinghub`` or ``trafilatura``
    to score one part only, ``limit`` keeps the first N pages of each part."""
    gold = Path(gold)
    pages = load_gold(gold, split, limit)
    ours, our_seconds = _run(newstrace_runner(), pages)
    theirs, their_seconds = _run(trafilatura_runner(), pages)
    result: dict[str, Any] = {
        "task": "extraction",
        "gold": str(gold),
        "split": split,
        "limit": limit,
        "n": len(pages),
        "trafilatura_version": trafilatura.__version__,
        "seconds": {"newstrace": our_seconds, "trafilatura": their_seconds},
    }
    sh = [i for i, p in enumerate(pages) if p.source == SCRAPINGHUB and p.expected_text]
    if sh:
        untruncated = [i for i in sh if not pages[i].truncated]

        def compare(indices: list[int]) -> dict[str, Any]:
            return _compare_scrapinghub(
                [pages[i] for i in indices], [ours[i] for i in indices], [theirs[i] for i in indices]
            )

        result["scrapinghub"] = {"untruncated": compare(untruncated), "all": compare(sh)}
    te = [i for i, p in enumerate(pages) if p.source == TRAFILATURA_EVAL]
    if te:
        te_pages = [pages[i] for i in te]
        mine = snippet_scores(te_pages, [ours[i] for i in te])
        base = snippet_scores(te_pages, [theirs[i] for i in te])
        result["trafilatura_eval"] = {
            "n": len(te),
            "newstrace": mine,
            "trafilatura": base,
            "ratio_f1": _ratio(mine["f1"], base["f1"]),
        }
    return result
