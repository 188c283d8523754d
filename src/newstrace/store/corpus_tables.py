"""SQL for corpus-level state: near-duplicate signatures and groups, and stories (migration 0003).

The decisions (what is a duplicate, which events are one story, what counts as independent) are made in
``newstrace.corpus``; these methods only read and write rows. The SQL is kept to what SQLite and PostgreSQL share
(``RETURNING``, ``ON CONFLICT DO NOTHING``, no ``rowid``), so ``PostgresStore`` inherits it unchanged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .base import EventFilter, dyad_clauses

#: Event columns that story merging reads (plus doc_id and the document's publication date).
STORY_INPUT_COLUMNS = (
    "event_id",
    "sentence",
    "cameo",
    "plover",
    "modality",
    "source_code",
    "source_name",
    "target_code",
    "target_name",
    "event_date",
    "time_value",
    "place_name",
    "place_country",
    "lat",
    "lon",
)

STORY_COLUMNS = (
    "match_key",
    "cameo",
    "plover",
    "source_code",
    "source_name",
    "source_key",
    "target_code",
    "target_name",
    "target_key",
    "date",
    "place_name",
    "place_country",
    "lat",
    "lon",
    "created_at",
)


def _chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class CorpusTables:
    """Mixed into ``SQLiteStore``; expects ``self.conn`` (autocommit mode, explicit transactions)."""

    conn: sqlite3.Connection
    ilike: str

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of corpus-state updates (a batch's dedupe and story merge)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    # -- near-duplicates -----------------------------------------------------------------------------------
    def signatures_after(self, seq: int) -> Iterator[tuple[int, str, bytes]]:
        cursor = self.conn.execute(
            "SELECT seq, doc_id, signature FROM doc_signatures WHERE seq > ? ORDER BY seq", (seq,)
        )
        for row in cursor:
            yield row[0], row[1], row[2]

    def signatures(self, doc_ids: Iterable[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for chunk in _chunks(list(doc_ids)):
            marks = ",".join("?" * len(chunk))
            found.update(
                self.conn.execute(f"SELECT doc_id, signature FROM doc_signatures WHERE doc_id IN ({marks})", chunk)
            )
        return found

    def unsigned_ids(self) -> list[str]:
        """Documents stored but not yet deduplicated (a crash between write and update, or a pre-0003 database).

        Signatures are deleted with their documents, so equal counts (two fast index counts) mean none: reads
        call this on every request and should not pay for the join.
        """
        documents, signed = self.conn.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM doc_signatures)"
        ).fetchone()
        if documents == signed:
            return []
        rows = self.conn.execute(
            "SELECT d.id FROM documents d LEFT JOIN doc_signatures s ON s.doc_id = d.id "
            "WHERE s.doc_id IS NULL ORDER BY d.ingested_at, d.id"
        )
        return [r[0] for r in rows]

    def signed_ids(self, doc_ids: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(list(doc_ids)):
            marks = ",".join("?" * len(chunk))
            found.update(
                r[0] for r in self.conn.execute(f"SELECT doc_id FROM doc_signatures WHERE doc_id IN ({marks})", chunk)
            )
        return found

    def dedupe_inputs(self, doc_ids: Sequence[str]) -> list[dict[str, Any]]:
        """id, text and content_hash of the given documents, in the order given."""
        by_id: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(doc_ids):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT id, text, content_hash FROM documents WHERE id IN ({marks})", chunk):
                by_id[row[0]] = dict(row)
        return [by_id[i] for i in doc_ids if i in by_id]

    def same_content(self, content_hash: str, doc_id: str) -> list[str]:
        """Already deduplicated documents with exactly this content hash."""
        rows = self.conn.execute(
            "SELECT d.id FROM documents d JOIN doc_signatures s ON s.doc_id = d.id "
            "WHERE d.content_hash = ? AND d.id != ? ORDER BY s.seq",
            (content_hash, doc_id),
        )
        return [r[0] for r in rows]

    def add_signature(self, doc_id: str, signature: bytes) -> int:
        cursor = self.conn.execute(
            "INSERT INTO doc_signatures (doc_id, signature) VALUES (?, ?) RETURNING seq", (doc_id, signature)
        )
        return int(cursor.fetchone()[0])

    def dup_groups_of(self, doc_ids: Iterable[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in _chunks(list(doc_ids)):
            marks = ",".join("?" * len(chunk))
            found.update(
                self.conn.execute(f"SELECT doc_id, group_id FROM dup_members WHERE doc_id IN ({marks})", chunk)
            )
        return found

    def new_dup_group(self) -> int:
        return int(self.conn.execute("INSERT INTO dup_groups DEFAULT VALUES RETURNING id").fetchone()[0])

    def add_dup_member(self, group_id: int, doc_id: str, matched: str | None, similarity: float | None) -> None:
        self.conn.execute(
            "INSERT INTO dup_members (doc_id, group_id, matched, similarity) VALUES (?, ?, ?, ?)",
            (doc_id, group_id, matched, similarity),
        )

    def merge_dup_groups(self, into: int, others: Iterable[int]) -> None:
        others = [g for g in others if g != into]
        if not others:
            return
        marks = ",".join("?" * len(others))
        self.conn.execute(f"UPDATE dup_members SET group_id = ? WHERE group_id IN ({marks})", [into, *others])
        self.conn.execute(f"DELETE FROM dup_groups WHERE id IN ({marks})", others)

    def dup_group_rows(self) -> list[dict[str, Any]]:
        """Every member of every group with its document's metadata, groups and members in arrival order."""
        rows = self.conn.execute(
            "SELECT m.group_id, m.doc_id, m.matched, m.similarity, d.url, d.outlet, d.published "
            "FROM dup_members m JOIN documents d ON d.id = m.doc_id "
            "LEFT JOIN doc_signatures s ON s.doc_id = m.doc_id ORDER BY m.group_id, s.seq, m.doc_id"
        )
        return [dict(r) for r in rows]

    # -- stories -------------------------------------------------------------------------------------------
    def story_inputs(self, doc_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The coded events of the given documents (documents in the order given, events in text order)."""
        cols = ", ".join(f"e.{c}" for c in STORY_INPUT_COLUMNS)
        by_doc: dict[str, list[dict[str, Any]]] = {}
        for chunk in _chunks(doc_ids):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT e.doc_id, {cols}, d.published FROM events e JOIN documents d ON d.id = e.doc_id "
                f"WHERE e.doc_id IN ({marks}) ORDER BY e.sentence, e.event_id",
                chunk,
            ):
                by_doc.setdefault(row["doc_id"], []).append(dict(row))
        return [row for doc_id in doc_ids for row in by_doc.get(doc_id, [])]

    def story_candidates(self, match_key: str, source_key: str, low: str, high: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT * FROM stories WHERE match_key = ? AND source_key = ? AND date BETWEEN ? AND ? ORDER BY id",
            (match_key, source_key, low, high),
        )
        return [dict(r) for r in rows]

    def new_story(self, row: dict[str, Any]) -> int:
        values = [row.get(c) for c in STORY_COLUMNS]
        cursor = self.conn.execute(
            f"INSERT INTO stories ({', '.join(STORY_COLUMNS)}) VALUES ({','.join('?' * len(values))}) RETURNING id",
            values,
        )
        return int(cursor.fetchone()[0])

    def update_story(self, story_id: int, fields: dict[str, Any]) -> None:
        unknown = set(fields) - set(STORY_COLUMNS)
        if unknown:
            raise ValueError(f"unknown story columns {sorted(unknown)}")
        if fields:
            sets = ", ".join(f"{c} = ?" for c in fields)
            self.conn.execute(f"UPDATE stories SET {sets} WHERE id = ?", [*fields.values(), story_id])

    def add_story_event(self, story_id: int, doc_id: str, event_id: str) -> None:
        self.conn.execute(
            "INSERT INTO story_events (story_id, doc_id, event_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (story_id, doc_id, event_id),
        )

    def story_rows(self, flt: EventFilter) -> list[dict[str, Any]]:
        """Stories matching the same filters as ``events`` (a story matches if one of its mentions does)."""
        where, args = dyad_clauses(flt, "s", self.ilike)
        if flt.since:
            where.append("s.date >= ?")
            args.append(flt.since)
        if flt.until:
            where.append("s.date <= ?")
            args.append(flt.until)
        for col, value in (("e.modality", flt.modality), ("e.outlet", flt.outlet), ("se.doc_id", flt.document)):
            if value:
                where.append(
                    "EXISTS (SELECT 1 FROM story_events se JOIN events e ON e.doc_id = se.doc_id "
                    f"AND e.event_id = se.event_id WHERE se.story_id = s.id AND {col} = ?)"
                )
                args.append(value)
        sql = (
            "SELECT s.* FROM stories s"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY s.date IS NULL, s.date, s.id LIMIT ? OFFSET ?"
        )
        return [dict(r) for r in self.conn.execute(sql, [*args, flt.limit, flt.offset])]

    def story_mentions(self, story_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Each mention of the given stories with what corroboration needs: modality, attribution, outlet, copies."""
        found: list[dict[str, Any]] = []
        for chunk in _chunks(story_ids):
            marks = ",".join("?" * len(chunk))
            found.extend(
                dict(r)
                for r in self.conn.execute(
                    "SELECT se.story_id, se.doc_id, se.event_id, e.sentence, e.cameo, e.quad_class, e.goldstein, "
                    "e.modality, e.attribution, d.outlet, d.url, d.published, d.ingested_at, m.group_id AS dup_group "
                    "FROM story_events se JOIN events e ON e.doc_id = se.doc_id AND e.event_id = se.event_id "
                    "JOIN documents d ON d.id = se.doc_id LEFT JOIN dup_members m ON m.doc_id = se.doc_id "
                    f"WHERE se.story_id IN ({marks}) "
                    "ORDER BY se.story_id, d.published, d.ingested_at, d.id, e.sentence",
                    chunk,
                )
            )
        return found
