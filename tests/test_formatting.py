"""The shared formatting: each interval form, numbers, one-line cuts."""

from __future__ import annotations

from bot.formatting import (
    compact_interval,
    format_interval,
    format_number,
    interval_words,
    one_line,
)


def test_format_interval() -> None:
    assert format_interval(167, None) == "[167, open)"
    assert format_interval(None, 49) == "(open, 49]"
    assert format_interval(2e9, 3e9) == "[2,000,000,000, 3,000,000,000]"
    assert format_interval(1.5, 1.5) == "[1.5, 1.5]"
    assert format_interval(float("-inf"), float("inf")) == "(open, open)"


def test_interval_words() -> None:
    assert interval_words(167, None) == "167 or more"
    assert interval_words(None, 50) == "up to 50"
    assert interval_words(float("-inf"), 50) == "up to 50"
    assert interval_words(16, 16) == "16"
    assert interval_words(12, 7939) == "12–7,939"
    assert interval_words(None, None) == "any number"


def test_compact_interval() -> None:
    assert compact_interval(167, 167) == "167"
    assert compact_interval(167, None) == "≥167"
    assert compact_interval(None, 50) == "≤50"
    assert compact_interval(2e9, 3e9) == "2bn–3bn"
    assert compact_interval(19_000_000, 19_000_000) == "19m"


def test_format_number_and_one_line() -> None:
    assert format_number(7939) == "7,939" and format_number(1.5) == "1.5"
    assert one_line("a\n  b", 10) == "a b"
    assert one_line("word " * 10, 12) == "word word w…"[:11].rstrip() + "…"
    assert len(one_line("x" * 50, 20)) == 20
