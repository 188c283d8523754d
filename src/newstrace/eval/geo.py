"""``newstrace eval geo``: toponym recall and resolution against the geoparsing gold (LGL, TR-News, GeoVirus,
GeoWebNews).

Scored as the gold README describes: recall over literal toponyms (GeoWebNews metonyms, demonyms and
non-literal modifiers are left out: newstrace reports those as actors), a toponym counting as found when a place
span overlaps it; country accuracy over found toponyms whose gold has a country code; the share of found
toponyms with gold coordinates that newstrace places within 161 km (100 miles).

Splits (``split``): the gold has no official split, so it is cut by position in the file. ``every-4th`` is the
issue's reporting sample (documents 0, 4, 8, ... of the file: 284 documents); ``dev`` is all the other documents (the
remaining 851), for tuning and error analysis. Tune on ``dev`` only and report on ``every-4th``. Either may be
narrowed to one corpus (``every-4th:LGL``, ``dev:GeoWebNews``), and a bare corpus name selects that corpus across
both. The file is ordered by corpus, so ``limit`` alone takes LGL documents first.
"""

from __future__ import annotations

import json
import math
import pathlib
from collections import Counter
from typing import Any

import pycountry

from newstrace import pipeline
from newstrace.actors import find_actors
from newstrace.timeplace import find_places

#: GeoWebNews classes that are places in the text (the rest are metonyms, demonyms, languages...).
LITERAL_GWN = {"Literal", "Literal_Modifier", "Embedded_Literal", "Mixed", "Coercion"}
#: ``split`` values: ``every-4th`` (the issue's reporting sample), ``dev`` (the other documents), either with a
#: ``:<corpus>`` suffix, or a bare corpus name.
EVERY = "every-4th"
DEV = "dev"


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def _literal(toponym: dict[str, Any]) -> bool:
    kind = toponym.get("gwn_type")
    return kind is None or kind in LITERAL_GWN


def select(docs: list[dict[str, Any]], split: str | None) -> list[dict[str, Any]]:
    """The documents of ``split`` (see the module docstring), in file order."""
    if not split:
        return docs
    sample, _, corpus = split.partition(":") if split.split(":")[0] in (EVERY, DEV) else ("", "", split)
    if sample == EVERY:
        docs = docs[::4]
    elif sample == DEV:
        docs = [d for i, d in enumerate(docs) if i % 4]
    return [d for d in docs if d["source_corpus"] == corpus] if corpus else docs


def evaluate(gold: pathlib.Path, split: str | None = None, limit: int | None = None, errors: int = 0) -> dict:
    """Recall, country accuracy and within-161-km share over the selected documents."""
    docs = [json.loads(line) for line in pathlib.Path(gold).read_text(encoding="utf-8").split("\n") if line.strip()]
    docs = select(docs, split)
    if limit is not None:
        docs = docs[:limit]
    language = pipeline.get_nlp()
    n_topo = n_found = n_country = n_country_ok = n_coord = n_coord_ok = 0
    per_corpus: Counter[str] = Counter()
    per_corpus_found: Counter[str] = Counter()
    per_corpus_coord: Counter[str] = Counter()
    per_corpus_near: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    wrong: list[dict[str, Any]] = []
    for record, doc in zip(docs, language.pipe(d["text"] for d in docs), strict=True):
        actors, _ = find_actors(doc, None)
        places = find_places(doc, actors)
        for top in record["toponyms"]:
            if not _literal(top):
                continue
            n_topo += 1
            per_corpus[record["source_corpus"]] += 1
            overlapping = [p for p in places if p.start < top["end"] and top["start"] < p.end]
            if not overlapping:
                missed[top["text"]] += 1
                continue
            n_found += 1
            per_corpus_found[record["source_corpus"]] += 1
            place = max(overlapping, key=lambda p: min(p.end, top["end"]) - max(p.start, top["start"]))
            if top.get("country_code"):
                n_country += 1
                country = pycountry.countries.get(alpha_3=place.country) if place.country else None
                ok = country is not None and country.alpha_2 == top["country_code"]
                n_country_ok += ok
            if top.get("lat") is not None and top.get("lon") is not None:
                n_coord += 1
                near = (
                    place.lat is not None
                    and place.lon is not None
                    and _km(place.lat, place.lon, top["lat"], top["lon"]) <= 161.0
                )
                n_coord_ok += near
                per_corpus_coord[record["source_corpus"]] += 1
                per_corpus_near[record["source_corpus"]] += near
                if not near and len(wrong) < errors:
                    wrong.append(
                        {
                            "text": top["text"],
                            "gold": [top["lat"], top["lon"], top.get("country_code"), top.get("fcode")],
                            "sys": [place.name, place.country, place.lat, place.lon, place.rule],
                            "doc": record["id"],
                        }
                    )
    result: dict[str, Any] = {
        "gold": str(gold),
        "split": split,
        "n": len(docs),
        "n_toponyms": n_topo,
        "recall": round(n_found / n_topo, 4) if n_topo else 0.0,
        "country_accuracy": round(n_country_ok / n_country, 4) if n_country else 0.0,
        "n_country": n_country,
        "within_161km": round(n_coord_ok / n_coord, 4) if n_coord else 0.0,
        "n_coordinates": n_coord,
        "recall_by_corpus": {k: round(per_corpus_found[k] / v, 4) for k, v in sorted(per_corpus.items())},
        "within_161km_by_corpus": {k: round(per_corpus_near[k] / v, 4) for k, v in sorted(per_corpus_coord.items())},
    }
    if errors:
        result["missed"] = missed.most_common(errors)
        result["far"] = wrong
    return result
