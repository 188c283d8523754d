"""Who did what to whom: CAMEO/PLOVER events from the dependency parse and the actor mentions.

A scan of the token attribute array (``Doc.to_array``: lemma, lower form and POS against the lemma ids of
``data/predicates.yaml``, cheaper than a ``Matcher`` with long ``IN`` lists) finds candidate triggers; for each
trigger the coder picks the most specific predicate whose frame holds (required particle, object noun, or
complement), then reads the arguments off the tree:

* verbs: the subject (through passives' ``by`` agents, coordination, control and relative clauses, and pronouns
  resolved to an earlier actor), the direct object, then prepositional objects in the predicate's order;
* nouns: possessors and actor modifiers ("Russia's attack", "Israeli shelling"), ``by``/``from`` phrases, and the
  subject of a light verb above them ("staged demonstrations", "issued an ultimatum");
* appeal/intent/demand/reject/threaten verbs are coded from their complement clause ("urged Russia to withdraw"
  is an appeal to de-escalate, 0256), and a promise under a reporting verb ("said it would free prisoners") is
  coded as the speaker's intent.

Arguments resolve to ``ActorMention``s by character offsets; an argument that is not itself an actor is searched
breadth-first through its modifiers ("the G7 nations of ...", "targets within Russia"), never into subordinate
clauses. Coordinated actors give one event per source–target pair.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from spacy.attrs import LEMMA, LOWER, POS
from spacy.symbols import ADJ, NOUN, PROPN, VERB
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from newstrace.events.lexicon import Lexicon, Predicate, load_lexicon
from newstrace.events.modality import PRECEDENCE, modality, speech_act_modality
from newstrace.records import ActorMention, CodedSpan, Event
from newstrace.records import Span as TextSpan

#: Dependencies the argument search never crosses: they start another clause or carry no argument.
_CLAUSAL = frozenset(
    {"relcl", "acl", "advcl", "ccomp", "xcomp", "csubj", "parataxis", "punct", "cc", "det", "mark", "aux", "neg"}
)
_SUBJECTS = frozenset({"nsubj", "csubj"})
_PASSIVE_SUBJECTS = frozenset({"nsubjpass", "csubjpass"})
_PERSONAL = {"he": "person", "him": "person", "his": "person", "she": "person", "her": "person", "hers": "person"}
_NEUTER = {"it": "thing", "its": "thing"}
_PLURAL = {"they": "any", "them": "any", "their": "any", "theirs": "any"}
_FIRST = {"we": "any", "us": "any", "our": "any", "i": "person", "me": "person", "my": "person"}
_REFLEXIVE = frozenset({"itself", "themselves", "himself", "herself", "ourselves"})
_RELATIVE = frozenset({"that", "which", "who", "whom", "whose"})
_MAX_DEPTH = 2
#: Entity types whose words name something rather than describe an event.
_NAME_TYPES = frozenset({"ORG", "FAC", "WORK_OF_ART", "PRODUCT", "LAW", "EVENT"})
#: Rule suffixes of frames that code what an actor says about an event rather than the event itself.
_SPEECH_ACTS = frozenset({"compose", "will", "intent", "demand", "accuse"})
#: Auxiliaries that make a that-clause the content of an agreement or promise ("agreed that they should").
_CLAUSE_MODALS = frozenset({"to", "should", "would", "will", "must", "shall", "could", "can", "'ll"})
#: Gazetteer entity ids (set by the actor stage's EntityRuler) that name a country: usable as event targets.
_PLACE_KINDS = ("country", "capital", "adj", "demonym")
#: The frame rule for a reported obligation whose action verb is not in the lexicon (coded as a plain demand).
_MUST = Predicate(id="clause.must", pos="verb", lemmas=("must", "should"), cameo="100")
#: The frame rule for "X said Y attacked Z" read as X's accusation of Y.
_ACCUSE = Predicate(id="clause.accuse", pos="verb", lemmas=("say",), cameo="112")


@dataclass(slots=True)
class _Frame:
    """One coded reading of a trigger before it becomes ``Event`` records."""

    trigger: Token
    pred: Predicate
    cameo: str
    sources: list[ActorMention]
    targets: list[ActorMention]
    rule: str
    source_tokens: dict[int, Token] = field(default_factory=dict)
    target_tokens: dict[int, Token] = field(default_factory=dict)
    modality_anchor: Token | None = None
    forced_modality: str | None = None
    span_end: Token | None = None
    key: int = -1
    symmetric: bool = False


class _ActorIndex:
    """Actor mentions addressed by token, with the document's mention order for pronoun antecedents.

    Country names the actor stage left out as mere locations ("an attack across Ukraine", "strikes in
    Russia") are added as *place* mentions from the gazetteer entity ids: CAMEO codes such a location as the
    event target, but a place is never taken as the source of a verb.
    """

    def __init__(self, doc: Doc, actors: Iterable[ActorMention]) -> None:
        self.by_token: dict[int, ActorMention] = {}
        self.head_of: dict[int, Token] = {}
        self.span_of: dict[int, Span] = {}
        self.mentions: list[tuple[int, ActorMention]] = []
        self.places: set[int] = set()
        actors = list(actors)
        taken = {i for a in actors for i in range(a.start, a.end)}
        for ent in doc.ents:
            kind, _, key = ent.ent_id_.partition(":")
            if kind in _PLACE_KINDS and len(key) == 3 and key.isupper() and ent.start_char not in taken:
                place = ActorMention(ent.text, ent.start_char, ent.end_char, key, key, None, ent.text, "gpe", "place")
                actors.append(place)
                self.places.add(id(place))
        for actor in sorted(actors, key=lambda a: (a.start, -a.end)):
            span = doc.char_span(actor.start, actor.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            if any(tok.i in self.by_token for tok in span):
                continue
            for tok in span:
                self.by_token[tok.i] = actor
            self.head_of[id(actor)] = span.root
            self.span_of[id(actor)] = span
            self.mentions.append((span.root.i, actor))

    def at(self, tok: Token, places: bool = True) -> ActorMention | None:
        actor = self.by_token.get(tok.i)
        if actor is not None and not places and id(actor) in self.places:
            return None
        return actor

    def head(self, actor: ActorMention) -> Token | None:
        return self.head_of.get(id(actor))


def _compatible(actor: ActorMention, want: str) -> bool:
    if want == "person":
        return actor.kind == "person"
    if want == "thing":
        return actor.kind != "person"
    return True


class EventCoder:
    """Codes events in parsed documents; build once per vocabulary (it holds the trigger lemma ids).

    ``code`` keeps per-document state (actor index, sentence table) on the instance while it runs, so one
    coder serves one thread; the pipeline runs one per worker process.
    """

    def __init__(self, vocab: Vocab, lexicon: Lexicon | None = None) -> None:
        self.lex = lexicon or load_lexicon()
        upos = {"verb": ("VERB",), "noun": ("NOUN", "PROPN"), "adj": ("ADJ",)}
        symbol = {"VERB": VERB, "NOUN": NOUN, "PROPN": PROPN, "ADJ": ADJ}
        self._known = {(tag, lemma) for pos, lemma in self.lex.by_key for tag in upos[pos]}
        #: (POS symbol, lemma-or-lower-form hash) -> trigger kind
        self._lemmas: dict[int, str] = {}
        self._trigger_ids = {
            (symbol[tag], vocab.strings.add(lemma)): pos for pos, lemma in self.lex.by_key for tag in upos[pos]
        }

    # ------------------------------------------------------------------ entry point
    def code(self, doc: Doc, actors: list[ActorMention]) -> list[Event]:
        if not actors:
            return []
        index = _ActorIndex(doc, actors)
        self._index = index
        self._sents = list(doc.sents)
        self._text = doc.text
        self._lemmas: dict[int, str] = {}
        self._sent_of = [0] * len(doc)
        for n, sent in enumerate(self._sents):
            self._sent_of[sent.start : sent.end] = [n] * len(sent)
        sentence_of = {sent.start: n for n, sent in enumerate(self._sents)}
        triggers: dict[int, str] = {}
        known = self._trigger_ids
        for i, (lemma, lower, pos) in enumerate(doc.to_array([LEMMA, LOWER, POS]).tolist()):
            kind = known.get((pos, lemma)) or known.get((pos, lower))
            if kind is not None:
                triggers[i] = kind
        consumed: set[int] = set()
        frames: list[_Frame] = []
        for i in sorted(triggers):
            if i in consumed:
                continue
            tok = doc[i]
            if triggers[i] == "noun":
                found = [f] if (f := self._noun(tok, index, consumed)) is not None else []
            else:
                found = self._verb(tok, index, consumed, triggers[i])
            for frame in found:
                frame.key = i
                frames.append(frame)
        frames.extend(self._must_clauses(doc, {f.trigger.i for f in frames}, index))
        frames.extend([a for f in frames if (a := self._accusation(f, index)) is not None])
        # "Israel would retaliate, Netanyahu warned": the warning is the threat coded from the clause.
        speech = {f.modality_anchor.i for f in frames if f.rule.endswith((":intent", ":demand")) and f.modality_anchor}
        frames = sorted((f for f in frames if f.key not in speech), key=lambda f: f.trigger.i)  # reading order
        events: list[Event] = []
        for frame in frames:
            if frame.key in consumed and not frame.rule.endswith((":compose", ":intent", ":demand")):
                continue
            events.extend(self._events(frame, index, sentence_of, len(events)))
        self._apply_denials(doc, events, index)
        return events

    # ------------------------------------------------------------------ predicate choice
    def _lemma(self, tok: Token) -> str:
        """The lemma, repaired where the small model's lemmatizer fails on a form we know ("staged" -> "stag")."""
        cached = self._lemmas.get(tok.i)
        if cached is None:
            cached = self._lemmas[tok.i] = self._repair_lemma(tok)
        return cached

    def _repair_lemma(self, tok: Token) -> str:
        lemma = tok.lemma_.lower()
        if (tok.pos_, lemma) in self._known or lemma in self.lex.light_verbs:
            return lemma
        lower = tok.lower_
        for cand in _stems(lower):
            if (tok.pos_, cand) in self._known or cand in self.lex.light_verbs:
                return cand
        return lemma

    def _objects(self, tok: Token) -> list[Token]:
        """Tokens that can satisfy a predicate's ``objects`` condition: the object and its modifiers."""
        heads = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass", "dative", "attr", "oprd")]
        if tok.pos_ in ("NOUN", "PROPN"):
            # A noun's "objects" are its own modifiers ("hunger strike", "official protest"), not itself, and
            # what it is of ("deliveries of air defence systems").
            mods = [c for c in tok.children if c.dep_ in ("compound", "amod", "nmod", "npadvmod")]
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ == "of":
                    for g in c.children:
                        if g.dep_ == "pobj":
                            mods.append(g)
                            mods.extend(x for x in g.children if x.dep_ in ("compound", "amod"))
            return mods
        if tok.dep_ == "relcl" and any(h.lower_ in _RELATIVE for h in heads):
            heads.append(tok.head)  # "the drones that Russia launched": the object is the noun the clause modifies
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("with", "to", "of", "on", "in", "worth", "as"):
                heads.extend(g for g in c.children if g.dep_ == "pobj")
            elif c.dep_ in ("prep", "prt") and c.lower_ in ("out", "away"):
                # "walked out of the talks", "pulled away from the deal"
                heads.extend(g for p in c.children if p.dep_ == "prep" for g in p.children if g.dep_ == "pobj")
        out: list[Token] = []
        for head in heads:
            for h in [head, *head.conjuncts]:
                out.append(h)
                for c in h.children:
                    if c.dep_ in ("compound", "amod", "nmod", "npadvmod"):
                        out.append(c)
                    elif c.dep_ == "prep" and c.lower_ == "of":
                        for g in c.children:
                            if g.dep_ == "pobj":
                                out.append(g)
                                out.extend(x for x in g.children if x.dep_ in ("compound", "amod"))
        return out

    def _marked_clause(self, tok: Token, mark: str) -> Token | None:
        """ "called for allies to deliver": a for-to clause the parser hangs off the verb, "for" as its mark."""
        for c in tok.children:
            if c.dep_ in ("advcl", "ccomp") and any(m.dep_ == "mark" and m.lower_ == mark for m in c.children):
                return c
        return None

    def _complement(self, tok: Token, pred: Predicate) -> Token | None:
        """The clause or event noun an appeal/intent/demand/reject/threaten verb (or noun) governs."""
        if pred.prep and (marked := self._marked_clause(tok, pred.prep)) is not None:
            return marked
        if tok.pos_ in ("NOUN", "PROPN"):
            # "expressed willingness to host talks", "its readiness to mediate": the noun's to-infinitive.
            for c in tok.children:
                if c.dep_ == "acl" and c.pos_ == "VERB" and any(a.dep_ == "aux" and a.tag_ == "TO" for a in c.children):
                    return c
        for c in tok.children:
            if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX"):
                return c
        if pred.compose in ("demand", "appeal", "intent", "reject"):
            for c in tok.children:
                if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX"):
                    if any(g.tag_ in ("WDT", "WP", "WRB") or g.lower_ in ("if", "whether") for g in c.children):
                        # "asked what a commitment looks like", "tell where she would come down": questions.
                        continue
                    if pred.compose == "demand" and not (
                        c.tag_ == "VB" or any(a.dep_ == "aux" and a.lower_ in ("should", "must") for a in c.children)
                    ):
                        # "demanded that Sudan end curbs" (subjunctive), not "told the AP that it is independent".
                        continue
                    if pred.compose in ("intent", "appeal") and not any(
                        a.dep_ in ("aux", "auxpass") and a.lower_ in _CLAUSE_MODALS for a in c.children
                    ):
                        # "offered concessions that Nitze believed ..." is no promise about Nitze's belief.
                        continue
                    return c
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("for", "to", "of"):
                for g in c.children:
                    if g.dep_ == "pobj" and g.pos_ == "NOUN" and self._best(g, "noun", plain=True):
                        return g
                    if g.dep_ == "pcomp" and g.pos_ == "VERB":
                        return g
        for c in tok.children:
            if c.dep_ == "dobj" and c.pos_ == "NOUN" and self._best(c, "noun", plain=True):
                return c
        return None

    def _best(self, tok: Token, pos: str, plain: bool = False) -> tuple[Predicate, Token | None] | None:
        """The most specific predicate whose conditions hold at ``tok`` (with its complement, if composed)."""
        preds = self.lex.predicates(pos, self._lemma(tok))
        best: tuple[Predicate, Token | None] | None = None
        objects: set[str] | None = None
        for pred in preds:
            if (
                pred.prep
                and not any(c.dep_ in ("prt", "prep", "advmod") and c.lower_ == pred.prep for c in tok.children)
                and self._marked_clause(tok, pred.prep) is None
            ):
                continue
            if pred.objects:
                if objects is None:
                    objects = set()
                    for o in self._objects(tok):
                        objects.add(o.lemma_.lower())
                        objects.add(o.lower_)
                if not objects & pred.objects:
                    continue
            comp = None
            if pred.complement_forbidden and any(c.dep_ in ("xcomp", "ccomp", "oprd") for c in tok.children):
                continue
            if pred.compose:
                if plain:
                    continue
                comp = self._complement(tok, pred)
                if comp is None and pred.complement_required:
                    continue
                if pred.complement_coded and comp is not None and not self._compose(pred, comp)[1]:
                    continue
            if best is None or pred.specificity > best[0].specificity:
                best = (pred, comp)
        return best

    def _other_subject(self, comp: Token | None, sources: list[ActorMention], index: _ActorIndex) -> list[Token]:
        """The complement clause's own subject when it is not the source ("wants Putin to attack")."""
        if comp is None or comp.pos_ not in ("VERB", "AUX"):
            return []
        for c in comp.children:
            if c.dep_ in _SUBJECTS and c.lower_ not in _PERSONAL and c.lower_ not in _PLURAL:
                actors = self._resolve(c, index, set(), places=False)
                if actors and not {a.code for a in actors} & {a.code for a in sources}:
                    return [c]
        return []

    def _compose(self, pred: Predicate, comp: Token | None) -> tuple[str, bool, Predicate | None]:
        """Code of a composed predicate from its complement, whether the complement was coded, and its predicate."""
        if comp is None or pred.compose is None:
            return pred.cameo, False, None
        inner = self._best(comp, "verb" if comp.pos_ in ("VERB", "AUX") else "noun", plain=True)
        if inner is None and self._lemma(comp) in self.lex.light_verbs:
            # "urged him not to escalate the war", "vowed to hold talks": the event noun carries the code.
            inner = next(
                (
                    found
                    for c in comp.children
                    if c.dep_ == "dobj" and (found := self._best(c, "noun", plain=True)) is not None
                ),
                None,
            )
        if inner is None:
            return pred.cameo, False, None
        family = pred.compose
        negated = any(c.dep_ == "neg" for c in comp.children)
        if family == "intent" and negated:
            family = "reject"
        if family == "intent" and pred.decision and inner[0].cameo[:2] >= "11":
            # "the EU agreed to impose sanctions": a decision taken is the hostile act itself, not a threat of it
            return inner[0].cameo, True, inner[0]
        category = self.lex.category(inner[0].cameo)
        if negated and family in ("appeal", "demand"):
            # "urged him not to escalate the war": an appeal to de-escalate (or, generally, to yield).
            category = "yield_deesc" if inner[0].cameo[:2] in ("15", "18", "19", "20") else "yield"
        if (
            family == "intent"
            and category in self.lex.families["threaten"]
            and category not in (self.lex.families["intent"])
        ):
            family = "threaten"
        code = self.lex.families[family].get(category or "", "")
        if not code:
            return pred.cameo, True, inner[0]
        return code, True, inner[0]

    # ------------------------------------------------------------------ argument resolution
    def _actors_under(
        self, tok: Token, index: _ActorIndex, exclude: set[int] | None = None, places: bool = True
    ) -> list[Token]:
        """Actor-bearing tokens at or under ``tok``: the shallowest level that has any, plus coordination."""
        found: list[Token] = []
        frontier: list[tuple[Token, bool]] = [(tok, False)]
        for _depth in range(_MAX_DEPTH + 1):
            hits = [
                (t, via_prep)
                for t, via_prep in frontier
                if index.at(t, places) is not None and (exclude is None or t.i not in exclude)
            ]
            if hits:
                # "the G7 nations of Canada, ...": a modifier of the head beats a prepositional object at the
                # same depth.
                direct = [t for t, via_prep in hits if not via_prep]
                found = direct or [t for t, _ in hits]
                break
            nxt: list[tuple[Token, bool]] = []
            for t, _ in frontier:
                for c in t.children:
                    if c.dep_ in _CLAUSAL:
                        continue
                    if c.dep_ in ("prep", "agent"):
                        # "hundreds of UN troops", "the use of missiles by Ukraine": a preposition is no level.
                        nxt.extend((g, True) for g in c.children if g.dep_ in ("pobj", "pcomp"))
                    else:
                        nxt.append((c, False))
            frontier = nxt
            if not frontier:
                break
        out: list[Token] = []
        for t in found:
            actor = index.at(t)
            span = index.span_of.get(id(actor)) if actor is not None else None
            chain: list[Token] = []
            for m in span if span is not None else [t]:
                chain.extend(self._conj_chain(m))
            for c in [t, *chain]:
                if index.at(c, places) is not None and all(index.at(c) is not index.at(o) for o in out):
                    out.append(c)
        return out

    def _conj_chain(self, tok: Token) -> list[Token]:
        """Coordinated tokens reachable from an actor token, including "A and B officials" (amod conj)."""
        out: list[Token] = []
        todo = [tok]
        while todo:
            cur = todo.pop()
            for c in cur.children:
                if c.dep_ == "appos" and not self._distinct(tok, c):
                    continue
                if c.dep_ in ("conj", "appos") and c not in out and c != tok:
                    out.append(c)
                    todo.append(c)
        for c in tok.conjuncts:
            if c not in out:
                out.append(c)
        return out

    def _resolve_subject(self, tok: Token, index: _ActorIndex) -> list[ActorMention]:
        """A verb's subject: an actor, else a nationality inside the subject phrase ("Druze inhabitants of the
        Syrian Golan") as the CAMEO manual codes it; a bare place name is never a subject on its own."""
        actors = self._resolve(tok, index, set(), places=False)
        if actors or index.at(tok) is not None:
            return actors
        return self._resolve(tok, index, set(), places=True)

    def _distinct(self, tok: Token, appos: Token) -> bool:
        """An apposition names another actor only when both are coded differently ("the US, Russia, ...")."""
        index = self._index
        first, second = index.at(tok), index.at(appos)
        return bool(first and second and first.code and second.code and first.code != second.code)

    def _resolve(self, tok: Token, index: _ActorIndex, avoid: set[int], places: bool = True) -> list[ActorMention]:
        """Actors for an argument token: its own mention(s), its modifiers', or a pronoun's antecedent."""
        lower = tok.lower_
        if lower in _REFLEXIVE and tok.dep_ in ("dobj", "dative", "iobj") and tok.head.pos_ in ("VERB", "AUX"):
            # "Iraq had attacked themselves": the reflexive is the clause's own subject.
            return self._subjects(tok.head, index)[0]
        want = _PERSONAL.get(lower) or _NEUTER.get(lower) or _PLURAL.get(lower) or _FIRST.get(lower)
        if want is not None and index.at(tok) is None:
            return self._antecedent(tok, want, index, avoid)
        if lower in _RELATIVE and tok.head.dep_ == "relcl":
            return self._resolve(tok.head.head, index, avoid, places)
        mentions: list[ActorMention] = []
        for t in self._actors_under(tok, index, places=places):
            actor = index.at(t)
            if actor is not None and actor not in mentions:
                mentions.append(actor)
        if not mentions:
            # "its forces", "their troops": a possessive pronoun under the argument.
            for c in tok.children:
                if c.dep_ == "poss" and index.at(c) is None:
                    w = _PERSONAL.get(c.lower_) or _NEUTER.get(c.lower_) or _PLURAL.get(c.lower_)
                    if w is not None:
                        return self._antecedent(c, w, index, avoid)
        return mentions

    def _antecedent(self, tok: Token, want: str, index: _ActorIndex, avoid: set[int]) -> list[ActorMention]:
        """The actor a pronoun stands for: the subject of a clause it is embedded in, else the nearest earlier one."""
        is_subject = tok.dep_ in _SUBJECTS | _PASSIVE_SUBJECTS or tok.dep_ == "poss"
        if is_subject:
            anc = tok.head
            while anc.head.i != anc.i:
                parent = anc.head
                if anc.dep_ in ("ccomp", "xcomp", "advcl", "conj", "relcl"):
                    subj = [c for c in parent.children if c.dep_ in _SUBJECTS and c.i != tok.i]
                    for s in subj:
                        if s.lower_ in _PERSONAL or s.lower_ in _NEUTER or s.lower_ in _PLURAL:
                            continue
                        cands = [a for a in self._resolve(s, index, avoid) if _compatible(a, want)]
                        if cands:
                            return cands
                anc = parent
        n = self._sent_of[tok.i]
        sent_start = self._sents[n].start
        prev_start = self._sents[n - 1].start if n else 0
        best: list[ActorMention] = []
        for root_i, actor in reversed(index.mentions):
            if root_i >= tok.i or root_i < prev_start:
                continue
            if root_i in avoid or not _compatible(actor, want) or id(actor) in index.places:
                continue
            if actor.kind not in ("person", "org", "gpe", "group") and want != "any":
                continue
            best = [actor]
            if root_i >= sent_start or not best:
                break
        return best

    def _subjects(self, verb: Token, index: _ActorIndex, depth: int = 0) -> tuple[list[ActorMention], list[Token]]:
        """Source actors of a verb: active subject, passive agent, or inherited through control/coordination."""
        if depth > 4:
            return [], []
        passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children) or (
            verb.dep_ == "acl" and verb.tag_ == "VBN"
        )
        if passive and self._lemma(verb) in self.lex.stative_passives:
            for c in verb.children:
                if c.dep_ in _PASSIVE_SUBJECTS:
                    return self._resolve_subject(c, index), [c]
        if passive:
            for c in verb.children:
                if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
                    for g in c.children:
                        if g.dep_ == "pobj":
                            return self._resolve(g, index, set(), places=False), [g]
            return [], []
        for c in verb.children:
            if c.dep_ in _SUBJECTS:
                if c.lower_ in _RELATIVE and verb.dep_ == "relcl":
                    return self._resolve(verb.head, index, set(), places=False), [verb.head]
                return self._resolve_subject(c, index), [c]
        if verb.pos_ == "ADJ" and verb.head.i != verb.i:
            return self._subjects(verb.head, index, depth + 1)
        if verb.dep_ == "conj" and any(c.dep_ == "auxpass" for c in verb.head.children):
            for c in verb.head.children:
                if c.dep_ in _PASSIVE_SUBJECTS:
                    return self._resolve(c, index, set(), places=False), [c]
        if verb.dep_ in ("xcomp", "conj", "advcl", "pcomp") and verb.head.i != verb.i:
            head = verb.head
            if head.pos_ not in ("VERB", "AUX", "ADJ") and head.dep_ == "prep":
                head = head.head
                # Object control through a preposition: "barred Ukraine from using", "pressured Kyiv into";
                # an object that is no actor ("warned the West against supplying") still takes the role.
                for c in head.children:
                    if c.dep_ == "dobj":
                        return self._resolve(c, index, set(), places=False), [c]
            if verb.dep_ == "xcomp" and any(c.dep_ == "auxpass" for c in head.children):
                # Raising: "France and Germany are expected to meet" -> the passive subject meets.
                for c in head.children:
                    if c.dep_ in _PASSIVE_SUBJECTS:
                        return self._resolve(c, index, set(), places=False), [c]
            if verb.dep_ == "xcomp":
                # Object control: "urged X to", "allowed X to" -> the object is the subject of the complement
                # (only when the object is itself an actor or a pronoun: "using missiles to strike" is not).
                for c in head.children:
                    if c.dep_ == "dobj" and (index.at(c) is not None or c.pos_ == "PRON"):
                        actors = self._resolve(c, index, set(), places=False)
                        if actors:
                            return actors, [c]
            return self._subjects(head, index, depth + 1)
        if verb.dep_ in ("acl", "advcl", "relcl") and any(c.dep_ == "aux" and c.tag_ == "TO" for c in verb.children):
            return self._infinitive_subject(verb, index, depth)
        if verb.dep_ in ("relcl", "acl") and verb.head.i != verb.i:
            # "troops attacking X", "forces that shelled X": only the noun itself or its direct modifiers.
            head = verb.head
            own = index.at(head, places=False)
            if own is not None:
                return [own], [head]
            near = [c for c in head.children if c.dep_ in ("compound", "amod", "poss") and index.at(c, False)]
            if (
                not near
                and verb.dep_ == "acl"
                and head.dep_ in ("dobj", "pobj")
                and verb.tag_ == "VBG"
                and self._lemma(head) in self.lex.speech_nouns
            ):
                # "issued a declaration demanding that ...": the issuer demands.
                gov = head.head if head.dep_ == "dobj" else head.head.head
                if gov.pos_ in ("VERB", "AUX"):
                    return self._subjects(gov, index, depth + 1)
            return [a for c in near if (a := index.at(c, False)) is not None], near
        return [], []

    def _infinitive_subject(
        self, verb: Token, index: _ActorIndex, depth: int
    ) -> tuple[list[ActorMention], list[Token]]:
        """Subject of a to-infinitive hanging off a noun: "the use of missiles by Ukraine to strike" -> Ukraine.

        Climbs through the nouns above, taking the first ``by`` agent or possessor of a nominalisation, else the
        subject of the first verb reached (with its object-control rules).
        """
        tok = verb.head
        while tok.pos_ not in ("VERB", "AUX") and tok.head.i != tok.i:
            for c in tok.children:
                if c.dep_ in ("poss", "compound", "amod") or (c.dep_ == "prep" and c.lower_ == "by"):
                    # "the US decision to sell", "Russia's plan to annex", "the use of missiles by Ukraine to"
                    who = c if c.dep_ != "prep" else next((g for g in c.children if g.dep_ == "pobj"), None)
                    if who is not None and (c.dep_ != "amod" or index.at(who) is not None):
                        actors = self._resolve(who, index, set(), places=c.dep_ != "prep")
                        if actors:
                            return actors, [who]
            tok = tok.head
        if tok.pos_ in ("VERB", "AUX") and tok.i != verb.i:
            return self._subjects(tok, index, depth + 1)
        return [], []

    def _prep_search(
        self, tok: Token, order: tuple[str, ...], index: _ActorIndex, shallow: bool = False
    ) -> list[Token]:
        """Prepositional targets anywhere in a phrase ("120 missiles and 90 drones against Ukrainian targets").

        ``shallow``: only an actor that is the prepositional object or names it directly ("aid for Ukraine",
        not "missiles for strikes within Russia": the place of a later use is no recipient).
        """
        preps: dict[str, list[Token]] = {}
        frontier = [tok]
        for _depth in range(4):
            nxt: list[Token] = []
            for t in frontier:
                for c in t.children:
                    if c.dep_ in _CLAUSAL:
                        continue
                    if c.dep_ == "prep":
                        preps.setdefault(c.lower_, []).append(c)
                    nxt.append(c)
            frontier = nxt
        for name in order:
            for prep in preps.get(name, ()):
                if hits := self._prep_object_actors(prep, index, shallow):
                    return hits
        return []

    def _preposition_targets(
        self, tok: Token, order: tuple[str, ...], index: _ActorIndex, shallow: bool = False
    ) -> list[Token]:
        """Actors in ``tok``'s own prepositional phrases, by preposition order (``shallow`` as in _prep_search)."""
        preps = {c.lower_: c for c in tok.children if c.dep_ in ("prep", "prt", "dative", "agent")}
        for name in order:
            prep = preps.get(name)
            if prep is not None and (hits := self._prep_object_actors(prep, index, shallow)):
                return hits
        return []

    def _prep_object_actors(self, prep: Token, index: _ActorIndex, shallow: bool) -> list[Token]:
        """Actors under the preposition's object; ``shallow`` keeps only the object itself, its direct dependents
        and its conjuncts (an actor buried deeper in the phrase is not the preposition's)."""
        for g in prep.children:
            if g.dep_ in ("pobj", "pcomp"):
                hits = self._actors_under(g, index)
                if shallow:
                    hits = [h for h in hits if h is g or h.head is g or h in g.conjuncts]
                if hits:
                    return hits
        return []

    def _verb_targets(
        self, verb: Token, pred: Predicate, index: _ActorIndex, sources: list[ActorMention] | None = None
    ) -> list[Token]:
        if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
            for c in verb.children:
                if c.dep_ in _PASSIVE_SUBJECTS:
                    return [c]
        if verb.dep_ == "acl" and verb.tag_ == "VBN":
            return [verb.head]
        for c in verb.children:
            if c.dep_ not in ("dobj", "dative", "iobj"):
                continue
            # "supplied Russia with drones": the object itself; "sent American missiles to Ukraine": not its maker
            if index.at(c) is not None or (not (pred.theme and c.dep_ == "dobj") and self._actors_under(c, index)):
                return [c]
        order = pred.targets or (self.lex.theme_targets if pred.theme else self.lex.verb_targets)
        hits = self._preposition_targets(verb, order, index, shallow=pred.theme)
        if hits:
            return hits
        for c in verb.children:
            if c.dep_ == "dobj":
                # "approved the use of American missiles by Ukraine": the user of a given thing receives it
                hits = self._prep_search(c, order, index, shallow=pred.theme) or self._author(c, index)
                if hits:
                    return hits
                if pred.theme:
                    # "gave Ukraine tanks" parsed as a compound: a country name (not an adjective) before the theme
                    named = [g for g in c.children if g.dep_ == "compound" and index.at(g) is not None]
                    if named:
                        return named
        return self._where(verb, index) or self._clause_subject(verb, index, sources or [])

    def _clause_subject(self, verb: Token, index: _ActorIndex, sources: list[ActorMention]) -> list[Token]:
        """ "allowed Russian troops to use its territory", "warned that Washington would pay": with no object,
        the subject of the verb's complement clause is the party it acts on (the parser often makes an
        object-controlled "X to" the clause's subject). The source's own party is no target ("Moscow could
        escalate, Russian officials warned")."""
        own = {(a.code or "")[:3] for a in sources}
        for c in verb.children:
            if c.dep_ in ("ccomp", "xcomp") and c.pos_ in ("VERB", "AUX"):
                for g in c.children:
                    if g.dep_ in _SUBJECTS | _PASSIVE_SUBJECTS and (hits := self._actors_under(g, index, places=False)):
                        hits = [h for h in hits if ((a := index.at(h)) is None or (a.code or "")[:3] not in own)]
                        if hits:
                            return hits
        return []

    def _domestic(self, verb: Token, pred: Predicate, source: ActorMention, comp: Token | None) -> list[ActorMention]:
        """ "students demanded the resignation of the government", "the court banned the opposition party": an
        institution named without a country is the source's own (CAMEO's domestic convention). Only for demands,
        criticism, rejection, threats, protest and coercion, and only for ``domestic_targets`` nouns that carry
        no owner of their own; the mention is made here, with ``via="domestic"``.
        """
        country = (source.code or "")[:3]
        if source.country is None or country != source.country:
            return []
        args = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
        if comp is not None:
            args += [c for c in comp.children if c.dep_ in ("dobj", "nsubj", "nsubjpass")]
        order = pred.targets or self.lex.verb_targets
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ in order:
                args += [g for g in c.children if g.dep_ == "pobj"]
        args += [g for a in list(args) for c in a.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children]
        for arg in args:
            role = self.lex.domestic_targets.get(self._lemma(arg))
            owned = any(c.dep_ in ("poss", "amod", "compound", "nmod") and c.ent_type_ for c in arg.children)
            if role is None or owned:
                continue
            start = arg.left_edge if arg.left_edge.i >= arg.i - 3 else arg
            end = arg.idx + len(arg)
            text = self._text[start.idx : end]
            return [ActorMention(text, start.idx, end, country + role, country, role, text, "org", "domestic")]
        return []

    def _author(self, noun: Token, index: _ActorIndex) -> list[Token]:
        """ "rejected the proposal put forward by Egypt": the agent of a participle on the object is its author,
        the party the act answers (the argument search itself never enters clauses)."""
        for c in noun.children:
            if c.dep_ == "acl" and c.tag_ == "VBN":
                for agent in c.children:
                    if agent.dep_ == "agent":
                        for g in agent.children:
                            if g.dep_ == "pobj" and (hits := self._actors_under(g, index, places=False)):
                                return hits
        return []

    def _where(self, verb: Token, index: _ActorIndex) -> list[Token]:
        """ "the Kursk region of Russia, where Ukraine launched an incursion": the place the clause is about."""
        if verb.dep_ == "relcl" and any(c.dep_ == "advmod" and c.lower_ == "where" for c in verb.children):
            return self._actors_under(verb.head, index)
        if verb.dep_ == "conj":
            return self._where(verb.head, index)
        return []

    def _light_verb(self, noun: Token) -> Token | None:
        """The light verb whose object (or prepositional object) the event noun is."""
        head = noun.head
        if noun.dep_ in ("dobj", "attr", "nsubjpass") and head.pos_ in ("VERB", "AUX"):
            return head if self._lemma(head) in self.lex.light_verbs else None
        if noun.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ == "VERB":
            verb = head.head
            if self._lemma(verb) in self.lex.light_verbs or self._lemma(verb) in ("engage", "involve", "join"):
                return verb
            if head.lower_ == "for" and self._lemma(verb) in self.lex.purpose_verbs:
                return verb
        if noun.dep_ == "conj":
            return self._light_verb(noun.head)
        if noun.dep_ in ("compound", "amod") and self._lemma(head) in self.lex.support_nouns:
            return self._light_verb(head)
        return None

    def _accusation(self, frame: _Frame, index: _ActorIndex) -> _Frame | None:
        """ "X said (that) Y attacked Z": besides Y's reported attack, X accuses Y (CAMEO 112).

        Only for coercion and violence (CAMEO 17-20) reported by a coded speaker who is not the attacker.
        """
        clause = frame.trigger
        if frame.rule.endswith((":intent", ":demand", ":will")) or not ("17" <= frame.cameo[:2] <= "20"):
            return None
        reporter = self._reporter(clause)
        if reporter is None:
            return None
        speakers = [a for a in self._subjects(reporter, index)[0] if a.code]
        accused = [a for a in frame.sources if a.code]
        if not speakers or not accused:
            return None
        if {(a.code or "")[:3] for a in speakers} & {(a.code or "")[:3] for a in accused}:
            return None
        out = _Frame(clause, _ACCUSE, _ACCUSE.cameo, speakers, accused, f"{frame.pred.id}:accuse")
        out.modality_anchor = reporter
        out.forced_modality = modality(reporter, self.lex)
        return out

    def _reporter(self, clause: Token) -> Token | None:
        """The reporting verb a clause is attributed to: its governor ("X said Y would ...") or a trailing
        attribution hung off it ("Y would ..., X warned")."""
        reporting = self.lex.modality["reporting_verbs"]
        if clause.dep_ == "ccomp" and self._lemma(clause.head) in reporting:
            return clause.head
        for c in clause.children:
            if (
                c.dep_ in ("parataxis", "ccomp")
                and c.i > clause.i
                and self._lemma(c) in reporting
                and not any(g.dep_ in ("ccomp", "xcomp") for g in c.children)
            ):
                return c
        return None

    def _must_clauses(self, doc: Doc, triggers: set[int], index: _ActorIndex) -> Iterator[_Frame]:
        """ "X said Y must/should <do something>" is X's demand on Y even when the action is not in the lexicon."""
        for tok in doc:
            if tok.i in triggers or tok.pos_ not in ("VERB", "AUX"):
                continue
            if not any(c.dep_ == "aux" and c.lower_ in ("must", "should") for c in tok.children):
                continue
            if self._reporter(tok) is None:
                continue
            subjects, _ = self._subjects(tok, index)
            if not subjects:
                continue
            frame = _Frame(tok, _MUST, _MUST.cameo, subjects, [], _MUST.id)
            embedded = self._embedded_intent(tok, frame, index)
            if embedded is not None:
                yield embedded

    # ------------------------------------------------------------------ verb and noun frames
    def _verb(self, verb: Token, index: _ActorIndex, consumed: set[int], pos: str = "verb") -> list[_Frame]:
        """Frames of a verb (or adjective) trigger: one, or one per coordinated complement ("vowed X and to Y")."""
        chosen = self._best(verb, pos)
        if chosen is None:
            return []
        pred, comp = chosen
        if pred.objects:
            # "lifted the sanctions", "accepted demands": the object noun is part of this event, not its own.
            for c in verb.children:
                if c.dep_ in ("dobj", "nsubjpass"):
                    consumed.update(t.i for t in (c, *c.conjuncts))
        # A light verb with an event noun object is coded from the noun ("gave a warm welcome").
        if self._lemma(verb) in self.lex.light_verbs and not pred.objects:
            for c in verb.children:
                if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN") and self._best(c, "noun") is not None:
                    return []
        complements: list[Token | None] = [comp]
        if pred.compose and comp is not None:
            complements += [c for c in comp.conjuncts if c.pos_ in ("VERB", "AUX") and c.i > comp.i]
            for c in complements:
                if c is not None:
                    consumed.update(self._clause_tokens(c))
        frames = [self._verb_frame(verb, pred, c, index) for c in complements]
        return [f for f in frames if f is not None]

    def _clause_tokens(self, comp: Token) -> set[int]:
        """Tokens of a complement clause (its events are only appealed for / promised), less relative clauses."""
        out: set[int] = set()
        todo = [comp]
        while todo:
            tok = todo.pop()
            out.add(tok.i)
            todo.extend(c for c in tok.children if c.dep_ not in ("relcl", "advcl", "conj"))
        return out

    def _verb_frame(self, verb: Token, pred: Predicate, comp: Token | None, index: _ActorIndex) -> _Frame | None:
        sources, src_toks = self._subjects(verb, index)
        rule = pred.id
        cameo = pred.cameo
        target_toks: list[Token] = []
        symmetric = pred.symmetric
        if pred.compose:
            cameo, coded, inner = self._compose(pred, comp)
            symmetric = symmetric or (inner is not None and inner.symmetric)
            if coded:
                rule = f"{pred.id}:compose"
            target_toks = self._compose_targets(verb, pred, comp, index)
            wanted = self._other_subject(comp, sources, index) if pred.compose == "intent" else []
            if wanted and comp is not None:
                # "Obama wants Putin to attack": wanting someone else to act is an appeal to them.
                cameo, _coded, _inner = self._compose(
                    Predicate(pred.id, pred.pos, pred.lemmas, "020", compose="appeal"), comp
                )
                target_toks = wanted
        if pred.inverse:
            # "X received weapons from Y": Y gave them to X.
            givers = self._preposition_targets(verb, ("from",), index) or next(
                (self._prep_search(c, ("from",), index) for c in verb.children if c.dep_ == "dobj"), []
            )
            target_toks = src_toks
            src_toks = givers
            sources = [a for t in givers if (a := index.at(t)) is not None]
        if not target_toks:
            target_toks = self._verb_targets(verb, pred, index, sources)
        frame = _Frame(verb, pred, cameo, sources, [], rule)
        frame.symmetric = symmetric
        frame.targets = self._collect(target_toks, index, {t.i for t in src_toks})
        if not frame.targets and len(sources) == 1 and "10" <= cameo[:2] <= "17":
            frame.targets = self._domestic(verb, pred, sources[0], comp)
        if pred.person_cameo and any((a := index.at(t)) is not None and a.kind == "person" for t in target_toks):
            # The object itself is a person ("welcomed Putin"), not something of theirs ("welcomed X's plan").
            frame.cameo = pred.person_cameo
        embedded = self._embedded_intent(verb, frame, index) or self._promise(verb, frame)
        if embedded is not None:
            return embedded
        if pred.target_place:
            frame.targets = [t for t in frame.targets if t.kind == "gpe"]
        if pred.target_required and not frame.targets and not (symmetric and len(sources) > 1):
            return None
        return frame if sources else None

    def _compose_targets(self, verb: Token, pred: Predicate, comp: Token | None, index: _ActorIndex) -> list[Token]:
        if pred.compose in ("appeal", "demand"):
            for c in verb.children:
                if c.dep_ in ("dobj", "dative", "iobj") and (c.pos_ == "PRON" or self._actors_under(c, index)):
                    return [c]
            hits = self._preposition_targets(verb, ("on", "to", "upon", "from", "against"), index)
            if hits:
                return hits
            if comp is not None and comp.pos_ in ("VERB", "AUX"):
                for c in comp.children:
                    if c.dep_ in _SUBJECTS | _PASSIVE_SUBJECTS and self._actors_under(c, index):
                        return [c]
        if comp is not None:
            if comp.pos_ in ("VERB", "AUX"):
                inner = self._best(comp, "verb", plain=True)
                if inner is not None:
                    return self._verb_targets(comp, inner[0], index)
                if self._lemma(comp) in self.lex.light_verbs:
                    # "pledged to keep sanctions on Russia": the event noun's own target phrase
                    for c in comp.children:
                        if c.dep_ == "dobj" and (noun := self._best(c, "noun", plain=True)) is not None:
                            return self._preposition_targets(c, noun[0].targets or self.lex.noun_targets, index)
            else:
                return self._preposition_targets(comp, self.lex.noun_targets, index)
        return []

    def _promise(self, clause: Token, frame: _Frame) -> _Frame | None:
        """ "Finland will give Tanzania a grant": a cooperative act announced with ``will`` is a promise (AGREE).

        Only yielding, aid, cooperation and diplomatic support are read this way; a meeting announced for next
        week stays a (future) consultation.
        """
        if frame.pred.compose or not frame.sources:
            return None
        aux = {c.lower_ for c in clause.children if c.dep_ == "aux"}
        if not aux & {"will", "'ll", "shall"} or any(c.dep_ == "neg" for c in clause.children):
            return None
        if frame.cameo[:2] not in ("05", "06", "07", "08") or frame.cameo == "057":
            return None
        code = self.lex.families["intent"].get(self.lex.category(frame.cameo) or "")
        if code is None:
            return None
        out = _Frame(frame.trigger, frame.pred, code, frame.sources, frame.targets, f"{frame.pred.id}:will")
        out.symmetric = frame.symmetric
        out.span_end = frame.span_end
        out.forced_modality = speech_act_modality(clause, self.lex)
        return out

    def _embedded_intent(self, clause: Token, frame: _Frame, index: _ActorIndex) -> _Frame | None:
        """Promises and demands reported by their speaker: "X said it would free ...", "X said Y must leave".

        Under a reporting verb, ``will``/``would`` with a subject that is the speaker turns the clause into the
        speaker's intent (or, for conflictual actions, threat; negated, refusal); ``must``/``should`` with
        another subject turns it into the speaker's demand of that subject. The reported action itself is not
        asserted, so only the speech act is coded, with the reporting clause's modality.
        """
        reporter = self._reporter(clause)
        if reporter is None or frame.pred.compose:
            return None
        aux = {c.lower_ for c in clause.children if c.dep_ == "aux"}
        speakers, _ = self._subjects(reporter, index)
        if not speakers:
            return None
        # Same party when the country prefix agrees ("Israel would retaliate, Netanyahu warned").
        speaker_codes = {(a.code or "")[:3] for a in speakers}
        subj_codes = {(a.code or "")[:3] for a in frame.sources}
        category = self.lex.category(frame.cameo)
        if aux & {"will", "would", "'ll", "shall", "wo"} and subj_codes and subj_codes <= speaker_codes:
            negated = any(c.dep_ == "neg" for c in clause.children)
            conditional = any(
                c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in c.children)
                for c in clause.children
            )
            family = "reject" if negated else "intent"
            if (category in self.lex.families["threaten"] or conditional) and not negated:
                family = "threaten"
            code = self.lex.families[family].get(category or "", "130" if family == "threaten" else "")
            if not code:
                return None
            out = _Frame(frame.trigger, frame.pred, code, speakers, frame.targets, f"{frame.pred.id}:intent")
            out.symmetric = frame.symmetric
            out.span_end = frame.span_end
            out.modality_anchor = reporter
            return out
        if aux & {"must", "should"} and frame.sources and not (subj_codes & speaker_codes):
            code = self.lex.families["demand"].get(category or "", "100")
            out = _Frame(frame.trigger, frame.pred, code, speakers, frame.sources, f"{frame.pred.id}:demand")
            out.span_end = frame.span_end
            out.modality_anchor = reporter
            return out
        return None

    def _noun(self, noun: Token, index: _ActorIndex, consumed: set[int]) -> _Frame | None:
        if noun.ent_type_ in _NAME_TYPES:
            # "National Review", "Operation Barbarossa": a noun inside a name is no event.
            return None
        chosen = self._best(noun, "noun")
        if chosen is None:
            return None
        pred, comp = chosen
        sources: list[ActorMention] = []
        src_toks: list[Token] = []
        for c in noun.children:
            if c.dep_ == "poss":
                sources = self._resolve(c, index, set())
                src_toks = [c]
                break
        if not sources:
            src_toks = self._preposition_targets(noun, self.lex.noun_sources, index)
            sources = [a for t in src_toks if (a := index.at(t)) is not None]
        if not sources:
            for c in noun.children:
                if c.dep_ in ("amod", "compound", "nmod") and c.i < noun.i:
                    hits = self._actors_under(c, index)
                    if hits:
                        src_toks = hits
                        sources = [a for t in hits if (a := index.at(t)) is not None]
                        break
        light = self._light_verb(noun)
        if not sources and light is not None:
            sources, src_toks = self._subjects(light, index)
        between: list[Token] = []
        if not sources and pred.symmetric:
            between = self._preposition_targets(noun, ("between", "among"), index)
            sources = [a for t in between if (a := index.at(t)) is not None]
        if not sources:
            return None
        order = pred.targets or self.lex.noun_targets
        cameo, rule = pred.cameo, pred.id if light is None else f"{pred.id}:light"
        target_toks: list[Token] = []
        if pred.compose and comp is not None:
            # "willingness to host talks between X and Y": coded from the clause, whose events are only intended.
            cameo, coded, _inner = self._compose(pred, comp)
            if coded:
                rule = f"{pred.id}:compose"
            consumed.update(self._clause_tokens(comp))
            target_toks = self._compose_targets(noun, pred, comp, index)
        if not target_toks:
            target_toks = self._preposition_targets(noun, order, index)
        if not target_toks and noun.dep_ in ("compound", "amod"):
            target_toks = self._preposition_targets(noun.head, order, index)
        if not target_toks and light is not None:
            target_toks = self._verb_targets(light, pred, index)
        frame = _Frame(noun, pred, cameo, sources, [], rule)
        frame.symmetric = pred.symmetric
        exclude = {t.i for t in src_toks}
        frame.targets = [a for a in self._collect(target_toks, index, exclude) if a not in sources]
        if pred.target_required and not frame.targets:
            return None
        if light is not None:
            frame.modality_anchor = noun
            if light.i + 4 >= noun.i > light.i:
                frame.span_end = noun
                frame.trigger = light
            embedded = self._embedded_intent(light, frame, index) or self._promise(light, frame)
            if embedded is not None:
                return embedded
        return frame

    def _collect(self, toks: list[Token], index: _ActorIndex, exclude: set[int]) -> list[ActorMention]:
        out: list[ActorMention] = []
        for t in toks:
            for actor in self._resolve(t, index, exclude):
                if actor not in out:
                    out.append(actor)
        return out

    # ------------------------------------------------------------------ records
    def _events(self, frame: _Frame, index: _ActorIndex, sentence_of: dict[int, int], offset: int) -> Iterator[Event]:
        info = self.lex.lookup(frame.cameo)
        if info is None or info.plover is None:
            return
        trigger = frame.trigger
        end_tok = frame.span_end or trigger
        anchor = frame.modality_anchor or trigger
        # A speech act (":intent", ":demand") is anchored on its reporting verb, so it takes that clause's modality.
        mod = frame.forced_modality or modality(anchor, self.lex)
        sent_n = self._sent_of[trigger.i]
        sent = self._sents[sent_n]
        pairs: list[tuple[ActorMention, ActorMention | None]] = []
        sources = frame.sources
        targets = [t for t in frame.targets if t not in sources]
        if frame.symmetric and len(sources) > 1 and all(id(t) in index.places for t in targets):
            # "Putin and Xi held talks in Beijing": the parties meet each other; the venue is no party.
            targets = []
        if targets:
            pairs = [(s, t) for s in sources for t in targets]
            if frame.symmetric and len(sources) == 1 and frame.rule.split(":")[-1] not in _SPEECH_ACTS:
                # A meeting or a clash is mutual; a promise to meet is only the promiser's.
                pairs += [(t, s) for s in sources for t in targets if id(t) not in index.places]
        elif frame.symmetric and len(sources) > 1:
            pairs = [(s, t) for s in sources for t in sources if s is not t]
        elif frame.symmetric and frame.cameo[:2] == "04" and not frame.rule.endswith((":intent", ":compose")):
            # "X met" / "X held talks" with nobody to meet codes nothing.
            return
        else:
            pairs = [(s, None) for s in sources]
        n = offset
        for source, target in pairs:
            involved = [trigger, end_tok]
            for actor in (source, target):
                if actor is not None and (h := index.head(actor)) is not None and self._sent_of[h.i] == sent_n:
                    involved.append(h)
            evidence = _evidence(trigger, involved, sent)
            n += 1
            yield Event(
                id=f"e{n}",
                sentence=sentence_of.get(sent.start, 0),
                trigger=TextSpan(
                    self._text[trigger.idx : end_tok.idx + len(end_tok)], trigger.idx, end_tok.idx + len(end_tok)
                ),
                source=_coded(source),
                target=_coded(target) if target is not None else None,
                cameo=info.code if len(frame.cameo) > len(info.code) else frame.cameo,
                plover=info.plover,
                modality=mod,
                evidence=evidence,
                rule=frame.rule,
                quad_class=info.quad_class,
                goldstein=info.goldstein,
                plover_mode=frame.pred.mode or info.plover_mode,
            )

    def _apply_denials(self, doc: Doc, events: list[Event], index: _ActorIndex) -> None:
        """A later "X denied the call/attack" marks the matching earlier event as denied.

        The denied noun must name the same PLOVER category as the event and the denier must share a country
        with one of the event's parties; only the same and the previous two sentences are searched.
        """
        denial = self.lex.modality["denial_verbs"]
        sents = list(doc.sents)
        for n, sent in enumerate(sents):
            for tok in sent:
                if tok.pos_ != "VERB" or self._lemma(tok) not in denial:  # POS first: the lemma repair costs more
                    continue
                deniers, _ = self._subjects(tok, index)
                countries = {a.country or (a.code or "")[:3] for a in deniers}
                if not countries:
                    continue
                categories: set[str] = set()
                for c in tok.subtree:
                    if c.pos_ == "NOUN" and c.i != tok.i:
                        for pred in self.lex.predicates("noun", self._lemma(c)):
                            info = self.lex.lookup(pred.cameo)
                            if info is not None and info.plover:
                                categories.add(info.plover)
                for event in events:
                    if not (n - 2 <= event.sentence < n) or event.plover not in categories:
                        continue
                    parties = {
                        (event.source.code or "")[:3],
                        (event.target.code or "")[:3] if event.target is not None else "",
                    }
                    if parties & countries and PRECEDENCE.index(event.modality) > PRECEDENCE.index("denied"):
                        event.modality = "denied"


def _stems(word: str) -> list[str]:
    """Candidate lemmas of an inflected form, tried when the model's lemma is not in the lexicon."""
    out = [word]
    if word.endswith("ied"):
        out.append(word[:-3] + "y")
    if word.endswith("ed"):
        out += [word[:-1], word[:-2]]
    if word.endswith("ing"):
        out += [word[:-3], word[:-3] + "e"]
    if word.endswith("es"):
        out.append(word[:-2])
    if word.endswith("s"):
        out.append(word[:-1])
    return out


def _coded(actor: ActorMention) -> CodedSpan:
    return CodedSpan(text=actor.text, start=actor.start, end=actor.end, code=actor.code, name=actor.name)


def _evidence(trigger: Token, involved: list[Token], sent: Span) -> TextSpan:
    """The smallest subtree (clause) above the trigger that contains the trigger and both actors."""
    lo = min(t.i for t in involved)
    hi = max(t.i for t in involved)
    for anc in [trigger, *trigger.ancestors]:
        if anc.left_edge.i <= lo and anc.right_edge.i >= hi:
            span: Span = trigger.doc[anc.left_edge.i : anc.right_edge.i + 1]
            break
    else:
        span = sent
    while len(span) > 1 and span[-1].is_punct:
        span = span[:-1]
    return TextSpan(span.text, span.start_char, span.end_char)
