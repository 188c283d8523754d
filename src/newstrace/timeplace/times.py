"""Time expressions: recognise them on the spaCy parse and give them TIMEX3 values against the publication date.

Candidates are the model's DATE/TIME entities plus Matcher patterns from ``data/timex.yaml`` for what the small
model misses ("now", "recently", "daily", "every morning", bare "years"). Each candidate's words are read into
calendar parts (year, month, weekday, unit, shift...) with the lexicon of the same file, and resolved against the
publication date. Whether a bare "Saturday" or "June" lies before or after the publication date is decided by
the tense of the clause that governs the expression (spaCy's ``Tense`` morph feature and "will"/"going to"
auxiliaries), which is where generic date parsers go wrong on news text. Without a publication date relative
expressions keep an unanchored value ("XXXX-WXX-6") and ``anchor = "none"``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from newstrace.records import TimeExpr

#: Clock tokens ("15:00", "8:30"); applied to single tokens of a candidate span only.
#: How many months a bare month name's occurrence on the side the tense points away from counts as further off.
_MONTH_PENALTY = 4
_QUARTER_VALUE = re.compile(r"^\d{4}-Q[1-4]$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_DECADE = re.compile(r"^'?(\d{2,4})s$")
_ORDINAL_DIGITS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)$")
_MERIDIEM = {"am": 0, "a.m": 0, "a.m.": 0, "pm": 12, "p.m": 12, "p.m.": 12}
_TIMEZONES = {"gmt", "utc", "est", "edt", "et", "pst", "pdt", "cet", "bst", "local", "time"}
_FUTURE_AUX = {"will", "'ll", "shall", "wo"}
_FORWARD_PREPOSITIONS = {"until", "till", "til"}
#: Verbs whose infinitive complement is about the future ("expected to meet next week").
_FUTURE_GOVERNORS = {"expect", "plan", "intend", "schedule", "set", "due", "hope", "aim", "go", "prepare", "seek"}
_CONNECTORS = {"and", "to", "through", "until", "till", "-", "–", "or", "ended", "ending"}
#: "the next decade", "the following century": a stretch of time, not a calendar decade.
_SPAN_WORDS = {"next", "following", "coming"}
_LEADING_DROP = {"between", "from", "since", "until", "till", "through", "by", "in", "on", "over", "during", "of"}
#: Seasons in the order they follow each other within a "season year" (winter runs December to February).
_SEASON_ORDER = ["SP", "SU", "FA", "WI"]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The normaliser's word lists, read once from ``data/timex.yaml``."""

    months: dict[str, int]
    weekdays: dict[str, int]
    seasons: dict[str, str]
    units: dict[str, str]
    numbers: dict[str, Any]
    ordinals: dict[str, int]
    parts_of_day: dict[str, str]
    refs: dict[str, str]
    day_offsets: dict[str, int]
    sets: dict[str, str]
    relative: dict[str, int]
    shifts: dict[str, int]
    skip: frozenset[str]
    holidays: dict[str, tuple[int, int]]
    patterns: list[dict[str, Any]]


def load_lexicon_data() -> dict[str, Any]:
    """The raw YAML (the schema test reads this)."""
    text = resources.files("newstrace.timeplace").joinpath("data/timex.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def lexicon() -> Lexicon:
    data = load_lexicon_data()
    return Lexicon(
        months=data["months"],
        weekdays=data["weekdays"],
        seasons=data["seasons"],
        units=data["units"],
        numbers=data["numbers"],
        ordinals=data["ordinals"],
        parts_of_day=data["parts_of_day"],
        refs=data["refs"],
        day_offsets=data["day_offsets"],
        sets=data["sets"],
        relative=data["relative"],
        shifts=data["shifts"],
        skip=frozenset(data["skip"]),
        holidays={k: (v[0], v[1]) for k, v in data["holidays"].items()},
        patterns=data["patterns"],
    )


_MATCHERS: dict[int, Matcher] = {}


def _matcher(doc: Doc) -> Matcher:
    """One Matcher per vocabulary (per loaded model), built on first use."""
    key = id(doc.vocab)
    if key not in _MATCHERS:
        matcher = Matcher(doc.vocab)
        for entry in lexicon().patterns:
            matcher.add(entry["id"], [entry["pattern"]])
        _MATCHERS[key] = matcher
    return _MATCHERS[key]


# --------------------------------------------------------------------------------------------- tense


def clause_tense(span: Span) -> str:
    """``past``, ``present`` or ``future`` for the clause governing ``span``.

    Walks from the span's root up to the nearest verb and reads its auxiliaries and morphology; an infinitive
    under "expect/plan/schedule to" counts as future.
    """
    tok = span.root
    if tok.head.lower_ in _FORWARD_PREPOSITIONS and tok.dep_ == "pobj":
        return "future"  # "until Tuesday", "postponed till Monday"
    while tok.pos_ not in ("VERB", "AUX") and tok.head.i != tok.i:
        tok = tok.head
    if tok.pos_ not in ("VERB", "AUX"):
        return "present"
    auxes = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
    lowers = {c.lower_ for c in auxes}
    if lowers & _FUTURE_AUX:
        return "future"
    if tok.tag_ == "VB" and "to" in lowers:
        gov = tok.head
        if gov.lemma_ in _FUTURE_GOVERNORS or (gov.lower_ == "going" and gov.i != tok.i):
            return "future"
        gov_auxes = {c.lower_ for c in gov.children if c.dep_ in ("aux", "auxpass")}
        if gov_auxes & _FUTURE_AUX:
            return "future"
        if "Past" in gov.morph.get("Tense") or any("Past" in c.morph.get("Tense") for c in gov.children):
            return "past"
        return "present"
    if "Past" in tok.morph.get("Tense") or any("Past" in c.morph.get("Tense") for c in auxes):
        return "past"
    if tok.tag_ == "VBN" and lowers & {"has", "have", "had", "'ve"}:
        return "past"
    return "present"


# ------------------------------------------------------------------------------------- reading words


@dataclass(slots=True)
class Parts:
    """What the words of one candidate say, before resolution."""

    year: int | None = None
    decade: str | None = None
    century: str | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    season: str | None = None
    holiday: tuple[int, int] | None = None
    pod: str | None = None
    hour: int | None = None
    minute: int | None = None
    meridiem: int | None = None
    numbers: list[Any] = field(default_factory=list)
    ordinal: int | None = None
    unit: str | None = None
    unit_plural: bool = False
    rel: int | None = None
    rel_word: str = ""
    year_shift: int | None = None
    shift: int | None = None
    ref: str | None = None
    day_offset: int | None = None
    set_value: str | None = None
    every: bool = False
    unknown: int = 0


def _words(span: Span) -> list[str]:
    out = []
    for tok in span:
        w = tok.lower_
        if len(w) > 1 and w.endswith(".") and w not in _MERIDIEM:
            w = w[:-1]
        out.append(w)
    return out


def read_parts(words: list[str]) -> Parts:
    """Read calendar parts from lower-cased words; unknown words are counted, not guessed."""
    lex = lexicon()
    p = Parts()
    joined = " ".join(words)
    for name, md in lex.holidays.items():
        if name in joined:
            p.holiday = md
    pending_numbers: list[Any] = []
    for i, w in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if w in lex.sets and p.set_value is None:
            p.set_value = lex.sets[w]
        elif w in ("every", "each", "per"):
            p.every = True
        elif w in lex.day_offsets:
            p.day_offset = lex.day_offsets[w]
            if w == "tonight":
                p.pod = "NI"
        elif w in lex.months and not (w == "may" and not (nxt[:1].isdigit() or i > 0 or len(words) == 1)):
            p.month = lex.months[w]
        elif w in lex.weekdays:
            p.weekday = lex.weekdays[w]
        elif w in lex.seasons:
            p.season = lex.seasons[w]
        elif w in lex.parts_of_day:
            p.pod = lex.parts_of_day[w]
        elif w in _MERIDIEM:
            p.meridiem = _MERIDIEM[w]
        elif w in lex.shifts and (pending_numbers or p.unit):
            p.shift = lex.shifts[w]
        elif w in lex.units:
            if p.unit == "Y" and lex.units[w] in ("Q", "PERIOD"):
                # "next year's first quarter", "last year's quarter", "the year-ago quarter"
                if p.shift is not None:
                    p.year_shift, p.shift = p.shift, None
                else:
                    p.year_shift, p.rel, p.rel_word = p.rel or 0, None, ""
            p.unit = lex.units[w]
            p.unit_plural = (w.endswith("s") and w not in ("hrs", "yrs", "mins")) or w in ("hrs", "yrs", "mins")
            if pending_numbers:
                p.numbers = pending_numbers
                pending_numbers = []
        elif w in lex.relative and p.rel is None and not (w == "current" and len(words) == 1):
            p.rel = lex.relative[w]
            p.rel_word = w
        elif w in lex.ordinals:
            p.ordinal = lex.ordinals[w]
        elif w in lex.numbers:
            value = lex.numbers[w]
            previous = pending_numbers[-1] if pending_numbers else None
            if isinstance(previous, int) and value == 100:
                pending_numbers[-1] = previous * 100
            elif (
                isinstance(previous, int)
                and previous >= 20
                and previous % 10 == 0
                and isinstance(value, int)
                and value < 10
            ):
                pending_numbers[-1] = previous + value
            elif previous == 1 and i > 0 and words[i - 1] in ("a", "an"):
                pending_numbers[-1] = value
            elif not (pending_numbers and value == 1 and w in ("a", "an")):
                pending_numbers.append(value)
        elif w in lex.refs:
            p.ref = lex.refs[w]
        elif w.isdigit():
            n = int(w)
            if len(w) == 4 and 1000 <= n <= 2199:
                p.year = n
            elif (p.month is not None and 1 <= n <= 31 and p.day is None and nxt not in lex.units) or (
                nxt in lex.months and 1 <= n <= 31 and p.day is None
            ):
                p.day = n
            elif nxt in _MERIDIEM or (nxt in _TIMEZONES and n <= 24):
                p.hour = n
            else:
                pending_numbers.append(n)
        elif (m := _CLOCK.match(w)) is not None:
            p.hour, p.minute = int(m.group(1)), int(m.group(2))
        elif (m := _DECADE.match(w)) is not None:
            digits = m.group(1)
            p.decade = digits[:3] if len(digits) == 4 else ("19" + digits[0] if int(digits) > 20 else "20" + digits[0])
        elif (m := _ORDINAL_DIGITS.match(w)) is not None:
            n = int(m.group(1))
            if nxt in ("century", "centuries"):
                p.century = f"{n - 1:02d}"
            elif p.day is None and 1 <= n <= 31:
                p.day = n
        elif w.replace(",", "").replace(".", "", 1).isdigit():
            pending_numbers.append(float(w.replace(",", "")) if "." in w else int(w.replace(",", "")))
        elif w in _TIMEZONES or w in lex.skip or not w.strip():
            continue
        else:
            p.unknown += 1
    if pending_numbers and not p.numbers:
        p.numbers = pending_numbers
    if p.century and p.unit == "CE":
        p.unit = None
    if p.hour is not None and p.meridiem is not None:
        p.hour = p.hour % 12 + p.meridiem
    return p


# --------------------------------------------------------------------------------------- resolution


@dataclass(slots=True)
class Reading:
    type: str
    value: str
    relative: bool
    rule: str


def _fmt_num(n: Any) -> str:
    if n == "X":
        return "X"
    if isinstance(n, float) and not n.is_integer():
        return str(n)
    return str(int(n))


def _duration(numbers: list[Any], unit: str) -> str:
    """TIMEX3 duration for ``numbers`` of ``unit`` (the last concrete number wins: "some 20 years" → P20Y)."""
    concrete = [n for n in numbers if n != "X"]
    n: Any = concrete[-1] if concrete else ("X" if numbers else 1)
    scale = {"DE": (10, "Y"), "CE": (100, "Y"), "Q": (3, "M"), "FN": (2, "W"), "WE": (2, "D")}
    if unit in scale:
        factor, letter = scale[unit]
        return f"P{_fmt_num(n * factor) if n != 'X' else 'X'}{letter}"
    if unit.startswith("T"):
        return f"PT{_fmt_num(n)}{unit[1]}"
    return f"P{_fmt_num(n)}{unit}"


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _week(d: dt.date) -> str:
    iso = d.isocalendar()
    return f"{iso[0]:04d}-W{iso[1]:02d}"


def _period(dct: dt.date | None, unit: str, delta: int) -> str | None:
    """The calendar period ``delta`` units away from the publication date, at that unit's granularity."""
    if dct is None:
        unanchored = {"Y": "XXXX", "M": "XXXX-XX", "W": "XXXX-WXX", "D": "XXXX-XX-XX", "Q": "XXXX-QX"}
        return unanchored.get(unit, {"WE": "XXXX-WXX-WE", "DE": "XXX", "CE": "XX"}.get(unit))
    if unit == "Y":
        return f"{dct.year + delta:04d}"
    if unit == "M":
        y, m = _add_months(dct.year, dct.month, delta)
        return f"{y:04d}-{m:02d}"
    if unit in ("W", "FN"):
        return _week(dct + dt.timedelta(weeks=delta))
    if unit == "WE":
        return _week(dct + dt.timedelta(weeks=delta)) + "-WE"
    if unit == "D":
        return (dct + dt.timedelta(days=delta)).isoformat()
    if unit in ("Q", "PERIOD"):
        y, m = _add_months(dct.year, dct.month, 3 * delta)
        return f"{y:04d}-Q{(m - 1) // 3 + 1}"
    if unit == "DE":
        return f"{(dct.year + 10 * delta) // 10:03d}"
    if unit == "CE":
        return f"{(dct.year + 100 * delta) // 100:02d}"
    return None


def _weekday(dct: dt.date | None, wd: int, rel: int | None, tense: str) -> str:
    if dct is None:
        return f"XXXX-WXX-{wd}"
    today = dct.isoweekday()
    if rel == 0:
        delta = wd - today
    elif rel == -1:
        delta = -((today - wd) % 7 or 7)
    elif rel == 1:
        delta = (wd - today) % 7 or 7
    elif tense == "future":
        delta = (wd - today) % 7
    else:
        delta = -((today - wd) % 7)
    return (dct + dt.timedelta(days=delta)).isoformat()


def _month_year(dct: dt.date, month: int, day: int | None, rel: int | None, tense: str) -> int:
    """The year of a month (and day) named without one.

    "last"/"next"/"this" decide outright. Otherwise the nearest occurrence wins, with occurrences on the side
    the clause's tense points away from counted as further off (60 days for a dated day, four months for a
    bare month): "on Jan. 14" written on 6 January is this January even in a past clause, but "in August"
    in a past clause written in March is last August.
    """
    if rel == 0:
        return dct.year
    best: tuple[float, int] | None = None
    for year in (dct.year - 1, dct.year, dct.year + 1):
        if day is not None:
            try:
                offset = (dt.date(year, month, day) - dct).days
            except ValueError:
                continue
            penalty = 60
        else:
            offset = (year * 12 + month) - (dct.year * 12 + dct.month)
            penalty = _MONTH_PENALTY
        if rel == -1 and (offset > 0 or (day is None and offset == 0)):
            continue
        if rel == 1 and (offset < 0 or (day is None and offset == 0)):
            continue
        against = (tense == "past" and offset > 0) or (tense == "future" and offset < 0)
        score = abs(offset) + (penalty if against else 0)
        if best is None or score < best[0]:
            best = (score, year)
    return best[1] if best else dct.year


def _season(dct: dt.date | None, season: str, rel: int | None, tense: str) -> str:
    if dct is None:
        return f"XXXX-{season}"
    current_index = ((dct.month - 3) % 12) // 3
    season_year = dct.year - 1 if dct.month <= 2 else dct.year
    target = _SEASON_ORDER.index(season)
    if rel == 0 or (rel is None and tense == "present"):
        return f"{dct.year}-{season}"
    backward = rel == -1 or (rel is None and tense == "past")
    strict = rel is not None
    index, year = current_index, season_year
    for _ in range(8):
        if index == target and not (strict and (index, year) == (current_index, season_year)):
            break
        index += -1 if backward else 1
        if index < 0:
            index, year = 3, year - 1
        elif index > 3:
            index, year = 0, year + 1
    return f"{year}-{season}"


def _quarter(dct: dt.date | None, number: int | None, p: Parts, tense: str) -> str:
    """A quarter: numbered ("the third quarter") or the one the report is about ("the quarter", "the latest
    quarter": the last completed one in a past-tense clause), shifted a year back for "year-ago"/"year-earlier"
    and "last year's", forward for "next year's"."""
    if dct is None:
        return f"XXXX-Q{number}" if number else "XXXX-QX"
    current = (dct.month - 1) // 3 + 1
    shift = p.year_shift or 0
    if number is not None and number > 0:
        year = dct.year - 1 if tense == "past" and number > current and not p.year_shift else dct.year
        return f"{year + shift}-Q{number}"
    if p.rel_word in ("this", "current"):
        delta = 0
    elif p.rel is not None and p.rel_word not in ("latest",):
        delta = p.rel
    else:
        delta = -1 if tense == "past" or p.rel_word == "latest" else 0
    year, month = _add_months(dct.year + shift, dct.month, 3 * delta)
    return f"{year}-Q{(month - 1) // 3 + 1}"


def _time_suffix(p: Parts) -> str:
    if p.hour is not None:
        return f"T{p.hour:02d}:{(p.minute or 0):02d}"
    if p.pod is not None:
        return f"T{p.pod}"
    return ""


def resolve(p: Parts, dct: dt.date | None, tense: str) -> Reading | None:
    """Turn read parts into a TIMEX3 type and value, or None when the words do not make a time."""
    suffix = _time_suffix(p)
    kind = "TIME" if suffix else "DATE"
    # Sets: "daily", "every morning", "each week".
    if p.set_value is not None and not p.numbers:
        return Reading("SET", p.set_value, False, "set-adverb")
    if p.every:
        if p.weekday is not None:
            return Reading("SET", f"XXXX-WXX-{p.weekday}{suffix}", False, "set-every")
        if p.pod is not None:
            return Reading("SET", f"XXXX-XX-XXT{p.pod}", False, "set-every")
        if p.season is not None:
            return Reading("SET", f"XXXX-{p.season}", False, "set-every")
        if p.unit is not None:
            return Reading("SET", _duration(p.numbers, p.unit), False, "set-every")
    if p.day_offset is not None:
        base = (dct + dt.timedelta(days=p.day_offset)).isoformat() if dct else "XXXX-XX-XX"
        return Reading(kind, base + suffix, True, "day-offset")
    if p.holiday is not None and p.year is None:
        month, day = p.holiday
        year = _month_year(dct, month, day, p.rel, tense) if dct else None
        return Reading(
            "DATE", f"{year:04d}-{month:02d}-{day:02d}" if year else f"XXXX-{month:02d}-{day:02d}", True, "holiday"
        )
    # Absolute: an explicit year, decade or century.
    if p.year is not None:
        if p.month is not None:
            if p.day is not None:
                return Reading(kind, f"{p.year:04d}-{p.month:02d}-{p.day:02d}{suffix}", False, "date-ymd")
            return Reading("DATE", f"{p.year:04d}-{p.month:02d}", False, "date-ym")
        if p.season is not None:
            return Reading("DATE", f"{p.year:04d}-{p.season}", False, "date-year-season")
        if p.unit == "Q" and p.ordinal:
            return Reading("DATE", f"{p.year:04d}-Q{p.ordinal}", False, "date-year-quarter")
        if p.holiday is not None:
            return Reading("DATE", f"{p.year:04d}-{p.holiday[0]:02d}-{p.holiday[1]:02d}", False, "holiday")
        return Reading("DATE", f"{p.year:04d}", False, "date-year")
    if p.decade is not None:
        return Reading("DATE", p.decade, False, "decade")
    if p.century is not None:
        return Reading("DATE", p.century, False, "century")
    # Named calendar items without a year: resolved by tense and shift words.
    if p.month is not None:
        if dct is None:
            value = f"XXXX-{p.month:02d}" + (f"-{p.day:02d}" if p.day else "")
            return Reading(kind, value + (suffix if p.day else ""), True, "month-unanchored")
        year = _month_year(dct, p.month, p.day, p.rel, tense)
        if p.day is not None:
            return Reading(kind, f"{year:04d}-{p.month:02d}-{p.day:02d}{suffix}", True, "month-day-tense")
        return Reading("DATE", f"{year:04d}-{p.month:02d}", True, "month-tense")
    if p.weekday is not None:
        return Reading(kind, _weekday(dct, p.weekday, p.rel, tense) + suffix, True, "weekday-tense")
    if p.season is not None and p.unit is None:
        return Reading("DATE", _season(dct, p.season, p.rel, tense), True, "season-tense")
    if (p.unit in ("Q", "PERIOD") and p.year_shift is not None) or (
        p.unit == "Q" and (p.ordinal or not (p.numbers or p.unit_plural))
    ):
        return Reading("DATE", _quarter(dct, p.ordinal, p, tense), True, "quarter")
    if p.unit is not None and p.unit not in ("TERM",):
        return _resolve_unit(p, dct, tense)
    if suffix and (p.pod is not None or p.hour is not None):
        back = -1 if p.rel == -1 and p.pod == "NI" else 0
        base = (dct + dt.timedelta(days=back)).isoformat() if dct else "XXXX-XX-XX"
        return Reading("TIME", base + suffix, True, "time-of-day")
    if p.ref is not None and not p.numbers:
        return Reading("DATE", p.ref, False, "ref-word")
    if p.rel_word in lexicon().refs and not p.numbers:
        return Reading("DATE", lexicon().refs[p.rel_word], False, "ref-word")  # "the past", "the current"
    return None


def _resolve_unit(p: Parts, dct: dt.date | None, tense: str) -> Reading | None:
    unit = p.unit or ""
    if p.shift is not None:
        concrete = [n for n in p.numbers if n != "X" and float(n).is_integer()] or ([] if p.numbers else [1])
        if not concrete:
            return Reading("DATE", "PAST_REF" if p.shift < 0 else "FUTURE_REF", False, "vague-shift")
        n = int(concrete[-1]) * p.shift
        if unit == "DE":
            unit, n = "Y", n * 10
        if unit.startswith("T"):
            unit, n = "D", 0
        value = _period(dct, unit, n)
        return Reading("DATE", value, True, "unit-shift") if value else None
    if p.numbers:
        if p.rel_word in ("latest",) and not p.unit_plural:
            value = _period(dct, unit, 0)
            return Reading("DATE", value, True, "unit-current") if value else None
        return Reading("DURATION", _duration(p.numbers, unit), False, "duration")
    if p.unit_plural:
        return Reading("DURATION", _duration(["X"], unit), False, "duration-vague")
    if p.rel_word in ("past", "prior", "preceding") or (unit in ("DE", "CE") and p.rel_word in _SPAN_WORDS):
        return Reading("DURATION", _duration([1], unit), False, "duration-past")
    if p.ref == "PRESENT_REF" and p.rel is None:
        value = _period(dct, unit, 0)
        return Reading("DATE", value, True, "unit-current") if value else None
    delta = p.rel if p.rel is not None else 0
    if unit == "PERIOD" and p.rel is None:
        return None
    value = _period(dct, unit, delta)
    return Reading("DATE", value, True, "unit-relative") if value else None


# ---------------------------------------------------------------------------------------- candidates


def _trim(span: Span) -> Span | None:
    """Drop prepositions, possessive markers and punctuation at the edges of a candidate; take back the first
    half of a hyphenated word the entity cut ("year-" of "the year-ago quarter")."""
    start, end = span.start, span.end
    doc = span.doc
    while (
        start >= 2 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_ and not doc[start - 1].whitespace_
    ):
        start -= 2
    while start < end and (doc[start].lower_ in _LEADING_DROP or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].lower_ in ("'s", "’s", "'") or doc[end - 1].is_punct):
        end -= 1
    return doc[start:end] if end > start else None


def _split(span: Span) -> list[Span]:
    """Split "between 1990 and 1995"-style ranges into their ends when both ends read as times."""
    for tok in span:
        hyphen_in_word = tok.text == "-" and not tok.whitespace_ and not span.doc[tok.i - 1].whitespace_
        if (
            (tok.lower_ in _CONNECTORS or tok.lower_ == "of")
            and span.start < tok.i < span.end - 1
            and not hyphen_in_word
        ):
            left, right = span.doc[span.start : tok.i], span.doc[tok.i + 1 : span.end]
            lp, rp = read_parts(_words(left)), read_parts(_words(right))
            if tok.lower_ == "of" and not (lp.numbers and lp.unit and rp.year):
                continue  # "the first nine months of 1997" splits; "the winter of 1994" does not
            if resolve(lp, None, "present") and resolve(rp, None, "present") and not (lp.numbers and not lp.unit):
                return [s for part in (left, right) for s in _split(part)]
    return [span]


def candidates(doc: Doc) -> list[tuple[Span, str]]:
    """Candidate spans with the component that proposed them (``ner`` or a pattern id)."""
    found: list[tuple[Span, str]] = [(ent, "ner") for ent in doc.ents if ent.label_ in ("DATE", "TIME")]
    for match_id, start, end in _matcher(doc)(doc):
        found.append((doc[start:end], doc.vocab.strings[match_id]))
    # Longest first; a shorter candidate inside a longer one is dropped.
    found.sort(key=lambda c: (-(c[0].end - c[0].start), c[0].start))
    taken: set[int] = set()
    kept: list[tuple[Span, str]] = []
    for span, via in found:
        if any(i in taken for i in range(span.start, span.end)):
            continue
        taken.update(range(span.start, span.end))
        kept.append((span, via))
    kept.sort(key=lambda c: c[0].start)
    return _join_clock_and_day(doc, kept)


def _join_clock_and_day(doc: Doc, kept: list[tuple[Span, str]]) -> list[tuple[Span, str]]:
    """Join a clock time to the day right after it ("5 p.m. EST Nov. 9", "15:00 GMT Saturday"), the halves of a
    hyphenated expression the model split ("the year" + "-ago quarter"), and a day to its part of day
    ("Friday" + "afternoon")."""
    lex = lexicon()
    out: list[tuple[Span, str]] = []
    for span, via in kept:
        if out:
            prev, prev_via = out[-1]
            gap = doc[prev.end : span.start]
            clock_then_day = (
                prev.label_ == "TIME"
                and span.label_ == "DATE"
                and all(t.is_punct for t in gap)
                and len(gap) <= 1
                and any(t.like_num for t in prev)
            )
            hyphenated = len(gap) == 1 and gap[0].text == "-" and not prev[-1].whitespace_ and not gap[0].whitespace_
            if clock_then_day or hyphenated:
                out[-1] = (doc[prev.start : span.end], prev_via)
                continue
        out.append((span, via))
    joined: list[tuple[Span, str]] = []
    for span, via in out:
        end = span.end
        if end < len(doc) and doc[end].lower_ in lex.parts_of_day and doc[end - 1].lower_ in lex.weekdays:
            span = doc[span.start : end + 1]
        joined.append((span, via))
    return joined


def _is_age(words: list[str]) -> bool:
    """ "six-year-old", "52 years old": an age, which TimeML does not mark as a time expression."""
    return (bool(words) and words[-1] == "old") or "-old" in "".join(words[-2:])


def _bare_part_of_day(parts: Parts, words: list[str]) -> bool:
    """A lone "night" or "morning" (no day, determiner or clock) is too vague to anchor."""
    return len(words) == 1 and parts.pod is not None and parts.day_offset is None


def _frequency_adjective(span: Span, parts: Parts) -> bool:
    """ "quarterly dividend", "annual meeting": a frequency word modifying a noun describes the noun."""
    return len(span) == 1 and parts.set_value is not None and span.root.dep_ == "amod"


def find_times(doc: Doc, published: dt.date | None) -> list[TimeExpr]:
    """Time expressions in ``doc`` with TIMEX3 type and value, normalised against ``published``.

    ``anchor`` says where the value came from: ``publication`` (resolved against the publication date),
    ``absolute`` (the words alone fix it: "2014", "three years", "daily", "now"), ``none`` (relative, but no
    publication date: the value keeps X placeholders). ``rule`` names the proposing component and the
    normalisation rule, e.g. ``ner+weekday-tense``.
    """
    found: list[tuple[Span, str, Parts, Reading]] = []
    for raw, via in candidates(doc):
        trimmed = _trim(raw)
        if trimmed is None:
            continue
        for span in _split(trimmed):
            words = _words(span)
            if _is_age(words):
                continue
            parts = read_parts(words)
            if _bare_part_of_day(parts, words) or _frequency_adjective(span, parts):
                continue
            reading = resolve(parts, published, clause_tense(span))
            if reading is not None:
                found.append((span, via, parts, reading))
    _compare_with_reported_quarter(found)
    out: list[TimeExpr] = []
    for span, via, _, reading in found:
        anchor = ("publication" if published else "none") if reading.relative else "absolute"
        out.append(
            TimeExpr(
                text=span.text,
                start=span.start_char,
                end=span.end_char,
                type=reading.type,
                value=reading.value,
                anchor=anchor,
                rule=f"{via}+{reading.rule}",
            )
        )
    return out


def _compare_with_reported_quarter(found: list[tuple[Span, str, Parts, Reading]]) -> None:
    """In an earnings report "a year ago" / "a year earlier" compares with the same quarter a year before: when
    the article's times are mostly about one quarter, a one-year shift lands on that quarter."""
    quarters = Counter(r.value for _, _, _, r in found if _QUARTER_VALUE.match(r.value))
    if not quarters:
        return
    reported = quarters.most_common(1)[0][0]
    year, quarter = reported.split("-Q")
    for _, _, parts, reading in found:
        if reading.rule == "unit-shift" and parts.unit == "Y" and parts.shift == -1 and parts.numbers in ([], [1]):
            reading.value = f"{int(year) - 1}-Q{quarter}"
            reading.rule = "unit-shift+reported-quarter"
