"""Places: offline toponym resolution, homonyms by context, metonymic actors left out, data file schemas."""

from __future__ import annotations

import datetime as dt

import pycountry
import pytest
from spacy.language import Language

from newstrace import actors
from newstrace.nlp import load_model
from newstrace.records import Place
from newstrace.timeplace import find_places
from newstrace.timeplace.places import gazetteer, load_country_points, load_places_data, normalise

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
