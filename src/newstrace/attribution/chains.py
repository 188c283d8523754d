"""Attribution chains and modality for events inside reported content.

A chain is the path a claim took to the reader, outermost first: the article, then the source it names, then
whoever that source cites ("According to reports from the Washington Post and New York Times, both citing unnamed
U.S. officials" -> article, Washington Post, New York Times, unnamed U.S. officials). Definite back-references
("the reports said", "according to the unnamed officials") reuse the chain of the earlier mention, so a later
sentence keeps the full sourcing instead of a bare "the reports".
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from newstrace.attribution import lexicon
from newstrace.attribution.speakers import Resolver, speaker_span
from newstrace.records import ActorMention, Attribution, ChainLink, Event, Quote

AUTHOR = "article"
#: Modalities the Events stage sets from the clause itself; reported content does not override them.
KEEP_MODALITIES = frozenset({"future", "negated", "hypothetical"})
_DEFINITE = frozenset({"the", "these", "those", "that", "this"})
_SOURCE_PREPS = frozenset({"from", "by", "in", "of"})
#: Sentences a denial may look back over for the claim it denies ("Reports claimed X. The Kremlin denied it.").
DENIAL_LOOKBACK = 2


def _span(doc: Doc, start: int, end: int) -> Span | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span if span is not None and len(span) else None


def _name_span(doc: Doc, head: Token) -> Span:
    """``head`` with the compounds and proper-noun modifiers before it ("New York Times newspapers")."""
    left = head.i
    for child in head.lefts:
        if child.dep_ in {"compound", "nmod"} or (child.pos_ == "PROPN" and child.dep_ != "poss"):
            left = min(left, child.left_edge.i)
    return doc[left : head.i + 1]


class ChainBuilder:
    def __init__(self, doc: Doc, resolver: Resolver, lex: lexicon.Lexicon) -> None:
        self.doc = doc
        self.resolver = resolver
        self.lex = lex
        self._by_lemma: dict[str, list[ChainLink]] = {}
        # "citing"/"quoting" words are rare; finding them once saves a walk over every quote's sentence
        self._citing = [t for t in doc if t.lemma_.lower() in lex.citing]

    def _link(self, span: Span) -> ChainLink:
        kind, code = self.resolver.kind(span)
        actor = self.resolver.referent(span)
        text = actor.text if actor is not None and kind in {"outlet", "person", "official"} else span.text
        return ChainLink(text, kind, code)

    def source_links(self, span: Span) -> list[tuple[str, ChainLink]]:
        """(head lemma, link) for each source a speaker phrase names; "reports from X and Y" names X and Y."""
        root = span.root
        lemma = root.lemma_.lower()
        if lemma in self.lex.document_heads:
            for child in root.children:
                if child.dep_ == "prep" and child.lower_ in _SOURCE_PREPS:
                    obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                    if obj is not None:
                        heads = [obj, *obj.conjuncts]
                        return [(h.lemma_.lower(), self._link(_name_span(self.doc, h))) for h in heads]
        conjuncts = [c for c in root.conjuncts if c.i > root.i and span.start <= c.i < span.end]
        if conjuncts:
            return [(h.lemma_.lower(), self._link(_name_span(self.doc, h))) for h in [root, *conjuncts]]
        return [(lemma, self._link(span))]

    def citing_links(self, quote: Quote, cue: Token) -> list[tuple[str, ChainLink]]:
        """Deeper sources named in the cue's sentence outside the content ("…, both citing unnamed officials")."""
        out: list[tuple[str, ChainLink]] = []
        sent = cue.sent
        for tok in self._citing:
            if not sent.start <= tok.i < sent.end or quote.content.start <= tok.idx < quote.content.end:
                continue
            obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
            if obj is not None:
                out.extend(self.source_links(speaker_span(self.doc, obj)))
        return out

    def _bare_plural(self, span: Span) -> bool:
        """ "Reports also claimed": a lone plural document or unnamed-source noun means the ones named before."""
        root = span.root
        lemma = root.lemma_.lower()
        generic = lemma in self.lex.document_heads or lemma in self.lex.anonymous_heads
        return len(span) == 1 and root.tag_ == "NNS" and generic

    def chain(self, quote: Quote, cue: Token | None) -> list[ChainLink]:
        links = [ChainLink(AUTHOR, "author", None)]
        speaker = _span(self.doc, quote.speaker.start, quote.speaker.end) if quote.speaker else None
        if speaker is not None:
            lemma = speaker.root.lemma_.lower()
            earlier = self._by_lemma.get(lemma)
            if earlier is not None and (speaker[0].lower_ in _DEFINITE or self._bare_plural(speaker)):
                return list(earlier)
            named = self.source_links(speaker)
            links.extend(link for _, link in named)
            for n, (link_lemma, _) in enumerate(named):
                self._by_lemma.setdefault(link_lemma, links[: len(links) - len(named) + n + 1])
        if cue is not None:
            deeper = self.citing_links(quote, cue)
            for link_lemma, link in deeper:
                links.append(link)
                self._by_lemma[link_lemma] = list(links)
        if speaker is not None:
            self._by_lemma[speaker.root.lemma_.lower()] = list(links)
        return links


def cue_token(doc: Doc, quote: Quote) -> Token | None:
    """The word that carries a quote's cue (the verb of "has said", "According" of "according to")."""
    if quote.cue is None:
        return None
    span = _span(doc, quote.cue.start, quote.cue.end)
    if span is None:
        return None
    return next((t for t in span if t.pos_ == "VERB"), span[0])


def cue_modality(tok: Token | None, lex: lexicon.Lexicon) -> str:
    """reported | hedged | denied, from the cue's class in ``data/cues.yaml``."""
    if tok is None:
        return "reported"
    if tok.lower_ in lex.adverbs:
        return lex.adverbs[tok.lower_]
    cue = lex.verbs.get(tok.lemma_.lower()) or lex.nouns.get(tok.lemma_.lower())
    return cue.modality if cue is not None else "reported"


def _inner_modality(doc: Doc, trigger_start: int, quote: Quote, lex: lexicon.Lexicon) -> str | None:
    """hedged/denied from a cue above the trigger inside the content ("Aides said Obama hopes that he will …").

    ``find_quotes`` keeps such beliefs, intentions and denials inside reported content as part of the content, not
    as attributions of their own, so the event's modality comes from the nearest cue verb or noun above it.
    """
    span = _span(doc, trigger_start, trigger_start + 1)
    if span is None:
        return None
    node = span[0]
    for _ in range(6):
        if node.head is node:
            return None
        node = node.head
        if not quote.content.start <= node.idx < quote.content.end:
            return None
        lemma = node.lemma_.lower()
        cue = lex.verbs.get(lemma) if node.pos_ == "VERB" else lex.nouns.get(lemma) if node.pos_ == "NOUN" else None
        if cue is not None:
            return cue.modality if cue.modality in {"hedged", "denied"} else None
    return None


def _hedged(doc: Doc, trigger_start: int, quote: Quote, cue: Token | None, lex: lexicon.Lexicon) -> bool:
    """A hedge word on the trigger, on a verb above it inside the content, or on the cue itself."""
    span = _span(doc, trigger_start, trigger_start + 1)
    nodes: list[Token] = []
    if span is not None:
        node = span[0]
        for _ in range(6):
            if not quote.content.start <= node.idx < quote.content.end:
                break
            nodes.append(node)
            if node.head is node:
                break
            node = node.head
    if cue is not None:
        nodes.append(cue)
    return any(
        child.dep_ in {"aux", "advmod"} and child.lower_ in lex.hedges for node in nodes for child in node.children
    )


def _containing(quotes: list[Quote], char: int) -> Quote | None:
    best: Quote | None = None
    for quote in quotes:
        if quote.content.start <= char < quote.content.end and (
            best is None or quote.content.end - quote.content.start < best.content.end - best.content.start
        ):
            best = quote
    return best


def attribute_events(doc: Doc, events: list[Event], quotes: list[Quote], actors: list[ActorMention]) -> None:
    """Set ``attribution`` and modality on every event whose trigger lies inside a quote's content (in place).

    Modality: the cue's class (claim/allege -> hedged, deny -> denied) or a hedge word makes it hedged/denied,
    otherwise ``reported``; future/negated/hypothetical from the Events stage are kept. A denial whose content
    refers back ("The Kremlin has denied the call took place") marks the events of the claim just before it.
    """
    lex = lexicon.load()
    builder = ChainBuilder(doc, Resolver(doc, actors, lex), lex)
    cues = {q.id: cue_token(doc, q) for q in quotes}
    chains = {q.id: builder.chain(q, cues[q.id]) for q in sorted(quotes, key=lambda q: q.cue.start if q.cue else 0)}
    reporting = [q for q in quotes if cue_modality(cues[q.id], lex) != "asserted"]
    for event in events:
        quote = _containing(reporting, event.trigger.start)
        if quote is None:
            continue
        cue = cues[quote.id]
        event.attribution = Attribution(quote.speaker, quote.cue, chains[quote.id])
        if event.modality in KEEP_MODALITIES:
            continue
        modality = cue_modality(cue, lex)
        if modality == "reported":
            modality = _inner_modality(doc, event.trigger.start, quote, lex) or modality
        if modality == "reported" and _hedged(doc, event.trigger.start, quote, cue, lex):
            modality = "hedged"
        event.modality = modality
    _apply_denials(doc, events, quotes, cues, chains, lex)


def _apply_denials(
    doc: Doc,
    events: list[Event],
    quotes: list[Quote],
    cues: dict[str, Token | None],
    chains: dict[str, list[ChainLink]],
    lex: lexicon.Lexicon,
) -> None:
    sentence_of = {s.start_char: n for n, s in enumerate(doc.sents)}
    for denial in quotes:
        cue = cues[denial.id]
        if cue is None or cue_modality(cue, lex) != "denied":
            continue
        if any(denial.content.start <= e.trigger.start < denial.content.end for e in events):
            continue
        content = _span(doc, denial.content.start, denial.content.end)
        if content is None or content[0].lower_ not in _DEFINITE | {"it", "them", "they"}:
            continue
        here = sentence_of.get(cue.sent.start_char, 0)
        claims = [
            q
            for q in quotes
            if q is not denial
            and q.content.end <= denial.content.start
            and q.kind != "partial"
            and (span := _span(doc, q.content.start, q.content.end)) is not None
            and here - sentence_of.get(span[0].sent.start_char, -99) <= DENIAL_LOOKBACK
        ]
        if not claims:
            continue
        claim = max(claims, key=lambda q: (q.content.end, q.content.end - q.content.start))
        for event in events:
            if claim.content.start <= event.trigger.start < claim.content.end:
                event.attribution = Attribution(denial.speaker, denial.cue, chains[claim.id])
                if event.modality not in KEEP_MODALITIES:
                    event.modality = "denied"
