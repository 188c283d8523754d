"""Quality against public gold sets: ``newstrace eval TASK --gold FILE``.

Each task is a module ``newstrace.eval.<task>`` with ``evaluate(gold, split=None, limit=None) -> dict``; the gold
files live outside the package (``../shared/research/data``) and are never shipped.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

TASKS = ("extraction", "actors", "events", "attribution", "time", "geo")


def run(task: str, gold: Path, *, split: str | None = None, limit: int | None = None) -> dict[str, Any]:
    if task not in TASKS:
        raise ValueError(f"unknown eval task {task!r} (choose from {', '.join(TASKS)})")
    try:
        module = importlib.import_module(f"{__name__}.{task}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__name__}.{task}":
            raise ValueError(f"eval task {task!r} has no evaluator yet") from exc
        raise
    return module.evaluate(gold, split=split, limit=limit)
