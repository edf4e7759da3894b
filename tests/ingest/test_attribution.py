"""Attribution on small hand-written sentences: who speaks, through whom, and what a draft
makes of a paragraph. The claim set is the seed set (its speakers and media are what a
sentence is matched against); no sentence here is taken from an article."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.claimset.loader import load_claimset
from bot.ingest.attribution import Reader
from bot.ingest.drafting import draft_article
from bot.ingest.media import media_lexicon
from bot.ingest.speakers import SpeakerBook

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seeds():
    return load_claimset(ROOT / "seeds")


def _reader(cs) -> Reader:
    return Reader(SpeakerBook.of(cs), media_lexicon(cs))


def _article(*paragraphs: str) -> str:
    return "Test headline for a short story\n\nCAPITAL, 12 March 2024 (Test Wire) -\n\n" + (
        "\n\n".join(paragraphs) + "\n"
    )


def test_hyphenated_names_and_possessives_are_one_speaker(seeds) -> None:
    reader = _reader(seeds)
    said = reader.attribute("Kassym-Jomart Tokayev said the order was restored.")
    assert said.speaker is not None and said.speaker.id == "tokayev"
    ministry = reader.attribute("Russia's foreign ministry said citizens should stay indoors.")
    assert ministry.speaker is not None and "Russia" in ministry.speaker.name


def test_long_runs_of_capitalised_words_are_read_in_one_pass(seeds) -> None:
    """A run of hyphenated capitalised words no verb follows: every pattern gives up on it
    at once (the name token is atomic), rather than trying every way to split it."""
    reader = _reader(seeds)
    sentence = "Aa-" * 40 + "Bb and " + "Cc Dd " * 30 + "then nothing at all."
    assert reader.mentions(sentence) == []
