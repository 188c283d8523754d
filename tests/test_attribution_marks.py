"""Quotation-mark pairing: every style, multi-paragraph quotes, apostrophes, and broken marks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newstrace.attribution.marks import find_regions


def _quoted(text: str) -> list[str]:
    return [text[r.start : r.end] for r in find_regions(text)]


def test_curly_straight_and_guillemets() -> None:
    text = 'He said “one,” then "two" and «trois» left.'
    assert _quoted(text) == ["“one,”", '"two"', "«trois»"]


def test_apostrophes_are_not_quotes() -> None:
    assert _quoted("Don’t touch Russia’s ’90s rock 'n' roll, the Democrats' plan.") == []


def test_single_quotes_and_nesting() -> None:
    text = "The ‘Weimar Triangle’ met. “He called it ‘a disgrace,’ ” she said."
    regions = find_regions(text)
    assert next(text[r.start : r.end] for r in regions if not r.nested) == "‘Weimar Triangle’"
    assert any(r.nested and text[r.start : r.end] == "‘a disgrace,’" for r in regions)


def test_two_apostrophes_stand_for_a_double_mark() -> None:
    text = "''There's no evidence,'' Mr. Burman said."
    (region,) = find_regions(text)
    assert text[region.start : region.end] == "''There's no evidence,''"
    assert text[region.inner[0] : region.inner[1]] == "There's no evidence,"


def test_multi_paragraph_quote_reopens_each_paragraph() -> None:
    text = "He said:\n\n“First part.\n\n“Second part.”\n\nAfter."
    assert _quoted(text) == ["“First part.\n\n“Second part.”"]


def test_reopening_must_match_the_opening_style() -> None:
    text = '"Blockquote start.\n\n“Real quote,” she said.'
    assert _quoted(text) == ["“Real quote,”"]


def test_misused_opening_mark_closes() -> None:
    assert _quoted("back Kyiv for “as long as it takes“.") == ["“as long as it takes“"]


def test_unclosed_quote_never_swallows_the_next_paragraph() -> None:
    text = "He said “this never closes.\n\nNext paragraph with “a real one” here."
    assert _quoted(text) == ["“a real one”"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .,\n'\"“”‘’«»„`-—:")), max_size=80))
def test_random_marks_never_raise_and_stay_in_bounds(text: str) -> None:
    for region in find_regions(text):
        assert 0 <= region.start < region.end <= len(text)
        assert region.inner[0] <= region.inner[1]
        assert "\n\n" not in text[region.start : region.end] or text[region.start] in "“\"'`„«‟"
