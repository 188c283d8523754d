"""The JSON output contract: ``Analysis.to_dict`` is ``dataclasses.asdict`` made cheap, with the same result."""

from __future__ import annotations

import dataclasses
import json

from newstrace.pipeline import analyze


def test_to_dict_equals_asdict_on_the_seed(seed_text: str) -> None:
    analysis = analyze(seed_text, published="2024-11-17")
    plain = analysis.to_dict()
    assert plain == dataclasses.asdict(analysis)
    assert plain["events"] and isinstance(plain["events"][0]["trigger"], dict)
    json.dumps(plain)  # only JSON types inside
    plain["events"][0]["trigger"]["text"] = "changed"  # a copy, not a view of the records
    assert analysis.events[0].trigger.text != "changed"
