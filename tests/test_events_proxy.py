"""Proxy for the issue's hidden "news sentences": our own sentence sets, measured with ``eval.events``.

Figures are (dyad + CAMEO root + PLOVER, dyad + root + modality). Each batch of sentences was written before the
coder was run on it; its first-run figure is the honest estimate for unseen sentences of that style:

* ``event_sentences.yaml``, development set, 188 sentences, all 20 CAMEO roots and 7 modalities, written in five
  rounds: 98 short CAMEO-manual-style sentences (first run 0.816 / 0.816), 25 seed-style wire sentences
  (0.76 / 0.68), 25 more (0.64 / 0.60), 20 long seed-style ones (0.75 / 0.75) and 20 CAMEO-manual-style ones with
  rarer verbs (0.45 / 0.45); general rules were then fixed on each round.
* ``event_sentences_heldout.yaml``, 42 sentences written after round one's fixes: first run 0.857 / 0.833, no rule
  written for it since (later general rules moved it).

Measured 2026-11-25: development 0.883 / 0.872; held-out 0.905 / 0.905 (h28 now also gets the protest's domestic
target "the government", which its expectation, written first, leaves out).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from newstrace.eval import events as events_eval
from newstrace.events import cameo_info

DATA = Path(__file__).resolve().parent / "data"
DEV = DATA / "event_sentences.yaml"
HELDOUT = DATA / "event_sentences_heldout.yaml"
MODALITIES = {"asserted", "reported", "hedged", "denied", "future", "negated", "hypothetical"}
MARGIN = 0.03


@pytest.mark.parametrize("path", [DEV, HELDOUT], ids=["dev", "heldout"])
def test_sentence_set_schema(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = data["sentences"]
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert set(r) <= {"id", "sentence", "source", "target", "cameo", "plover", "modality", "published"}, r["id"]
        assert r["source"] and (r["target"] is None or isinstance(r["target"], str)), r["id"]
        assert r["modality"] in MODALITIES, r["id"]
        info = cameo_info(r["cameo"])
        assert info is not None and len(r["cameo"]) == 2, r["id"]


def test_dev_set_covers_every_root_and_modality() -> None:
    rows = yaml.safe_load(DEV.read_text(encoding="utf-8"))["sentences"]
    assert {r["cameo"] for r in rows} == {f"{n:02d}" for n in range(1, 21)}
    assert {r["modality"] for r in rows} == MODALITIES


@pytest.fixture(scope="module")
def dev() -> dict:
    return events_eval.evaluate(DEV)


@pytest.fixture(scope="module")
def heldout() -> dict:
    return events_eval.evaluate(HELDOUT)


def test_dev_set_floor(dev: dict) -> None:
    assert dev["n"] == 188 and dev["kind"] == "sentences"
    assert dev["dyad_root_plover"] >= 0.883 - MARGIN, dev["mismatches"]
    assert dev["dyad_root_modality"] >= 0.872 - MARGIN, dev["mismatches"]


def test_heldout_set_floor(heldout: dict) -> None:
    assert heldout["n"] == 42
    assert heldout["dyad_root_plover"] >= 0.905 - MARGIN, heldout["mismatches"]
    assert heldout["dyad_root_modality"] >= 0.905 - MARGIN, heldout["mismatches"]


def test_yaml_sets_have_no_splits() -> None:
    with pytest.raises(ValueError):
        events_eval.evaluate(DEV, split="train")
