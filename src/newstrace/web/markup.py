"""Article text with its analysis marked up: spans from character offsets, escaped, nested or split safely.

The analysis gives possibly overlapping spans (a quote holding actors, an event trigger inside its evidence, a
framing phrase crossing a quote's end). HTML elements must nest, so the text is cut at every span boundary and each
piece is wrapped in the spans covering it, outermost first; a span that crosses another is closed and reopened
around it. Every piece of text and every attribute value goes through ``markupsafe.escape``: article text is
untrusted HTML.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from markupsafe import Markup, escape

#: Outer kinds first when two spans cover the same characters (an evidence sentence holds a quote holds an actor).
KIND_ORDER = ("evidence", "quote", "framing", "place", "time", "actor", "event")
KINDS = KIND_ORDER[1:]  # what the legend shows; evidence is only highlighted on demand


@dataclass(frozen=True, slots=True)
class Mark:
    """One span to wrap: ``attrs`` become ``data-*`` attributes (and ``title``) of the element."""

    start: int
    end: int
    kind: str
    attrs: tuple[tuple[str, str], ...] = field(default=())

    def open_tag(self) -> str:
        tag = "span" if self.kind == "evidence" else "mark"
        parts = [f'<{tag} data-kind="{escape(self.kind)}"']
        parts += [f' {escape(name)}="{escape(value)}"' for name, value in self.attrs]
        if self.kind == "event":
            parts.append(' tabindex="0" role="button"')
        return "".join(parts) + ">"

    def close_tag(self) -> str:
        return "</span>" if self.kind == "evidence" else "</mark>"


def _code_title(*parts: Any) -> str:
    return " · ".join(str(p) for p in parts if p not in (None, ""))


def marks_from_analysis(analysis: dict[str, Any]) -> list[Mark]:
    """Every marked kind of the output contract as ``Mark``s (events also give their evidence span)."""
    marks: list[Mark] = []
    for a in analysis.get("actors") or []:
        marks.append(
            Mark(
                a["start"],
                a["end"],
                "actor",
                (
                    ("data-code", a.get("code") or ""),
                    ("title", _code_title(a.get("code") or "uncoded", a.get("name"), a.get("role"), a.get("via"))),
                ),
            )
        )
    evidence: dict[tuple[int, int], list[str]] = {}
    for e in analysis.get("events") or []:
        trigger = e.get("trigger") or {}
        if "start" in trigger:
            marks.append(
                Mark(
                    trigger["start"],
                    trigger["end"],
                    "event",
                    (
                        ("data-code", e.get("cameo") or ""),
                        ("data-event", e["id"]),
                        ("title", _code_title(e.get("cameo"), e.get("plover"), e.get("modality"))),
                    ),
                )
            )
        ev = e.get("evidence") or {}
        if "start" in ev:
            evidence.setdefault((ev["start"], ev["end"]), []).append(e["id"])
    for (start, end), ids in evidence.items():
        marks.append(Mark(start, end, "evidence", (("data-evidence", " ".join(ids)),)))
    for q in analysis.get("quotes") or []:
        content, speaker = q.get("content") or {}, q.get("speaker") or {}
        if "start" in content:
            who = speaker.get("name") or speaker.get("text")
            marks.append(
                Mark(
                    content["start"],
                    content["end"],
                    "quote",
                    (("data-code", q.get("kind") or ""), ("title", _code_title(q.get("kind"), who and f"— {who}"))),
                )
            )
    for t in analysis.get("times") or []:
        marks.append(
            Mark(t["start"], t["end"], "time", (("data-code", t.get("value") or ""), ("title", _title_time(t))))
        )
    for p in analysis.get("places") or []:
        marks.append(
            Mark(
                p["start"],
                p["end"],
                "place",
                (
                    ("data-code", p.get("country") or p.get("name") or ""),
                    ("title", _code_title(p.get("name"), p.get("country"), p.get("feature"))),
                ),
            )
        )
    for f in analysis.get("framing") or []:
        marks.append(
            Mark(
                f["start"],
                f["end"],
                "framing",
                (("data-code", f.get("category") or ""), ("title", _code_title(f.get("category"), f.get("voice")))),
            )
        )
    return marks


def _title_time(t: dict[str, Any]) -> str:
    return _code_title(t.get("type"), t.get("value"), t.get("anchor") and f"anchor: {t.get('anchor')}")


def render_marked(text: str, marks: Iterable[Mark]) -> Markup:
    """``text`` as escaped HTML with ``marks`` wrapped around their characters, always well nested.

    Spans outside the text or empty are dropped (a damaged offset must not break the page). Cost is linear in the
    text plus the number of pieces times the nesting depth.
    """
    rank = {kind: i for i, kind in enumerate(KIND_ORDER)}
    usable = sorted(
        (m for m in marks if 0 <= m.start < m.end <= len(text)),
        key=lambda m: (m.start, -m.end, rank.get(m.kind, len(rank))),
    )
    order = {id(m): i for i, m in enumerate(usable)}
    cuts = sorted({0, len(text), *(m.start for m in usable), *(m.end for m in usable)})
    starting: dict[int, list[Mark]] = {}
    for m in usable:
        starting.setdefault(m.start, []).append(m)
    active: list[Mark] = []
    stack: list[Mark] = []
    out: list[str] = []
    for a, b in pairwise(cuts):
        active = [m for m in active if m.end > a] + starting.get(a, [])
        wanted = sorted(active, key=lambda m: order[id(m)])
        keep = 0
        while keep < min(len(stack), len(wanted)) and stack[keep] is wanted[keep]:
            keep += 1
        out.extend(m.close_tag() for m in reversed(stack[keep:]))
        out.extend(m.open_tag() for m in wanted[keep:])
        stack = wanted
        out.append(str(escape(text[a:b])))
    out.extend(m.close_tag() for m in reversed(stack))
    return Markup("".join(out))


def kind_counts(marks: Iterable[Mark]) -> dict[str, int]:
    """How many spans of each legend kind an article has (the legend shows only kinds present)."""
    counts = dict.fromkeys(KINDS, 0)
    for m in marks:
        if m.kind in counts:
            counts[m.kind] += 1
    return {k: n for k, n in counts.items() if n}
