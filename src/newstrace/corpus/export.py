"""Exports: the full analyses as JSONL, and every table as CSV or Parquet files in a folder."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from newstrace.store import Store
from newstrace.store.base import TABLES

EXPORT_FORMATS = ("jsonl", "csv", "parquet")


def export(store: Store, fmt: str, out: Path) -> list[Path]:
    """Write ``out`` (a file for jsonl, a folder of per-table files for csv/parquet); returns the files."""
    if fmt == "jsonl":
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as fh:
            for row in store.rows("documents"):
                fh.write(json.dumps(store.document(row["id"]), ensure_ascii=False) + "\n")
        return [out]
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table in TABLES:
        rows = list(store.rows(table))
        path = out / f"{table}.{fmt}"
        if fmt == "parquet":
            pq.write_table(pa.Table.from_pylist(rows) if rows else pa.table({}), path)
        else:
            with path.open("w", encoding="utf-8", newline="") as fh:
                if rows:
                    writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
                    writer.writeheader()
                    writer.writerows(rows)
        written.append(path)
    return written
