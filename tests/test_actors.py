"""Actor stage: gazetteer hits, metonymy, dated office holders and in-document resolution on real parses."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from spacy.language import Language

from newstrace import actors
from newstrace.nlp import load_model
from newstrace.records import ActorMention

SEED_DATE = dt.date(2024, 11, 17)


@pytest.fixture(scope="module")
def nlp() -> Language:
    language = load_model()
    actors.configure(language)
    return language


def find(nlp: Language, text: str, published: dt.date | None = SEED_DATE) -> list[ActorMention]:
    found, _ = actors.find_actors(nlp(text), published)
    return found


def by_text(found: list[ActorMention], text: str) -> list[ActorMention]:
    return [m for m in found if m.text == text]


def test_configure_is_idempotent(nlp: Language) -> None:
    actors.configure(nlp)
    assert nlp.pipe_names.count(actors.RULER_NAME) == 1
    assert nlp.pipe_names.index(actors.RULER_NAME) < nlp.pipe_names.index("ner")


def test_seed_actors_have_the_right_prefix(nlp: Language, seed_text: str) -> None:
    doc = nlp(seed_text)
    found, warnings = actors.find_actors(doc, SEED_DATE)
    assert warnings == []
    for m in found:
        assert doc.text[m.start : m.end] == m.text
    expected = {
        "Kremlin": "RUSGOV",
        "Kyiv": "UKRGOV",
        "Moscow": "RUSGOV",
        "Biden": "USAGOV",
        "Zelensky": "UKRGOV",
        "Scholz": "DEUGOV",
        "Orbán": "HUNGOV",
        "Putin": "RUSGOV",
        "Blinken": "USAGOV",
        "Washington Post": "USAMED",
        "G7": "IGOG7",
    }
    for needle, code in expected.items():
        codes = {m.code for m in found if needle in m.text}
        assert code in codes, (needle, codes)
    orban = next(m for m in found if "Orbán" in m.text)
    assert (orban.name, orban.via) == ("Viktor Orbán", "gazetteer")
    assert {m.code for m in found if "Trump" in m.text} == {"USA"}
    assert {m.role for m in found if "Trump" in m.text} == {"ELECT"}


def test_capital_as_subject_is_its_government(nlp: Language) -> None:
    found = find(nlp, "Moscow launched a large-scale attack across Ukraine on Saturday.")
    moscow = by_text(found, "Moscow")
    assert [(m.code, m.via, m.kind) for m in moscow] == [("RUSGOV", "metonymy", "gpe")]


def test_capital_in_a_place_phrase_is_not_an_actor(nlp: Language) -> None:
    found = find(nlp, "The two delegations held talks in Moscow on Tuesday.")
    assert by_text(found, "Moscow") == []
    found = find(nlp, "Protesters gathered in Berlin, London, and Paris on Sunday.")
    assert not [m for m in found if m.text in {"Berlin", "London", "Paris"}]
    # ...but a collective noun placed in a capital is that country's actor
    found = find(nlp, "Budget crises bedevil the governments in Berlin, London, and Paris.")
    assert {m.code for m in found} == {"DEUGOV", "GBRGOV", "FRAGOV"}


def test_georgia_country_or_us_state_by_context(nlp: Language) -> None:
    country = find(nlp, "Georgia accused Moscow of meddling, officials in Tbilisi said.")
    assert [m.code for m in by_text(country, "Georgia")] == ["GEO"]
    state = find(nlp, "Georgia certified its results on Friday, officials in Atlanta said after a Fulton County audit.")
    assert all(m.country != "GEO" for m in state)


def test_trump_is_president_elect_before_and_president_after_inauguration(nlp: Language) -> None:
    text = "Donald Trump said he would end the war."
    before = by_text(find(nlp, text, dt.date(2024, 11, 17)), "Donald Trump")[0]
    after = by_text(find(nlp, text, dt.date(2025, 1, 20)), "Donald Trump")[0]
    first_term = by_text(find(nlp, text, dt.date(2018, 6, 1)), "Donald Trump")[0]
    assert (before.code, before.role) == ("USA", "ELECT")
    assert (after.code, after.role) == ("USAGOV", "GOV")
    assert first_term.code == "USAGOV"


def test_undated_roles_warn_instead_of_guessing(nlp: Language) -> None:
    found, warnings = actors.find_actors(nlp("Donald Trump met Vladimir Putin."), None)
    assert [w.code for w in warnings] == ["roles-undated"]
    trump = by_text(found, "Donald Trump")[0]
    assert (trump.code, trump.role) == ("USA", None)  # roles changed over time: country only
    assert by_text(found, "Vladimir Putin")[0].code == "RUSGOV"  # always a government role since 1999


def test_pronoun_subject_and_speaker_resolve_to_the_person(nlp: Language) -> None:
    found = find(nlp, "Zelensky has said that he would be unwilling to cede land.")
    he = by_text(found, "he")
    assert [(m.code, m.name, m.via) for m in he] == [("UKRGOV", "Volodymyr Zelensky", "coref")]
    found = find(nlp, "Olaf Scholz spoke to reporters in Berlin. He said Germany would keep its support.")
    assert [(m.name, m.code) for m in by_text(found, "He")] == [("Olaf Scholz", "DEUGOV")]


def test_later_mentions_link_to_the_first_full_mention(nlp: Language) -> None:
    found = find(
        nlp,
        "Slovak Prime Minister Jan Novakovic met the press. Novakovic said the president-elect had called. "
        "Later, President-elect Donald Trump spoke again, and the president-elect promised a deal.",
    )
    first = found[0]
    assert (first.text, first.code, first.via) == ("Slovak Prime Minister Jan Novakovic", "SVKGOV", "ner")
    later = by_text(found, "Novakovic")
    assert [(m.code, m.name, m.via) for m in later] == [("SVKGOV", "Jan Novakovic", "coref")]
    bare = by_text(found, "the president-elect")
    assert [(m.name, m.via) for m in bare][-1] == ("Donald Trump", "coref")


def test_nationality_with_collective_nouns(nlp: Language) -> None:
    found = find(
        nlp,
        "Ukrainian forces repelled the attack. North Korean troops entered Russia, U.S. officials said, "
        "and Russian officials denied it.",
    )
    codes = {m.text: m.code for m in found}
    assert codes["Ukrainian forces"] == "UKRMIL"
    assert codes["North Korean troops"] == "PRKMIL"
    assert codes["U.S. officials"] == "USAGOV"
    assert codes["Russian officials"] == "RUSGOV"


def test_conjoined_nationalities_share_the_noun(nlp: Language) -> None:
    found = find(nlp, "Senior Hungarian and Romanian officials agreed on Wednesday to cooperate.")
    assert {m.code for m in found} >= {"HUNGOV", "ROUGOV"}


def test_seats_igos_outlets_and_groups(nlp: Language) -> None:
    found = find(
        nlp,
        "The Pentagon and Downing Street welcomed the NATO statement, Reuters reported, while Hamas and the "
        "Houthis rejected it.",
    )
    codes = {m.text: m.code for m in found}
    assert codes["Pentagon"] == "USAMIL"
    assert codes["Downing Street"] == "GBRGOV"
    assert codes["NATO"] == "IGONAT"
    assert codes["Reuters"] == "GBRMED"
    assert codes["Hamas"] == "PSEREB"
    assert codes["Houthis"] == "YEMREB"


def test_igo_office_holder_is_coded_with_the_igo(nlp: Language) -> None:
    found = find(nlp, "NATO Secretary-General Mark Rutte warned Moscow.", dt.date(2025, 2, 1))
    rutte = next(m for m in found if "Rutte" in m.text)
    assert (rutte.code, rutte.country, rutte.role) == ("IGONAT", None, "IGO")
    earlier = next(m for m in find(nlp, "Mark Rutte said.", dt.date(2020, 1, 1)) if "Rutte" in m.text)
    assert earlier.code == "NLDGOV"


def test_country_title_without_name_uses_the_holder_on_that_date(nlp: Language) -> None:
    found = find(nlp, "Russia's foreign minister rejected the proposal.", dt.date(2023, 5, 1))
    assert [(m.code, m.name) for m in found] == [("RUSGOV", "Sergei Lavrov")]


def test_actor_at_maps_token_spans_to_mentions(nlp: Language) -> None:
    text = "Hungarian Prime Minister Viktor Orbán said Kyiv should negotiate."
    found = find(nlp, text)
    start = text.index("Orbán")
    hit = actors.actor_at(found, start, start + len("Orbán"))
    assert hit is not None and hit.code == "HUNGOV"
    assert actors.actor_at(found, 0, len(text)) is not None  # a span containing mentions gets the largest
    assert actors.actor_at(found, text.index("negotiate"), len(text) - 1) is None


def test_definite_nationality_title_refers_back(nlp: Language) -> None:
    found = find(nlp, "Zelensky spoke on Friday. Later the Ukrainian leader said talks were premature.")
    leader = [m for m in found if m.text == "Ukrainian leader"]
    assert [(m.name, m.via) for m in leader] == [("Volodymyr Zelensky", "coref")]


def test_one_word_country_inside_a_person_name_is_not_a_country(nlp: Language) -> None:
    found = find(nlp, "Rep. Jim Jordan said the hearing would go ahead.")
    assert not [m for m in found if m.code == "JOR"]


def test_capital_before_a_non_state_noun_is_not_its_government(nlp: Language) -> None:
    found = find(nlp, "Investigators said the Paris attackers had travelled from Syria.")
    assert not [m for m in found if m.country == "FRA"]
    found = find(nlp, "Kyiv officials said the strike hit a power plant.")
    assert [m.code for m in found if "Kyiv" in m.text] == ["UKRGOV"]


def test_collective_noun_placed_in_a_country(nlp: Language) -> None:
    found = find(nlp, "Rebels in the Ivory Coast dismissed the appeal.")
    assert [m.code for m in found] == ["CIVREB"]


def test_pronoun_gender_must_agree(nlp: Language) -> None:
    found = find(
        nlp, "Emmanuel Macron welcomed Angela Merkel in Paris, and she said Europe must act.", dt.date(2019, 5, 1)
    )
    assert [m.name for m in found if m.text == "she"] == ["Angela Merkel"]
    found = find(nlp, "Mrs. Novak met Peter Horvat. She said the deal was close.")
    assert [m.name for m in found if m.text == "She"] == ["Novak"]


def test_mentions_are_ordered_disjoint_and_match_the_text(nlp: Language, seed_text: str) -> None:
    texts = [
        seed_text,
        "Georgia Gov. Brian Kemp met Israeli tanks commanders. The Kremlin and the Pentagon declined to comment; "
        "she said nothing. Russia's foreign minister, Jordan and the Ukrainian and Polish governments agreed.",
    ]
    for text in texts:
        for published in (SEED_DATE, None):
            found, _ = actors.find_actors(nlp(text), published)
            for mention in found:
                assert text[mention.start : mention.end] == mention.text
                assert mention.via in {"gazetteer", "metonymy", "ner", "coref"}
                assert mention.kind in {"person", "org", "gpe", "group"}
            for a, b in itertools.pairwise(found):
                assert a.end <= b.start, (a, b)


def test_it_and_they_resolve_only_as_subjects_of_saying_or_acting(nlp: Language) -> None:
    found = find(nlp, "The Kremlin has denied the call took place. It said no such talks were held.")
    assert [(m.code, m.via) for m in found if m.text == "It"] == [("RUSGOV", "coref")]
    found = find(nlp, "Ukrainian forces pushed back. It is unclear what happens next.")
    assert not [m for m in found if m.text == "It"]
