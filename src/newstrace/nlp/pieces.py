"""Parsing long texts: parse a text longer than the parser's window in pieces instead of truncating it.

spaCy refuses texts over ``nlp.max_length`` and its memory grows with the text, so a 2 MB one-line page or a
20 MB transcript must be parsed in pieces. Cutting at a fixed character count would split a sentence (or a
word, or a base letter from its accent) and silently drop everything after the first piece. Instead the text
is cut at the best boundary inside a window at the end of each piece (a blank line, then a line break, then a
sentence end, then a space; a hard cut only when a piece holds none of them), the pieces are parsed in one
``nlp.pipe`` and joined back with ``Doc.from_docs``, so the joined ``Doc.text`` is exactly the input text and
every character offset still points into ``Document.text``. What is lost is only context across a cut (a
sentence, coreference or quote that spans it), which is why the caller emits a warning naming the cuts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

#: Longest piece handed to the parser, in characters (the pipeline's ``MAX_PARSE_CHARS``).
DEFAULT_PIECE_CHARS = 100_000
#: Share of a piece, at its end, searched for a boundary: smaller keeps pieces full, larger finds better cuts.
BOUNDARY_WINDOW = 0.2

# Best first. Each pattern matches the text a piece may END with (the cut goes after the match).
_BOUNDARIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("paragraph", re.compile(r"\n[ \t]*\n\s*")),
    ("line", re.compile(r"\n\s*")),
    ("sentence", re.compile(r"(?<=[.!?…])[\"'”’»)\]]*\s+")),
    ("space", re.compile(r"\s+")),
)


@dataclass(frozen=True, slots=True)
class Piece:
    """``text[start:end]``, and the kind of boundary it was cut at (``end`` for the last piece)."""

    start: int
    end: int
    cut: str


def split_for_parse(text: str, max_chars: int = DEFAULT_PIECE_CHARS, window: float = BOUNDARY_WINDOW) -> list[Piece]:
    """Contiguous pieces covering ``text`` exactly, none longer than ``max_chars``, cut at the best boundary."""
    if max_chars < 2:
        raise ValueError("max_chars must be at least 2")
    pieces: list[Piece] = []
    start = 0
    while len(text) - start > max_chars:
        limit = start + max_chars
        lo = max(start + 1, limit - max(1, int(max_chars * window)))
        end, cut = _best_cut(text, start, lo, limit)
        pieces.append(Piece(start, end, cut))
        start = end
    pieces.append(Piece(start, len(text), "end"))
    return pieces


def _best_cut(text: str, start: int, lo: int, limit: int) -> tuple[int, str]:
    """The latest cut in ``(lo, limit]`` after the best kind of boundary present there, else a hard cut (moved
    back, if need be as far as the piece's start, so that no accent is cut off its letter)."""
    region = text[lo:limit]
    for kind, pattern in _BOUNDARIES:
        ends = [m.end() for m in pattern.finditer(region) if m.end() > 0]
        if ends:
            return lo + ends[-1], kind
    end = limit
    while end > start + 1 and unicodedata.combining(text[end]):
        end -= 1
    return end, "hard"


def parse_in_pieces(language: Language, text: str, max_chars: int = DEFAULT_PIECE_CHARS) -> tuple[Doc, list[Piece]]:
    """One ``Doc`` for the whole ``text`` (its ``.text`` equal to ``text``), parsed piece by piece."""
    pieces = split_for_parse(text, max_chars)
    if len(pieces) == 1:
        return language(text), pieces
    # one piece at a time: a batch of 200,000-character pieces would hold all their parses in memory at once
    docs = list(language.pipe((text[p.start : p.end] for p in pieces), batch_size=1))
    return Doc.from_docs(docs, ensure_whitespace=False), pieces


def split_warning_message(pieces: list[Piece], total: int) -> str:
    """What the ``text-split-for-parse`` warning says: how many pieces, and how they were cut."""
    cuts = [p.cut for p in pieces[:-1]]
    kinds = ", ".join(f"{cuts.count(k)} at a {k} break" for k in dict.fromkeys(cuts))
    return (
        f"the {total:,}-character text was parsed in {len(pieces)} pieces ({kinds}); "
        "sentences, quotes and references spanning a cut may be missed"
    )
