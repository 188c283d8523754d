"""Pair quotation marks into quoted regions, on the raw text, in one pass.

Why not a regex like ``"[^"]*"``: news text mixes straight, curly and angle marks, uses apostrophes that look like
closing single quotes, leaves quotes open across paragraphs (each paragraph re-opens, only the last closes) and
sometimes has typos (``“as long as it takes“``). A mark is classified by its neighbours (left-flanking opens,
right-flanking closes), and an open quote that reaches a paragraph which does not re-open it is dropped, so a
stray mark never swallows the rest of the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

DOUBLE_OPEN = frozenset("“„«‟")
DOUBLE_CLOSE = frozenset("”»")
DOUBLE_AMBIGUOUS = frozenset('"')
SINGLE_OPEN = frozenset("‘‹‚")
SINGLE_CLOSE = frozenset("’›")
SINGLE_AMBIGUOUS = frozenset("'")
ALL_MARKS = DOUBLE_OPEN | DOUBLE_CLOSE | DOUBLE_AMBIGUOUS | SINGLE_OPEN | SINGLE_CLOSE | SINGLE_AMBIGUOUS
_DOUBLES = DOUBLE_OPEN | DOUBLE_CLOSE | DOUBLE_AMBIGUOUS
#: Two apostrophes (or backticks) stand for a double mark in some archives (''Like this,'' he said).
_MARK_RE = re.compile("''|``|[" + re.escape("".join(sorted(ALL_MARKS))) + "]")
_STRAIGHT_DOUBLE = frozenset({'"', "''", "``"})

#: Characters after which a mark opens (besides whitespace and the start of text).
_OPENERS_BEFORE = frozenset("([{—–-/:;")
#: Longest double-quoted region kept (characters); longer ones are unbalanced marks, not quotes.
MAX_DOUBLE = 6000
#: Single quotes rarely span more than a phrase; longer pairs are apostrophes.
MAX_SINGLE = 300


@dataclass(frozen=True, slots=True)
class Region:
    """A quoted stretch: ``start`` is the opening mark, ``end`` is just after the closing mark."""

    start: int
    end: int
    double: bool
    nested: bool = False
    open_len: int = 1
    close_len: int = 1

    @property
    def inner(self) -> tuple[int, int]:
        """Offsets of the quoted words, without the marks."""
        return self.start + self.open_len, self.end - self.close_len


def _is_space(ch: str) -> bool:
    return ch.isspace()


def _flank(text: str, i: int, j: int) -> tuple[bool, bool]:
    """(can open, can close) for the mark ``text[i:j]``, from its neighbours alone."""
    before = text[i - 1] if i > 0 else " "
    after = text[j] if j < len(text) else " "
    left_ok = _is_space(before) or before in _OPENERS_BEFORE or before in ALL_MARKS
    right_ok = _is_space(after) or (not after.isalnum() and after not in ALL_MARKS) or after in ALL_MARKS
    can_open = left_ok and not _is_space(after)
    can_close = right_ok and not _is_space(before)
    return can_open, can_close


def _classify(text: str, i: int, j: int, double: bool) -> str:
    """'open', 'close' or '' (not a quotation mark here) for the mark ``text[i:j]``."""
    ch = text[i:j]
    can_open, can_close = _flank(text, i, j)
    opens, closes = (DOUBLE_OPEN, DOUBLE_CLOSE) if double else (SINGLE_OPEN, SINGLE_CLOSE)
    if ch in opens:
        # A curly opener typed where a closer belongs (“as long as it takes“) still closes.
        return "close" if can_close and not can_open else "open"
    if ch in closes:
        if not double and not can_close:
            return ""  # apostrophe inside or before a word: don’t, ’90s
        return "open" if can_open and not can_close else "close"
    if can_open and not can_close:
        return "open"
    if can_close and not can_open:
        return "close"
    return ""


def _paragraph_break(text: str, start: int, end: int) -> int:
    """Offset of the first blank-line or newline paragraph break in ``text[start:end]``, or -1."""
    return text.find("\n", start, end)


def _pair(text: str, positions: list[tuple[int, int]], double: bool, limit: int) -> list[Region]:
    regions: list[Region] = []
    open_at = -1
    open_len = 1
    straight = False
    for i, j in positions:
        role = _classify(text, i, j, double)
        if not role:
            continue
        if open_at >= 0:
            brk = _paragraph_break(text, open_at, i)
            if brk >= 0:
                # The quote ran into a new paragraph: fine only if every paragraph in between re-opens it.
                if not double or not _reopened(text, brk, i, straight):
                    open_at = -1
                elif role == "open" and _paragraph_start(text, i):
                    continue  # multi-paragraph quote re-opened at this paragraph
            if open_at >= 0 and i - open_at > limit:
                open_at = -1
        if role == "open":
            open_at, open_len = i, j - i  # an open while open: the earlier mark was stray
            straight = text[i:j] in _STRAIGHT_DOUBLE
        elif role == "close" and open_at >= 0:
            if i > open_at + 2:
                regions.append(Region(open_at, j, double, False, open_len, j - i))
            open_at = -1
    return regions


def _paragraph_start(text: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and text[j] in " \t\u00a0":
        j -= 1
    return j < 0 or text[j] == "\n"


def _reopened(text: str, brk: int, upto: int, straight: bool) -> bool:
    """True when every paragraph from ``brk`` up to the mark at ``upto`` re-opens with a mark of the same style."""
    reopeners = DOUBLE_AMBIGUOUS | {"'", "`"} if straight else DOUBLE_OPEN
    pos = brk
    while 0 <= pos < upto:
        j = pos
        while j < upto and text[j].isspace():
            j += 1
        if text[j] not in reopeners:
            return False
        pos = text.find("\n", j, upto)
    return True


def find_regions(text: str) -> list[Region]:
    """All quoted regions in ``text``, sorted; single-quoted regions inside double ones are ``nested``."""
    doubles: list[tuple[int, int]] = []
    singles: list[tuple[int, int]] = []
    for match in _MARK_RE.finditer(text):
        mark = match.group()
        (doubles if len(mark) == 2 or mark in _DOUBLES else singles).append(match.span())
    double_regions = _pair(text, doubles, True, MAX_DOUBLE)
    single_regions = _pair(text, singles, False, MAX_SINGLE)
    out = list(double_regions)
    for region in single_regions:
        inside = any(d.start < region.start and region.end <= d.end for d in double_regions)
        crossing = any(
            d.start < region.start < d.end < region.end or region.start < d.start < region.end < d.end
            for d in double_regions
        )
        if crossing:
            continue
        out.append(Region(region.start, region.end, False, inside, region.open_len, region.close_len))
    out.sort(key=lambda r: (r.start, -r.end))
    return out


_CACHE_KEY = "newstrace.attribution.regions"


def doc_regions(doc: Doc) -> tuple[str, list[Region]]:
    """``doc.text`` and its regions, computed once per Doc (``doc.text`` rebuilds the string on every access).

    Cached in ``doc.user_data`` so ``find_quotes`` and ``find_framing`` share one scan.
    """
    cached = doc.user_data.get(_CACHE_KEY)
    if cached is None:
        text = doc.text
        cached = (text, find_regions(text))
        doc.user_data[_CACHE_KEY] = cached
    return cached
