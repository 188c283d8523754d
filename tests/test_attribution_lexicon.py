"""Schema tests for the attribution data files (cues, hedges, source types, framing)."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from newstrace.attribution import lexicon

DATA_FILES = ["cues.yaml", "hedges.yaml", "sources.yaml", "framing.yaml"]


@pytest.mark.parametrize("name", DATA_FILES)
def test_data_file_has_version_and_licence(name: str) -> None:
    text = resources.files("newstrace.attribution").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    assert "Licence: MIT" in text.split("version:")[0], "every lexicon states its licence in the header"
    assert isinstance(yaml.safe_load(text)["version"], int)


def test_lexicon_loads_and_validates() -> None:
    lex = lexicon.load()
    assert lex.verbs["say"].modality == "reported"
    assert lex.verbs["claim"].modality == "hedged"
    assert lex.verbs["deny"].modality == "denied"
    assert all(cue.takes <= lexicon.TAKES and cue.takes for cue in lex.verbs.values())
    assert all(m in lexicon.MODALITIES for m in lex.adverbs.values())
    assert {"for", "on"} <= lex.prep_verbs["call"], "YAML must not turn 'on' into a boolean"
    assert "reportedly" in lex.hedges and "may" in lex.hedges
    assert lex.anonymous_heads["official"] == "GOV"
    assert lex.official_roles >= {"GOV", "MIL", "IGO"}
    assert all(t.category in lexicon.FRAMING_CATEGORIES for t in lex.framing_terms)
    assert all(t.extend in (None, *lexicon.EXTENDS) for t in lex.framing_terms)


def test_framing_lexicon_keeps_neutral_words_out() -> None:
    """Precision over recall: everyday news words never count as framing."""
    lex = lexicon.load()
    terms = {t.term for t in lex.framing_terms} | set(lex.framing_lemmas)
    for neutral in ["very", "strong", "attack", "illegal", "said", "government", "officials", "failed", "war"]:
        assert neutral not in terms


def test_bad_cue_file_is_rejected() -> None:
    with pytest.raises(lexicon.LexiconError):
        lexicon._cues({"version": 1, "classes": {"speech": "reported"}, "verbs": {"say": {"class": "nope"}}})
    with pytest.raises(lexicon.LexiconError):
        lexicon._cues({"version": 1, "classes": {"speech": "loud"}})
    with pytest.raises(lexicon.LexiconError):
        lexicon._framing({"terms": [{"term": "x", "category": "rude"}]})


def test_stance_lexicons_load() -> None:
    lex = lexicon.load()
    assert "about" in lex.noun_preps["concern"] and "on" in lex.noun_preps["attack"]
    assert lex.adjectives["critical"] == {"of"} and "clause" in lex.adjectives["sure"]
    assert lex.verbs["believe"].modality == "hedged" and lex.verbs["want"].cls == "intention"
    assert "know" in lex.fillers
    assert lex.nested_classes == {"speech"}


def test_nested_classes_must_be_known_classes() -> None:
    with pytest.raises(lexicon.LexiconError):
        lexicon._nested_classes({"classes": {"speech": "reported"}, "nested_classes": ["belief"]})


def test_bad_adjective_entry_is_rejected() -> None:
    with pytest.raises(lexicon.LexiconError):
        lexicon._stances({"adjectives": {"critical": ["of", "that clause"]}})
    with pytest.raises(lexicon.LexiconError):
        lexicon._stances({"noun_preps": {"concern": "about"}})
