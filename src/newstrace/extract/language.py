"""Which language is an article in? newstrace's stages (the spaCy model, gazetteers, verb patterns, lexicons) are
English-only, so a German or Russian article would come out as nonsense actors and events: it is stored, marked
with its language and a warning, and left uncoded.

Why stop words and not a language-identification model: function words are the most reliable cheap signal and
need no extra model or download; spaCy ships stop-word lists for the main news languages. A text is in the
language whose list covers most of its first words. English news prose has 25–50% of its words in the English list
(PolNeAR's 1,008 articles: 26% at the lowest), and English wins even on list-like English text with few function
words; a non-English page scores 0–18% on the English list but more on its own. It costs well under a millisecond
per document and runs before the parse, so a non-English article costs no parsing either.
"""

from __future__ import annotations

import importlib
import re
from functools import cache

#: Languages told apart: English (the only one coded) and the most common other languages of news on the web.
LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "ru", "pl", "tr", "sv", "id")
#: Words (runs of letters) sampled from the start of the text.
SAMPLE_WORDS = 400
#: Below this many words a text is too short to judge and is taken as English (a headline, a one-line brief).
MIN_WORDS = 30
#: A best share under this is no language of the list (Chinese, Japanese, Arabic…): "und", undetermined.
MIN_SHARE = 0.05

_WORD = re.compile(r"[^\W\d_]+")


@cache
def stop_words(code: str) -> frozenset[str]:
    return frozenset(importlib.import_module(f"spacy.lang.{code}.stop_words").STOP_WORDS)


def shares(text: str) -> tuple[dict[str, float], int]:
    """Share of the first ``SAMPLE_WORDS`` words in each language's stop-word list, and how many were sampled."""
    words = [word.lower() for word in _WORD.findall(text[: SAMPLE_WORDS * 12])][:SAMPLE_WORDS]
    if not words:
        return dict.fromkeys(LANGUAGES, 0.0), 0
    return {code: sum(word in stop_words(code) for word in words) / len(words) for code in LANGUAGES}, len(words)


def detect_language(text: str) -> str:
    """An ISO 639-1 code from ``LANGUAGES``, or "und"; "en" for texts too short to judge."""
    found, sampled = shares(text)
    if sampled < MIN_WORDS:
        return "en"
    best = max(LANGUAGES, key=lambda code: (found[code], code == "en"))  # a tie goes to English
    return best if found[best] >= MIN_SHARE else "und"
