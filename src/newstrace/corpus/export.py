"""Exports: the full analyses as JSONL, every table (plus stories and duplicates) as CSV or Parquet, GDELT TSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from newstrace.store import Store
from newstrace.store.base import TABLES

from .gdelt import write_gdelt
from .stories import story_table

EXPORT_FORMATS = ("jsonl", "csv", "parquet", "gdelt")


def export(store: Store, fmt: str, out: Path) -> list[Path]:
    """Write ``out`` (a file for jsonl and gdelt, a folder of per-table files for csv/parquet); returns the files."""
    if fmt == "jsonl":
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as fh:
            for row in store.rows("documents"):
                fh.write(json.dumps(store.document(row["id"]), ensure_ascii=False) + "\n")
        return [out]
    if fmt == "gdelt":
        return [write_gdelt(store, out)]
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    tables: list[tuple[str, Iterable[dict[str, Any]]]] = [(t, store.rows(t)) for t in TABLES]
    tables += [("stories", story_table(store)), ("duplicates", store.dup_group_rows())]
    for table, rows in tables:
        path = out / f"{table}.{fmt}"
        _write_table(list(rows), path, fmt)
        written.append(path)
    return written


def _write_table(rows: list[dict[str, Any]], path: Path, fmt: str) -> None:
    if fmt == "parquet":
        pq.write_table(pa.Table.from_pylist(rows) if rows else pa.table({}), path)
        return
    with path.open("w", encoding="utf-8", newline="") as fh:
        if rows:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
