"""Modality of an event from its sentence: does the article assert, report, hedge, deny, expect or negate it?

The decision reads only the dependency tree around the trigger, in two rings. The *clause* ring is the trigger's
own predicate (for a nominal trigger, the verb governing it) plus the control verbs above it ("agreed to meet",
"expected to meet"): negation, modal and future auxiliaries and time words there change what the clause says.
The *context* ring is every clause above that (a reporting verb's complement, an ``if`` clause, a denial): those
tell who vouches for the clause. Precedence: negated, denied, hypothetical, hedged, future, reported, asserted.
"""

from __future__ import annotations

from spacy.tokens import Token

from newstrace.events.lexicon import Lexicon

PRECEDENCE = ("negated", "denied", "hypothetical", "hedged", "future", "reported", "asserted")

#: Dependencies through which a clause inherits the modality of its governor's clause (control, coordination).
_CONTROL = frozenset({"xcomp", "conj", "acomp"})
#: Dependencies that lead from a nominal trigger up to the verb whose clause it belongs to.
_NOMINAL = frozenset({"dobj", "pobj", "nsubj", "nsubjpass", "attr", "prep", "appos", "compound", "conj", "oprd"})


def _clause_ring(trigger: Token) -> list[Token]:
    """The trigger's own clause: the trigger, the verb a nominal trigger hangs from, and control verbs above."""
    ring = [trigger]
    tok = trigger
    while tok.pos_ not in ("VERB", "AUX") and tok.dep_ in _NOMINAL and tok.head.i != tok.i:
        tok = tok.head
        ring.append(tok)
    while tok.dep_ in _CONTROL and tok.head.i != tok.i and tok.head.pos_ in ("VERB", "AUX", "ADJ"):
        tok = tok.head
        ring.append(tok)
    return ring


def _context_ring(top: Token) -> list[Token]:
    ring = []
    tok = top
    while tok.head.i != tok.i:
        tok = tok.head
        ring.append(tok)
    return ring


def _has_future_time(tok: Token, lex: Lexicon) -> bool:
    for child in tok.children:
        if child.dep_ not in ("npadvmod", "prep", "advmod", "tmod", "obl"):
            continue
        words = {t.lower_ for t in child.subtree}
        if words & lex.modality["future_time_words"]:
            return True
        lemmas = {t.lemma_.lower() for t in child.subtree}
        if words & {"next", "coming", "later"} and lemmas & lex.modality["future_time_heads"]:
            return True
    return False


def clause_cues(trigger: Token, lex: Lexicon) -> set[str]:
    """Modality cues found in the trigger's own clause."""
    m = lex.modality
    cues: set[str] = set()
    ring = _clause_ring(trigger)
    for i, tok in enumerate(ring):
        lemma = tok.lemma_.lower()
        if i > 0 and lemma in m["negating_governors"] and tok.pos_ == "VERB":
            cues.add("negated")
        if i > 0 and lemma in m["future_governors"]:
            cues.add("future")
        if i > 0 and lemma in m["denial_verbs"] and tok.pos_ == "VERB":
            # "Iran denied supplying drones": the denial governs the clause directly.
            cues.add("denied")
        if i > 0 and lemma in m["hedge_raising"] and any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children):
            cues.add("hedged")
        for child in tok.children:
            word = child.lower_
            if child.dep_ == "neg" or (child.dep_ == "det" and word == "no" and tok is trigger):
                cues.add("negated")
            elif child.dep_ in ("aux", "auxpass"):
                if word in m["future_aux"] or child.lemma_.lower() in m["future_aux"]:
                    cues.add("future")
                elif word in m["hedge_modals"]:
                    cues.add("hedged")
                elif word in m["hypothetical_aux"]:
                    cues.add("hypothetical")
                elif child.lemma_.lower() == "be" and any(
                    g.dep_ == "xcomp" and g.lower_ == "going" for g in tok.children
                ):
                    cues.add("future")
            elif child.dep_ == "mark" and word in m["conditional_marks"]:
                cues.add("hypothetical")
            elif child.dep_ in ("advmod", "amod") and word in m["hedge_words"]:
                cues.add("hedged")
            elif child.dep_ == "advmod" and word in m["negation_words"]:
                cues.add("negated")
        if _has_future_time(tok, lex):
            cues.add("future")
    top = ring[-1]
    if top.dep_ in ("acl", "advcl", "relcl") and any(c.dep_ == "aux" and c.tag_ == "TO" for c in top.children):
        # A to-infinitive purpose or permission clause ("missiles ... to strike Russia") has not happened yet.
        cues.add("future")
    return cues


def context_cues(trigger: Token, lex: Lexicon) -> set[str]:
    """Cues from the clauses above the trigger's own: attribution, conditionals, denials."""
    m = lex.modality
    cues: set[str] = set()
    ring = _clause_ring(trigger)
    top = ring[-1]
    below = top
    for tok in _context_ring(top):
        lemma = tok.lemma_.lower()
        if below.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in m["conditional_marks"] for c in below.children
        ):
            cues.add("hypothetical")
        if below.dep_ in ("ccomp", "dobj", "xcomp", "advcl", "conj", "parataxis") and tok.pos_ in ("VERB", "AUX"):
            if lemma in m["denial_verbs"] and below.dep_ in ("ccomp", "dobj", "xcomp"):
                cues.add("denied")
            elif lemma in m["reporting_verbs"] and below.dep_ in ("ccomp", "dobj", "parataxis"):
                cues.add("reported")
                if any(c.lower_ in m["hedge_words"] for c in tok.children if c.dep_ == "advmod"):
                    cues.add("hedged")
            elif lemma in m["hedge_raising"] and any(c.dep_ == "auxpass" for c in tok.children):
                cues.add("hedged")
        if below.dep_ == "acl" and lemma in m["reporting_nouns"]:
            cues.add("reported")
        if any(c.dep_ == "advmod" and c.lower_ in m["hedge_words"] for c in tok.children):
            cues.add("hedged")
        below = tok
    # Sentence-level attribution: "According to X, ..." anywhere on the path to the root, or a reporting
    # clause attached as parataxis/ccomp to the sentence root.
    for tok in [*ring, *_context_ring(top)]:
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ == "according":
                cues.add("reported")
            if child.dep_ == "parataxis" and child.lemma_.lower() in m["reporting_verbs"]:
                cues.add("reported")
    return cues


def modality(trigger: Token, lex: Lexicon) -> str:
    """The single modality label of an event triggered at ``trigger`` (see the module docstring)."""
    cues = clause_cues(trigger, lex) | context_cues(trigger, lex)
    for label in PRECEDENCE:
        if label in cues:
            return label
    return "asserted"


def speech_act_modality(clause: Token, lex: Lexicon) -> str:
    """Modality of a promise or threat made in ``clause``: its own ``will`` is the content, not a cue.

    Only the context ring (attribution, conditionals, denials) and hedges count.
    """
    cues = context_cues(clause, lex) | (clause_cues(clause, lex) & {"hedged", "negated"})
    for label in PRECEDENCE:
        if label in cues:
            return label
    return "asserted"
