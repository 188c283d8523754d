"""What every store backend offers, and the flattening of analyses into rows that they share."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from newstrace.records import Analysis

TABLES = ("documents", "actors", "events", "quotes", "times", "places", "framing", "warnings")


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Filters shared by ``newstrace events``, the HTTP API and exports. Dates are ISO ``YYYY-MM-DD``."""

    #: Source or target: code prefix (``RUS`` matches RUS, RUSGOV, RUSMIL; compared upper-cased) or name substring
    #: (``russia`` matches "Russian government"; case-insensitive on both backends).
    actor: str | None = None
    cameo: str | None = None  # code prefix: "19" matches 190, 193, 1951
    plover: str | None = None
    modality: str | None = None
    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    document: str | None = None
    limit: int = 100
    offset: int = 0


def _like_literal(value: str) -> str:
    r"""``value`` matched literally by ``LIKE … ESCAPE '\'``: a user's ``%`` or ``_`` is not a wildcard."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def code_prefix_pattern(actor: str) -> str:
    """The ``LIKE`` pattern of the actor filter's code side: the value, upper-cased, as a literal prefix."""
    return f"{_like_literal(actor).upper()}%"


def name_substring_pattern(actor: str) -> str:
    """The ``LIKE`` pattern of the actor filter's name side: the value as a literal substring."""
    return f"%{_like_literal(actor)}%"


def dyad_clauses(flt: EventFilter, alias: str, ilike: str = "LIKE") -> tuple[list[str], list[Any]]:
    """SQL conditions for the filters events and stories share (actor, CAMEO prefix, PLOVER) on table ``alias``.

    ``ilike`` is the backend's case-insensitive ``LIKE`` (SQLite's ``LIKE`` is; PostgreSQL's is ``ILIKE``), used
    for names so ``--actor russia`` means the same on both.
    """
    where: list[str] = []
    args: list[Any] = []
    if flt.actor:
        esc = " ESCAPE '\\'"
        where.append(
            f"({alias}.source_code LIKE ?{esc} OR {alias}.target_code LIKE ?{esc} "
            f"OR {alias}.source_name {ilike} ?{esc} OR {alias}.target_name {ilike} ?{esc})"
        )
        args += [code_prefix_pattern(flt.actor)] * 2 + [name_substring_pattern(flt.actor)] * 2
    if flt.cameo:
        where.append(f"{alias}.cameo LIKE ? ESCAPE '\\'")
        args.append(f"{_like_literal(flt.cameo)}%")
    if flt.plover:
        where.append(f"{alias}.plover = ?")
        args.append(flt.plover.upper())
    return where, args


class CorpusState(Protocol):
    """Corpus-level state (near-duplicates, stories) as rows; the decisions live in ``newstrace.corpus``.

    Kept apart from ``Store`` so a backend can implement it separately (SQLite: ``store/corpus_tables.py``).
    """

    def transaction(self) -> Any: ...
    def signatures_after(self, seq: int) -> Iterator[tuple[int, str, bytes]]: ...
    def signatures(self, doc_ids: Iterable[str]) -> dict[str, bytes]: ...
    def unsigned_ids(self) -> list[str]: ...
    def signed_ids(self, doc_ids: Iterable[str]) -> set[str]: ...
    def dedupe_inputs(self, doc_ids: Sequence[str]) -> list[dict[str, Any]]: ...
    def same_content(self, content_hash: str, doc_id: str) -> list[str]: ...
    def add_signature(self, doc_id: str, signature: bytes) -> int: ...
    def dup_groups_of(self, doc_ids: Iterable[str]) -> dict[str, int]: ...
    def new_dup_group(self) -> int: ...
    def add_dup_member(self, group_id: int, doc_id: str, matched: str | None, similarity: float | None) -> None: ...
    def merge_dup_groups(self, into: int, others: Iterable[int]) -> None: ...
    def dup_group_rows(self) -> list[dict[str, Any]]: ...
    def story_inputs(self, doc_ids: Sequence[str]) -> list[dict[str, Any]]: ...
    def story_candidates(self, match_key: str, source_key: str, low: str, high: str) -> list[dict[str, Any]]: ...
    def new_story(self, row: dict[str, Any]) -> int: ...
    def update_story(self, story_id: int, fields: dict[str, Any]) -> None: ...
    def add_story_event(self, story_id: int, doc_id: str, event_id: str) -> None: ...
    def story_rows(self, flt: EventFilter) -> list[dict[str, Any]]: ...
    def story_mentions(self, story_ids: Sequence[int]) -> list[dict[str, Any]]: ...


class Store(CorpusState, Protocol):
    def known_ids(self, ids: Iterable[str]) -> set[str]: ...
    def write(self, analyses: Sequence[Analysis | dict[str, Any]]) -> int: ...
    def stats(self) -> dict[str, Any]: ...
    def events(self, flt: EventFilter) -> list[dict[str, Any]]: ...
    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]: ...
    def document(self, doc_id: str) -> dict[str, Any] | None: ...
    def documents(self, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]: ...
    def actors(self, limit: int = 100) -> list[dict[str, Any]]: ...
    def actor_edges(self, limit: int = 200) -> list[dict[str, Any]]: ...
    def story_row(self, story_id: int) -> dict[str, Any] | None: ...
    def story_reports(self, story_id: int) -> list[dict[str, Any]]: ...
    def rows(self, table: str) -> Iterator[dict[str, Any]]: ...
    def close(self) -> None: ...


def _event_date(event: dict[str, Any], published: str | None) -> str | None:
    value = (event.get("time") or {}).get("value") or ""
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        return value
    return published


def analysis_rows(analysis: Analysis | dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """One analysis (a record, or its JSON contract form as exported) as rows of every table (column → value)."""
    data = analysis.to_dict() if isinstance(analysis, Analysis) else analysis
    doc = data["document"]
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    rows["documents"].append(
        {
            **{k: doc[k] for k in ("id", "url", "title", "published", "published_from", "language", "text")},
            "removed": json.dumps(doc["removed"], ensure_ascii=False),
            **{k: doc[k] for k in ("author", "outlet", "crawl_date", "content_hash", "input_format", "origin")},
            "analysis": json.dumps(data, ensure_ascii=False),
            "ingested_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
    )
    for i, a in enumerate(data["actors"]):
        rows["actors"].append({"doc_id": doc["id"], "idx": i, **a})
    for e in data["events"]:
        src, tgt = e["source"], e["target"] or {}
        time, place = e.get("time") or {}, e.get("place") or {}
        rows["events"].append(
            {
                "doc_id": doc["id"],
                "event_id": e["id"],
                "sentence": e["sentence"],
                "trigger_text": e["trigger"]["text"],
                "trigger_start": e["trigger"]["start"],
                "trigger_end": e["trigger"]["end"],
                **{f"source_{k}": src.get(k) for k in ("text", "start", "end", "code", "name")},
                **{f"target_{k}": tgt.get(k) for k in ("text", "start", "end", "code", "name")},
                **{k: e.get(k) for k in ("cameo", "plover", "plover_mode", "modality", "quad_class", "goldstein")},
                "event_date": _event_date(e, doc["published"]),
                "time_value": time.get("value"),
                "place_name": place.get("name"),
                "place_country": place.get("country"),
                "lat": place.get("lat"),
                "lon": place.get("lon"),
                "evidence_start": e["evidence"]["start"],
                "evidence_end": e["evidence"]["end"],
                "rule": e["rule"],
                "attribution": json.dumps(e["attribution"], ensure_ascii=False),
            }
        )
    for q in data["quotes"]:
        spk, cue = q["speaker"] or {}, q["cue"] or {}
        rows["quotes"].append(
            {
                "doc_id": doc["id"],
                "quote_id": q["id"],
                "kind": q["kind"],
                **{f"content_{k}": q["content"][k] for k in ("text", "start", "end")},
                **{f"speaker_{k}": spk.get(k) for k in ("text", "start", "end", "code", "name")},
                **{f"cue_{k}": cue.get(k) for k in ("text", "start", "end")},
            }
        )
    keep = {
        "times": ("text", "start", "end", "type", "value", "anchor"),
        "places": ("text", "start", "end", "name", "country", "lat", "lon", "feature"),
        "framing": ("text", "start", "end", "category", "voice"),
        "warnings": ("code", "message"),
    }
    for table, cols in keep.items():
        for i, item in enumerate(data[table]):
            rows[table].append({"doc_id": doc["id"], "idx": i, **{c: item[c] for c in cols}})
    return rows


def event_row_to_dict(row: dict[str, Any]) -> dict[str, Any]:
    """A stored event row in the nested shape of the output contract (plus doc_id and dates)."""

    def span(prefix: str, extra: tuple[str, ...] = ()) -> dict[str, Any] | None:
        if row.get(f"{prefix}_start") is None:
            return None
        return {k: row[f"{prefix}_{k}"] for k in ("text", "start", "end", *extra)}

    return {
        "doc_id": row["doc_id"],
        "id": row["event_id"],
        "sentence": row["sentence"],
        "trigger": span("trigger"),
        "source": span("source", ("code", "name")),
        "target": span("target", ("code", "name")),
        **{k: row[k] for k in ("cameo", "plover", "plover_mode", "modality", "quad_class", "goldstein")},
        "date": row["event_date"],
        "time_value": row["time_value"],
        "place": row["place_name"],
        "place_country": row["place_country"],
        "evidence": {"start": row["evidence_start"], "end": row["evidence_end"]},
        "rule": row["rule"],
        "attribution": json.loads(row["attribution"]) if row.get("attribution") else None,
        "outlet": row.get("outlet"),
        "url": row.get("url"),
    }
