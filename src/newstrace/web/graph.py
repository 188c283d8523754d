"""The actor network as plain geometry for a server-rendered SVG: no layout library, no script.

Actors sit on a circle, most connected first, so the picture is stable between requests and readable for the few
dozen actors a corpus view is about; edge width grows with the logarithm of the number of events.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

SIZE = 640
NODE_RADIUS = 7
MAX_NODES = 30


@dataclass(frozen=True, slots=True)
class Node:
    code: str
    name: str
    x: float
    y: float
    anchor: str  # text-anchor of the label, pointing away from the circle
    lx: float
    ly: float
    degree: int


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    events: int
    x1: float
    y1: float
    x2: float
    y2: float
    width: float


@dataclass(frozen=True, slots=True)
class Graph:
    size: int
    nodes: list[Node]
    edges: list[Edge]
    hidden_nodes: int


def layout(edges: list[dict[str, Any]], max_nodes: int = MAX_NODES) -> Graph:
    """Place the ``max_nodes`` best connected actors of ``edges`` (rows of ``Corpus.actor_edges``) on a circle."""
    degree: dict[str, int] = {}
    names: dict[str, str] = {}
    for e in edges:
        for end in ("source", "target"):
            degree[e[end]] = degree.get(e[end], 0) + e["events"]
            names.setdefault(e[end], e.get(f"{end}_name") or e[end])
    ranked = sorted(degree, key=lambda c: (-degree[c], c))
    shown = ranked[:max_nodes]
    centre, radius = SIZE / 2, SIZE / 2 - 110
    nodes: dict[str, Node] = {}
    for i, code in enumerate(shown):
        angle = 2 * math.pi * i / max(len(shown), 1) - math.pi / 2
        cos, sin = math.cos(angle), math.sin(angle)
        nodes[code] = Node(
            code=code,
            name=names[code],
            x=round(centre + radius * cos, 1),
            y=round(centre + radius * sin, 1),
            anchor="start" if cos > 0.2 else "end" if cos < -0.2 else "middle",
            lx=round(centre + (radius + 14) * cos, 1),
            ly=round(centre + (radius + 14) * sin + (12 if sin > 0.2 else -6 if sin < -0.2 else 4), 1),
            degree=degree[code],
        )
    drawn = []
    for e in edges:
        a, b = nodes.get(e["source"]), nodes.get(e["target"])
        if a is None or b is None or a is b:
            continue
        dx, dy = b.x - a.x, b.y - a.y
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        shift = 3.0  # both directions of a pair stay apart: each is moved to its own right-hand side
        ox, oy = -uy * shift, ux * shift
        gap = NODE_RADIUS + 4
        drawn.append(
            Edge(
                source=a.code,
                target=b.code,
                events=e["events"],
                x1=round(a.x + ux * gap + ox, 1),
                y1=round(a.y + uy * gap + oy, 1),
                x2=round(b.x - ux * gap + ox, 1),
                y2=round(b.y - uy * gap + oy, 1),
                width=round(1 + 1.5 * math.log2(e["events"]), 1),
            )
        )
    return Graph(size=SIZE, nodes=list(nodes.values()), edges=drawn, hidden_nodes=len(ranked) - len(shown))
