"""Speakers: from a local mention (noun phrase or pronoun) to the actor it stands for, and its source type.

The span a quote or chain shows is always the local mention (the contract: a pronoun speaker stays the pronoun);
the code and name come from the Actors stage's mentions, so this module never guesses a code on its own except
for unnamed sources, whose code is the country of an actor inside the phrase plus the role its head noun implies
("unnamed U.S. officials" -> USA + GOV).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from spacy.tokens import Doc, Span, Token

from newstrace.attribution.lexicon import Lexicon
from newstrace.records import ActorMention, CodedSpan

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
GROUP_PRONOUNS = frozenset({"they", "them"})
THING_PRONOUNS = frozenset({"it"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
#: How far back (characters) a pronoun looks for its antecedent.
ANTECEDENT_WINDOW = 2500
_CUT_DEPS = frozenset({"appos", "relcl", "acl", "advcl", "parataxis"})
_CUT_PUNCT = frozenset({",", "(", "—", "–"})
#: Longest speaker phrase kept; a longer subject subtree is cut at its head.
MAX_SPEAKER_TOKENS = 30


def speaker_span(doc: Doc, head: Token) -> Span:
    """The noun phrase headed by ``head``, without the appositive or relative clause after a comma."""
    left, right = head.left_edge.i, head.right_edge.i
    for child in head.rights:
        if child.dep_ in _CUT_DEPS or (child.dep_ == "punct" and child.text in _CUT_PUNCT):
            right = min(right, child.left_edge.i - 1)
    while right > head.i and (doc[right].is_punct or doc[right].is_space):
        right -= 1
    while left < head.i and (doc[left].is_punct or doc[left].is_space):
        left += 1
    if right - left + 1 > MAX_SPEAKER_TOKENS:
        left = max(left, head.i - 6)
        right = head.i
    return doc[left : right + 1]


class Resolver:
    """Looks up actor mentions by character offset for one document."""

    def __init__(self, doc: Doc, actors: list[ActorMention], lex: Lexicon) -> None:
        self.doc = doc
        self.lex = lex
        self.actors = sorted(actors, key=lambda a: (a.start, -a.end))
        self._starts = [a.start for a in self.actors]

    def inside(self, start: int, end: int) -> list[ActorMention]:
        """Actor mentions lying within ``[start, end)``, outermost first."""
        lo = bisect_left(self._starts, start)
        hi = bisect_right(self._starts, end)
        found = [a for a in self.actors[lo:hi] if a.end <= end]
        return [a for a in found if not any(b is not a and b.start <= a.start and a.end <= b.end for b in found)]

    def at(self, start: int, end: int) -> ActorMention | None:
        """The actor mention covering ``[start, end)``, if any."""
        hi = bisect_right(self._starts, start)
        for actor in reversed(self.actors[max(0, hi - 8) : hi]):
            if actor.start <= start and end <= actor.end:
                return actor
        return None

    def head_actor(self, span: Span) -> ActorMention | None:
        """The actor the phrase is about: the one on its head, else one on a modifier of the head, else the first."""
        root = span.root
        actor = self.at(root.idx, root.idx + len(root))
        if actor is not None:
            return actor
        inside = self.inside(span.start_char, span.end_char)
        for tok in root.lefts:
            for candidate in inside:
                if candidate.start <= tok.idx < candidate.end:
                    return candidate
        return inside[0] if inside else None

    def antecedent(self, pronoun: Token) -> ActorMention | None:
        """Nearest earlier actor a personal pronoun can refer to (he/she: a person; it/they: a body or group)."""
        lower = pronoun.lower_
        if lower in PERSON_PRONOUNS:
            kinds = {"person"}
        elif lower in GROUP_PRONOUNS:
            kinds = {"org", "group", "gpe"}
        elif lower in THING_PRONOUNS:
            kinds = {"org", "gpe"}
        else:
            return None
        hi = bisect_left(self._starts, pronoun.idx)
        for actor in reversed(self.actors[:hi]):
            if pronoun.idx - actor.end > ANTECEDENT_WINDOW:
                break
            if actor.kind in kinds:
                return actor
        return None

    def is_anonymous(self, span: Span) -> bool:
        root = span.root
        if any(t.lower_ in self.lex.anonymous_modifiers for t in span):
            return True
        if root.lemma_.lower() not in self.lex.anonymous_heads or root.pos_ == "PROPN":
            return False
        return not any(a.kind == "person" for a in self.inside(span.start_char, span.end_char))

    def anonymous_code(self, span: Span) -> str | None:
        """Country of an actor inside the phrase plus the role its head noun implies."""
        role = self.lex.anonymous_heads.get(span.root.lemma_.lower())
        for actor in self.inside(span.start_char, span.end_char):
            if actor.code and len(actor.code) > 3:
                return actor.code
            if actor.code:
                return actor.code + (role or "")
        return None

    def referent(self, span: Span) -> ActorMention | None:
        """The actor a phrase stands for: its head's actor, a pronoun's antecedent, a relative's antecedent."""
        root = span.root
        if len(span) == 1 and root.lower_ in RELATIVE_PRONOUNS and root.head.dep_ == "relcl":
            antecedent = root.head.head
            return self.head_actor(self.doc[antecedent.i : antecedent.i + 1])
        if len(span) == 1 and root.pos_ == "PRON":
            return self.at(root.idx, root.idx + len(root)) or self.antecedent(root)
        return self.head_actor(span)

    def coded(self, span: Span) -> CodedSpan:
        """The local mention with the code and name of the actor it stands for."""
        if self.is_anonymous(span):
            return CodedSpan(span.text, span.start_char, span.end_char, self.anonymous_code(span), None)
        actor = self.referent(span)
        if actor is None:
            return CodedSpan(span.text, span.start_char, span.end_char)
        return CodedSpan(span.text, span.start_char, span.end_char, actor.code, actor.name)

    def kind(self, span: Span) -> tuple[str, str | None]:
        """Chain-link kind (outlet|person|official|anonymous|document) and code of a source phrase."""
        lemma = span.root.lemma_.lower()
        actor = self.referent(span)
        if actor is not None and (actor.role == "MED" or actor.name.lower() in self.lex.outlet_names):
            return "outlet", actor.code
        if span.text.lower().removeprefix("the ") in self.lex.outlet_names or lemma in self.lex.outlet_heads:
            return "outlet", actor.code if actor else None
        if lemma in self.lex.document_heads:
            return "document", actor.code if actor else None
        if self.is_anonymous(span):
            return "anonymous", self.anonymous_code(span)
        if actor is None:
            return "person", None
        if actor.kind == "person":
            return "person", actor.code
        if actor.kind == "gpe" or (actor.role or "") in self.lex.official_roles:
            return "official", actor.code
        return "person", actor.code
