"""Framing flags: judgemental wording, and whose voice it is in.

Terms come from ``data/framing.yaml``: phrases are matched with one spaCy ``PhraseMatcher`` per vocabulary on
lower-cased tokens (split the way spaCy splits "lame-duck"), verbs by lemma. A flag is in the ``quoted`` voice
when it lies inside quotation marks (a direct or partial quote, or any quoted region), otherwise in the
``author`` voice. A single lower-case word in quotation marks that no speaker is credited with, in a sentence
that credits nobody, is a scare quote (author voice).
"""

from __future__ import annotations

import re
from functools import cache

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from newstrace.attribution import lexicon
from newstrace.attribution.marks import doc_regions
from newstrace.records import Framing, Quote

_PIECES = re.compile(r"-|[^\s-]+")
#: Longest quoted phrase (in words) that can be a scare quote; longer ones are mostly unattributed partial quotes.
SCARE_MAX_WORDS = 1


@cache
def _matcher(vocab: Vocab) -> PhraseMatcher:
    """One phrase matcher (on lower-cased tokens) for all framing terms, built once per vocabulary.

    Match ids are the terms' positions in ``lexicon.framing_terms``.
    """
    matcher = PhraseMatcher(vocab, attr="LOWER")
    for n, term in enumerate(lexicon.load().framing_terms):
        matcher.add(str(n), [Doc(vocab, words=_PIECES.findall(term.term))])
    return matcher


def _matches(doc: Doc) -> list[tuple[lexicon.FramingTerm, int, int]]:
    """(term, start token, end token) for every term and lemma match, longest first at each position."""
    lex = lexicon.load()
    found = []
    for match_id, start, end in _matcher(doc.vocab)(doc):
        term = lex.framing_terms[int(doc.vocab.strings[match_id])]
        if term.pos is None or doc[end - 1].pos_ == term.pos:
            found.append((term, start, end))
    for tok in doc:
        lemma_term = lex.framing_lemmas.get(tok.lemma_)
        if lemma_term is not None and (lemma_term.pos is None or tok.pos_ == lemma_term.pos):
            found.append((lemma_term, tok.i, tok.i + 1))
    found.sort(key=lambda m: (m[1], -(m[2] - m[1])))
    return found


def _extend(doc: Doc, span: Span, term: lexicon.FramingTerm) -> Span | None:
    """The flagged phrase for a match, or None when the context shows a neutral sense."""
    if term.extend == "head":
        head = span[-1].head
        if head.i == span.end and head.pos_ in {"NOUN", "PROPN"}:
            return doc[span.start : head.i + 1]
    elif term.extend == "modifiers":
        root = span[-1]
        before = doc[span.start - 1] if span.start > 0 else None
        if before is not None and before.head == root and before.pos_ == "NOUN":
            return None  # "sanctions regime", "tax regime": a technical term, not a label
        left = span.start
        while left > 0 and doc[left - 1].head == root and doc[left - 1].dep_ in {"amod", "compound", "nmod"}:
            left -= 1
        named = any(t.pos_ == "PROPN" or t.ent_type_ in {"NORP", "ORG", "GPE"} for t in doc[left : span.start])
        if term.named and not named:
            return None  # "terrorists struck": a description; "Houthi terrorists": a label on a named group
        return doc[left : span.end]
    return span


def _token_at(doc: Doc, char: int) -> Token | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def find_framing(doc: Doc, quotes: list[Quote]) -> list[Framing]:
    """Loaded labels, evaluative words, intensifiers and scare quotes, each with its voice."""
    text, all_regions = doc_regions(doc)
    regions = [r for r in all_regions if not r.nested]
    quoted = [(r.start, r.end) for r in regions]
    quoted += [(q.content.start, q.content.end) for q in quotes if q.kind in {"direct", "partial"}]

    def voice(start: int, end: int) -> str:
        return "quoted" if any(s <= start and end <= e for s, e in quoted) else "author"

    flags: list[Framing] = []
    taken: list[tuple[int, int]] = []
    for term, start, end in _matches(doc):
        span = _extend(doc, doc[start:end], term)
        if span is None or any(s < span.end_char and span.start_char < e for s, e in taken):
            continue
        taken.append((span.start_char, span.end_char))
        rule = f"framing:{term.term}"
        flags.append(
            Framing(
                span.text, span.start_char, span.end_char, term.category, voice(span.start_char, span.end_char), rule
            )
        )
    credited = [(q.content.start, q.content.end) for q in quotes]
    cue_sentences = {tok.sent.start_char for q in quotes if q.cue and (tok := _token_at(doc, q.cue.start)) is not None}
    for region in regions:
        if not region.double or any(s <= region.start and region.end <= e for s, e in credited):
            continue
        at = _token_at(doc, region.start)
        if at is None or at.sent.start_char in cue_sentences:
            continue  # a sentence that credits a speaker: the marks are more likely a partial quote
        inner = text[region.inner[0] : region.inner[1]]
        words = inner.split()
        if not 0 < len(words) <= SCARE_MAX_WORDS or not inner[:1].islower() or inner[-1:] in ",.!?":
            continue
        if any(s < region.start and region.end <= e for s, e in quoted if (s, e) != (region.start, region.end)):
            continue
        flags.append(
            Framing(
                text[region.start : region.end],
                region.start,
                region.end,
                "scare-quote",
                "author",
                "framing:scare-quote",
            )
        )
    flags.sort(key=lambda f: f.start)
    return flags
