"""Bulk-load the analyses a Spark run wrote (``newstrace load DIR``) into any store.

Only pyarrow is needed, not Spark: the analyses are read column-wise from ``DIR/analyses/*.parquet`` and go
through ``store.write``, the one write path ``ingest`` uses too (it takes the JSON contract form), so a loaded
database is the same as an ingested one, and loading twice stores nothing twice.

Near-duplicate groups and stories: a Spark run computes them for its whole output (``spark/corpus.py``), and
into an empty database ``load`` copies those tables in one transaction instead of deduplicating and merging
batch by batch in this one process. The Spark tables know only the run's documents, so into a database that
already holds documents (or when a run's tables are missing or incomplete) ``load`` computes them here, as
``ingest`` does, in the order ``ingest`` would have read the documents (recorded by the run). Either way the
result is the same as ingesting the run's inputs in the order given.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from newstrace.store import Store
from newstrace.store.corpus_tables import STORY_COLUMNS

from .index import CorpusIndex

#: Analyses per store transaction: large enough for bulk speed, small enough that a crash redoes little.
LOAD_BATCH = 500
#: The corpus-level tables a ``newstrace spark`` run writes beside ``analyses/`` (``spark/corpus.py``).
CORPUS_TABLES = ("signatures", "duplicates", "stories", "story_events")
#: Where a Spark run read each analysis (input argument, file, record in the file): ``ingest``'s order.
ORDER_COLUMNS = ("input_index", "input_file", "input_record")


@dataclass
class LoadReport:
    read: int = 0
    stored: int = 0
    #: Where near-duplicate groups and stories came from: "spark" (copied from the run) or "load" (computed here).
    corpus: str = "load"

    def as_dict(self) -> dict[str, int | str]:
        return {"read": self.read, "stored": self.stored, "skipped": self.read - self.stored, "corpus": self.corpus}


def analysis_files(directory: Path) -> list[Path]:
    """The Parquet parts of ``directory/analyses`` (Spark's layout), or of ``directory`` itself if it has them."""
    folder = directory / "analyses" if (directory / "analyses").is_dir() else directory
    files = sorted(p for p in folder.glob("*.parquet") if not p.name.startswith((".", "_")))
    if not files:
        raise FileNotFoundError(f"no Parquet analyses in {folder} (expected the output folder of newstrace spark)")
    return files


def corpus_files(directory: Path) -> dict[str, list[Path]] | None:
    """The Parquet parts of each of ``CORPUS_TABLES``, or None unless Spark finished writing every one of them.

    Spark writes ``_SUCCESS`` into a folder once its job has committed, and ``newstrace spark`` deletes the old
    tables before it writes new analyses, so complete tables are those of the analyses beside them.
    """
    found: dict[str, list[Path]] = {}
    for table in CORPUS_TABLES:
        folder = directory / table
        if not (folder / "_SUCCESS").is_file():
            return None
        found[table] = sorted(p for p in folder.glob("*.parquet") if not p.name.startswith((".", "_")))
    return found


def _rows(files: list[Path], columns: list[str]) -> Iterator[dict[str, Any]]:
    """Rows in file order: Spark writes a sorted table's parts in sort order, and each part sorted."""
    for path in files:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=LOAD_BATCH * 10, columns=columns):
            yield from batch.to_pylist()


def copy_corpus(store: Store, files: dict[str, list[Path]]) -> None:
    """Store a Spark run's near-duplicate groups and stories as ``CorpusIndex`` would have, in one transaction.

    Signatures go in by arrival order (``seq``; the order groups list their members in), each group and story
    gets a new id in arrival order of its first document or mention, and every document gets its signature row,
    the marker that it has been deduplicated and merged, so later ingests match against these documents.
    """
    with store.transaction():
        for row in _rows(files["signatures"], ["doc_id", "signature"]):
            store.add_signature(row["doc_id"], row["signature"])
        groups: dict[int, int] = {}
        for row in _rows(files["duplicates"], ["doc_id", "group", "matched", "similarity"]):
            if row["group"] not in groups:
                groups[row["group"]] = store.new_dup_group()
            store.add_dup_member(groups[row["group"]], row["doc_id"], row["matched"], row["similarity"])
        stories: dict[str, int] = {}
        for row in _rows(files["stories"], ["story_id", *STORY_COLUMNS]):
            stories[row.pop("story_id")] = store.new_story(row)
        for row in _rows(files["story_events"], ["story_id", "doc_id", "event_id"]):
            store.add_story_event(stories[row["story_id"]], row["doc_id"], row["event_id"])


def arrival_order(files: list[Path]) -> pa.ChunkedArray | None:
    """The analyses' ids in the order ``ingest`` would read them, or None if the run did not record it.

    Deduplicating and merging stories depend on the order documents arrive in, and Spark writes analyses in no
    particular order; only ids and the order columns are read.
    """
    if not set(ORDER_COLUMNS) <= set(pq.read_schema(files[0]).names):
        return None
    table = pq.ParquetDataset([str(f) for f in files]).read(columns=["id", *ORDER_COLUMNS])
    return table.sort_by([(c, "ascending") for c in ORDER_COLUMNS])["id"]


def _analyses(files: list[Path], batch_size: int) -> Iterator[list[dict[str, Any]]]:
    for path in files:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_size, columns=["analysis_json"]):
            yield [json.loads(text) for text in batch.column("analysis_json").to_pylist()]


def load_analyses(
    store: Store,
    index: CorpusIndex,
    directory: Path,
    *,
    batch_size: int = LOAD_BATCH,
    progress: Callable[[LoadReport], None] | None = None,
) -> LoadReport:
    """Store every analysis under ``directory``, with its near-duplicate groups and stories (see the module doc)."""
    report = LoadReport()
    files = analysis_files(directory)
    precomputed = corpus_files(directory)
    copy = precomputed is not None and not store.documents(1)
    order = None if copy else arrival_order(files)
    for batch in _analyses(files, batch_size):
        report.read += len(batch)
        report.stored += store.write(batch)
        if not copy and order is None:
            index.update(data["document"]["id"] for data in batch)
        if progress:
            progress(report)
    if precomputed is not None and copy and report.stored == report.read:
        copy_corpus(store, precomputed)
        report.corpus = "spark"
        return report
    if copy:  # some analyses were not stored (another writer got there first): process the stored ones here
        order = arrival_order(files)
    if order is not None:  # stored first, then deduplicated and merged in arrival order, batch by batch
        for start in range(0, len(order), batch_size):
            index.update(order[start : start + batch_size].to_pylist())
    elif copy:
        index.update()
    return report
