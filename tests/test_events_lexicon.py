"""Schema tests for the event coder's data files (predicates.yaml, cameo.tsv, modality.yaml)."""

from __future__ import annotations

import csv

import pytest
import yaml

from newstrace.events import cameo_info
from newstrace.events.lexicon import DATA, PLOVER_CATEGORIES, PREDICATE_FIELDS, load_cameo, load_lexicon


def test_lexicon_loads_and_is_versioned() -> None:
    lex = load_lexicon()
    assert lex.version
    assert len(lex.by_key) > 300


def test_cameo_table_covers_all_roots_with_gdelt_fields() -> None:
    table = load_cameo()
    roots = {code[:2] for code in table}
    assert roots == {f"{n:02d}" for n in range(1, 21)}
    for code, info in table.items():
        root = int(code[:2])
        expected_quad = 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4
        assert info.quad_class == expected_quad, code
        assert -10.0 <= info.goldstein <= 10.0, code
        assert info.plover is None or info.plover in PLOVER_CATEGORIES
        if len(code) > 2:
            assert code[: len(code) - 1] in table or code[:2] in table, f"{code} has no parent"


def test_published_goldstein_anchors() -> None:
    assert cameo_info("190").goldstein == -10.0
    assert cameo_info("057").goldstein == 8.0
    assert cameo_info("040").goldstein == 1.0
    assert cameo_info("0874").goldstein == 10.0
    assert cameo_info("1823").quad_class == 4
    # A code missing from the table resolves to its nearest ancestor.
    assert cameo_info("0579").code == "057"


def test_every_plover_category_is_reachable() -> None:
    lex = load_lexicon()
    reachable = {lex.cameo[p.cameo].plover for preds in lex.by_key.values() for p in preds}
    assert reachable == set(PLOVER_CATEGORIES)


def test_predicates_follow_the_schema() -> None:
    raw = yaml.safe_load((DATA / "predicates.yaml").read_text(encoding="utf-8"))
    table = load_cameo()
    ids = [p["id"] for p in raw["predicates"]]
    assert len(ids) == len(set(ids))
    for pred in raw["predicates"]:
        assert set(pred) <= PREDICATE_FIELDS | {"id"}
        assert pred["pos"] in ("verb", "noun", "adj")
        assert str(pred["cameo"]) in table
        # YAML 1.1 turns bare on/no/yes into booleans: every word must stay a string.
        for key in ("lemmas", "objects", "targets"):
            assert all(isinstance(w, str) for w in pred.get(key, [])), (pred["id"], key)
        if "prep" in pred:
            assert isinstance(pred["prep"], str), pred["id"]
    for key in ("verb_targets", "noun_targets", "noun_sources"):
        assert all(isinstance(w, str) for w in raw["defaults"][key])


def test_composition_codes_exist() -> None:
    lex = load_lexicon()
    for family, table in lex.families.items():
        for category, code in table.items():
            assert code in lex.cameo, (family, category)
            assert lex.cameo[code].plover is not None


def test_cameo_tsv_header() -> None:
    with (DATA / "cameo.tsv").open(encoding="utf-8") as handle:
        header = next(csv.reader(handle, delimiter="\t"))
    assert header == ["code", "name", "quad_class", "goldstein", "plover", "plover_mode"]


@pytest.mark.parametrize(
    ("code", "plover"),
    [
        ("020", "REQUEST"),
        ("036", "AGREE"),
        ("042", "CONSULT"),
        ("051", "SUPPORT"),
        ("057", "AGREE"),
        ("061", "COOPERATE"),
        ("072", "AID"),
        ("081", "CONCEDE"),
        ("0874", "RETREAT"),
        ("090", "ACCUSE"),
        ("1056", "REQUEST"),
        ("112", "ACCUSE"),
        ("125", "REJECT"),
        ("138", "THREATEN"),
        ("141", "PROTEST"),
        ("154", "MOBILIZE"),
        ("163", "SANCTION"),
        ("173", "COERCE"),
        ("183", "ASSAULT"),
        ("195", "ASSAULT"),
        ("204", "ASSAULT"),
    ],
)
def test_cameo_to_plover_mapping(code: str, plover: str) -> None:
    assert cameo_info(code).plover == plover


def test_modality_lexicon_has_every_list() -> None:
    modality = load_lexicon().modality
    for key in ("reporting_verbs", "hedge_words", "future_aux", "denial_verbs", "conditional_marks"):
        assert modality[key]
    assert "no" in modality["negation_words"]
