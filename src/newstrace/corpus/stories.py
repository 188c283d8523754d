"""Stories: events from different articles that are the same real-world event, and how independently confirmed.

Why: an event database that counts every article (GDELT's NumArticles/NumSources) counts syndicated copies and
outlets repeating one upstream source as confirmations. A story merges the mentions of one event across articles,
incrementally as they arrive, and ``independent_sources`` counts distinct origins after collapsing copies and
shared upstream sources (the rule, with a worked example, is in docs/corroboration.md).

Merging: a new event joins an existing story when it has the same CAMEO root (or PLOVER category when there is
no CAMEO code), source actors of the same country (code prefix; IGO codes whole), target actors that do not
conflict (same country prefix, or one side unknown), an event date within ``WINDOW_DAYS`` of the story's date,
and places that do not conflict (same country, or one side unknown). Candidates come from one indexed query, so
merge cost does not grow with the corpus.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from newstrace.store import EventFilter, Store

#: How far (in days) a mention's event date may be from the story's date. Reports of one strike or meeting
#: carry the day it happened or, without a time expression, the publication date, which can lag by days.
WINDOW_DAYS = 3
#: Mentions with these modalities contradict the story: they make it ``disputed``.
DISPUTING = frozenset({"denied", "negated"})
#: Only mentions saying the event happened count as support; future and hypothetical ones are plans or
#: conditions, and disputing ones the opposite.
SUPPORTING = frozenset({"asserted", "reported", "hedged"})
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "him", "her", "them", "his", "its", "their"})
_TLD = re.compile(r"\.(com|org|net|co|uk|gov|int|info|news|example|[a-z]{2})$")


def actor_key(code: str | None) -> str | None:
    """What must agree for two actor codes to be compatible: the country prefix (IGO codes as a whole)."""
    if not code:
        return None
    return code if code.startswith("IGO") else code[:3]


def match_key(cameo: str | None, plover: str | None) -> str | None:
    """The CAMEO root ("19" for 190, 193, 1951), or the PLOVER category for events without a CAMEO code."""
    if cameo:
        return cameo[:2]
    return plover.upper() if plover else None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _period(value: str | None) -> tuple[dt.date, dt.date] | None:
    """First and last day of a TIMEX value coarser than a day ("2014", "2024-11", "2024-W46"); else None."""
    try:
        if not value:
            return None
        if re.fullmatch(r"\d{4}", value):
            return dt.date(int(value), 1, 1), dt.date(int(value), 12, 31)
        if re.fullmatch(r"\d{4}-\d{2}", value):
            year, month = int(value[:4]), int(value[5:])
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            return dt.date(year, month, 1), following - dt.timedelta(days=1)
        if re.fullmatch(r"\d{4}-W\d{2}", value):
            monday = dt.date.fromisocalendar(int(value[:4]), int(value[6:]), 1)
            return monday, monday + dt.timedelta(days=6)
    except ValueError:
        return None
    return None


def _compatible(story: dict[str, Any], event: dict[str, Any]) -> bool:
    """Targets and places must not conflict. A denial or negation must name the story's target: "forces failed
    to recapture" says nothing against a particular strike, and a false ``disputed`` flag misleads more than a
    missed one."""
    target = actor_key(event["target_code"])
    if story["target_key"] and target != story["target_key"] and (target or event["modality"] in DISPUTING):
        return False
    if story["place_country"] and event["place_country"]:
        return bool(story["place_country"] == event["place_country"])
    return True


class StoryMerger:
    """Places each new event mention in a story, creating one when no stored story matches."""

    def __init__(self, store: Store, *, window_days: int = WINDOW_DAYS) -> None:
        self.store = store
        self.window = dt.timedelta(days=window_days)

    def add(self, doc_ids: Sequence[str]) -> int:
        """Merge the events of ``doc_ids`` (inside the caller's transaction); returns how many mentions were placed."""
        placed = 0
        for event in self.store.story_inputs(doc_ids):
            story = self._find(event)
            if story is None:
                story_id = self.store.new_story(self._new_row(event))
            else:
                story_id = story["id"]
                self.store.update_story(story_id, self._fill(story, event))
            self.store.add_story_event(story_id, event["doc_id"], event["event_id"])
            placed += 1
        return placed

    def _find(self, event: dict[str, Any]) -> dict[str, Any] | None:
        key, source = match_key(event["cameo"], event["plover"]), actor_key(event["source_code"])
        day = _date(event["event_date"])
        if key is None or source is None or day is None:
            return None  # an event without type, coded source or date cannot be matched safely: its own story
        period = _period(event["time_value"])
        if period is not None and (period[1] < day - self.window or period[0] > day + self.window):
            return None  # "annexed in 2014": dated by publication, but about another time
        low, high = (day - self.window).isoformat(), (day + self.window).isoformat()
        target = actor_key(event["target_code"])
        candidates = [s for s in self.store.story_candidates(key, source, low, high) if _compatible(s, event)]
        if not candidates:
            return None

        def rank(story: dict[str, Any]) -> tuple[int, int, int]:
            gap = abs(((_date(story["date"]) or day) - day).days)
            return (0 if story["target_key"] == target else 1, gap, story["id"])

        return min(candidates, key=rank)

    @staticmethod
    def _new_row(event: dict[str, Any]) -> dict[str, Any]:
        day = _date(event["event_date"])
        return {
            "match_key": match_key(event["cameo"], event["plover"]) or "",
            "cameo": event["cameo"],
            "plover": event["plover"],
            "source_code": event["source_code"],
            "source_name": event["source_name"],
            "source_key": actor_key(event["source_code"]),
            "target_code": event["target_code"],
            "target_name": event["target_name"],
            "target_key": actor_key(event["target_code"]),
            "date": day.isoformat() if day else None,
            "place_name": event["place_name"],
            "place_country": event["place_country"],
            "lat": event["lat"],
            "lon": event["lon"],
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }

    @staticmethod
    def _fill(story: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
        """What a later mention adds to a story that lacked it (a target, a place); nothing is overwritten."""
        fields: dict[str, Any] = {}
        if not story["target_key"] and event["target_code"]:
            fields |= {
                "target_code": event["target_code"],
                "target_name": event["target_name"],
                "target_key": actor_key(event["target_code"]),
            }
        if not story["place_name"] and event["place_name"]:
            fields |= {k: event[k] for k in ("place_name", "place_country", "lat", "lon")}
        return fields


# -- independent corroboration -----------------------------------------------------------------------------------
def _norm_source(text: str) -> str:
    """A source or outlet name as a key: "The Washington Post", "washingtonpost.com" → "washingtonpost"."""
    text = text.casefold().strip().removeprefix("the ").removeprefix("www.")
    if " " not in text:
        text = _TLD.sub("", _TLD.sub("", text))
    return re.sub(r"\W+", "", text)


def upstream(attribution: dict[str, Any] | None) -> str | None:
    """The origin a mention's attribution chain ends in, as a key; None when the article speaks in its own voice.

    The chain runs from the article outwards, so its last link is the deepest source named. Unnamed or official
    sources collapse to their government (``gov:UKR`` for "Ukrainian officials", "Kyiv", "Ukraine's air force");
    outlets and named people to their normalised name (people by surname); generic documents ("the reports")
    name no origin of their own.
    """
    chain = [link for link in (attribution or {}).get("chain") or [] if link.get("kind") != "author"]
    if not chain:
        return None
    last = chain[-1]
    kind, code, text = last.get("kind"), last.get("code"), last.get("text") or ""
    if kind in {"anonymous", "official"}:
        country = actor_key(code)
        return f"gov:{country}" if country else (f"src:{_norm_source(text)}" if kind == "official" else None)
    if kind == "outlet":
        return f"src:{_norm_source(text)}" if _norm_source(text) else None
    if kind == "document":
        return f"src:{code}" if code else None
    words = re.findall(r"\w+", text.casefold())
    if words and words[-1] not in _PRONOUNS:
        return f"person:{words[-1]}"
    speaker = (attribution or {}).get("speaker") or {}
    name = re.findall(r"\w+", (speaker.get("name") or "").casefold())
    if name:
        return f"person:{name[-1]}"
    return f"actor:{code}" if code else None


class _Origins:
    """Union-find over origin keys: a document, its copy group, its outlet and the sources it cites."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def independent_origins(mentions: Iterable[dict[str, Any]]) -> list[str]:
    """The distinct origins supporting a story (one key per origin); see docs/corroboration.md.

    1. Articles that are copies of one another (one duplicate group), or come from one outlet, are one origin.
    2. An article that names a source for the event counts through that source (the end of its attribution
       chain), so two outlets citing the Washington Post, or unnamed officials of one government, count once; an
       outlet's own reporting and another article citing that outlet are one origin too.
    3. An article that names no source for the event is its own origin (after step 1).
    Only asserted, reported or hedged mentions support; denials and negations make the story disputed instead.
    """
    origins = _Origins()
    cited: dict[str, list[str]] = {}
    for mention in mentions:
        doc = f"doc:{mention['doc_id']}"
        origins.find(doc)
        if mention.get("dup_group") is not None:
            origins.union(doc, f"dup:{mention['dup_group']}")
        if mention.get("outlet") and _norm_source(mention["outlet"]):
            origins.union(doc, f"src:{_norm_source(mention['outlet'])}")
        if mention.get("modality") not in SUPPORTING:
            continue
        attribution = mention.get("attribution")
        if isinstance(attribution, str):
            attribution = json.loads(attribution)
        source = upstream(attribution)
        keys = cited.setdefault(doc, [])
        if source is not None and source not in keys:
            keys.append(source)
    chosen: dict[str, str] = {}
    for doc, sources in cited.items():
        for key in sources or [doc]:
            chosen.setdefault(origins.find(key), key)
    return list(chosen.values())


def summarize(story: dict[str, Any], mentions: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One story in the shape ``newstrace stories --format json`` prints."""
    articles = list(dict.fromkeys(m["doc_id"] for m in mentions))
    outlets = list(dict.fromkeys(m["outlet"] for m in mentions if m.get("outlet")))
    seen = [m.get("published") or (m.get("ingested_at") or "")[:10] for m in mentions]
    modalities = Counter(m["modality"] for m in mentions if m.get("modality"))
    cameos = Counter(m["cameo"] for m in mentions if m.get("cameo"))
    cameo = max(cameos, key=lambda c: (cameos[c], c == story["cameo"])) if cameos else story["cameo"]
    origins = independent_origins(mentions)
    place = None
    if story["place_name"]:
        place = {k: story[f"place_{k}"] for k in ("name", "country")} | {"lat": story["lat"], "lon": story["lon"]}
    return {
        "id": story["id"],
        "cameo": cameo,
        "plover": story["plover"],
        "source": {"code": story["source_code"], "name": story["source_name"]},
        "target": {"code": story["target_code"], "name": story["target_name"]} if story["target_code"] else None,
        "date": story["date"],
        "place": place,
        "articles": articles,
        "mentions": len(mentions),
        "independent_sources": len(origins),
        "origins": origins,
        "modalities": dict(modalities.most_common()),
        "outlets": outlets,
        "first_seen": min((s for s in seen if s), default=None),
        "disputed": any(m.get("modality") in DISPUTING for m in mentions),
    }


def list_stories(store: Store, flt: EventFilter) -> list[dict[str, Any]]:
    """Stories matching ``flt`` (the ``events`` filters), each summarised with its corroboration."""
    rows = store.story_rows(flt)
    by_story: dict[int, list[dict[str, Any]]] = {r["id"]: [] for r in rows}
    for mention in store.story_mentions(list(by_story)):
        by_story[mention["story_id"]].append(mention)
    return [summarize(row, by_story[row["id"]]) for row in rows]


def story_table(store: Store, page: int = 1000) -> Iterator[dict[str, Any]]:
    """Every story as a flat row for CSV/Parquet exports (lists and counts as JSON text)."""
    offset = 0
    while stories := list_stories(store, EventFilter(limit=page, offset=offset)):
        for story in stories:
            source, target, place = story["source"], story["target"] or {}, story["place"] or {}
            yield {
                "id": story["id"],
                "date": story["date"],
                "cameo": story["cameo"],
                "plover": story["plover"],
                "source_code": source["code"],
                "source_name": source["name"],
                "target_code": target.get("code"),
                "target_name": target.get("name"),
                **{f"place_{k}": place.get(k) for k in ("name", "country", "lat", "lon")},
                "mentions": story["mentions"],
                "independent_sources": story["independent_sources"],
                "disputed": story["disputed"],
                "first_seen": story["first_seen"],
                **{
                    k: json.dumps(story[k], ensure_ascii=False)
                    for k in ("articles", "origins", "modalities", "outlets")
                },
            }
        offset += page
