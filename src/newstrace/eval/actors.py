"""Evaluate actor coding against sentences with gold CAMEO/PLOVER source actors.

Metric (issue 5): for each gold source actor, does the actor stage find, in the same sentence, an actor with the
same country prefix (the first three letters of the code: ``RUS`` for ``RUSGOV``, ``IGO`` for any IGO)?
Gold files follow ``event_coding_gold.README.md``: ``{id, text, date, expected: [[source, target, code], ...]}``.
Some gold codes are CAMEO-era, not ISO (``JAP`` for Japan); ``GOLD_ALIASES`` maps the known ones and the report
lists the rest (``unmapped``) instead of silently counting them as misses or hits.

The PLOVER examples carry a placeholder date (2000-01-01) and the README says they "do not necessarily refer to
actual historical events", so roles are not dated here (``published=None``): only the country prefix is scored.
"""

from __future__ import annotations

import json
import pathlib
from collections import Counter
from typing import Any

from newstrace import actors, nlp

#: CAMEO-era or dataset-specific prefixes → ISO alpha-3 (or IGO) as the actor stage codes them.
GOLD_ALIASES = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM", "ROM": "ROU", "GMY": "DEU", "UK": "GBR"}
#: Gold prefixes that name no country and no IGO (transnational actors); reported, not scored.
NON_COUNTRY = {"NGO", "IMG", "ISM", "---", ""}


def _gold_sources(record: dict[str, Any]) -> list[str]:
    sources: list[str] = []
    for triple in record.get("expected") or []:
        source = triple[0] if triple else None
        if source and source not in sources:
            sources.append(source)
    return sources


def evaluate(gold: pathlib.Path, split: str | None = None, limit: int | None = None) -> dict[str, Any]:
    """Share of gold source actors whose country prefix appears among the sentence's actors."""
    language = nlp.load_model()
    actors.configure(language)
    records = [json.loads(line) for line in pathlib.Path(gold).read_text(encoding="utf-8").splitlines() if line]
    if split is not None:
        records = [r for r in records if r.get("split") == split]
    if limit is not None:
        records = records[:limit]
    scored = hits = 0
    unmapped: Counter[str] = Counter()
    misses: list[dict[str, Any]] = []
    texts = [r.get("text") or "" for r in records]
    for record, doc in zip(records, language.pipe(texts, batch_size=32), strict=True):
        found, _ = actors.find_actors(doc, None)
        prefixes = {(m.code or "")[:3] for m in found if m.code}
        for source in _gold_sources(record):
            prefix = source[:3]
            prefix = GOLD_ALIASES.get(prefix, prefix)
            if prefix in NON_COUNTRY or (len(prefix) == 3 and not prefix.isalpha()):
                unmapped[source[:3]] += 1
                continue
            scored += 1
            if prefix in prefixes:
                hits += 1
            elif len(misses) < 50:
                misses.append({"id": record.get("id"), "gold": source, "found": sorted(prefixes)})
    return {
        "task": "actors",
        "gold": str(gold),
        "split": split,
        "n_records": len(records),
        "n": scored,
        "source_country_recall": round(hits / scored, 4) if scored else None,
        "hits": hits,
        "unmapped_gold_prefixes": dict(unmapped),
        "misses": misses,
    }
