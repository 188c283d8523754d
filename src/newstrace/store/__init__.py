"""Persistence of analyses: SQLite by default (WAL, FTS5); chosen by URL.

The store only knows records and rows. Analysis is done before it is called, so a crash while writing loses at
most the open batch, and a re-run skips every document already stored.
"""

from __future__ import annotations

from .base import EventFilter, Store
from .sqlite import SQLiteStore


class UnsupportedDatabase(ValueError):
    pass


def open_store(url: str) -> Store:
    """Open (creating and migrating as needed) the store at ``url``.

    ``sqlite:///path`` (or a bare path) for the embedded store; ``postgresql://user@host:port/db`` for a server.
    """
    if url.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresStore  # psycopg is only loaded for server databases

        return PostgresStore(url)
    if url.startswith("sqlite:///"):
        return SQLiteStore(url.removeprefix("sqlite:///"))
    if url.startswith("sqlite://"):
        return SQLiteStore(url.removeprefix("sqlite://") or ":memory:")
    if "://" not in url:
        return SQLiteStore(url)
    raise UnsupportedDatabase(f"unsupported database URL {url!r} (expected sqlite:///PATH or postgresql://…)")


__all__ = ["EventFilter", "Store", "UnsupportedDatabase", "open_store"]
