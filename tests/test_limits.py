"""Per-document limits: long texts are parsed in pieces cut at boundaries, and offsets survive the join."""

from __future__ import annotations

import itertools
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz.nasty import article
from newstrace.nlp import load_model
from newstrace.nlp.pieces import Piece, parse_in_pieces, split_for_parse, split_warning_message


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    text=st.text(alphabet=st.sampled_from("ab .!?\n\t\u0301\u201d"), max_size=400),
    max_chars=st.integers(2, 60),
)
def test_pieces_cover_the_text_exactly_and_respect_the_limit(text: str, max_chars: int) -> None:
    pieces = split_for_parse(text, max_chars)
    assert "".join(text[p.start : p.end] for p in pieces) == text
    assert all(p.end - p.start <= max_chars for p in pieces)
    assert all(a.end == b.start for a, b in itertools.pairwise(pieces))
    assert pieces[-1].cut == "end" and all(p.end > p.start for p in pieces[:-1])


def test_best_boundary_wins() -> None:
    text = "One sentence here. Another one here.\n\nA new paragraph starts. And it goes on and on."
    pieces = split_for_parse(text, 60, window=0.9)
    assert pieces[0] == Piece(0, text.index("A new"), "paragraph")
    assert split_for_parse("Short. Text that goes on", 12, window=0.9)[0] == Piece(0, 7, "sentence")
    assert split_for_parse("“Quoted.” Then more words", 14, window=0.9)[0].cut == "sentence"
    assert split_for_parse("aaaa bbbbbbbbbb", 8)[0].cut == "hard"


def test_hard_cut_keeps_accents_with_their_letter() -> None:
    text = "e\u0301" * 50  # é as e + combining acute: a cut between them would detach the accent
    for piece in split_for_parse(text, 9):
        assert not text[piece.start : piece.end].startswith("\u0301")


def test_limit_must_allow_progress() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        split_for_parse("abc", 1)


def test_parse_in_pieces_keeps_offsets_into_the_original_text() -> None:
    text = "\n\n".join(article(i) for i in range(12))
    doc, pieces = parse_in_pieces(load_model(), text, max_chars=700)
    assert len(pieces) > 3 and {p.cut for p in pieces[:-1]} <= {"paragraph", "line", "sentence"}
    assert doc.text == text
    assert all(text[t.idx : t.idx + len(t.text)] == t.text for t in doc)
    assert all(text[e.start_char : e.end_char] == e.text for e in doc.ents)
    assert any(e.text == "Tbilisi" for e in doc.ents)
    # a piece boundary is a sentence boundary, so no sentence runs across two pieces
    starts = {s.start_char for s in doc.sents}
    assert all(p.start in starts or not text[p.start :].strip() for p in pieces[1:])


def test_short_text_is_one_piece_and_one_parse() -> None:
    doc, pieces = parse_in_pieces(load_model(), article(1))
    assert pieces == [Piece(0, len(article(1)), "end")] and doc.text == article(1)


def test_warning_names_the_cuts() -> None:
    pieces = [Piece(0, 5, "paragraph"), Piece(5, 9, "sentence"), Piece(9, 12, "paragraph"), Piece(12, 14, "end")]
    message = split_warning_message(pieces, 14)
    assert message.startswith("the 14-character text was parsed in 4 pieces (2 at a paragraph break, 1 at a sent")


def test_a_document_past_its_time_limit_is_rejected_and_the_batch_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pathological document (here: a stage that never returns) is cut off with a reason; the next one is analysed."""
    from newstrace import pipeline
    from newstrace.records import Document, Rejected

    pipeline.analyze("Russia attacked Ukraine.")  # stages build their matchers on first use: not inside the limit
    real = pipeline._analyze_parsed

    def stage(document: Document, doc: object, warnings: list) -> object:
        if document.id == "slow":
            time.sleep(30)
        return real(document, doc, warnings)

    monkeypatch.setattr(pipeline, "_analyze_parsed", stage)
    monkeypatch.setattr(pipeline, "TIME_LIMIT_BASE_S", 0.5)
    docs = [(Document(id=i, text="Russia attacked Ukraine.", origin=i), []) for i in ("slow", "fine")]
    started = time.monotonic()
    slow, fine = list(pipeline.analyze_documents(docs))
    assert isinstance(slow, Rejected) and "time limit" in slow.reason and slow.origin == "slow"
    assert not isinstance(fine, Rejected) and fine.document.id == "fine"
    assert time.monotonic() - started < 20
