"""Find quotes: direct, partial, indirect and mixed, each with its cue and speaker.

Three passes over one parsed document, cheapest signal first:

1. quotation marks (``marks.doc_regions``): a region standing on its own (after a boundary and ending in
   punctuation) is a *direct* quote; its cue is the reporting verb right after it ("…,” Clinton said) or right
   before it (Blinken said: “…”); a later region with no cue of its own continues the previous speaker's quote.
2. the dependency parse: every reporting verb from ``data/cues.yaml`` with a complement clause, infinitive or
   object gives an *indirect* quote (content = that complement, speaker = the verb's subject); "according to X"
   and "reportedly" are handled on the surface because the parser attaches them unpredictably.
3. regions embedded in a sentence are *partial* quotes of the cue whose content holds them (that content is then
   *mixed*); embedded regions no cue covers are left to ``framing`` (scare quotes, titles).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from newstrace.attribution import lexicon
from newstrace.attribution.marks import Region, doc_regions
from newstrace.attribution.speakers import Resolver, speaker_span
from newstrace.records import ActorMention, Quote
from newstrace.records import Span as CharSpan

#: Characters after which a quotation mark starts a stand-alone quote.
_BOUNDARY_BEFORE = frozenset(":,;.!?—–-(\n")
_SENTENCE_END = frozenset({".", "!", "?"})
#: Parts of speech that can stand between a closing quote and its reporting verb ("…,” the former senator said).
_SPEAKER_POS = frozenset({"PROPN", "NOUN", "PRON", "DET", "ADJ", "ADV", "AUX", "PUNCT", "ADP", "NUM", "PART"})
_DASHES = frozenset({"―", "—", "–", "--"})
#: Tokens searched after a closing mark for "he said" and before an opening mark for "he said:".
WINDOW_AFTER = 16
WINDOW_BEFORE = 40
_RELATIVE = frozenset({"who", "which", "that"})
_NEWLINE = re.compile("\n")
_ASIDE_DEPS = frozenset({"relcl", "appos", "acl"})
_FINITE = frozenset({"VBD", "VBZ", "VBP"})
#: Parts of speech a cue word can have (verbs, stance nouns, attitude adjectives; "worried" is often a VERB).
_CUE_POS = frozenset({"VERB", "NOUN", "ADJ"})
#: Subordinators whose clause, hung at the end of a reported clause, sets the scene of the report itself
#: ("… to speak to reporters as she left the breakfast") or concedes ("while …"); the content ends before them.
_OUTSIDE_MARKS = frozenset({"while", "although", "though", "even", "after", "as", "when", "before", "once"})
_COMPLEMENTIZERS = frozenset({"that", "whether", "if"})
_PERSONAL = frozenset({"he", "she", "they", "we", "i", "you"})
#: Line labels that end in a colon but credit nobody ("Editor's note:", "UPDATE:").
_LABELS = frozenset({"note", "update", "name", "correction", "clarification", "disclosure", "source", "sources"})
#: Objects that point back instead of carrying content ("reiterated that", "said so").
_ANAPHORS = frozenset({"that", "this", "it", "so", "which", "what", "these", "those"})
#: Rules whose attribution is sourcing that chains need even inside another attribution's content ("X said that,
#: according to Y, …"; a transcript's "NAME:" line inside a long quote).
_NESTED_RULES = frozenset({"indirect-according-to", "indirect-colon-line"})
#: Shapes in which a nested speech cue reports a clause ("X said Y told reporters that …"); as an object or an
#: infinitive ("… urging employees to report violations") it is part of the reported event, not a source.
_NESTED_CLAUSE_RULES = frozenset({"indirect-clause", "indirect-parataxis", "indirect-passive"})


@dataclass(slots=True)
class Found:
    """A quote under construction (token-level), turned into a ``Quote`` record at the end."""

    kind: str
    start: int
    end: int
    cue: Token | None
    cue_span: tuple[int, int] | None
    speaker: Span | None
    rule: str
    children: list[Found] = field(default_factory=list)


def _char_before(text: str, start: int, across_lines: bool = False) -> str:
    """The last character before ``start`` that is not a space (or any whitespace, ``across_lines``)."""
    i = start - 1
    while i >= 0 and (text[i] in " \t\u00a0" or (across_lines and text[i].isspace())):
        i -= 1
    return text[i] if i >= 0 else "\n"


def _char_after(text: str, end: int) -> str:
    i = end
    while i < len(text) and text[i] in " \t\u00a0":
        i += 1
    return text[i] if i < len(text) else "\n"


def _stands_alone(text: str, region: Region) -> bool:
    """A region after a boundary that ends in punctuation (or before one) is a quote, not a quoted phrase."""
    before = _char_before(text, region.start)
    if before not in _BOUNDARY_BEFORE and before not in "”\"’'":
        return False
    inner = text[region.inner[0] : region.inner[1]].rstrip()
    if inner and inner[-1] in ",.!?…—-:;":
        return True
    return _char_after(text, region.end) in ",.;:!?—–)\n"


def _subject(tok: Token) -> Token | None:
    """The speaker of a cue verb: its subject, the agent of a passive, or the subject it shares with its head."""
    for child in tok.children:
        if child.dep_ in {"nsubj", "csubj"}:
            return child  # "who" in "Biden, who said …" stays the local mention; the resolver follows it
    for child in tok.children:
        if child.dep_ == "agent":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    if any(c.dep_ == "nsubjpass" for c in tok.children):
        return None
    if tok.dep_ == "acl" and tok.tag_ == "VBG" and tok.head.pos_ in {"NOUN", "PROPN", "PRON"}:
        return tok.head  # "a super PAC backing Bush": the participle's noun is its subject
    node = tok
    for _ in range(4):
        if node.dep_ not in {"conj", "xcomp", "advcl", "acl", "pcomp", "prep"} or node.head is node:
            break
        node = node.head
        for child in node.children:
            if child.dep_ == "nsubj" and child.lower_ not in _RELATIVE:
                return child
    return None


def _cue_verb(tok: Token, lex: lexicon.Lexicon) -> bool:
    return tok.pos_ == "VERB" and tok.lemma_.lower() in lex.verbs


def _trim(doc: Doc, left: int, right: int) -> tuple[int, int] | None:
    """Drop punctuation, spaces and conjunctions at the edges of a token range (quote marks stay)."""
    while left <= right and (
        doc[left].is_space or (doc[left].is_punct and not doc[left].is_quote) or doc[left].dep_ == "cc"
    ):
        left += 1
    while right >= left and (
        doc[right].is_space or (doc[right].is_punct and not doc[right].is_quote) or doc[right].dep_ == "cc"
    ):
        right -= 1
    return (left, right) if left <= right else None


class _Finder:
    def __init__(self, doc: Doc, actors: list[ActorMention]) -> None:
        self.doc = doc
        self.text, regions = doc_regions(doc)
        self.lex = lexicon.load()
        self.resolver = Resolver(doc, actors, self.lex)
        self.regions = [r for r in regions if not r.nested]
        self.used: set[int] = set()
        self._newlines = [m.start() for m in _NEWLINE.finditer(self.text)]

    def paragraph(self, char: int) -> int:
        return bisect_right(self._newlines, char)

    def tokens(self, start: int, end: int) -> Span | None:
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return span if span is not None and len(span) else None

    # -- direct quotes ------------------------------------------------------------------------------------------

    def cue_after(self, span: Span, loose: bool = False) -> tuple[Token, Token | None] | None:
        """ "…,” Clinton said / said Clinton: the first reporting verb in the few tokens after the quote.

        ``loose`` accepts any verb there ("“…!” beamed Donald Hartley") as long as it has a speaker.
        """
        doc = self.doc
        i = span.end
        while i < len(doc) and doc[i].is_space and "\n" not in doc[i].text:
            i += 1
        if i < len(doc) and doc[i].text in _DASHES:
            return None
        while i < len(doc) and doc[i].is_punct and not doc[i].is_quote and doc[i].text not in _SENTENCE_END:
            i += 1
        for tok in doc[i : min(len(doc), i + WINDOW_AFTER)]:
            if tok.is_quote or tok.text in _SENTENCE_END or "\n" in tok.text:
                return None
            # the tagger sometimes calls a reporting verb right after a quote a noun ("…,” writes Jane Doe)
            mistagged = tok.i == i and tok.tag_ in {"NNS", "VBZ", "VBD"} and tok.lemma_.lower() in self.lex.verbs
            if _cue_verb(tok, self.lex) or mistagged or (loose and tok.pos_ == "VERB"):
                subject = self._outside(_subject(tok), span, i, tok)
                return None if loose and subject is None else (tok, subject)
            if tok.pos_ not in _SPEAKER_POS and not tok.is_title:  # a capitalised word is a name, whatever its tag
                return None
        return None

    def _outside(self, subject: Token | None, span: Span, start: int, verb: Token) -> Token | None:
        """The subject if it is outside the quote; else the noun between quote and verb or right after the verb.

        The parser often misreads the words after a quote ("Tulsa" as a verb), so a missing subject falls back
        on position too.
        """
        if subject is not None and not span.start <= subject.i < span.end:
            return subject
        doc = self.doc
        candidates = [t for t in doc[start : verb.i] if t.pos_ in {"PROPN", "NOUN", "PRON"} or t.is_title]
        if not candidates and verb.i + 1 < len(doc) and doc[verb.i + 1].pos_ in {"PROPN", "NOUN", "PRON"}:
            candidates = [doc[verb.i + 1]]
        if not candidates:
            return None
        tok = candidates[-1]
        while tok.dep_ in {"compound", "flat"} and tok.head.i != tok.i and not span.start <= tok.head.i < span.end:
            tok = tok.head
        return tok

    def dash_signature(self, region: Region) -> tuple[int, Token] | None:
        """“…” ― Jane Doe: a dash and a name closing the line sign the quote (reader-comment and epigraph style)."""
        text, doc = self.text, self.doc
        at = region.end
        while at < len(text) and text[at] in " \t\u00a0":
            at += 1
        if at >= len(text) or text[at] not in "―—–":
            return None
        line_end = text.find("\n", at)
        names = self.tokens(at + 1, len(text) if line_end < 0 else line_end)
        if names is None:
            return None
        words = [t for t in names if not t.is_space and t.text not in {".", ","}]
        if not 0 < len(words) <= 6 or not all(t.pos_ == "PROPN" or t.is_title for t in words):
            return None
        return at, doc[words[0].i : words[-1].i + 1].root

    def cue_before(self, span: Span, loose: bool = False, across: bool = False) -> tuple[Token, Token | None] | None:
        """Blinken said: “…” — the last reporting verb before the quote, in its sentence or the line ending ':'.

        ``loose`` (only after a colon) accepts any verb with a subject ("then leaned in and boomed: “…”").
        """
        doc = self.doc
        i = span.start - 1
        while i >= 0 and (doc[i].is_space or doc[i].text in {":", ",", "that"}):
            i -= 1
        if i < 0 or (doc[i].text in _SENTENCE_END and not across):
            return None  # the quote opens a sentence of its own: its cue, if any, is after it
        stop = max(0, i - WINDOW_BEFORE)
        for tok in reversed(doc[stop : i + 1]):
            if tok.is_quote or (tok.text in _SENTENCE_END and tok.i < i):
                return None
            if "\n" in tok.text and _char_before(self.text, tok.idx) != ":":
                return None
            if tok.i in self.used:
                continue
            if _cue_verb(tok, self.lex):
                return tok, _subject(tok)
            if loose and tok.pos_ == "VERB":
                subject = _subject(tok)
                return (tok, subject) if subject is not None else None
        return None

    def colon_speaker(self, span: Span) -> Token | None:
        """Headline style ``Trump: “…”``: a short proper-noun phrase and a colon right before the quote."""
        doc = self.doc
        i = span.start - 1
        while i >= 0 and doc[i].is_space:
            i -= 1
        if i < 1 or doc[i].text != ":":
            return None
        head = doc[i - 1]
        if head.pos_ != "PROPN" or head.i - head.left_edge.i > 5:
            return None
        first = head.left_edge.i
        line_start = first == 0 or "\n" in doc[first - 1].text or doc[first - 1].text in _DASHES | {"-"}
        return head if line_start else None

    def direct(self, region: Region, span: Span, previous: Found | None) -> Found | None:
        before = _char_before(self.text, region.start)
        after, prior = (self.cue_after, "direct-cue-after"), (self.cue_before, "direct-cue-before")
        order = [prior, after] if before in ":," else [after, prior]
        attempts = [(method, rule, False) for method, rule in order] + [(self.cue_after, "direct-verb-after", True)]
        if _char_before(self.text, region.start, across_lines=True) == ":":
            attempts.append((self.cue_before, "direct-verb-before", True))
        signed = self.dash_signature(region)
        if signed is not None:
            at, name = signed
            return Found(
                "direct", region.start, region.end, None, (at, at + 1), speaker_span(self.doc, name), "direct-dash"
            )
        for method, rule, loose in attempts:
            hit = method(span, loose)
            if hit is None:
                continue
            cue, subject = hit
            self.used.add(cue.i)
            speaker = speaker_span(self.doc, subject) if subject is not None else None
            return Found("direct", region.start, region.end, cue, _tok_span(cue), speaker, rule)
        colon = self.colon_speaker(span)
        if colon is not None:
            sep = self.doc[colon.i + 1]
            return Found(
                "direct", region.start, region.end, None, (sep.idx, sep.idx + 1),
                speaker_span(self.doc, colon), "direct-colon",
            )  # fmt: skip
        if previous is not None and self._continues(previous, region):
            return Found(
                "direct", region.start, region.end, previous.cue, previous.cue_span, previous.speaker,
                "direct-continuation",
            )  # fmt: skip
        # "Trump said he would win. “We will win big.”": the sentence before introduces the quote
        hit = self.cue_before(span, across=True)
        if hit is not None:
            cue, subject = hit
            self.used.add(cue.i)
            speaker = speaker_span(self.doc, subject) if subject is not None else None
            return Found("direct", region.start, region.end, cue, _tok_span(cue), speaker, "direct-cue-previous")
        return None

    def _continues(self, previous: Found, region: Region) -> bool:
        """Same paragraph, or the next paragraph when it opens with the quote (no other voice in between)."""
        gap = self.paragraph(region.start) - self.paragraph(previous.end - 1)
        if gap == 0:
            return True
        between = self.text[previous.end : region.start]
        return gap <= 2 and not between.strip(" \t\n\u00a0.,") and _char_before(self.text, region.start) == "\n"

    # -- indirect quotes -----------------------------------------------------------------------------------------

    def content_of(self, tok: Token) -> tuple[int, int, str, tuple[int, int]] | None:
        """(first token, last token, rule, cue char span) of a reporting verb's content, or None."""
        cue = self.lex.verbs.get(tok.lemma_.lower())
        verb_span = _tok_span(tok)
        if cue is not None:
            takes = cue.takes
            if cue.cls == "evidence" and self._document_subject(tok):
                takes = takes | {"np"}  # "A 2014 study found 31 incidents of voter impersonation"
            for dep, take in (("ccomp", "clause"), ("xcomp", "inf"), ("dobj", "np"), ("dobj", "np+")):
                if take not in takes:
                    continue
                for child in tok.children:
                    if child.dep_ != dep:
                        continue
                    if dep == "dobj" and self._stance_prep(child) is not None:
                        continue  # "expressed concern about X": the noun's object is the content (``noun_stance``)
                    right = _clause_end(child) if dep != "dobj" else _np_end(child)
                    clause = _that_clause(child) if dep == "dobj" else None
                    if clause is not None:
                        # "expressed concern that …": the that-clause is what was said, the noun only frames it
                        return clause.left_edge.i, _clause_end(clause), "indirect-np-clause", verb_span
                    if dep == "dobj":
                        # "accused Republicans of placing …", "congratulated her for her victory": the phrase
                        # after the object is part of what was said.
                        rest = [c for c in tok.rights if c.i > child.i and c.dep_ in {"prep", "oprd", "xcomp", "ccomp"}]
                        if rest and (rest[0].dep_ != "prep" or rest[0].lower_ in {"of", "for", "as"}):
                            right = rest[0].right_edge.i
                        elif child.pos_ == "PRON" or take == "np+" or child.lower_ in _ANAPHORS:
                            continue
                        return child.left_edge.i, right, "indirect-np", verb_span
                    if dep == "dobj" and child.pos_ == "PRON":
                        # "congratulated her for her victory": a pronoun object carries content only with
                        # the phrase that follows it.
                        rest = [c for c in tok.rights if c.i > child.i and c.dep_ in {"prep", "oprd", "xcomp", "ccomp"}]
                        if not rest:
                            continue
                        right = rest[0].right_edge.i
                    return child.left_edge.i, right, f"indirect-{take}", verb_span
        preps = self.lex.prep_verbs.get(tok.lemma_.lower())
        if preps:
            for child in tok.children:
                if child.dep_ == "prep" and child.lower_ in preps:
                    for obj in child.children:
                        if obj.dep_ in {"pobj", "pcomp"}:
                            # "called for talks" -> cue "called for"; a fronted preposition ("about which
                            # he complained") comes first, so the cue never runs backwards
                            ends = (verb_span[0], verb_span[1], child.idx, child.idx + len(child))
                            return obj.left_edge.i, _clause_end(obj), "indirect-prep", (min(ends), max(ends))
        return None

    def _document_subject(self, tok: Token) -> bool:
        subject = _subject(tok)
        return subject is not None and subject.lemma_.lower() in self.lex.document_heads

    def indirect(self, tok: Token) -> Found | None:
        hit = self.content_of(tok)
        if hit is not None:
            first, last, rule, cue_span = hit
            bounds = _trim(self.doc, first, last)
            if bounds is None:
                return None
            left, right = bounds
            if left <= tok.i <= right:
                # a relative adverb or subject of the complement sits before the cue ("where … are said to be")
                bounds = _trim(self.doc, tok.i + 1, right)
                if bounds is None:
                    return None
                left, right = bounds
            passive = any(c.dep_ == "nsubjpass" for c in tok.children) and rule == "indirect-inf"
            if passive:
                subj = next(c for c in tok.children if c.dep_ == "nsubjpass")
                left = min(left, subj.left_edge.i)
                return self._found(tok, left, right, None, cue_span, "indirect-passive")
            subject = _subject(tok)
            return self._found(tok, left, right, subject, cue_span, rule)
        if tok.lemma_.lower() not in self.lex.verbs:
            return None
        if tok.dep_ == "parataxis":
            # "The attack, officials said, was planned." ("it was, you know, a mess" is no attribution)
            subject = _subject(tok)
            if subject is None or tok.lemma_.lower() in self.lex.fillers:
                return None
            head = tok.head
            left, right = head.left_edge.i, _clause_end(head)
            if tok.left_edge.i > left and tok.right_edge.i >= right:
                right = tok.left_edge.i - 1
            elif tok.left_edge.i <= left:
                left = tok.right_edge.i + 1
            bounds = _trim(self.doc, left, right)
            if bounds is None:
                return None
            return self._found(tok, bounds[0], bounds[1], subject, _tok_span(tok), "indirect-parataxis")
        agent = next((c for c in tok.children if c.dep_ == "agent"), None)
        patient = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
        cue = self.lex.verbs.get(tok.lemma_.lower())
        object_content = cue is not None and "np" in cue.takes
        if patient is not None and (agent is not None or object_content) and patient.lower_ not in _ANAPHORS:
            # "O'Malley's move was first reported by MSNBC." / "New sanctions were announced on Friday."
            bounds = _trim(self.doc, patient.left_edge.i, patient.right_edge.i)
            if bounds is None:
                return None
            rule = "indirect-passive-agent" if agent is not None else "indirect-passive-np"
            return self._found(tok, bounds[0], bounds[1], _subject(tok), _tok_span(tok), rule)
        return None

    def _found(
        self, cue: Token, left: int, right: int, subject: Token | None, cue_span: tuple[int, int], rule: str
    ) -> Found:
        doc = self.doc
        sent = cue.sent  # reported content stays in the cue's sentence, however far the parse tree reaches
        left, right = max(left, sent.start), min(right, sent.end - 1)
        start, end = doc[left].idx, doc[right].idx + len(doc[right])
        start, end = self._snap(start, end)
        speaker = speaker_span(doc, subject) if subject is not None else None
        return Found("indirect", start, end, cue, cue_span, speaker, rule)

    def _snap(self, start: int, end: int) -> tuple[int, int]:
        """Widen content so it never cuts a quoted region in half (the parser often leaves the marks outside)."""
        for region in self.regions:
            if region.start >= end + 2:
                break
            if region.end <= start - 2:
                continue
            if region.start - 1 <= start < region.end or region.start < end <= region.end + 1:
                start, end = min(start, region.start), max(end, region.end)
        return start, end

    def according_to(self, tok: Token) -> Found | None:
        """ "According to X, CLAUSE" / "CLAUSE, according to X" — content is the rest of the sentence."""
        doc = self.doc
        if tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
            return None
        to = doc[tok.i + 1]
        obj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if obj is None:
            return None
        speaker = speaker_span(doc, obj)
        sent = tok.sent
        cue_span = (tok.idx, to.idx + len(to))
        if tok.i - sent.start <= 1:
            i = speaker.end
            while i < sent.end and (doc[i].is_punct or doc[i].is_space) and not doc[i].is_quote:
                i += 1
            citing = self._citing_after(i, sent.end)
            if citing is not None:
                i = citing
            bounds = _trim(doc, i, sent.end - 1)
        else:
            bounds = _trim(doc, sent.start, tok.i - 1)
        if bounds is None:
            return None
        start, end = self._snap(doc[bounds[0]].idx, doc[bounds[1]].idx + len(doc[bounds[1]]))
        return Found("indirect", start, end, tok, cue_span, speaker, "indirect-according-to")

    def _citing_after(self, i: int, stop: int) -> int | None:
        """Skip ", both citing unnamed officials," after an according-to phrase; the index after it, or None."""
        doc = self.doc
        for tok in doc[i : min(stop, i + 3)]:
            if tok.lemma_.lower() in self.lex.citing:
                obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
                if obj is None:
                    return None
                self.used.add(tok.i)  # part of this attribution's sourcing, not a quote of its own
                j = speaker_span(doc, obj).end
                while j < stop and (doc[j].is_punct or doc[j].is_space) and not doc[j].is_quote:
                    j += 1
                return j
        return None

    def that_clause(self, tok: Token) -> Found | None:
        """ "Sanders boasted that …": any verb with a named or personal subject and a that/whether clause.

        Outside the lexicon only this explicit shape counts; it is the one where the verb almost always reports
        what the subject said, thought or found.
        """
        clause = next(
            (
                c
                for c in tok.rights
                if c.dep_ == "ccomp" and any(g.dep_ == "mark" and g.lower_ in _COMPLEMENTIZERS for g in c.children)
            ),
            None,
        )
        subject = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        if clause is None or subject is None:
            return None
        human = subject.lower_ in _PERSONAL or subject.ent_type_ in {"PERSON", "ORG", "NORP"}
        if not human and subject.pos_ != "PROPN":
            return None
        bounds = _trim(self.doc, clause.left_edge.i, _clause_end(clause))
        if bounds is None:
            return None
        return self._found(tok, bounds[0], bounds[1], subject, _tok_span(tok), "indirect-that-clause")

    def noun(self, tok: Token) -> Found | None:
        """ "Trump's claim that the election was rigged": the that-clause is the content, the possessor speaks."""
        clause = _that_clause(tok)
        if clause is None:
            return None
        bounds = _trim(self.doc, clause.left_edge.i, _clause_end(clause))
        if bounds is None:
            return None
        return self._found(tok, bounds[0], bounds[1], _holder(tok), _tok_span(tok), "indirect-noun")

    def _noun_either(self, tok: Token) -> Found | None:
        """A noun that takes a that-clause or a preposition ("his claim that …", "his comments about …")."""
        return self.noun(tok) or self.noun_stance(tok)

    def adverb(self, tok: Token) -> Found | None:
        """ "Biden has reportedly approved …": the adverb attributes its clause to unnamed reports."""
        head = tok.head
        if tok.dep_ != "advmod" or head.lemma_.lower() in self.lex.verbs:
            return None
        bounds = _trim(self.doc, head.left_edge.i, head.right_edge.i)
        if bounds is None:
            return None
        start, end = self.doc[bounds[0]].idx, self.doc[bounds[1]].idx + len(self.doc[bounds[1]])
        return Found("indirect", start, end, tok, _tok_span(tok), None, "indirect-adverb")

    def _stance_prep(self, noun: Token) -> Token | None:
        """The preposition that introduces what a stance noun is about, on the noun or (misattached) on its verb."""
        preps = self.lex.noun_preps.get(noun.lemma_.lower())
        if not preps or noun.pos_ != "NOUN":
            return None
        candidates = list(noun.rights)
        if noun.dep_ == "dobj":
            candidates += [c for c in noun.head.rights if c.i > noun.i]
        for child in candidates:
            if (
                child.dep_ == "prep"
                and child.lower_ in preps
                and any(g.dep_ in {"pobj", "pcomp"} for g in child.children)
            ):
                return child
        return None

    def noun_stance(self, tok: Token) -> Found | None:
        """ "criticism of the deal", "Trump raised questions about her health": a stance noun and what it is about.

        The holder comes from ``_holder`` (the verb's subject before the possessor); the cue runs from the verb the
        noun is the object of (or the noun) to the preposition.
        """
        prep = self._stance_prep(tok)
        if prep is None:
            return None
        obj = next(c for c in prep.children if c.dep_ in {"pobj", "pcomp"})
        bounds = _trim(self.doc, obj.left_edge.i, _clause_end(obj))
        if bounds is None:
            return None
        owner = _holder(tok)
        first = tok.head if tok.dep_ == "dobj" else tok
        cue_span = (min(first.idx, prep.idx), max(first.idx + len(first), prep.idx + len(prep)))
        return self._found(tok, bounds[0], bounds[1], owner, cue_span, "indirect-noun-prep")

    def adjective(self, tok: Token) -> Found | None:
        """ "Graham has been critical of Trump", "she was sure Trump would win": an attitude after a copula."""
        takes = self.lex.adjectives.get(tok.lower_) or self.lex.adjectives.get(tok.lemma_.lower())
        if not takes or tok.dep_ not in {"acomp", "oprd"}:
            return None
        content: Token | None = None
        last = tok
        for child in tok.rights:
            if child.dep_ == "prep" and child.lower_ in takes:
                content = next((g for g in child.children if g.dep_ in {"pobj", "pcomp"}), None)
                last = child
            elif (child.dep_ == "ccomp" and "clause" in takes) or (child.dep_ == "xcomp" and "inf" in takes):
                content = child
            if content is not None:
                break
        subject = _subject(tok.head)
        if content is None or subject is None:
            return None
        start, end = (content.left_edge.i, _clause_end(content))
        bounds = _trim(self.doc, start, end)
        if bounds is None:
            return None
        head = tok.head
        cue_span = (min(head.idx, tok.idx), last.idx + len(last))
        return self._found(tok, bounds[0], bounds[1], subject, cue_span, "indirect-adjective")

    def colon_line(self, colon: Token) -> Found | None:
        """ "Graham: Trump’s rhetoric destroying GOP" / "TRUMP: The deaths of …": a short name, a colon, a claim.

        Headlines and transcripts credit a line to a speaker this way; the name has no verb and opens the line.
        """
        doc = self.doc
        start = colon.i
        while start > 0 and "\n" not in doc[start - 1].text and colon.i - start < 8:
            start -= 1
        if not (start == 0 or "\n" in doc[start - 1].text) or start == colon.i:
            return None
        prefix = doc[start : colon.i]
        root = prefix.root
        named = root.ent_type_ in {"PERSON", "ORG"} or (root.pos_ == "PROPN" and not root.ent_type_)
        if any(t.pos_ in {"VERB", "AUX"} for t in prefix) or not named or root.lower_ in _LABELS:
            return None
        end = colon.i + 1
        while end < len(doc) and "\n" not in doc[end].text:
            end += 1
        bounds = _trim(doc, colon.i + 1, end - 1)
        if bounds is None or bounds[1] - bounds[0] < 2:
            return None
        left, right = bounds
        start_char, end_char = doc[left].idx, doc[right].idx + len(doc[right])
        return Found("indirect", start_char, end_char, colon, _tok_span(colon), prefix, "indirect-colon-line")

    # -- the whole document --------------------------------------------------------------------------------------

    def run(self) -> list[Found]:
        found: list[Found] = []
        fragments: list[tuple[Region, Span]] = []
        previous: Found | None = None
        direct_spans: list[tuple[int, int]] = []
        for region in self.regions:
            span = self.tokens(region.start, region.end)
            if span is None:
                continue
            if not region.double or not _stands_alone(self.text, region):
                fragments.append((region, span))
                continue
            hit = self.direct(region, span, previous)
            if hit is not None or "\n" not in self.text[region.start : region.end]:
                direct_spans.append((region.start, region.end))  # nobody is quoted inside a quote
            if hit is not None:
                found.append(hit)
                previous = hit
            else:
                fragments.append((region, span))
        indirect: list[Found] = []
        for tok in self.doc:
            method = self._method(tok)
            if method is None:
                continue
            if tok.i in self.used or _inside(tok.idx, direct_spans):
                continue
            hit = method(tok)
            if hit is not None:
                self.used.add(tok.i)
                indirect.append(hit)
        indirect = self._drop_nested(_drop_echoes(indirect), found)
        for region, span in fragments:
            if _is_name(span) or (not region.double and not self.text[region.inner[0]].islower()):
                continue
            owner = _smallest_containing(indirect, region.start, region.end)
            if owner is None:
                governed = self._governed(span)
                if governed is not None:
                    found.append(governed)
                continue
            if owner.start == region.start and owner.end == region.end:
                owner.kind = "direct"
                continue
            if region.double:
                owner.kind = "mixed"
            owner.children.append(
                Found("partial", region.start, region.end, owner.cue, owner.cue_span, owner.speaker, "partial")
            )
        for item in indirect:
            found.append(item)
            found.extend(item.children)
        found.sort(key=lambda f: (f.start, -f.end))
        return found

    def _drop_nested(self, items: list[Found], direct: list[Found]) -> list[Found]:
        """Drop attributions nested in another's content unless they extend a reporting chain.

        "Aides said Obama hopes that …" or "… said he wants to …": a belief, intention or stance inside reported
        content is part of what was reported, and as an attribution of its own it was right 0-20% of the time on
        PolNeAR train/dev (which annotates only the outer one). A speech cue reporting a clause ("X said Y told
        reporters that …"), "according to" and "citing" keep the chain the sourcing needs. Nesting is judged as in
        ``outermost``, before any is dropped, so the top-level view does not change.
        """
        hosts = [h for h in (*direct, *items) if h.cue_span is not None and h.kind != "partial"]
        keep: list[Found] = []
        for item in items:
            host = next((h for h in hosts if _nests(item, h)), None)
            if host is None or self._chain_link(item, host):
                keep.append(item)
        return keep

    def _chain_link(self, item: Found, host: Found) -> bool:
        """A nested attribution that names a further source: sourcing rules, or a speech cue with a new speaker."""
        if item.rule in _NESTED_RULES:
            return True
        cue = self.lex.verbs.get(item.cue.lemma_.lower()) if item.cue is not None else None
        if cue is None or cue.cls not in self.lex.nested_classes or item.rule not in _NESTED_CLAUSE_RULES:
            return False
        return item.speaker is None or host.speaker is None or item.speaker.text.lower() != host.speaker.text.lower()

    def _method(self, tok: Token) -> Callable[[Token], Found | None] | None:
        """The rule that may read an attribution off ``tok``; most tokens get None after one or two cheap tests."""
        lex = self.lex
        lower = tok.lower_
        if lower == "according":
            return self.according_to
        if lower == ":":
            return self.colon_line
        if lower in lex.adverbs:
            return self.adverb
        pos = tok.pos_
        if pos not in _CUE_POS:
            return None
        lemma = tok.lemma_.lower()
        if pos == "VERB" and (lemma in lex.verbs or lemma in lex.prep_verbs):
            return self.indirect
        if pos == "NOUN":
            if lemma in lex.nouns:
                return self.noun if lemma not in lex.noun_preps else self._noun_either
            return self.noun_stance if lemma in lex.noun_preps else None
        if tok.dep_ in {"acomp", "oprd"} and (lower in lex.adjectives or lemma in lex.adjectives):
            return self.adjective
        return self.that_clause if pos == "VERB" and tok.n_rights else None

    def _governed(self, span: Span) -> Found | None:
        """A quoted phrase credited to the subject of the verb that governs it ("Trump attacked “the …”")."""
        node = span.root
        for _ in range(3):
            if node.head is node:
                return None
            node = node.head
            if span.start <= node.i < span.end:
                continue
            if node.pos_ == "VERB" and node.i not in self.used:
                subject = _subject(node)
                if subject is None or span.start <= subject.i < span.end:
                    return None
                self.used.add(node.i)
                speaker = speaker_span(self.doc, subject)
                return Found(
                    "partial", span.start_char, span.end_char, node, _tok_span(node), speaker, "partial-governor"
                )
        return None

    def to_records(self, found: list[Found]) -> list[Quote]:
        quotes: list[Quote] = []
        for n, item in enumerate(found, 1):
            cue = None
            if item.cue_span is not None:
                cue = CharSpan(self.text[item.cue_span[0] : item.cue_span[1]], *item.cue_span)
            speaker = self.resolver.coded(item.speaker) if item.speaker is not None else None
            content = CharSpan(self.text[item.start : item.end], item.start, item.end)
            quotes.append(Quote(f"q{n}", item.kind, content, speaker, cue, item.rule))
        return quotes


def _is_name(span: Span) -> bool:
    """A short quoted phrase in title case is a name or title (‘Weimar Triangle’, “Fire and Fury”), not a quote."""
    words = [t for t in span if t.is_alpha]
    return 0 < len(words) <= 6 and all(t.is_title or t.is_stop for t in words) and words[0].is_title


def _clause_end(head: Token) -> int:
    """Last token of a content clause, stopping before a new clause glued on after it.

    The parser hangs "…, citing X" and "… and Democrats accused Y" under the reported clause; they are the
    author's (or another speaker's) words, so the content ends before them.
    """
    right = head.right_edge.i
    for child in head.rights:
        new_clause = (
            child.dep_ == "conj"
            and child.pos_ in {"VERB", "AUX"}
            and any(c.dep_ in {"nsubj", "nsubjpass"} for c in child.children)
        )
        participle = (
            child.dep_ in {"advcl", "parataxis"}
            and child.tag_ == "VBG"
            and child.i > head.i + 1
            and (child.doc[child.left_edge.i - 1].text == ",")
        )
        # "… and suggested that …": a second reporting verb starts an attribution of its own
        second_cue = (
            child.dep_ == "conj"
            and child.lemma_.lower() in lexicon.load().verbs
            and any(c.dep_ == "ccomp" for c in child.children)
        )
        # "… to attack the oil and proposed a safe zone": a finite verb joined to an infinitive or participle (or
        # in another tense) continues the sentence's own verb, not the reported clause
        other_tense = (
            child.dep_ == "conj"
            and child.tag_ in _FINITE
            and head.tag_ != child.tag_
            and (head.tag_ in {"VB", "VBG", "VBN"} or {head.tag_, child.tag_} == {"VBD", "VBZ"})
        )
        scene = child.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _OUTSIDE_MARKS for c in child.children)
        if new_clause or participle or second_cue or other_tense or scene or child.dep_ == "parataxis":
            right = min(right, child.left_edge.i - 1)
    return _cut_trailing_aside(head.doc, head.i, right)


def _cut_trailing_aside(doc: Doc, first: int, right: int) -> int:
    """End a content before a trailing ", which …" / ", where …" / ", a self-described …" aside."""
    for tok in doc[first + 1 : right + 1]:
        if tok.dep_ in _ASIDE_DEPS and tok.right_edge.i >= right and tok.left_edge.i > first:
            before = doc[tok.left_edge.i - 1]
            if before.text in {",", "—", "–", "("}:
                return before.i - 1
    return right


def _that_clause(noun: Token) -> Token | None:
    """The "that …" clause a noun introduces ("concern that …", "his claim that …"), if any."""
    for child in noun.rights:
        if child.dep_ in {"acl", "ccomp"} and any(g.dep_ == "mark" and g.lower_ == "that" for g in child.children):
            return child
    return None


def _np_end(noun: Token) -> int:
    """Last token of an object noun phrase, without the prepositions and clauses hung on it ("… on Fox News")."""
    right = noun.i
    for child in noun.rights:
        if child.dep_ in {"prep", "relcl", "acl", "appos", "advcl"} and child.lower_ != "of":
            break
        right = child.right_edge.i
    return right


def _tok_span(tok: Token) -> tuple[int, int]:
    return tok.idx, tok.idx + len(tok)


def _inside(char: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= char < end for start, end in spans)


def _holder(noun: Token) -> Token | None:
    """Who holds the claim or stance a noun names; the local mention PolNeAR marks as its source.

    The subject of the verb the noun is an object of comes first ("He stepped up his criticism of …": He), then
    the phrase a noun describes ("Adelson, a fierce supporter of …", "Graham is a proponent of …"), then the
    possessor ("Trump's claim that …").
    """
    verb = noun.head
    if noun.dep_ == "pobj" and verb.dep_ == "prep":
        verb = verb.head  # "said in a statement that …", "clings to the hope that …"
    if noun.dep_ in {"dobj", "attr", "pobj"} and verb.pos_ in {"VERB", "AUX"}:
        subject = _subject(verb)
        if subject is not None:
            return subject
    if noun.dep_ == "appos":
        return noun.head
    return next((c for c in noun.children if c.dep_ == "poss"), None)


def _drop_echoes(items: list[Found]) -> list[Found]:
    """Drop a cue inside another cue's content that only repeats its speaker ("the G7 vowed … to back Kyiv").

    A verb with no subject of its own inherits the reporting verb's speaker; as a second attribution it would say
    nothing new and would take the quoted fragments of its host ("vowed … to back Kyiv for “as long as it takes”").
    """
    keep: list[Found] = []
    for item in items:
        cue, speaker = item.cue, item.speaker
        echo = (
            cue is not None
            and speaker is not None
            and not any(c.dep_ in {"nsubj", "nsubjpass", "csubj"} for c in cue.children)
            and any(
                other is not item
                and other.speaker is not None
                and other.speaker.start == speaker.start
                and other.start <= cue.idx < other.end
                for other in items
            )
        )
        if not echo:
            keep.append(item)
    return keep


def _nests(item: Found, host: Found) -> bool:
    """``item``'s cue lies inside ``host``'s content, and ``host``'s cue not inside ``item``'s (as in ``outermost``)."""
    if item.cue_span is None or host.cue_span is None or item.cue_span == host.cue_span:
        return False
    return host.start <= item.cue_span[0] < host.end and not item.start <= host.cue_span[0] < item.end


def _smallest_containing(items: list[Found], start: int, end: int) -> Found | None:
    best: Found | None = None
    for item in items:
        if item.start <= start and end <= item.end and (best is None or item.end - item.start < best.end - best.start):
            best = item
    return best


def find_quotes(doc: Doc, actors: list[ActorMention]) -> list[Quote]:
    """Every direct, partial, indirect and mixed quote in ``doc``, in text order, each with its cue."""
    finder = _Finder(doc, actors)
    return finder.to_records(finder.run())


def outermost(quotes: list[Quote]) -> list[Quote]:
    """The quotes whose cue is not inside another quote's content: the top level of nested reporting.

    "Aides said the senator told donors that …" is two attributions, and ``find_quotes`` keeps both because chains
    need the inner one. Corpora that annotate only the top level (PolNeAR has no cue inside another
    attribution's content) are compared with this view. A quote whose content is in turn inside the inner quote's
    (mutual overlap, as with "…, officials said, …") is kept, so no attribution disappears together with its host;
    so is a direct quote, whose own marks make it an attribution of its own even when a content reaches over its cue.
    """
    framed = [q for q in quotes if q.cue is not None and q.kind != "partial"]
    keep: list[Quote] = []
    for quote in quotes:
        cue = quote.cue
        nested = (
            not quote.rule.startswith("direct")
            and cue is not None
            and any(
                other.cue is not None
                and (other.cue.start, other.cue.end) != (cue.start, cue.end)
                and other.content.start <= cue.start < other.content.end
                and not quote.content.start <= other.cue.start < quote.content.end
                for other in framed
            )
        )
        if not nested:
            keep.append(quote)
    return keep
