"""Non-English articles are stored, marked "und" with a warning, and never coded by the English-only stages."""

from __future__ import annotations

from pathlib import Path

import pytest

from newstrace.extract import Extractor
from newstrace.extract.language import MIN_WORDS, detect_language, shares
from newstrace.pipeline import analyze
from newstrace.records import Source

ROOT = Path(__file__).resolve().parents[1]

GERMAN = (
    "Russland hat in der Nacht zum Samstag erneut die Energieversorgung der Ukraine mit Raketen und Drohnen "
    "angegriffen. Nach Angaben der ukrainischen Regierung wurden mehrere Kraftwerke im Westen des Landes "
    "getroffen, in vielen Städten fiel der Strom aus. Der Kreml erklärte, die Angriffe hätten militärischen "
    "Zielen gegolten. Bundeskanzler Scholz verurteilte die Angriffe und kündigte weitere Hilfe für die "
    "Luftverteidigung an, während die Außenminister der Europäischen Union am Montag in Brüssel beraten wollen."
)
FRENCH = (
    "La Russie a de nouveau frappé le réseau électrique ukrainien dans la nuit de vendredi à samedi, selon les "
    "autorités de Kiev. Plusieurs centrales ont été touchées dans l'ouest du pays et des coupures de courant ont "
    "été signalées dans de nombreuses villes. Le Kremlin affirme que les frappes visaient des cibles militaires. "
    "Le président français a condamné ces attaques et promis une aide supplémentaire pour la défense aérienne."
)


@pytest.mark.parametrize(("text", "code"), [(GERMAN, "de"), (FRENCH, "fr")])
def test_other_languages_are_told_apart(text: str, code: str) -> None:
    found, sampled = shares(text)
    assert sampled >= MIN_WORDS and found["en"] < 0.2
    assert detect_language(text) == code


def test_english_news_is_english(seed_text: str) -> None:
    texts = [seed_text] + [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples/demo/txt").glob("*.txt"))]
    assert {detect_language(t) for t in texts} == {"en"}
    assert detect_language("Kyiv under fire.") == "en"  # too short to judge: taken as English
    scores = "Results: Smith 54.2, Jones 55.1, Brown 56.0, Lee 57.3. " * 8  # a table, no language's stop words
    assert detect_language(scores) == "und"


def test_a_german_article_is_stored_marked_and_not_coded() -> None:
    document, warnings = Extractor().extract(Source(origin="de.txt", text=GERMAN, published="2024-11-17"))
    assert document.language == "de" and [w.code for w in warnings] == ["not-english"]
    analysis = analyze(GERMAN, published="2024-11-17")
    assert analysis.document.language == "de" and analysis.document.text == GERMAN
    assert not (analysis.actors or analysis.events or analysis.quotes or analysis.times or analysis.places)
    assert "not-english" in [w.code for w in analysis.warnings]
