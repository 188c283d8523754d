"""Both stores (SQLite, a real PostgreSQL server): migrations, atomic batches, idempotence, filters, search."""

from __future__ import annotations

import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pyarrow.parquet as pq
import pytest

from newstrace.corpus.export import export
from newstrace.records import (
    ActorMention,
    Analysis,
    Attribution,
    CodedSpan,
    Document,
    Event,
    Span,
    TimeExpr,
)
from newstrace.store import EventFilter, UnsupportedDatabase, open_store
from newstrace.store.base import TABLES


def make_analysis(doc_id: str, published: str = "2024-11-17", outlet: str = "wire.example") -> Analysis:
    text = "Russia attacked Ukraine on Saturday."
    doc = Document(id=doc_id, text=text, published=published, outlet=outlet, content_hash=doc_id * 4)
    src = CodedSpan("Russia", 0, 6, "RUS", "Russia")
    tgt = CodedSpan("Ukraine", 16, 23, "UKR", "Ukraine")
    time = TimeExpr("on Saturday", 24, 35, "DATE", "2024-11-16", "publication")
    event = Event(
        id="e1",
        sentence=0,
        trigger=Span("attacked", 7, 15),
        source=src,
        target=tgt,
        cameo="190",
        plover="ASSAULT",
        modality="asserted",
        evidence=Span(text, 0, len(text)),
        rule="test",
        attribution=Attribution(),
        time=time,
    )
    actor = ActorMention("Russia", 0, 6, "RUS", "RUS", None, "Russia", "gpe", "gazetteer")
    return Analysis(document=doc, actors=[actor], events=[event], times=[time])


def test_migrations_apply_once(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = open_store(f"sqlite:///{path}")
    version = store.schema_version
    store.close()
    again = open_store(str(path))
    assert again.schema_version == version >= 2
    assert again.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_write_is_idempotent_and_queryable(store_url: str) -> None:
    store = open_store(store_url)
    assert store.write([make_analysis("d1"), make_analysis("d2", "2024-11-20", "other.example")]) == 2
    assert store.write([make_analysis("d1")]) == 0
    assert store.stats()["documents"] == 2 and store.stats()["events"] == 2
    [event] = store.events(EventFilter(outlet="other.example"))
    assert event["date"] == "2024-11-16" and event["source"]["code"] == "RUS"
    assert len(store.events(EventFilter(actor="RUS", cameo="19", plover="assault"))) == 2
    assert store.events(EventFilter(since="2024-11-17")) == []
    assert store.events(EventFilter(actor="%")) == store.events(EventFilter(actor="_")) == []  # no wildcards
    assert store.events(EventFilter(cameo="1_")) == []
    assert store.document("d1")["events"][0]["time"]["value"] == "2024-11-16"
    assert store.document("missing") is None
    store.close()


def test_failed_batch_leaves_nothing_behind(store_url: str) -> None:
    store = open_store(store_url)
    bad = make_analysis("d2")
    bad.events[0].id = None  # type: ignore[assignment]  # violates NOT NULL mid-batch
    with pytest.raises((sqlite3.IntegrityError, psycopg.errors.NotNullViolation)):
        store.write([make_analysis("d1"), bad])
    assert store.stats()["documents"] == 0
    store.close()


def test_search_quotes_user_input(store_url: str) -> None:
    store = open_store(store_url)
    store.write([make_analysis("d1")])
    assert [h["id"] for h in store.search("attacked ukraine")] == ["d1"]
    assert "[" in store.search("attacked")[0]["snippet"]
    assert store.search('"; DROP TABLE documents; --') == []
    assert store.search("ukraine nowhere") == []
    assert store.search("   ") == []
    store.close()


def test_concurrent_writers_store_each_document_once(store_url: str) -> None:
    """Two writers racing over overlapping batches (as two ingest processes would) store every document once."""
    batches = [[make_analysis(f"d{i}") for i in range(start, start + 30)] for start in (0, 15)]

    def write(batch: list[Analysis]) -> int:
        store = open_store(store_url)
        try:
            return sum(store.write(batch[i : i + 5]) for i in range(0, len(batch), 5))
        finally:
            store.close()

    with ThreadPoolExecutor(2) as pool:
        stored = sum(pool.map(write, batches))
    store = open_store(store_url)
    assert stored == 45 and store.stats()["documents"] == 45 and store.stats()["events"] == 45
    store.close()


def test_exports_round_trip(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    store.write([make_analysis("d1")])
    files = export(store, "parquet", tmp_path / "pq")
    assert pq.read_table(tmp_path / "pq" / "events.parquet").to_pylist()[0]["cameo"] == "190"
    assert len(files) >= 8
    export(store, "jsonl", tmp_path / "a.jsonl")
    [line] = (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["document"]["id"] == "d1"
    export(store, "csv", tmp_path / "csv")
    assert (tmp_path / "csv" / "events.csv").read_text(encoding="utf-8").startswith("doc_id,event_id")


def test_both_schemas_have_the_same_tables_and_columns(tmp_path: Path, pg_url: str) -> None:
    """The PostgreSQL migrations are a translation of the SQLite ones; drift between them is a bug."""
    lite, pg = open_store(f"sqlite:///{tmp_path / 's.db'}"), open_store(pg_url)
    for table in TABLES:
        lite_cols = [r[1] for r in lite.conn.execute(f"PRAGMA table_info({table})")]
        pg_cols = [
            r[0]
            for r in pg.conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                (table,),
            )
        ]
        assert [c for c in pg_cols if c != "fts"] == lite_cols, table
    lite.close()
    pg.close()


def test_unknown_database_url() -> None:
    with pytest.raises(UnsupportedDatabase):
        open_store("mysql://localhost/db")
