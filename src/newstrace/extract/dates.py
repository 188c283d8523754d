"""Publication dates: normalise what inputs give, and find one stated near the top of a plain-text article."""

from __future__ import annotations

import datetime as dt
import re

import dateparser

# Only the first lines are searched: a date deep in the body is an event date, not a publication date.
_HEAD_LINES = 4
_CANDIDATES = re.compile(
    r"""(?ix)
    \b(?:published|posted|updated|date)[:\s]+(?P<labelled>[^\n|]{6,40}?)(?:\s*[|\n]|$)
    | (?P<iso>\b\d{4}-\d{2}-\d{2}\b)
    | (?P<long>\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}\b)
    | (?P<dmy>\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{4}\b)
    """
)
_SETTINGS = {"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": True}


# Publication years outside this range are placeholders, not dates: exports write 0001-01-01 or 9999-12-31 for
# "unknown", and anchoring relative times ("yesterday", "next year") on them overflows Python's date range.
_YEARS = range(1000, 3000)


def normalise_date(value: str | dt.date | None) -> str | None:
    """An ISO ``YYYY-MM-DD`` from the many forms feeds, pages and users give, or None if it is no date."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()[:10] if value.year in _YEARS else None
    value = value.strip()
    if not value:
        return None
    try:
        date = dt.date.fromisoformat(value[:10])
    except ValueError:
        parsed = dateparser.parse(value, languages=["en"], settings=_SETTINGS)
        if not parsed:
            return None
        date = parsed.date()
    return date.isoformat() if date.year in _YEARS else None


def find_text_date(text: str) -> str | None:
    """A full date (year, month and day) stated in the article's first lines, e.g. a dateline or byline."""
    head = "\n".join(text.lstrip().splitlines()[:_HEAD_LINES])
    for match in _CANDIDATES.finditer(head):
        found = normalise_date(next(g for g in match.groups() if g))
        if found:
            return found
    return None
