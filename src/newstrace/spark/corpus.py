"""Corpus-level stages on Spark: near-duplicate groups and stories, computed over a run's Parquet output.

Why on the executors: ``load`` is one process, and deduplicating and merging tens of millions of documents one
batch at a time there takes days. These jobs write the tables ``load`` then copies into a fresh database as they
are (``corpus/load.py``); the decisions are made by the same code as in ``ingest`` (``corpus/dedupe.py``,
``corpus/bands.py``, ``corpus/stories.py``), so the results are the same.

Both local stages are incremental, and their results depend on the order documents arrive in. The jobs use
``ingest``'s order (inputs as given, files by path, records by position in their file; for CC-NEWS, whose files
are named by crawl time, that is crawl order) as ``seq``, a number per document increasing in that order:

1. ``signatures/`` (doc_id, seq, content_hash, signature): each document's MinHash, by ``Deduplicator.signature``;
2. candidate pairs: the LSH band hashes of ``bands.BandIndex.band_hashes`` exploded and self-joined, plus the
   pairs of equal content hashes (similarity 1, as ``Deduplicator.add`` scores them); a band pair is kept when
   ``dedupe.similarity`` reaches ``dedupe.THRESHOLD``;
3. ``duplicates/`` (doc_id, seq, group, matched, similarity): the connected components of the kept pairs, by
   min-label propagation (one round per hop of the longest path between two copies, and copies of one text are
   mostly similar to each other, so a few rounds), each component then replayed in arrival order as
   ``Deduplicator`` builds it, which sets each member's ``matched`` (the earlier copy it was found similar to)
   and ``similarity``. ``group`` is the ``seq`` of the component's first document;
4. ``stories/`` and ``story_events/``: ``StoryMerger`` only merges events with one match key (CAMEO root) and one
   source actor key, so each such key's events go to one task and through ``StoryMerger`` itself, in arrival
   order, over an in-memory story table; events without a key, source or date are stories of their own.
   ``story_id`` is "doc_id/event_id" of a story's first mention.

pyspark is imported only inside the functions that need it, like the rest of ``newstrace.spark``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, cast

import numpy as np
import pyarrow as pa

from newstrace.corpus.bands import BandIndex, banding
from newstrace.corpus.dedupe import NUM_PERM, THRESHOLD, Deduplicator, similarity
from newstrace.corpus.load import CORPUS_TABLES, ORDER_COLUMNS
from newstrace.corpus.stories import StoryMerger
from newstrace.store import Store
from newstrace.store.corpus_tables import STORY_COLUMNS, STORY_INPUT_COLUMNS

from . import arrow_schema

#: The tables this module writes (``load`` copies them only when every one is complete).
TABLES = CORPUS_TABLES

SIGNED_SCHEMA = (
    "doc_id string, input_index int, input_file string, input_record int, content_hash string, signature binary"
)
BANDS_SCHEMA = "seq long, band long"
PAIRS_SCHEMA = "a long, b long, similarity double"
DUPLICATES_SCHEMA = "doc_id string, seq long, group long, matched string, similarity double"
_EVENT_COLUMNS = ("doc_id", "seq", *STORY_INPUT_COLUMNS)
_STORY_TYPES = {"lat": "double", "lon": "double"}
#: One row per event mention: its story, and on the story's first mention the story's final row.
MENTIONS_SCHEMA = ", ".join(
    [
        "story_id string, doc_id string, event_id string, first boolean, seq long, sentence int",
        *(f"{c} {_STORY_TYPES.get(c, 'string')}" for c in STORY_COLUMNS),
    ]
)


_SIGNED_ARROW, _BANDS_ARROW, _PAIRS_ARROW = (
    arrow_schema(SIGNED_SCHEMA),
    arrow_schema(BANDS_SCHEMA),
    arrow_schema(PAIRS_SCHEMA),
)
_DUPLICATES_ARROW, _MENTIONS_ARROW = arrow_schema(DUPLICATES_SCHEMA), arrow_schema(MENTIONS_SCHEMA)


def _signer() -> Deduplicator:
    """dedupe's own signature code (``Deduplicator.signature`` reads no store, so none is given)."""
    return Deduplicator(cast(Store, None))


# -- near-duplicates ----------------------------------------------------------------------------------------------
def _sign(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Analyses in, (doc_id, arrival order, content hash, MinHash) out; a text without words gets zeros, as locally."""
    signer = _signer()
    empty = bytes(4 * NUM_PERM)
    for batch in batches:
        rows = []
        for row in batch.to_pylist():
            doc = json.loads(row["analysis_json"])["document"]
            values = signer.signature(doc["text"])
            rows.append(
                {
                    "doc_id": row["id"],
                    **{c: row[c] for c in ORDER_COLUMNS},
                    "content_hash": doc["content_hash"],
                    "signature": values.tobytes() if values is not None else empty,
                }
            )
        yield pa.RecordBatch.from_pylist(rows, schema=_SIGNED_ARROW)


def _band_rows(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """(seq, band hash) for every LSH band of every document with words: the keys ``BandIndex`` looks up."""
    index = BandIndex(*banding(THRESHOLD, NUM_PERM))
    empty = bytes(4 * NUM_PERM)
    for batch in batches:
        seqs, blobs = batch["seq"].to_numpy(), batch["signature"].to_pylist()
        keep = np.array([blob != empty for blob in blobs], dtype=bool)
        if not keep.any():
            continue
        values = np.frombuffer(b"".join(b for b, k in zip(blobs, keep, strict=True) if k), dtype="<u4")
        hashes = index.band_hashes(values.reshape(-1, NUM_PERM)).view(np.int64)
        yield pa.RecordBatch.from_arrays(
            [pa.array(np.repeat(seqs[keep], index.bands)), pa.array(hashes.ravel())], schema=_BANDS_ARROW
        )


def _verify(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Candidate pairs scored by ``dedupe.similarity``; those under ``THRESHOLD`` are dropped, as locally."""
    for batch in batches:
        rows = [
            {"a": a, "b": b, "similarity": score}
            for a, b, sa, sb in zip(*(batch[c].to_pylist() for c in ("a", "b", "sig_a", "sig_b")), strict=True)
            if (score := similarity(np.frombuffer(sa, dtype="<u4"), np.frombuffer(sb, dtype="<u4"))) >= THRESHOLD
        ]
        yield pa.RecordBatch.from_pylist(rows, schema=_PAIRS_ARROW)


def replay_group(pairs: Iterable[tuple[int, str, int, str, float]]) -> list[dict[str, Any]]:
    """One component's member rows, as ``Deduplicator.add`` writes them when its documents arrive in ``seq`` order.

    ``pairs`` are (seq_a, id_a, seq_b, id_b, similarity) with seq_a < seq_b. Each arriving document is matched
    against its earlier copies, best first (highest similarity, then id); if none of them is in the group yet,
    the best one joins first with no match; then the document joins, matched to the best; then every earlier
    copy not yet in the group joins, matched to the document.
    """
    earlier: dict[int, list[tuple[float, str]]] = {}
    ids: dict[int, str] = {}
    for seq_a, id_a, seq_b, id_b, score in pairs:
        ids[seq_a], ids[seq_b] = id_a, id_b
        earlier.setdefault(seq_b, []).append((score, id_a))
    seq_of = {doc_id: seq for seq, doc_id in ids.items()}
    group = min(ids)
    rows: dict[str, tuple[str | None, float | None]] = {}
    for seq in sorted(earlier):
        doc_id = ids[seq]
        matches = sorted(earlier[seq], key=lambda m: (-m[0], m[1]))
        best_score, best = matches[0]
        if not any(other in rows for _, other in matches):
            rows[best] = (None, None)
        rows[doc_id] = (best, best_score)
        for score, other in matches:
            rows.setdefault(other, (doc_id, score))
    return [
        {"doc_id": d, "seq": seq_of[d], "group": group, "matched": m, "similarity": s} for d, (m, s) in rows.items()
    ]


def _replay(table: pa.Table) -> pa.Table:
    columns = [table[c].to_pylist() for c in ("a", "id_a", "b", "id_b", "similarity")]
    return pa.Table.from_pylist(replay_group(zip(*columns, strict=True)), schema=_DUPLICATES_ARROW)


def _cut(frame: Any) -> Any:
    """``frame`` computed once and its lineage cut (each propagation round would otherwise recompute all before).

    With a checkpoint directory (``--conf spark.checkpoint.dir=hdfs://…``) the data survives a lost executor;
    without one it is kept on the executors (``localCheckpoint``), enough for local runs and stable clusters.
    """
    return frame.checkpoint() if frame.sparkSession.sparkContext.getCheckpointDir() else frame.localCheckpoint()


def _components(pairs: Any) -> Any:
    """(v, label): each document of a pair and the smallest ``seq`` connected to it, by min-label propagation.

    Each round gives every vertex the smallest label among itself and its neighbours; labels only shrink, so the
    loop ends, after one round per hop of the longest shortest path in a component.
    """
    from pyspark.sql import functions as F

    edges = pairs.select(F.col("a").alias("src"), F.col("b").alias("dst")).unionByName(
        pairs.select(F.col("b").alias("src"), F.col("a").alias("dst"))
    )
    nearest = edges.groupBy("src").agg(F.min("dst").alias("nearest"))
    labels = _cut(nearest.select(F.col("src").alias("v"), F.least("src", "nearest").alias("label")))
    while True:
        spread = (
            edges.join(labels, edges.src == labels.v)
            .groupBy(F.col("dst").alias("v"))
            .agg(F.min("label").alias("nearest"))
        )
        step = _cut(
            labels.join(spread, "v").select(
                "v", F.least("label", "nearest").alias("label"), (F.col("nearest") < F.col("label")).alias("moved")
            )
        )
        labels = step.select("v", "label")
        if not step.where("moved").limit(1).count():
            return labels


def duplicates(signatures: Any) -> Any:
    """The ``duplicates/`` table from the ``signatures/`` table (see the module docstring, steps 2 and 3)."""
    from pyspark.sql import functions as F

    bands = signatures.select("seq", "signature").mapInArrow(_band_rows, BANDS_SCHEMA)
    candidates = (
        bands.alias("x")
        .join(bands.alias("y"), "band")
        .where(F.col("x.seq") < F.col("y.seq"))
        .select(F.col("x.seq").alias("a"), F.col("y.seq").alias("b"))
        .distinct()
    )
    sigs = signatures.select("seq", "signature")
    scored = (
        candidates.join(sigs.withColumnsRenamed({"seq": "a", "signature": "sig_a"}), "a")
        .join(sigs.withColumnsRenamed({"seq": "b", "signature": "sig_b"}), "b")
        .select("a", "b", "sig_a", "sig_b")
        .mapInArrow(_verify, PAIRS_SCHEMA)
    )
    hashed = signatures.where(F.coalesce(F.col("content_hash"), F.lit("")) != "").select("seq", "content_hash")
    same = (
        hashed.alias("x")
        .join(hashed.alias("y"), "content_hash")
        .where(F.col("x.seq") < F.col("y.seq"))
        .select(F.col("x.seq").alias("a"), F.col("y.seq").alias("b"), F.lit(1.0).alias("similarity"))
    )
    pairs = _cut(scored.unionByName(same).groupBy("a", "b").agg(F.max("similarity").alias("similarity")))
    labels = _components(pairs)
    ids = signatures.select("seq", "doc_id")
    return (
        pairs.join(labels.withColumnsRenamed({"v": "a"}), "a")
        .join(ids.withColumnsRenamed({"seq": "a", "doc_id": "id_a"}), "a")
        .join(ids.withColumnsRenamed({"seq": "b", "doc_id": "id_b"}), "b")
        .groupBy("label")
        .applyInArrow(_replay, DUPLICATES_SCHEMA)
    )


# -- stories ------------------------------------------------------------------------------------------------------
class MemoryStories:
    """The story rows ``StoryMerger`` reads and writes, in memory, for one task's events.

    Only the five methods the merger calls are here; candidates are found through a (match key, source key, date)
    index, so a key with many stories costs a few dictionary lookups per event, as the SQL index does locally.
    """

    def __init__(self, events: Sequence[dict[str, Any]]) -> None:
        self._events: dict[str, list[dict[str, Any]]] = {}
        for event in events:
            self._events.setdefault(event["doc_id"], []).append(event)
        self.stories: list[dict[str, Any]] = []
        self.mentions: list[tuple[int, dict[str, Any]]] = []
        self._by_day: dict[tuple[str, str | None, str], list[int]] = {}

    def story_inputs(self, doc_ids: Sequence[str]) -> list[dict[str, Any]]:
        return [e for doc_id in doc_ids for e in sorted(self._events.get(doc_id, []), key=_text_order)]

    def story_candidates(self, match_key: str, source_key: str, low: str, high: str) -> list[dict[str, Any]]:
        day, last = dt.date.fromisoformat(low), dt.date.fromisoformat(high)
        found: list[int] = []
        while day <= last:
            found += self._by_day.get((match_key, source_key, day.isoformat()), [])
            day += dt.timedelta(days=1)
        return [self.stories[i] for i in sorted(found)]

    def new_story(self, row: dict[str, Any]) -> int:
        story_id = len(self.stories)
        self.stories.append({**row, "id": story_id})
        if row["date"]:
            self._by_day.setdefault((row["match_key"], row["source_key"], row["date"]), []).append(story_id)
        return story_id

    def update_story(self, story_id: int, fields: dict[str, Any]) -> None:
        self.stories[story_id].update(fields)

    def add_story_event(self, story_id: int, doc_id: str, event_id: str) -> None:
        event = next(e for e in self._events[doc_id] if e["event_id"] == event_id)
        self.mentions.append((story_id, event))


def _text_order(event: dict[str, Any]) -> tuple[int, str]:
    return event["sentence"], event["event_id"]


def merge_stories(events: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events (with ``seq``, their document's arrival order) through ``StoryMerger``, in arrival then text order.

    Returns one row per mention (``MENTIONS_SCHEMA``): its story, and on each story's first mention the story's
    final row (what later mentions filled in included).
    """
    memory = MemoryStories(events)
    docs = sorted({e["doc_id"]: e["seq"] for e in events}.items(), key=lambda item: (item[1], item[0]))
    StoryMerger(cast(Store, memory)).add([doc_id for doc_id, _ in docs])
    first: dict[int, dict[str, Any]] = {}
    rows = []
    for story_id, event in memory.mentions:
        opener = first.setdefault(story_id, event)
        row = {
            "story_id": f"{opener['doc_id']}/{opener['event_id']}",
            "doc_id": event["doc_id"],
            "event_id": event["event_id"],
            "first": opener is event,
            "seq": event["seq"],
            "sentence": event["sentence"],
        }
        if opener is event:
            row |= {c: memory.stories[story_id][c] for c in STORY_COLUMNS}
        rows.append(row)
    return rows


def _merge_group(table: pa.Table) -> pa.Table:
    return pa.Table.from_pylist(merge_stories(table.select(list(_EVENT_COLUMNS)).to_pylist()), schema=_MENTIONS_ARROW)


def mentions(events: Any, signatures: Any, buckets: int) -> Any:
    """One row per event mention with its story (``MENTIONS_SCHEMA``), from the ``events/`` and ``signatures/``.

    Events are grouped by ``stories.match_key`` and ``stories.actor_key`` of the source, written in SQL (CAMEO
    root or upper-cased PLOVER category; IGO codes whole, other codes' first three letters). An event without
    either can only start a story no later event matches (stories are found by both keys and a date), so such
    events are spread over ``buckets`` groups by document instead of forming one huge group.
    """
    from pyspark.sql import functions as F

    key = (
        F.when(F.col("cameo") != "", F.substring("cameo", 1, 2))
        .when(F.col("plover") != "", F.upper("plover"))
        .otherwise(F.lit(None))
    )
    source = (
        F.when(F.col("source_code").startswith("IGO"), F.col("source_code"))
        .when(F.col("source_code") != "", F.substring("source_code", 1, 3))
        .otherwise(F.lit(None))
    )
    keyed = events.join(signatures.select("doc_id", "seq"), "doc_id").withColumns({"key": key, "source": source})
    alone = F.col("key").isNull() | F.col("source").isNull()
    group = F.when(alone, F.concat(F.lit("~"), F.pmod(F.hash("doc_id"), F.lit(buckets)))).otherwise(
        F.concat_ws(" ", "key", "source")
    )
    return keyed.groupBy(group.alias("group")).applyInArrow(_merge_group, MENTIONS_SCHEMA)


# -- the jobs -----------------------------------------------------------------------------------------------------
def run(spark: Any, target: str, partitions: int) -> dict[str, int]:
    """Write ``TABLES`` under ``target`` from its ``analyses/`` and ``events/``; returns their row counts.

    ``partitions``: shuffle partitions for these jobs (the run's analyse partitions: the corpus tables are far
    smaller than the analyses, and Spark's default of 200 makes hundreds of empty Python tasks on small runs).
    Each table is read back from Parquet before the next job uses it, so ``seq`` (numbered once, after a sort)
    is fixed and no job recomputes an earlier one.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    previous = spark.conf.get("spark.sql.shuffle.partitions")
    spark.conf.set("spark.sql.shuffle.partitions", str(partitions))
    try:
        order = list(ORDER_COLUMNS)
        analyses = spark.read.parquet(f"{target}/analyses")
        # After a sort, monotonically_increasing_id (partition number, then row number) follows the sort order.
        seqs = analyses.select(F.col("id").alias("doc_id"), *order).orderBy(*order)
        seqs = seqs.select("doc_id", F.monotonically_increasing_id().alias("seq"))
        signed = analyses.select("id", *order, "analysis_json").mapInArrow(_sign, SIGNED_SCHEMA)
        signed.join(seqs, "doc_id").select("doc_id", "seq", "content_hash", "signature").orderBy("seq").write.mode(
            "overwrite"
        ).parquet(f"{target}/signatures")
        signatures = spark.read.parquet(f"{target}/signatures")

        duplicates(signatures).orderBy("group", "seq").write.mode("overwrite").parquet(f"{target}/duplicates")

        events = spark.read.parquet(f"{target}/events")
        rows = mentions(events, signatures, partitions).persist(StorageLevel.MEMORY_AND_DISK)
        try:
            first = {"seq": "first_seq", "sentence": "first_sentence", "event_id": "first_event"}
            rows.where("first").select("story_id", *first, *STORY_COLUMNS).withColumnsRenamed(first).orderBy(
                *first.values()
            ).write.mode("overwrite").parquet(f"{target}/stories")
            rows.select("story_id", "doc_id", "event_id").write.mode("overwrite").parquet(f"{target}/story_events")
        finally:
            rows.unpersist()
    finally:
        spark.conf.set("spark.sql.shuffle.partitions", previous)
    dups = spark.read.parquet(f"{target}/duplicates")
    return {
        "near_duplicates": dups.count(),
        "duplicate_groups": dups.select("group").distinct().count(),
        "stories": spark.read.parquet(f"{target}/stories").count(),
    }
