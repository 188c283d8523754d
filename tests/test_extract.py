"""The Extractor: boilerplate lines out (with exact offsets kept), dates found, HTML reduced to its article."""

from __future__ import annotations

import re
from importlib import resources

import pytest
import yaml

from newstrace import extract
from newstrace.extract import ExtractionError, Extractor, extract_html, load_boilerplate
from newstrace.records import Source

BODY = [
    "Officials in the port city said on Tuesday that the new ferry link would open next spring.\n",
    "The mayor told reporters the project had cost less than planned.\n",
    "Opposition councillors said they would ask for an audit of the contract.\n",
]


def text_source(text: str, **kwargs: str) -> Source:
    return Source(origin="<test>", text=text, **kwargs)


def test_lexicon_file_schema() -> None:
    data = yaml.safe_load(resources.files(extract).joinpath("data/boilerplate.yaml").read_text("utf-8"))
    assert set(data) == {"version", "max_line_chars", "patterns"}
    assert data["version"] == 1
    assert isinstance(data["max_line_chars"], int) and data["max_line_chars"] > 0
    assert data["patterns"] and all(isinstance(p, str) and p.strip() for p in data["patterns"])
    assert len(set(data["patterns"])) == len(data["patterns"])
    for pattern in data["patterns"]:
        re.compile(pattern)


@pytest.mark.parametrize(
    "line",
    [
        "Share this story",
        "Reposted with permission from Demo Wire",
        "Sign up for our daily newsletter",
        "Follow the paper's politics desk on Twitter and Facebook.",
        "(Reporting by A. Writer; Editing by B. Editor)",
        "Copyright 2024 Example News. All rights reserved.",
        "© 2024 Example Media",
        "12 Comments",
        "Tags:",
        "Write to A. Writer at a.writer@example.com",
    ],
)
def test_lexicon_removes_furniture(line: str) -> None:
    assert load_boilerplate().matches(line)


@pytest.mark.parametrize(
    "line",
    [
        BODY[0].strip(),
        "Copyright infringement claims rose sharply in 2019.",
        "Read the full statement, the minister urged critics.",
        "More than 200 people were evacuated.",
        "Source: a senior official said the talks had stalled.",
        "Published on the ministry's website, the report said exports fell.",
    ],
)
def test_lexicon_keeps_article_sentences(line: str) -> None:
    assert not load_boilerplate().matches(line)


def test_plain_text_boilerplate_removed_with_exact_offsets() -> None:
    lines = ["Share this story\n", BODY[0], "Advertisement\n", BODY[1], BODY[2], "Sign up for our newsletter\n"]
    source = "".join(lines)
    document, _ = Extractor().extract(text_source(source))
    assert document.removed == ["Share this story", "Advertisement", "Sign up for our newsletter"]
    assert document.text == "".join(BODY)
    # every kept character sits at its input offset less the length of the removed lines before it
    for body_line in BODY:
        before = source.index(body_line)
        removed_before = sum(len(line) for line in lines[: lines.index(body_line)] if line not in BODY)
        assert document.text.index(body_line) == before - removed_before
        start = document.text.index(body_line)
        assert document.text[start : start + len(body_line)] == body_line


def test_plain_text_is_kept_character_for_character() -> None:
    text = "  Odd   spacing\tstays.\r\nSo do “quotes” and é.\n"
    document, _ = Extractor().extract(text_source(text))
    assert document.text == text
    assert document.removed == []


def test_repeated_footer_learned_across_one_outlets_documents() -> None:
    footer = "The Harbour Gazette is an independent weekly serving the coast since 1921.\n"
    extractor = Extractor(repeat_threshold=3)
    kept_footer = []
    for i in range(5):
        text = f"Story number {i} says the harbour reopened after repairs.\n{footer}"
        document, _ = extractor.extract(text_source(text, outlet="harbourgazette.example"))
        kept_footer.append(footer.strip() in document.text)
    # the first three documents teach the footer; later ones lose it
    assert kept_footer == [True, True, True, False, False]
    assert document.removed == [footer.strip()]
    # another outlet's documents are not affected by what this one repeats
    other, _ = extractor.extract(text_source(f"An unrelated story.\n{footer}", outlet="other.example"))
    assert footer.strip() in other.text


def test_repeated_lines_learned_per_url_host() -> None:
    extractor = Extractor(repeat_threshold=2)
    footer = "Tips? Call the newsroom any time of day or night.\n"
    for i in range(3):
        document, _ = extractor.extract(
            text_source(f"Report {i} on the flood defences.\n{footer}", url=f"https://www.town.example/{i}")
        )
    assert document.removed == [footer.strip()]
    assert document.outlet == "town.example"


def test_seed_aggregator_line_removed(seed_text: str) -> None:
    first_line = seed_text.splitlines()[0].strip()
    document, warnings = Extractor().extract(text_source(seed_text))
    assert first_line.startswith("We support our Publishers")
    assert document.removed == [first_line]
    assert first_line not in document.text
    assert document.text == seed_text.split("\n", 1)[1]
    assert document.published is None
    assert [w.code for w in warnings] == ["no-publication-date"]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("KYIV, Nov. 18, 2024 (Demo Wire) - ", "2024-11-18"),
        ("Published: 3 December 2024 | 10:15 GMT\n", "2024-12-03"),
        ("By A. Writer\n2024-11-27\n", "2024-11-27"),
    ],
)
def test_publication_date_from_text_dateline(head: str, expected: str) -> None:
    document, warnings = Extractor().extract(text_source(head + "".join(BODY)))
    assert document.published == expected
    assert document.published_from == "text"
    assert warnings == []


def test_date_deep_in_the_body_is_not_a_publication_date() -> None:
    text = "".join(BODY) + "\n".join(["Background paragraph."] * 5) + "\nThe treaty was signed on March 3, 1999.\n"
    document, warnings = Extractor().extract(text_source(text))
    assert document.published is None
    assert [w.code for w in warnings] == ["no-publication-date"]


def test_input_date_wins_over_text() -> None:
    document, _ = Extractor().extract(
        text_source("KYIV, Nov. 18, 2024 - " + "".join(BODY), published="2024-11-19", published_from="input")
    )
    assert (document.published, document.published_from) == ("2024-11-19", "input")


def test_empty_text_is_an_extraction_error() -> None:
    with pytest.raises(ExtractionError):
        Extractor().extract(text_source("Share this story\n\n"))


ARTICLE = [
    "The regional council voted on Tuesday to close the old coal terminal by 2030, ending a decade of dispute "
    "over the site on the northern shore of the bay.",
    "Councillors approved the plan by 31 votes to 12 after a debate that lasted more than six hours, with "
    "residents filling the public gallery and the corridor outside the chamber.",
    "The terminal's operator said it would study the decision before deciding whether to appeal, and warned "
    "that about 300 jobs depended on the site and on the rail line that serves it.",
    "Environmental groups welcomed the vote, saying it would cut dust and noise for thousands of people who "
    "live within a kilometre of the coal stockpiles and the loading berths.",
    "The council will publish a timetable for the closure and a plan to retrain workers early next year, the "
    "council leader said after the meeting.",
]

PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Council votes to close coal terminal | Bayside Courier</title>
<meta property="og:title" content="Council votes to close coal terminal by 2030">
<meta property="og:site_name" content="Bayside Courier">
<meta name="author" content="Jane Marlow">
<meta property="article:published_time" content="2024-11-19T08:30:00+00:00">
<script>window.dataLayer = [{{"page": "article", "adSlots": ["top", "side"]}}];</script>
<style>.ad {{ display: block; }}</style>
</head><body>
<header><nav><ul>
<li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/opinion">Opinion</a></li><li><a href="/subscribe">Subscribe</a></li>
</ul></nav></header>
<div class="ad" id="ad-top">ADVERTISEMENT Buy cheap flights now at Fly Away Deals</div>
<main><article>
<h1>Council votes to close coal terminal by 2030</h1>
<p class="byline">By Jane Marlow</p>
{"".join(f"<p>{p}</p>" for p in ARTICLE)}
<div class="share">Share this story <a href="#">Facebook</a> <a href="#">Twitter</a></div>
</article></main>
<aside class="related"><h3>Most read</h3><ul>
<li><a href="/a">Celebrity chef opens harbour restaurant</a></li>
<li><a href="/b">Five things to do this weekend in Bayside</a></li>
</ul></aside>
<div class="ad" id="ad-side">SPONSORED Try the miracle diet doctors hate</div>
<footer><p>Contact us | Privacy policy | Cookie settings</p><p>Copyright 2024 Bayside Courier Ltd.</p></footer>
<script>loadAds("side"); trackPageView();</script>
</body></html>"""


@pytest.fixture(scope="module")
def html_document() -> tuple:
    return Extractor().extract(
        Source(
            origin="page.html",
            html=PAGE,
            url="https://www.baysidecourier.example/news/coal-terminal",
            input_format="html",
        )
    )


def test_html_page_gives_clean_article_text(html_document: tuple) -> None:
    document, _ = html_document
    for paragraph in ARTICLE:
        assert paragraph in document.text
    for clutter in (
        "Home",
        "Subscribe",
        "ADVERTISEMENT",
        "Fly Away",
        "miracle diet",
        "Celebrity chef",
        "Privacy policy",
        "dataLayer",
        "loadAds",
        "display: block",
        "Share this story",
    ):
        assert clutter not in document.text, clutter


def test_html_page_metadata(html_document: tuple) -> None:
    document, warnings = html_document
    assert document.title == "Council votes to close coal terminal by 2030"
    assert document.author == "Jane Marlow"
    assert document.outlet == "Bayside Courier"
    assert (document.published, document.published_from) == ("2024-11-19", "metadata")
    assert document.input_format == "html"
    assert warnings == []


def test_page_without_article_is_an_extraction_error() -> None:
    with pytest.raises(ExtractionError):
        Extractor().extract(Source(origin="empty.html", html="<html><body><script>var a = 1;</script></body></html>"))


def test_precision_mode_falls_back_when_it_loses_the_body(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page where precision mode keeps a fragment of what balanced mode finds gets the balanced text."""

    class Result:
        def __init__(self, text: str) -> None:
            self.text, self.title, self.author, self.sitename, self.date = text, "T", None, None, "2024-11-19"

    full = " ".join(ARTICLE)
    outputs = {True: Result(ARTICLE[0]), False: Result(full)}
    monkeypatch.setattr(extract, "_bare", lambda html, url, favor_precision: outputs[favor_precision])
    assert extract_html("<html></html>").text == full
    outputs[True] = Result(" ".join(ARTICLE[:4]))
    assert extract_html("<html></html>").text == " ".join(ARTICLE[:4])
