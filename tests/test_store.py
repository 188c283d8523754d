"""The SQLite store: migrations, atomic batches, idempotence, filters, search and exports."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

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


def test_write_is_idempotent_and_queryable(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    assert store.write([make_analysis("d1"), make_analysis("d2", "2024-11-20", "other.example")]) == 2
    assert store.write([make_analysis("d1")]) == 0
    assert store.stats()["documents"] == 2 and store.stats()["events"] == 2
    [event] = store.events(EventFilter(outlet="other.example"))
    assert event["date"] == "2024-11-16" and event["source"]["code"] == "RUS"
    assert len(store.events(EventFilter(actor="RUS", cameo="19", plover="assault"))) == 2
    assert store.events(EventFilter(since="2024-11-17")) == []
    assert store.document("d1")["events"][0]["time"]["value"] == "2024-11-16"
    assert store.document("missing") is None


def test_failed_batch_leaves_nothing_behind(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    bad = make_analysis("d2")
    bad.events[0].id = None  # type: ignore[assignment]  # violates NOT NULL mid-batch
    with pytest.raises(sqlite3.IntegrityError):
        store.write([make_analysis("d1"), bad])
    assert store.stats()["documents"] == 0


def test_search_quotes_user_input(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    store.write([make_analysis("d1")])
    assert [h["id"] for h in store.search("attacked ukraine")] == ["d1"]
    assert store.search('"; DROP TABLE documents; --') == []
    assert store.search("   ") == []


def test_exports_round_trip(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    store.write([make_analysis("d1")])
    files = export(store, "parquet", tmp_path / "pq")
    assert pq.read_table(tmp_path / "pq" / "events.parquet").to_pylist()[0]["cameo"] == "190"
    assert len(files) == 8
    export(store, "jsonl", tmp_path / "a.jsonl")
    [line] = (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["document"]["id"] == "d1"
    export(store, "csv", tmp_path / "csv")
    assert (tmp_path / "csv" / "events.csv").read_text(encoding="utf-8").startswith("doc_id,event_id")


def test_unknown_database_url() -> None:
    with pytest.raises(UnsupportedDatabase):
        open_store("mysql://localhost/db")
