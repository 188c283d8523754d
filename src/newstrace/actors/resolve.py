"""Turn the gazetteer's entity hits and the parse into coded actor mentions.

The EntityRuler (see ``configure``) has already labelled every gazetteer name; this module decides, per hit, what
the name does in its sentence:

* a country or capital inside a place phrase ("talks in Moscow", "the Kursk region of Russia") is a place, left to
  the time/place stage; as subject, object or agent ("Moscow launched", "pressure Kyiv") a capital is a metonym for
  its government;
* a nationality or country name before an office title or a collective noun makes one mention with that sector
  ("Hungarian Prime Minister Viktor Orbán" → HUNGOV, "North Korean troops" → PRKMIL, "U.S. officials" → USAGOV);
* a known office holder gets the role he or she held on the publication date (Trump in November 2024 is
  president-elect: code USA, role ELECT);
* later short mentions ("Biden", "Mr Trump"), bare titles ("the president-elect", "the Ukrainian leader") and
  subject pronouns link to the earlier mention they stand for (``via="coref"``).

All matching is done with spaCy's PhraseMatcher over the already tokenised document; the Python here only walks
entities and a few neighbouring tokens, so the stage stays cheap next to the parse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache, partial

from spacy.lang.en import English
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from newstrace.actors.gazetteer import Gazetteer, Person, load
from newstrace.records import ActorMention, AnalysisWarning

#: Participles that turn "Russian-" into an actor: the occupier ("Russian-occupied" → RUSMIL) or a backer.
_HYPHEN_MIL = {"occupied", "controlled", "held", "annexed"}
_HYPHEN_BACKER = {"backed", "led", "allied", "sponsored", "supported", "funded", "brokered", "aligned"}
#: Dependency labels under which a bare capital acts rather than locates ("Moscow launched", "back Kyiv").
_ACTING_DEPS = {"nsubj", "nsubjpass", "dobj", "dative", "poss", "appos", "attr", "ROOT", "npadvmod"}
#: Prepositions whose object is a participant, not a location ("by Moscow", "talks with Kyiv").
_ACTING_PREPS = {"by", "with", "against", "for", "on", "upon", "of", "toward", "towards", "and", "than", "like"}
_HONORIFICS = {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "sir", "madam"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass"}
#: A capital before a collective noun names the state only for state sectors and state media ("Kyiv
#: officials", "Belgrade radio"), not for anyone located there ("Paris attackers").
_STATE_ROLES = {"GOV", "MIL", "COP", "LEG", "JUD", "SPY", "MED"}
#: How far back (in characters) a pronoun or a bare title looks for its antecedent.
_COREF_WINDOW = 1500
#: Words between "the" and a bare title ("the former president", "the outgoing chancellor").
_TITLE_MODIFIERS = {"former", "ex", "late", "outgoing", "incoming", "future", "new", "then", "current", "sitting"}
#: Modifiers that make a bare title refer to someone who no longer holds the office.
_PAST_MODIFIERS = {"former", "ex", "late"}
#: How close an unknown word before "-elect" must be to the head of an earlier "-elect" title to be read as a
#: misspelling of it ("the present-elect" after "President-Elect Donald Trump"); difflib ratio.
_ELECT_HEAD_SIMILARITY = 0.75


@dataclass(slots=True)
class _Lexicon:
    """Per-document lookups built from one PhraseMatcher pass: titles and sector nouns by token position."""

    title_end: dict[int, tuple[int, str, str]]
    title_start: dict[int, tuple[int, str, str]]
    sector_start: dict[int, tuple[int, str]]
    sector_last: dict[int, tuple[int, str]]
    title_tokens: set[int]
    elect_heads: dict[int, tuple[int, str]]
    georgia_state: int
    georgia_country: int


@dataclass(slots=True)
class _Seen:
    """A person already mentioned, for later short forms, bare titles and pronouns."""

    mention: ActorMention
    person: Person | None
    surname: str
    title: str | None
    subject: bool
    sentence: int
    gender: str | None
    #: introduced as a past holder ("former President Bill Clinton")
    former: bool = False


@cache
def _matchers(vocab: Vocab) -> tuple[PhraseMatcher, PhraseMatcher, Matcher]:
    """Compile the lexicon once per vocabulary (one per loaded model).

    The third matcher finds "<word>-elect" heads, which name an office-elect whatever the word (see
    ``_Resolver.bare_titles``).
    """
    gaz = load()
    lower = PhraseMatcher(vocab, attr="LOWER")
    # Lexicon phrases are tokenised like text ("president-elect" → 3 tokens); no pipeline is needed.
    make = English(vocab=vocab).tokenizer
    for title, role in gaz.lexicon["titles"].items():
        lower.add(f"T|{role}|{title}", [make(title)])
    for role, nouns in gaz.lexicon["sectors"].items():
        lower.add(f"S|{role}", [make(noun) for noun in nouns])
    cues = PhraseMatcher(vocab, attr="ORTH")
    cues.add("GEO_STATE", [make(c) for c in gaz.lexicon["georgia_state_cues"]])
    cues.add("GEO_COUNTRY", [make(c) for c in gaz.lexicon["georgia_country_cues"]])
    elect = Matcher(vocab)
    elect.add("ELECT", [[{"IS_ALPHA": True}, {"ORTH": {"IN": ["-", "–"]}}, {"LOWER": "elect"}]])
    return lower, cues, elect


def _lexicon(doc: Doc) -> _Lexicon:
    lower, cues, elect = _matchers(doc.vocab)
    strings = doc.vocab.strings
    title_end: dict[int, tuple[int, str, str]] = {}
    title_start: dict[int, tuple[int, str, str]] = {}
    sector_start: dict[int, tuple[int, str]] = {}
    sector_last: dict[int, tuple[int, str]] = {}
    title_tokens: set[int] = set()
    for match_id, start, end in lower(doc):
        key = strings[match_id]
        if key.startswith("T|"):
            _, role, title = key.split("|", 2)
            title_tokens.update(range(start, end))
            if end not in title_end or start < title_end[end][0]:
                title_end[end] = (start, role, title)
            if start not in title_start or end > title_start[start][0]:
                title_start[start] = (end, role, title)
        else:
            role = key[2:]
            if start not in sector_start or end > sector_start[start][0]:
                sector_start[start] = (end, role)
            if end - 1 not in sector_last or start < sector_last[end - 1][0]:
                sector_last[end - 1] = (start, role)
    state = country = 0
    for match_id, _, _ in cues(doc):
        if strings[match_id] == "GEO_STATE":
            state += 1
        else:
            country += 1
    # "president-elect" is a lexicon title already; other "<word>-elect" heads are kept for bare_titles
    elect_heads = {
        start: (end, doc[start].lower_)
        for _, start, end in elect(doc)
        if start not in title_start or title_start[start][0] < end
    }
    return _Lexicon(title_end, title_start, sector_start, sector_last, title_tokens, elect_heads, state, country)


#: Title variants that name the same office, for looking up "Britain's defence secretary" in the data.
_TITLE_SYNONYMS = {
    "defense minister": "defence minister",
    "defense secretary": "defence minister",
    "defence secretary": "defence minister",
    "foreign secretary": "foreign minister",
    "secretary of state": "foreign minister",
    "premier": "prime minister",
    "secretary general": "secretary-general",
}


def _normal_title(title: str) -> str:
    return _TITLE_SYNONYMS.get(title, title)


def _split_id(ent: Span) -> tuple[str, str]:
    if ":" in ent.ent_id_:
        kind, key = ent.ent_id_.split(":", 1)
        return kind, key
    return "", ""


def _first_conjunct(token: Token) -> Token:
    """ "in Berlin, London and Paris": London and Paris take the role of Berlin."""
    seen = 0
    while token.dep_ == "conj" and token.head is not token and seen < 10:
        token = token.head
        seen += 1
    return token


class _Resolver:
    """One document's resolution state: mentions so far, consumed tokens, people seen, warnings."""

    def __init__(self, doc: Doc, published: dt.date | None) -> None:
        self.doc = doc
        self.published = published
        self.gaz: Gazetteer = load()
        self.lex = _lexicon(doc)
        self.mentions: list[ActorMention] = []
        self.consumed: set[int] = set()
        self.seen: list[_Seen] = []
        self.undated: list[str] = []
        self.georgia_is_state = self.lex.georgia_state > self.lex.georgia_country

    # -- emitting -------------------------------------------------------------------------------------------

    def emit(
        self,
        start: int,
        end: int,
        code: str | None,
        country: str | None,
        role: str | None,
        name: str,
        kind: str,
        via: str,
    ) -> ActorMention:
        span = self.doc[start:end]
        mention = ActorMention(
            text=span.text,
            start=span.start_char,
            end=span.end_char,
            code=code,
            country=country,
            role=role,
            name=name,
            kind=kind,
            via=via,
        )
        self.mentions.append(mention)
        self.consumed.update(range(start, end))
        return mention

    def remember(
        self,
        mention: ActorMention,
        head: Token,
        person: Person | None,
        surname: str,
        title: str | None,
        gender: str | None = None,
    ) -> None:
        """Keep a person mention as an antecedent; subjects are preferred antecedents for pronouns."""
        subject = _first_conjunct(head).dep_ in _SUBJECT_DEPS
        if person is not None:
            gender = person.gender
        elif gender is None:
            gender = self.gender_of(mention)
        span = self.doc.char_span(mention.start, mention.end, alignment_mode="expand")
        former = span is not None and span.start > 0 and self.doc[span.start - 1].lower_ in _PAST_MODIFIERS
        self.seen.append(_Seen(mention, person, surname, title, subject, head.sent.start, gender, former))

    def gender_of(self, mention: ActorMention) -> str | None:
        """Gender from an honorific or gendered title in or just before the mention ("Mrs. Clinton", "spokeswoman")."""
        span = self.doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None:
            return None
        start = max(span.start - 1, 0)
        for token in self.doc[start : span.end]:
            gender = self.gaz.gender_cues.get(token.lower_)
            if gender is not None:
                return gender
        return None

    def country_of(self, code: str | None) -> str | None:
        """The ISO country of a code ("RUSGOV" → RUS); None for IGOs and transnational codes."""
        if code and code[:3] in self.gaz.countries:
            return code[:3]
        return None

    def country_name(self, code: str | None) -> str:
        if code and code in self.gaz.countries:
            return self.gaz.countries[code].name
        return code or ""

    # -- people ---------------------------------------------------------------------------------------------

    def person_code(self, person: Person) -> tuple[str | None, str | None, str | None]:
        """(code, role, title) of a known person on the publication date."""
        if self.published is not None:
            held = person.role_at(self.published)
            if held is None:
                return person.country, None, None
            if held.country.startswith("IGO"):
                return held.country, "IGO", held.title
            if held.role == "ELECT":
                return held.country, "ELECT", held.title
            return held.country + held.role, held.role, held.title
        distinct = {(r.country, r.role) for r in person.roles}
        if person.name not in self.undated:
            self.undated.append(person.name)
        if len(distinct) == 1:
            country, role = next(iter(distinct))
            if country.startswith("IGO"):
                return country, "IGO", person.roles[0].title
            if role == "ELECT":
                return country, None, None
            return country + role, role, person.roles[0].title
        return person.country, None, None

    def prefix(self, start: int) -> tuple[int, str | None, str | None, str | None]:
        """Walk left from a name over an office title and a country/IGO/seat ("U.S. Secretary of State").

        Returns (new start, country code or IGO/seat code, title role, title).
        """
        doc = self.doc
        i = start
        if i > 0 and doc[i - 1].lower_ in _HONORIFICS:
            i -= 1
        title = self.lex.title_end.get(i) or self.elect_title_ending_at(i)
        if title is None:
            return i, None, None, None
        t_start, role, title_text = title
        # chained titles: "Vice Foreign Minister", "Deputy Prime Minister and Foreign Minister"
        while t_start in self.lex.title_end and self.lex.title_end[t_start][0] < t_start:
            t_start = self.lex.title_end[t_start][0]
        j = t_start
        while j > 0 and doc[j - 1].lower_ in {"former", "outgoing", "incoming", "then", "acting", "new", "ex"}:
            j -= 1
        k = j - 1 if j > 0 and doc[j - 1].lower_ in {"'s", "’s"} else j
        owner = self.ent_ending_at(k)
        if owner is not None:
            kind, key = _split_id(owner)
            if kind in {"country", "adj", "capital"}:
                # "Georgia Gov. Brian Kemp" in a US-state context is an American official
                owner_code = "USA" if key == "GEO" and kind != "adj" and self.georgia_is_state else key
                return owner.start, owner_code, role, title_text
            if kind in {"seat", "org"}:
                org = self.gaz.orgs[key]
                return owner.start, org.code, role, title_text
        return t_start, None, role, title_text

    def elect_title_ending_at(self, end: int) -> tuple[int, str, str] | None:
        """ "Governor-elect", "Prime Minister-elect": a lexicon title + "-elect" ending at token ``end``.

        Returns (start, "ELECT", "<title>-elect") like ``title_end``.
        """
        head = self.lex.elect_heads.get(end - 3)
        if head is None or head[0] != end:
            return None
        title = self.lex.title_end.get(end - 2)
        if title is None:
            return None
        return title[0], "ELECT", title[2] + "-elect"

    def ent_ending_at(self, end: int) -> Span | None:
        if end <= 0:
            return None
        token = self.doc[end - 1]
        if not token.ent_type_:
            return None
        for ent in self._ents_by_end.get(end, []):
            return ent
        return None

    def person(self, ent: Span) -> None:
        kind, key = _split_id(ent)
        if len(ent) > 1 and ent[-1].tag_ == "POS":
            ent = ent[:-1]  # NER sometimes keeps the possessive: "Raymond Roth's"
        start, owner, title_role, title = self.prefix(ent.start)
        end = ent.end
        # "King Hassan of Morocco"
        if owner is None and end + 1 < len(self.doc) and self.doc[end].lower_ == "of":
            after = self._ents_by_start.get(end + 1)
            if after is not None and _split_id(after)[0] in {"country", "capital"}:
                owner, end = _split_id(after)[1], after.end
        person = self.gaz.people.get(key) if kind == "person" else None
        if person is None:
            ent = self.with_country_word(ent)
            start = min(start, ent.start)
            end = max(end, ent.end)
        earlier = self.find_seen(ent, person)
        via = "gazetteer" if person is not None else "ner"
        if person is not None:
            code, role, held_title = self.person_code(person)
            name, country = person.name, self.country_of(code)
            if earlier is not None and ent.text != person.name:
                via = "coref"
            title = title or held_title
        elif earlier is not None and owner is None:
            m = earlier.mention
            code, country, role, name, via = m.code, m.country, m.role, m.name, "coref"
            title = title or earlier.title
        else:
            name = ent.text
            country, code, role = self.code_from_owner(owner, title_role)
        mention = self.emit(start, end, code, country, role, name, "person", via)
        gender = self.gender_of(mention) or (earlier.gender if earlier is not None and person is None else None)
        self.remember(mention, ent.root, person, ent[-1].lower_, title, gender)

    def with_country_word(self, ent: Span) -> Span:
        """ "Jim" + "Jordan", "Chad" + "Smith": NER's person plus a neighbouring one-word country name."""
        doc = self.doc
        start, end = ent.start, ent.end
        after = self._ents_by_start.get(end)
        if after is not None and len(after) == 1 and _split_id(after)[0] == "country" and self.inside_a_name(after):
            end = after.end
        before = self._ents_by_end.get(start, [])
        if before and len(before[0]) == 1 and _split_id(before[0])[0] == "country" and self.inside_a_name(before[0]):
            start = before[0].start
        return doc[start:end]

    def code_from_owner(self, owner: str | None, role: str | None) -> tuple[str | None, str | None, str | None]:
        """(country, code, role) for a title whose owner is a country code or a fixed org/seat code."""
        if owner is None:
            return None, None, role
        if owner in self.gaz.countries:
            if role == "ELECT":
                return owner, owner, "ELECT"
            return owner, owner + role if role else owner, role
        country = self.country_of(owner)
        if country is None:
            return None, owner, "IGO" if owner.startswith("IGO") else role
        return country, owner, owner[3:] or role

    def find_seen(self, ent: Span, person: Person | None) -> _Seen | None:
        """The earlier mention this name repeats: same gazetteer person, or same surname for unknown people."""
        for seen in reversed(self.seen):
            if seen.mention.start >= ent.start_char:
                continue
            if person is not None and seen.person is not None and seen.person.key == person.key:
                return seen
            # a bare surname links to the earlier full name; a different first name is a different person
            # ("Evana Roth" after "Raymond Roth")
            if person is None and seen.surname == ent[-1].lower_ and (len(ent) == 1 or seen.mention.name == ent.text):
                return seen
        return None

    # -- countries, capitals, nationalities -----------------------------------------------------------------

    def is_place(self, ent: Span) -> bool:
        """A place phrase: object of a locative preposition, or "the X region of <country>"."""
        token = _first_conjunct(ent.root)
        head = token.head
        if token.dep_ == "pobj":
            prep = head.lower_
            if prep in self.gaz.lexicon["place_prepositions"]:
                return True
            if prep == "of" and head.head.lower_ in self.gaz.lexicon["place_nouns"]:
                return True
        return False

    def capital_acts(self, ent: Span) -> bool:
        """A capital stands for its government only as a participant (subject, object, agent, owner)."""
        token = _first_conjunct(ent.root)
        if token.dep_ in _ACTING_DEPS:
            return True
        if token.dep_ == "pobj":
            prep = token.head
            if prep.lower_ == "to":
                return prep.head.pos_ in {"NOUN", "PROPN"}
            return prep.lower_ in _ACTING_PREPS and not self.is_place(ent)
        return False

    def skip_conjoined(self, end: int) -> int:
        """ "Hungarian and Romanian officials": step over further nationalities to the shared noun."""
        doc = self.doc
        j = end
        while j < len(doc) and doc[j].lower_ in {"and", ",", "or", "&"}:
            nxt = self._ents_by_start.get(j + 1)
            if nxt is None and j + 1 < len(doc) and doc[j + 1].lower_ in {"and", "or"}:
                nxt = self._ents_by_start.get(j + 2)
            if nxt is None or _split_id(nxt)[0] not in {"country", "adj"}:
                break
            j = nxt.end
        return j

    def country(self, ent: Span) -> None:
        kind, code = _split_id(ent)
        doc = self.doc
        if code == "GEO" and kind in {"country", "capital"} and self.georgia_is_state:
            return
        name = self.country_name(code)
        end = ent.end
        if kind == "country" and self.inside_a_name(ent):
            return
        # "Russia's foreign minister", "British minister", "Montenegro's prime minister" (no name follows)
        k = end + 1 if end < len(doc) and doc[end].lower_ in {"'s", "’s"} else end
        while k < len(doc) and doc[k].lower_ in {"new", "former", "outgoing", "top", "senior", "chief", "then"}:
            k += 1
        title = self.lex.title_start.get(k)
        if title is not None and not self.person_follows(title[0]):
            t_end, role, title_text = title
            holder = self.holder(code, title_text)
            earlier = None if holder is not None else self.same_office(ent, code, title_text)
            if holder is not None:
                h_code, h_role, _ = self.person_code(holder)
                mention = self.emit(ent.start, t_end, h_code, code, h_role, holder.name, "person", "gazetteer")
                self.remember(mention, doc[t_end - 1], holder, holder.name.split()[-1].lower(), title_text)
            elif earlier is not None:
                m = earlier.mention
                mention = self.emit(ent.start, t_end, m.code, m.country, m.role, m.name, "person", "coref")
                self.remember(mention, doc[t_end - 1], earlier.person, earlier.surname, earlier.title, earlier.gender)
            else:
                t_code = code + role if role != "ELECT" else code
                mention = self.emit(ent.start, t_end, t_code, code, role, name, "person", "gazetteer")
                self.remember(mention, doc[t_end - 1], None, "", title_text)
            return
        # "Ukrainian forces", "U.S. officials", "Hungarian and Romanian officials", "Egyptian riot police"
        j = self.skip_conjoined(end)
        j_word = j + 1 if j < len(doc) and doc[j].lower_ in {"'s", "’s"} else j
        sector = self.lex.sector_start.get(j_word)
        if sector is None and j_word < len(doc) and doc[j_word].pos_ == "ADJ":
            sector = self.lex.sector_start.get(j_word + 1)
        if sector is not None and self.names_a_thing(sector[0]):  # sector = (end, role)
            sector = None  # "American Army Tactical Missile System": part of a longer proper name
        if sector is not None and (kind != "capital" or sector[1] in _STATE_ROLES):
            s_end, role = sector
            span_end = s_end if j == end else end
            self.emit(ent.start, span_end, code + role, code, role, name, "group", "gazetteer")
            return
        # "Russian-occupied", "Saudi-led"
        if end + 1 < len(doc) and doc[end].text in {"-", "–"}:
            word = doc[end + 1].lower_
            if word in _HYPHEN_MIL:
                self.emit(ent.start, end + 2, code + "MIL", code, "MIL", name, "group", "gazetteer")
                return
            if word in _HYPHEN_BACKER:
                self.emit(ent.start, end + 2, code, code, None, name, "gpe", "gazetteer")
                return
        # "Bosnian Serbs": the people of the first nationality
        following = self._ents_by_start.get(end)
        if kind == "adj" and following is not None and _split_id(following)[0] == "demonym":
            self.emit(ent.start, following.end, code, code, None, name, "group", "gazetteer")
            return
        root = ent.root
        if root.dep_ in {"amod", "compound", "nmod", "poss"} and root.head.i >= ent.end:
            head = root.head
            starting, ending = self.lex.sector_start.get(head.i), self.lex.sector_last.get(head.i)
            role = starting[1] if starting else ending[1] if ending else None
            if role is not None and self.names_a_thing(starting[0] if starting else head.i + 1):
                role = None
            if role is not None and kind in {"adj", "country"}:
                self.emit(ent.start, end, code + role, code, role, name, "group", "gazetteer")
                return
            if (
                kind in {"adj", "country"}
                and root.dep_ != "poss"
                and (head.dep_ in _SUBJECT_DEPS or (head.dep_ == "pobj" and head.head.dep_ == "agent"))
                and head.pos_ == "NOUN"
                and head.lower_ not in self.gaz.lexicon["not_actor_heads"]
                and head.i - end <= 3
            ):
                # "Palestinian riots are continuing": the nationality of a subject (or of a passive's agent) is the
                # actor (CAMEO practice); "Israeli tanks fired", "attacked by Turkish drones": weapons are the military
                if head.lower_ in self.gaz.lexicon["weapon_subjects"]:
                    self.emit(ent.start, head.i + 1, code + "MIL", code, "MIL", name, "group", "gazetteer")
                else:
                    # "Russian and Ukrainian delegations": each nationality is its own party
                    self.emit(ent.start, head.i + 1 if j == end else end, code, code, None, name, "group", "gazetteer")
                return
            if kind == "adj" or root.dep_ in {"amod", "compound", "nmod"}:
                return  # "Russian targets", "the Ukraine war": a modifier, not a participant
        located = self.located_group(ent)
        if located is not None:
            g_start, role = located
            self.emit(g_start, end, code + role, code, role, name, "group", "gazetteer")
            return
        if kind == "adj":
            return
        if kind == "demonym":
            ethnic = ent.start > 0 and doc[ent.start - 1].lower_ == "ethnic"
            host = self.host_country(ent, ("in", "of") if ethnic else ("of",))
            if host is not None and host != code:
                # "ethnic Albanians in south Serbia", "the Albanians of southern Serbia": a community of the
                # country it lives in (CAMEO codes the residence), not nationals of its kin state
                start = ent.start - 1 if ethnic else ent.start
                self.emit(start, end, host + "CVL", host, "CVL", self.country_name(host), "group", "gazetteer")
            else:
                self.emit(ent.start, end, code, code, None, name, "group", "gazetteer")
            return
        if kind == "capital":
            if self.capital_acts(ent):
                self.emit(ent.start, end, code + "GOV", code, "GOV", name, "gpe", "metonymy")
            return
        if not self.is_place(ent):
            self.emit(ent.start, end, code, code, None, name, "gpe", "gazetteer")

    def host_country(self, ent: Span, preps: tuple[str, ...]) -> str | None:
        """The country in a "<group> in/of <country>" phrase hanging off ``ent`` ("Albanians of southern Serbia")."""
        for prep in ent.root.children:
            if prep.dep_ != "prep" or prep.lower_ not in preps:
                continue
            for obj in prep.children:
                place = self._ents_by_start.get(obj.i) if obj.dep_ == "pobj" else None
                if place is not None and _split_id(place)[0] == "country":
                    return _split_id(place)[1]
        return None

    def names_a_thing(self, end: int) -> bool:
        """A collective noun (ending at ``end``) that runs on into capitalised words starts a name, not a group."""
        if end >= len(self.doc):
            return False
        nxt = self.doc[end]
        return nxt.pos_ == "PROPN" and nxt.is_title and end not in self.lex.title_tokens and not nxt.ent_type_

    def inside_a_name(self, ent: Span) -> bool:
        """ "Jim Jordan", "Chad Smith": a one-word country name next to a name NER calls a person is part of it.

        The ruler claims the country name before NER can see the whole person, so the neighbours decide.
        """
        if len(ent) != 1:
            return False
        doc = self.doc
        for i in (ent.start - 1, ent.end):
            if not 0 <= i < len(doc):
                continue
            token = doc[i]
            if (
                token.ent_type_ == "PERSON"
                and not token.ent_id_
                and i not in self.lex.title_tokens
                and not token.is_sent_start
            ):
                return True
        return False

    def same_office(self, ent: Span, country: str, title: str) -> _Seen | None:
        """ "the Ukrainian leader" after "Zelensky": an earlier person of that country holding that kind of office.

        Only for definite mentions ("the …"), which refer back; "a Ukrainian official" introduces someone new.
        """
        if ent.start == 0 or self.doc[ent.start - 1].lower_ != "the":
            return None
        if title not in self.gaz.lexicon["anaphoric_titles"]:
            return None
        for seen in sorted(self.seen, key=lambda s: s.mention.start, reverse=True):
            m = seen.mention
            if m.start >= ent.start_char or ent.start_char - m.start > _COREF_WINDOW or m.country != country:
                continue
            if seen.person is None and not seen.title:
                continue
            if title == "leader" or (seen.title is not None and _normal_title(title) == _normal_title(seen.title)):
                return seen
        return None

    def located_group(self, ent: Span) -> tuple[int, str] | None:
        """ "Rebels in the Ivory Coast", "the government of Sudan": a collective noun placed in a country.

        Returns the start token of the mention (the collective noun when adjacent, else the country) and the role.
        """
        token = _first_conjunct(ent.root)
        prep = token.head
        if token.dep_ != "pobj" or prep.lower_ not in {"in", "throughout", "across", "inside", "within", "of", "from"}:
            return None
        noun = prep.head
        sector = self.lex.sector_last.get(noun.i)
        if sector is None:
            return None
        if any(c.dep_ in {"compound", "amod", "poss", "nmod"} and c.ent_type_ for c in noun.children):
            return None  # "Hamas officials in Cairo" belong to Hamas, not to Egypt
        start = (
            sector[0]
            if noun.i + 1 == prep.i and not any(t in self.consumed for t in range(sector[0], ent.start))
            else ent.start
        )
        return start, sector[1]

    def person_follows(self, index: int) -> bool:
        ent = self._ents_by_start.get(index)
        if ent is None and index < len(self.doc) and self.doc[index].text in {"-", "–"}:
            return False
        return ent is not None and ent.label_ == "PERSON"

    def holder(self, country: str, title: str) -> Person | None:
        """The gazetteer's holder of ``title`` in ``country`` on the publication date (none without a date)."""
        if self.published is None:
            return None
        wanted = _normal_title(title)
        for person in self.gaz.people.values():
            held = person.role_at(self.published)
            if held is not None and held.country == country and _normal_title(held.title) == wanted:
                return person
        return None

    # -- organisations and seats ----------------------------------------------------------------------------

    def org(self, ent: Span, kind: str, key: str) -> None:
        org = self.gaz.orgs[key]
        if kind == "seat" and self.is_place(ent) and ent.root.head.lower_ in {"at", "in", "inside", "outside"}:
            return
        via = "metonymy" if kind == "seat" else "gazetteer"
        self.emit(
            ent.start, ent.end, org.code, org.country, org.role, org.name, org.kind if kind != "seat" else "org", via
        )

    def uncoded_org(self, ent: Span) -> None:
        """An organisation only NER knows; the small model also tags repeated surnames as ORG ("O’Malley")."""
        earlier = self.find_seen(ent, None)
        if earlier is not None and len(ent) == 1:
            m = earlier.mention
            mention = self.emit(ent.start, ent.end, m.code, m.country, m.role, m.name, "person", "coref")
            self.remember(mention, ent.root, earlier.person, earlier.surname, earlier.title, earlier.gender)
            return
        if len(ent.text) < 3 or not any(t.pos_ == "PROPN" for t in ent):
            return  # "N", "State" as a common noun: tagger and NER disagree, too weak to report
        self.emit(ent.start, ent.end, None, None, None, ent.text, "org", "ner")

    # -- anaphora -------------------------------------------------------------------------------------------

    def bare_titles(self) -> None:
        """Definite role descriptions refer back: "the president-elect", "the premier", "the former president",
        "the Ukrainian leader" each take the code of the latest earlier person introduced with (or, per the
        gazetteer, holding) a compatible role; see ``role_fits``.

        "<word>-elect" is read as an office-elect whatever the word, so a misspelt head ("the present-elect")
        still refers back, but only to someone introduced as "-elect" whose title head it closely resembles.
        """
        doc = self.doc
        anaphoric = set(self.gaz.lexicon["anaphoric_titles"])
        heads: list[tuple[int, int, str | None, str | None]] = [
            (start, end, title, None)
            for start, (end, _role, title) in self.lex.title_start.items()
            if title in anaphoric
        ]
        for start, (end, word) in self.lex.elect_heads.items():
            # "the prime minister-elect": the phrase starts at the title the head word ends
            title_before = self.lex.title_end.get(start + 1)
            heads.append((title_before[0] if title_before else start, end, None, word))
        for start, end, title, elect_word in sorted(heads):
            if start in self.consumed or self.person_follows(end):
                continue
            if end < len(doc) and doc[end].text in {"-", "–"}:
                continue  # "president-" of a longer "-elect" head, handled as that head
            i = start
            country: str | None = None
            owner = self.ent_ending_at(i)
            if owner is not None and _split_id(owner)[0] == "adj":
                country = _split_id(owner)[1]
                i = owner.start
            modifier = doc[i - 1].lower_ if i > 0 and doc[i - 1].lower_ in _TITLE_MODIFIERS else None
            if modifier is not None:
                i -= 1
            if i == 0 or doc[i - 1].lower_ != "the":
                continue
            if any(t in self.consumed for t in range(i, end)):
                continue
            fits = partial(self.role_fits, title=title, elect_word=elect_word, modifier=modifier, country=country)
            antecedent = self.antecedent(doc[start].idx, fits)
            if antecedent is None:
                continue
            m = antecedent.mention
            mention = self.emit(i - 1, end, m.code, m.country, m.role, m.name, "person", "coref")
            self.remember(
                mention, doc[end - 1], antecedent.person, antecedent.surname, antecedent.title, antecedent.gender
            )

    def role_fits(
        self, seen: _Seen, title: str | None, elect_word: str | None, modifier: str | None, country: str | None
    ) -> bool:
        """Can the earlier person ``seen`` be "the [modifier] [country adj] <title>" (or "the <word>-elect")?

        * "<word>-elect": ``seen`` was introduced as (or is, on the date) "<head>-elect" and <word> is <head> or
          a near spelling of it;
        * "the former <title>": ``seen`` was introduced as former, or held that title before the publication date
          and does not hold it on that date;
        * "the Ukrainian leader": any earlier Ukrainian person;
        * otherwise the titles agree ("the premier" = "Prime Minister …", "the president" ⊂ "president-elect").
        """
        m = seen.mention
        if country is not None and m.country != country:
            return False
        if elect_word is not None:
            held = seen.title or ""
            if not held.endswith("-elect"):
                return False
            ratio = SequenceMatcher(None, elect_word, held.removesuffix("-elect").split()[-1]).ratio()
            return ratio >= _ELECT_HEAD_SIMILARITY
        if title is None:
            return False
        wanted = _normal_title(title)
        if modifier in _PAST_MODIFIERS:
            if seen.former and seen.title is not None and _normal_title(seen.title) == wanted:
                return True
            person = seen.person
            if person is None or self.published is None:
                return False
            now = person.role_at(self.published)
            if now is not None and _normal_title(now.title) == wanted:
                return False
            return any(
                _normal_title(r.title) == wanted and r.end is not None and r.end <= self.published for r in person.roles
            )
        if country is not None:
            return True
        if seen.title is None or seen.former:
            return False
        return title in seen.title or wanted == _normal_title(seen.title)

    def antecedent(self, before: int, fits: Callable[[_Seen], bool]) -> _Seen | None:
        """The latest person mentioned before character ``before`` that ``fits`` (people are collected out of
        text order)."""
        best: _Seen | None = None
        for seen in self.seen:
            m = seen.mention
            if m.start >= before or before - m.start > _COREF_WINDOW or not fits(seen):
                continue
            if best is None or m.start > best.mention.start:
                best = seen
        return best

    def pronoun_antecedent(self, token: Token, gender: str) -> _Seen | None:
        """Nearest earlier person of a compatible gender, preferring the pronoun's own sentence, then a subject.

        "Zelensky has said that he would…" → Zelensky; "Trump met Zelensky. He said…" → Trump (the subject).
        """
        candidates = [
            s
            for s in self.seen
            if s.mention.start < token.idx
            and token.idx - s.mention.start <= _COREF_WINDOW
            and s.gender in {None, gender}
        ]
        if not candidates:
            return None
        candidates.sort(key=lambda s: s.mention.start, reverse=True)
        same = [s for s in candidates if s.sentence == token.sent.start]
        pool = same or [s for s in candidates if s.sentence == candidates[0].sentence]
        return next((s for s in pool if s.subject), pool[0])

    def org_antecedent(self, token: Token) -> ActorMention | None:
        """ "The Kremlin denied the call. It said…": the latest coded organisation, state or group in this or the
        previous sentence ("it" takes an org or a state, "they" a group or an org)."""
        wanted = {"org", "gpe"} if token.lower_ == "it" else {"group", "org"}
        sent = token.sent
        previous_start = self.doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
        best: ActorMention | None = None
        for m in self.mentions:
            if m.kind not in wanted or m.code is None or m.end > token.idx:
                continue
            if m.start < self.doc[previous_start].idx:
                continue
            if best is None or m.start > best.start:
                best = m
        return best

    def pronouns(self) -> None:
        """Subject pronouns ("he said", "she would") resolve to a person; the span stays the pronoun.

        "it"/"they" resolve to an organisation, state or group only as the subject of a verb of saying or acting.
        """
        table = self.gaz.lexicon["pronouns"]
        verbs = set(self.gaz.lexicon["org_pronoun_verbs"])
        for token in self.doc:
            if token.dep_ not in _SUBJECT_DEPS:
                continue
            if token.lower_ in {"it", "they"} and token.head.lemma_ in verbs:
                target = self.org_antecedent(token)
                if target is not None:
                    self.emit(
                        token.i,
                        token.i + 1,
                        target.code,
                        target.country,
                        target.role,
                        target.name,
                        target.kind,
                        "coref",
                    )
                continue
            if token.lower_ not in table:
                continue
            antecedent = self.pronoun_antecedent(token, table[token.lower_])
            if antecedent is None:
                continue
            m = antecedent.mention
            self.emit(token.i, token.i + 1, m.code, m.country, m.role, m.name, "person", "coref")

    # -- driver ---------------------------------------------------------------------------------------------

    def run(self) -> tuple[list[ActorMention], list[AnalysisWarning]]:
        ents = list(self.doc.ents)
        self._ents_by_start = {e.start: e for e in ents}
        self._ents_by_end: dict[int, list[Span]] = {}
        for e in ents:
            self._ents_by_end.setdefault(e.end, []).append(e)
        # People first, so that "Hungarian Prime Minister Viktor Orbán" is one mention, not a country plus a name.
        for ent in ents:
            kind, _ = _split_id(ent)
            if kind == "person" or (ent.label_ == "PERSON" and not kind):
                self.person(ent)
        for ent in ents:
            if any(t in self.consumed for t in range(ent.start, ent.end)):
                continue
            kind, key = _split_id(ent)
            if kind in {"region", "weapon"}:
                continue
            if kind in {"country", "adj", "demonym", "capital"}:
                self.country(ent)
            elif kind in {"seat", "org"}:
                self.org(ent, kind, key)
            elif not kind and ent.label_ == "ORG":
                self.uncoded_org(ent)
        self.bare_titles()
        self.pronouns()
        self.mentions.sort(key=lambda m: (m.start, -m.end))
        warnings: list[AnalysisWarning] = []
        if self.undated:
            warnings.append(
                AnalysisWarning(
                    "roles-undated",
                    "no publication date: offices of "
                    + ", ".join(self.undated)
                    + " were not dated; where the role changed over time only the country is coded",
                )
            )
        return self.mentions, warnings


def find_actors(doc: Doc, published: dt.date | None) -> tuple[list[ActorMention], list[AnalysisWarning]]:
    """Every actor mention in ``doc`` (parsed by a pipeline passed to ``configure``), in text order."""
    return _Resolver(doc, published).run()
