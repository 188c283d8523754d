"""The embedded SQLite store: WAL journal, versioned migrations, FTS5 search, one transaction per batch."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from typing import Any

from newstrace.records import Analysis

from .base import (
    TABLES,
    EventFilter,
    analysis_rows,
    code_prefix_pattern,
    dyad_clauses,
    event_row_to_dict,
    name_substring_pattern,
)
from .corpus_tables import CorpusTables

#: The listing order of events (the key of every *_order index) and the columns that identify an event in it.
_ORDER = "event_date, doc_id, sentence, event_id"
_KEYS = "e.event_date, e.doc_id, e.sentence, e.event_id"
#: Above this many (side, code or name) walks, an actor filter is one ordered walk testing every row instead.
MAX_ACTOR_BRANCHES = 64


def migrations() -> list[tuple[int, str]]:
    """Numbered SQL scripts shipped in ``migrations/``, applied in order, each once."""
    folder = resources.files(__package__).joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text("utf-8")))
    return sorted(found)


class SQLiteStore(CorpusTables):
    #: Case-insensitive LIKE: SQLite's own LIKE is (for ASCII).
    ilike = "LIKE"

    def __init__(self, path: str) -> None:
        self.path = path
        self.conn = sqlite3.connect(path, timeout=60, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        if path != ":memory:":
            self._switch_to_wal()
            self.conn.execute("PRAGMA synchronous = NORMAL")
        self._migrate()

    def _switch_to_wal(self, patience_s: float = 60.0) -> None:
        """WAL mode, so readers never block the writer. SQLite answers "database is locked" at once, without its
        busy timeout, when another connection is switching or migrating the same new file (two ``ingest``
        processes started together on a new database), so the switch is retried for as long as a write would wait.
        """
        deadline = time.monotonic() + patience_s
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _migrate(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)")
            done = {r[0] for r in self.conn.execute("SELECT version FROM schema_version")}
            for version, script in migrations():
                if version in done:
                    continue
                for statement in _split_sql(script):
                    self.conn.execute(statement)
                self.conn.execute("INSERT INTO schema_version VALUES (?)", (version,))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        return self.conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        ids = list(ids)
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.conn.execute(f"SELECT id FROM documents WHERE id IN ({marks})", chunk))
        return found

    def write(self, analyses: Sequence[Analysis | dict[str, Any]]) -> int:
        """Store a batch atomically; documents already present are left untouched. Returns how many were new.

        Analyses may be records or their JSON contract form (what ``export`` and the Spark runner write), so
        ``load`` re-uses this one write path.

        The document row goes in first with ``ON CONFLICT DO NOTHING``: only the transaction that inserted it
        writes its child rows, so two writers racing on the same document (two ``ingest`` processes on one
        PostgreSQL server) store it exactly once.

        Child rows of the batch's new documents are then inserted table by table with one ``executemany`` each
        rather than one ``execute`` per row (bench/store.py measures ingest on both backends).
        """
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            new, children = self._insert_documents(analyses)
            self._insert_actor_keys(children["events"])
            for table, rows in children.items():
                if rows:
                    cols = _columns(rows)
                    names, marks = ",".join(f'"{c}"' for c in cols), ",".join("?" * len(cols))
                    self.conn.executemany(
                        f"INSERT INTO {table} ({names}) VALUES ({marks})", [[r.get(c) for c in cols] for r in rows]
                    )
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return new

    def _insert_documents(
        self, analyses: Sequence[Analysis | dict[str, Any]]
    ) -> tuple[int, dict[str, list[dict[str, Any]]]]:
        """Insert the document rows (existing ids are skipped); return how many were new and their child rows."""
        new, children = 0, {t: [] for t in TABLES if t != "documents"}
        for analysis in analyses:
            tables = analysis_rows(analysis)
            [doc_row] = tables.pop("documents")
            if self._insert(table="documents", row=doc_row, on_conflict="ON CONFLICT (id) DO NOTHING"):
                new += 1
                for event in tables["events"]:
                    event["outlet"] = doc_row["outlet"]  # denormalised (0005): outlet filters need no join
                for table, rows in tables.items():
                    children[table].extend(rows)
        return new, children

    def _insert_actor_keys(self, events: list[dict[str, Any]]) -> None:
        """Add the batch's new source/target codes and names to actor_codes and actor_names (the actor filter's
        lookup). Sorted, so concurrent PostgreSQL writers take the rows' locks in one order and cannot deadlock."""
        for table, column in (("actor_codes", "code"), ("actor_names", "name")):
            values = sorted({e[f"{side}_{column}"] for e in events for side in ("source", "target")} - {None})
            for i in range(0, len(values), 500):
                chunk = values[i : i + 500]
                self.conn.execute(
                    f"INSERT INTO {table} ({column}) VALUES {','.join(['(?)'] * len(chunk))} ON CONFLICT DO NOTHING",
                    chunk,
                )

    def _insert(self, table: str, row: dict[str, Any], on_conflict: str = "") -> int:
        cols = ",".join(f'"{c}"' for c in row)
        marks = ",".join("?" * len(row))
        cursor = self.conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks}) {on_conflict}", list(row.values()))
        return cursor.rowcount

    def stats(self) -> dict[str, Any]:
        count = {t: self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        top_actors = self.conn.execute(
            "SELECT coalesce(name, text) AS actor, code, count(*) AS n FROM actors WHERE code IS NOT NULL "
            "GROUP BY coalesce(name, text), code ORDER BY n DESC, actor LIMIT 10"
        ).fetchall()
        by_plover = self.conn.execute(
            "SELECT plover, count(*) FROM events GROUP BY plover ORDER BY count(*) DESC, plover"
        ).fetchall()
        by_modality = self.conn.execute(
            "SELECT modality, count(*) FROM events GROUP BY modality ORDER BY count(*) DESC, modality"
        ).fetchall()
        by_warning = self.conn.execute(
            "SELECT code, count(*) FROM warnings GROUP BY code ORDER BY count(*) DESC, code"
        ).fetchall()
        dates = self.conn.execute("SELECT min(published), max(published) FROM documents").fetchone()
        return {
            "documents": count["documents"],
            "events": count["events"],
            "quotes": count["quotes"],
            "actors": count["actors"],
            "times": count["times"],
            "places": count["places"],
            "framing": count["framing"],
            "warnings": count["warnings"],
            "published_range": [dates[0], dates[1]],
            "top_actors": [{"name": r[0], "code": r[1], "mentions": r[2]} for r in top_actors],
            "events_by_plover": dict(by_plover),
            "events_by_modality": dict(by_modality),
            "warnings_by_code": dict(by_warning),
        }

    def events(self, flt: EventFilter) -> list[dict[str, Any]]:
        """One page of matching events in (event_date, doc_id, sentence, event_id) order.

        Keys are found first (index-only), then only the page's rows are read. Without an actor filter one query
        walks the best index (events_order, or the outlet or PLOVER one) and stops at the page's end. An actor
        filter is a union: for each code with the prefix and each name containing the value (looked up in
        actor_codes / actor_names), on each side, an ordered walk of that column's index that stops after
        ``offset + limit`` matches; the page is cut from their union. (A single query with the OR of prefix and
        substring matches has no index in date order and walks all events until the page fills; see 0005.)
        """
        where, args = self._event_conditions(flt)
        page = [flt.limit, flt.offset]
        if not flt.actor:
            keys = f"SELECT {_KEYS} FROM events e{_where(where)} ORDER BY {_ORDER} LIMIT ? OFFSET ?"
            params = [*args, *page]
        else:
            branches = self._actor_branches(flt.actor)
            if not branches:
                return []
            if len(branches) <= MAX_ACTOR_BRANCHES:
                parts, params = [], []
                for i, (column, value) in enumerate(branches):
                    parts.append(
                        f"SELECT * FROM (SELECT {_KEYS} FROM events e{_where([f'e.{column} = ?', *where])} "
                        f"ORDER BY {_ORDER} LIMIT ?) AS b{i}"
                    )
                    params += [value, *args, flt.offset + flt.limit]
                keys = " UNION ".join(parts) + f" ORDER BY {_ORDER} LIMIT ? OFFSET ?"
                params += page
            else:  # a very broad value (a one-letter prefix): one walk in order, testing every row
                actor, actor_args = dyad_clauses(EventFilter(actor=flt.actor), "e", self.ilike)
                keys = f"SELECT {_KEYS} FROM events e{_where([*actor, *where])} ORDER BY {_ORDER} LIMIT ? OFFSET ?"
                params = [*actor_args, *args, *page]
        sql = (
            f"SELECT e.*, d.url FROM ({keys}) AS k JOIN events e ON e.doc_id = k.doc_id AND e.event_id = k.event_id "
            f"JOIN documents d ON d.id = e.doc_id ORDER BY {_KEYS}"
        )
        rows = self.conn.execute(sql, params).fetchall()
        return [event_row_to_dict(dict(r)) for r in rows]

    def _event_conditions(self, flt: EventFilter) -> tuple[list[str], list[Any]]:
        """Conditions on ``events e`` for every filter but the actor, all on columns the *_order indexes carry."""
        where, args = dyad_clauses(EventFilter(cameo=flt.cameo, plover=flt.plover), "e")
        for column, value in (("modality", flt.modality), ("outlet", flt.outlet), ("doc_id", flt.document)):
            if value:
                where.append(f"e.{column} = ?")
                args.append(value)
        if flt.since:
            where.append("e.event_date >= ?")
            args.append(flt.since)
        if flt.until:
            where.append("e.event_date <= ?")
            args.append(flt.until)
        return where, args

    def _actor_branches(self, actor: str) -> list[tuple[str, str]]:
        """(column, value) for every stored code the actor filter's prefix matches and every name it is part of."""
        codes = self.conn.execute(
            "SELECT code FROM actor_codes WHERE code LIKE ? ESCAPE '\\' ORDER BY code", (code_prefix_pattern(actor),)
        ).fetchall()
        names = self.conn.execute(
            f"SELECT name FROM actor_names WHERE name {self.ilike} ? ESCAPE '\\' ORDER BY name",
            (name_substring_pattern(actor),),
        ).fetchall()
        return [
            *((f"{side}_code", r[0]) for r in codes for side in ("source", "target")),
            *((f"{side}_name", r[0]) for r in names for side in ("source", "target")),
        ]

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """FTS5 search; the query is quoted term by term so user input is never FTS5 syntax."""
        terms = [t.replace('"', '""') for t in query.replace("\x00", " ").split()]  # FTS5 rejects NUL in a string
        if not terms:
            return []
        match = " ".join(f'"{t}"' for t in terms)
        rows = self.conn.execute(
            "SELECT d.id, d.title, d.url, d.published, d.outlet, "
            "snippet(documents_fts, 1, '[', ']', ' … ', 16) AS snippet, bm25(documents_fts) AS score "
            "FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid "
            "WHERE documents_fts MATCH ? ORDER BY score LIMIT ?",
            (match, limit),
        ).fetchall()
        return [dict(r) for r in rows]

    def document(self, doc_id: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT analysis FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def documents(self, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        """Newest first (by publication date, undated last, then by ingest time), without text or analysis."""
        rows = self.conn.execute(
            "SELECT d.id, d.title, d.url, d.published, d.outlet, d.ingested_at, "
            "(SELECT count(*) FROM events e WHERE e.doc_id = d.id) AS events "
            "FROM documents d ORDER BY d.published IS NULL, d.published DESC, d.ingested_at DESC, d.id "
            "LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return [dict(r) for r in rows]

    def actors(self, limit: int = 100) -> list[dict[str, Any]]:
        """Coded actors by number of mentions (and of documents mentioning them)."""
        rows = self.conn.execute(
            "SELECT code, max(name) AS name, count(*) AS mentions, count(DISTINCT doc_id) AS documents "
            "FROM actors WHERE code IS NOT NULL GROUP BY code ORDER BY mentions DESC, code LIMIT ?",
            (limit,),
        ).fetchall()
        return [dict(r) for r in rows]

    def story_row(self, story_id: int) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
        return dict(row) if row else None

    def story_reports(self, story_id: int) -> list[dict[str, Any]]:
        """Each article's report of one story, earliest first: what a reader needs to compare the sources."""
        rows = self.conn.execute(
            "SELECT se.doc_id, se.event_id, d.title, d.outlet, d.url, d.published, e.event_date AS date, "
            "e.source_text, e.source_code, e.trigger_text, e.target_text, e.target_code, e.cameo, e.modality, "
            "e.attribution FROM story_events se JOIN events e ON e.doc_id = se.doc_id AND e.event_id = se.event_id "
            "JOIN documents d ON d.id = se.doc_id WHERE se.story_id = ? "
            "ORDER BY d.published IS NULL, d.published, d.ingested_at, se.doc_id, e.sentence",
            (story_id,),
        ).fetchall()
        return [{**dict(r), "attribution": json.loads(r["attribution"]) if r["attribution"] else None} for r in rows]

    def actor_edges(self, limit: int = 200) -> list[dict[str, Any]]:
        """Who acts on whom: coded source → coded target pairs, weighted by their number of events."""
        rows = self.conn.execute(
            "SELECT source_code AS source, max(source_name) AS source_name, target_code AS target, "
            "max(target_name) AS target_name, count(*) AS events FROM events "
            "WHERE source_code IS NOT NULL AND target_code IS NOT NULL "
            "GROUP BY source_code, target_code ORDER BY events DESC, source, target LIMIT ?",
            (limit,),
        ).fetchall()
        return [dict(r) for r in rows]

    def rows(self, table: str) -> Iterator[dict[str, Any]]:
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}")
        columns = (
            "* "
            if table != "documents"
            else "id, url, title, published, published_from, language, "
            "text, removed, author, outlet, crawl_date, content_hash, input_format, origin, ingested_at"
        )
        for row in self.conn.execute(f"SELECT {columns} FROM {table}"):
            found = dict(row)
            if table == "events":
                del found["outlet"]  # a copy of the document's (0005); the export schema keeps it on documents
            yield found

    def close(self) -> None:
        self.conn.close()


def _where(conditions: list[str]) -> str:
    return " WHERE " + " AND ".join(conditions) if conditions else ""


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    """Every column named by any row of a table, in first-seen order (contract dicts from files may omit keys)."""
    return list(dict.fromkeys(c for row in rows for c in row))


def _split_sql(script: str) -> list[str]:
    """Statements of a migration script; trigger bodies (BEGIN … END;) stay whole."""
    statements, buf = [], []
    for line in script.splitlines():
        if line.strip().startswith("--") and not buf:
            continue
        buf.append(line)
        joined = "\n".join(buf).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            statements.append(joined)
            buf = []
    if "\n".join(buf).strip():
        statements.append("\n".join(buf).strip())
    return statements
