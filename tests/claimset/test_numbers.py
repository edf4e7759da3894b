"""Numbers stated in words, and the interval a figure's qualifier commits them to."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.claimset.numbers import (
    VAGUE_CODING,
    VAGUE_NOTES,
    NumberError,
    coding_note,
    expected_interval,
    find_words,
    interval_from_words,
    is_counted,
    not_a_count,
    parse_numbers,
    qualifier_problem,
)


def values(words: str) -> list[float]:
    return [n.low for n in parse_numbers(words)]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("7,939", [7939]),
        ("At least 2,000 people", [2000]),
        ("over 6,000 fighters", [6000]),
        ("1.5 million", [1_500_000]),
        ("19 million people", [19_000_000]),
        ("two", [2]),
        ("nineteen", [19]),
        ("twenty-five", [25]),
        ("twenty one", [21]),
        ("two hundred and fifty", [250]),
        ("three billion", [3e9]),
        ("a dozen", [12]),
        ("more than a dozen members", [12]),
        ("two dozen", [24]),
        ("three decades", [30]),
        ("a hundred", [100]),
        ("twenty-five thousand", [25_000]),
        ("16 dead and more than 1,600 injured", [16, 1600]),
        ("between two and three billion dollars", [2e9, 3e9]),
        ("between 10 and 20 thousand", [10_000, 20_000]),
        ("between 500 and 3 billion", [500, 3e9]),  # 500 billion is above 3 billion: no share
        ("2,000 to 3,000", [2000, 3000]),
        ("a reporter said", []),
        ("one", [1]),
    ],
)
def test_parse_numbers(words: str, expected: list[float]) -> None:
    assert values(words) == expected


@pytest.mark.parametrize(
    ("words", "low"),
    [
        ("Dozens of demonstrators", 12),
        ("dozens", 12),
        ("thousands of jihadists", 1000),
        ("THOUSANDS of jihadists", 1000),
        ("hundreds", 100),
        ("tens of thousands", 10_000),
        ("hundreds of thousands", 100_000),
    ],
)
def test_vague_words_are_coded_low_with_an_open_top(words: str, low: float) -> None:
    (n,) = parse_numbers(words)
    assert n.vague
    assert (n.low, n.high) == (low, None)


def test_vague_coding_is_conservative_and_documented() -> None:
    assert VAGUE_CODING["dozens"] == (12, None)
    assert VAGUE_CODING["thousands"] == (1000, None)
    assert VAGUE_CODING["hundreds"] == (100, None)
    assert "a dozen" not in VAGUE_CODING  # a dozen is the number 12, not vague


@pytest.mark.parametrize(
    ("qualifier", "words", "unit", "interval"),
    [
        ("exact", "7,939", "people", (7939, 7939)),
        ("about", "some 2,000", "soldiers", (2000, 2000)),
        ("at_least", "At least 167", "people", (167, None)),
        ("more_than", "More than 150", "people", (151, None)),
        ("more_than", "over 40", "camps", (41, None)),
        ("more_than", "more than a dozen", "members of law enforcement", (13, None)),
        ("more_than", "more than 2 billion", "US dollars", (2e9, None)),
        ("more_than", "more than 1.5", "people", (1.5, None)),  # not a whole count
        ("at_most", "up to 50", "people", (None, 50)),
        ("fewer_than", "fewer than 50", "people", (None, 49)),
        ("fewer_than", "less than 50", "tenge", (None, 50)),
        ("between", "between two and three billion", "dollars", (2e9, 3e9)),
        ("vague", "Dozens", "people", (12, None)),
        ("vague", "thousands", "jihadists", (1000, None)),
        ("at_least", "dozens", "people", (12, None)),
    ],
)
def test_expected_interval(
    qualifier: str, words: str, unit: str, interval: tuple[float | None, float | None]
) -> None:
    assert interval_from_words(qualifier, words, unit) == interval


@pytest.mark.parametrize(
    ("qualifier", "words", "message"),
    [
        ("between", "at least 5", "needs two numbers"),
        ("exact", "16 dead and 1,600 injured", "needs one number"),
        ("exact", "no number here", "no number"),
        ("vague", "7,939", "plain number"),
        ("exact", "dozens", "is vague"),
        ("between", "between dozens and hundreds", "plain numbers"),
    ],
)
def test_words_that_do_not_fit_the_qualifier(qualifier: str, words: str, message: str) -> None:
    with pytest.raises(NumberError, match=message):
        interval_from_words(qualifier, words, "people")


def test_counted_units() -> None:
    assert is_counted("people")
    assert is_counted("members of law enforcement")
    assert not is_counted("US dollars")
    assert not is_counted("tenge")
    assert not is_counted("years")


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_digits_with_separators_round_trip(n: int) -> None:
    assert values(f"{n:,}") == [n]
    assert expected_interval("exact", parse_numbers(f"about {n:,} people"), "people") == (n, n)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_parse_numbers_never_raises(words: str) -> None:
    for n in parse_numbers(words):
        assert n.text
        assert n.high is None or n.low <= n.high


@pytest.mark.parametrize(
    ("qualifier", "words", "unit", "interval"),
    [
        ("more_than", "over 2K", "people", (2001, None)),
        ("exact", "88.1 bln tenge", "KZT", (88.1e9, 88.1e9)),
        ("about", "$200 million", "USD", (2e8, 2e8)),
        ("more_than", "more than $90 mln", "USD", (9e7, None)),
        ("more_than", "more than 93.7 bln tenge", "KZT", (93.7e9, None)),
        ("vague", "several", "people", (3, None)),
        ("vague", "a few", "people", (2, None)),
        ("vague", "tens", "people", (10, None)),
        ("nearly", "Nearly 1,700", "people", (None, 1700)),
        ("nearly", "almost 50", "people", (None, 50)),
        ("about", "around 2,000", "people", (2000, 2000)),
        ("at_most", "up to 750", "people", (None, 750)),
        ("fewer_than", "fewer than 50", "people", (None, 49)),
        ("exact", "doubled", "times", (2, 2)),
    ],
)
def test_numbers_as_reporters_write_them(
    qualifier: str, words: str, unit: str, interval: tuple[float | None, float | None]
) -> None:
    assert interval_from_words(qualifier, words, unit) == interval


def test_the_units_vocabulary_decides_what_is_counted() -> None:
    assert interval_from_words("more_than", "more than 40", "sites", counted=True) == (41, None)
    assert interval_from_words("more_than", "more than 40", "sites", counted=False) == (40, None)


@pytest.mark.parametrize(
    ("words", "qualifier", "wrong"),
    [
        ("more than 1,000", "exact", "say more_than, the qualifier is exact"),
        ("over 2K", "at_least", "say more_than"),
        ("some 70", "exact", "say about"),
        ("nearly 1,700", "about", "say nearly"),
        ("up to 750", "exact", "say at_most"),
        ("no more than 10 days", "more_than", "say at_most"),
        ("1,000", "more_than", "states no qualifier, so it is exact or about"),
        ("16", "at_least", "states no qualifier"),
    ],
)
def test_the_qualifier_must_be_the_one_the_words_state(
    words: str, qualifier: str, wrong: str
) -> None:
    problem = qualifier_problem(words, qualifier)
    assert problem is not None and wrong in problem


@pytest.mark.parametrize(
    ("words", "qualifier"),
    [
        ("1,000", "exact"),
        ("2,000", "about"),
        ("dozens", "vague"),
        ("more than 150", "more_than"),
        ("between two and three billion", "between"),
        ("an estimated 40 bln tenge", "about"),
    ],
)
def test_the_qualifier_the_words_state_passes(words: str, qualifier: str) -> None:
    assert qualifier_problem(words, qualifier) is None


@pytest.mark.parametrize(
    ("words", "text", "found"),
    [
        ("1", "16 police officers", False),
        ("1", "more than 1,600 injured", False),
        ("1.5", "11.5 million", False),
        ("16", "there were 16 dead", True),
        ("16", "16.", True),
        ("$200 million", "it cost $200 million.", True),
        ("over 2K", "164 dead, over 2K treated", True),
        ("Eighteen", "eighteen members", True),
    ],
)
def test_words_are_found_as_whole_tokens(words: str, text: str, found: bool) -> None:
    assert (find_words(words, text) is not None) == found


@pytest.mark.parametrize(
    ("words", "text", "what"),
    [
        ("four", "three minors had been killed, among them a girl of four.", "an age"),
        ("19", "a man aged 19 was shot", "an age"),
        ("4", "a 4-year-old girl", "an age"),
        ("2019", "who ruled until he stepped down in 2019", "a year"),
        ("2022", "since January 2022", "a year"),
    ],
)
def test_ages_and_years_are_not_counts(words: str, text: str, what: str) -> None:
    message = not_a_count(words, text, text.index(words))
    assert message is not None and what in message


@pytest.mark.parametrize(
    ("words", "text"),
    [
        ("2,000", "with the help of 2,000 soldiers"),
        ("2000", "a force of 2000 troops"),
        ("three", "three minors had been killed"),
    ],
)
def test_counts_are_counts(words: str, text: str) -> None:
    assert not_a_count(words, text, text.index(words)) is None


def test_every_vague_word_has_its_coding_documented() -> None:
    assert set(VAGUE_NOTES) == set(VAGUE_CODING)
    assert "12 or more" in coding_note("Dozens of demonstrators")
    assert "3 or more" in coding_note("several other member states")
    assert coding_note("7,939") == ""
