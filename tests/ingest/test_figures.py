"""Figures on small hand-written sentences: what is a figure, and which headline numbers
are the headline's own. The seed set gives the vocabularies."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.claimset.loader import load_claimset
from bot.ingest.drafting import draft_article
from bot.ingest.figures import Vocab, find_figures

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def vocab():
    return Vocab.of(load_claimset(ROOT / "seeds"))


def test_a_count_of_the_dead_is_a_figure_and_a_part(vocab) -> None:
    found = find_figures("Nineteen of the dead were police officers.", vocab)
    assert [(f.words, f.low, f.part) for f in found] == [("Nineteen", 19, True)]
    whole_first = find_figures("The ministry said 175 of the 225 died in hospital.", vocab)
    assert [(f.words, f.part) for f in whole_first] == [("175", True), ("225", False)]
    # still no figure: "the figures", "one of the"
    assert find_figures("One of the figures was wrong.", vocab) == []


def test_a_lifecycle_word_goes_to_the_figure_it_follows(vocab) -> None:
    found = find_figures(
        "The 164 toll was withdrawn, and officials had admitted to fewer than 50 deaths.", vocab
    )
    by_words = {f.words: [k for k, _ in f.lifecycle] for f in found}
    assert by_words == {"164": ["retracted"], "fewer than 50": []}


def _article(headline: str, body: str) -> str:
    return f"{headline}\n\nCAPITAL, 12 March 2024 (Test Wire) -\n\n{body}\n"


def test_a_headline_number_in_its_own_words_is_its_own_figure() -> None:
    seeds = load_claimset(ROOT / "seeds")
    draft = draft_article(
        _article(
            "Nearly 1,700 more held as troops leave",
            "Officials said 1,678 more people had been detained. Local media counted 1,700 "
            "new detentions.",
        ),
        seeds,
    )
    words = [f.words for f in draft.figures]
    assert "Nearly 1,700" in words and "1,700" in words
    assert next(f for f in draft.figures if f.words == "Nearly 1,700").headline
    # a bare headline number the body repeats is the body's
    draft = draft_article(
        _article("Losses put at 78 bln tenge", "Businesses lost an estimated 78 bln tenge."),
        seeds,
    )
    assert [f.words for f in draft.figures] == ["an estimated 78 bln tenge"]


def test_a_range_between_two_numbers_is_one_figure(vocab) -> None:
    (f,) = find_figures(
        "The president put the damage at between two and three billion dollars.", vocab
    )
    assert (f.words, f.qualifier, f.low, f.high, f.unit) == (
        "between two and three billion dollars",
        "between",
        2e9,
        3e9,
        "USD",
    )


def test_one_and_two_are_counts_only_when_the_words_make_them_one(vocab) -> None:
    assert [f.words for f in find_figures("At least two officers were beheaded.", vocab)] == [
        "At least two"
    ]
    assert [
        f.words
        for f in find_figures("A dozen officers died, two of whom were beheaded.", vocab)
        if f.words == "two"
    ] == ["two"]
    assert find_figures("Two officials met the press on the second day.", vocab) == []
    assert find_figures("They do not want to give up double standards.", vocab) == []
    assert [f.words for f in find_figures("The price of gas doubled.", vocab)] == ["doubled"]


def _parts(text: str) -> dict[str, str | None]:
    draft = draft_article(_article("Test headline for a short story", text), _seeds())
    words = {f.id: f.words for f in draft.figures}
    return {f.words: words.get(f.part_of or "") for f in draft.figures}


def _seeds():
    return load_claimset(ROOT / "seeds")


def test_breakdowns_name_their_whole() -> None:
    assert _parts(
        "Of the 546 criminal cases under investigation, the prosecutor said, 44 concern "
        "terrorism, 34 concern riots and 15 concern murder."
    ) == {"546": None, "44": "546", "34": "546", "15": "546"}
    assert _parts(
        "Officials had admitted to fewer than 50 deaths, made up of 26 rioters and 18 officers."
    ) == {"fewer than 50": None, "26": "fewer than 50", "18": "fewer than 50"}
    assert _parts(
        "Of 672 suspects held, 446 were in custody, and about 100 people had been released."
    ) == {"672": None, "446": "672", "about 100": None}
    # no whole in its sentence: the latest count of its topic before it
    assert _parts(
        "Morgues received the bodies of 225 people killed in the unrest. Nineteen of the dead "
        "were police officers."
    ) == {"225": None, "Nineteen": "225"}


def test_the_review_shows_each_link_the_draft_makes() -> None:
    from bot.cli.ingest import render_draft

    draft = draft_article(
        _article(
            "Toll put at 225",
            "Prosecutors put the death toll at 225 on Saturday, up from 44. Nineteen of the "
            "dead were police officers.",
        ),
        _seeds(),
    )
    ids = {f.words: f.id for f in draft.figures}
    shown = render_draft(draft)
    assert f"revised by {ids['225']}" in shown
    assert f"part of {ids['225']}" in shown  # the current count, not the one it replaced
    replaced = next(f for f in draft.figures if f.words == "44")
    assert replaced.verdict is None  # not "a new latest count": the article revises it


def test_a_rounding_of_an_exact_count_restates_it() -> None:
    draft = draft_article(
        _article(
            "Toll of the injured rises",
            "The prosecutor said 4,578 victims had been identified, of whom 4,353 were "
            "injured. The AP summed up the injured as more than 4,300. Officials had earlier "
            "said more than 3,000 people were injured.",
        ),
        _seeds(),
    )
    by_words = {f.words: f for f in draft.figures}
    assert by_words["more than 4,300"].same_as == by_words["4,353"].id  # the closest, 1 %
    assert by_words["more than 3,000"].same_as is None  # 4,353 is no rounding of 3,000
