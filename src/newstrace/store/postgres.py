"""The PostgreSQL server store: same tables and queries as SQLite, tsvector + GIN search, safe concurrent writers.

Why psycopg 3 rather than SQLAlchemy Core: the store's SQL is small and already portable, so a thin adapter (``?``
placeholders to ``%s``, rows readable by index and by name) lets both backends share one implementation of every
query, and psycopg gives direct access to COPY and server-side features without another abstraction layer.
Concurrent ``ingest`` processes are safe because a document row is inserted with ``ON CONFLICT DO NOTHING`` and its
child rows only by the transaction that inserted it; migrations take an advisory lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from typing import Any

import psycopg

from newstrace.records import Analysis

from .sqlite import SQLiteStore, _columns

_MIGRATION_LOCK = 0x6E657773  # arbitrary constant: "news"


class Row(tuple):
    """A result row readable as ``row[0]`` and ``row["name"]`` and convertible with ``dict(row)``, like sqlite3.Row."""

    _names: tuple[str, ...] = ()

    def keys(self) -> tuple[str, ...]:
        return self._names

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names.index(key))
        return tuple.__getitem__(self, key)


def _row_factory(cursor: psycopg.Cursor[Any]) -> Any:
    names = tuple(c.name for c in cursor.description or ())

    def make(values: Sequence[Any]) -> Row:
        row = Row(values)
        row._names = names
        return row

    return make


class _Connection:
    """Just enough of the sqlite3 connection API for the shared store code, on top of psycopg."""

    def __init__(self, url: str) -> None:
        self.raw = psycopg.connect(url, autocommit=True, row_factory=_row_factory)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        if sql.startswith("BEGIN IMMEDIATE"):
            sql = "BEGIN"
        return self.raw.execute(sql.replace("?", "%s"), params or None)

    def close(self) -> None:
        self.raw.close()


class PostgresStore(SQLiteStore):
    """``--db postgresql://user@host:port/dbname``. Shares every query with the SQLite store except search."""

    dialect = "postgres"
    ilike = "ILIKE"  # PostgreSQL's LIKE is case-sensitive; names match as on SQLite

    def __init__(self, url: str) -> None:
        self.path = url
        self.conn = _Connection(url)  # type: ignore[assignment]
        self._migrate()

    def _migrate(self) -> None:
        folder = resources.files(__package__).joinpath("migrations", "postgres")
        scripts = sorted(
            (int(e.name.split("_", 1)[0]), e.read_text("utf-8")) for e in folder.iterdir() if e.name.endswith(".sql")
        )
        with self.conn.raw.transaction():
            self.conn.raw.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            self.conn.raw.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)")
            done = {r[0] for r in self.conn.raw.execute("SELECT version FROM schema_version")}
            for version, script in scripts:
                if version not in done:
                    self.conn.raw.execute(script)  # type: ignore[arg-type]  # trusted, packaged SQL
                    self.conn.raw.execute("INSERT INTO schema_version VALUES (%s)", (version,))

    def write(self, analyses: Sequence[Analysis | dict[str, Any]]) -> int:
        """Like SQLite's write (same atomicity and once-only rule), but child rows go in by ``COPY``, one per table.

        Inserting row by row costs a network round trip per row; COPY streams a table's rows of the whole batch
        in one statement (bench/store.py measures the difference).
        """
        with self.conn.raw.transaction():
            new, children = self._insert_documents(analyses)
            self._insert_actor_keys(children["events"])
            with self.conn.raw.cursor() as cursor:
                for table, rows in children.items():
                    if rows:
                        cols = _columns(rows)
                        names = ",".join(f'"{c}"' for c in cols)
                        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[arg-type]
                            for row in rows:
                                copy.write_row([row.get(c) for c in cols])
        return new

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """All words must occur (``plainto_tsquery``); the query is a bound parameter, never SQL or tsquery syntax."""
        if not query.split():
            return []
        rows = self.conn.execute(
            "SELECT d.id, d.title, d.url, d.published, d.outlet, "
            "ts_headline('english', d.text, q, 'StartSel=[, StopSel=], MaxWords=16, MinWords=6') AS snippet, "
            "-ts_rank(d.fts, q) AS score "
            "FROM documents d, plainto_tsquery('english', ?) q WHERE d.fts @@ q ORDER BY score, d.id LIMIT ?",
            (query, limit),
        ).fetchall()
        return [dict(r) for r in rows]
