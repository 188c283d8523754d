"""Bulk-load the analyses a Spark run wrote (``newstrace load DIR``) into any store.

Only pyarrow is needed, not Spark: the analyses are read column-wise from ``DIR/analyses/*.parquet`` and go
through ``store.write``, the one write path ``ingest`` uses too (it takes the JSON contract form), so a loaded
database is the same as an ingested one, and loading twice stores nothing twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from newstrace.store import Store

from .index import CorpusIndex

#: Analyses per store transaction: large enough for bulk speed, small enough that a crash redoes little.
LOAD_BATCH = 500


@dataclass
class LoadReport:
    read: int = 0
    stored: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"read": self.read, "stored": self.stored, "skipped": self.read - self.stored}


def analysis_files(directory: Path) -> list[Path]:
    """The Parquet parts of ``directory/analyses`` (Spark's layout), or of ``directory`` itself if it has them."""
    folder = directory / "analyses" if (directory / "analyses").is_dir() else directory
    files = sorted(p for p in folder.glob("*.parquet") if not p.name.startswith((".", "_")))
    if not files:
        raise FileNotFoundError(f"no Parquet analyses in {folder} (expected the output folder of newstrace spark)")
    return files


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
    """Store every analysis under ``directory``, then dedupe it and merge it into stories, batch by batch."""
    report = LoadReport()
    for batch in _analyses(analysis_files(directory), batch_size):
        report.read += len(batch)
        report.stored += store.write(batch)
        index.update(data["document"]["id"] for data in batch)
        if progress:
            progress(report)
    return report
