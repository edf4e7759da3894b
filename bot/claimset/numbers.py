"""Numbers as the sources state them, and the interval a figure's words commit to.

``parse_numbers("between two and three billion")`` finds the numbers in a phrase:
digits with thousands separators ("7,939", "2,000"), decimals ("1.5 million"), number
words ("nineteen", "twenty-five", "two hundred and fifty", "a dozen", "three
decades") and vague words ("dozens", "thousands"). :func:`expected_interval` turns
the numbers and a figure's qualifier into the [low, high] interval the words commit
to, so the loader can prove that a figure's low and high say what its words say.

Vague words are coded conservatively, the way casualty recorders such as ACLED code
them: the smallest count the words allow, with the upper end left open. Whatever
the coding, an answer shows the source's words next to the interval
(:func:`coding_note` says how each vague word in them was coded, and why).

Besides the interval, this module reads what else a figure's words commit to:
:func:`qualifier_problem` (the qualifier the words state, "more than 1,000" is not
exact), :func:`find_words` (the words as whole tokens of the quote: "1" is not in "16
police"), and :func:`not_a_count` (an age or a year is no count).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

log = logging.getLogger(__name__)

# Vague words -> (low, high); None is an open end. Multi-word phrases first.
# "a dozen" is not vague: it is the number 12 ("more than a dozen" -> [13, open)).
# Each is the smallest count the words allow, upper end open (ACLED's rule: "the most
# conservative estimate"); VAGUE_NOTES says why, and answers print it beside the words.
VAGUE_CODING: dict[str, tuple[float, float | None]] = {
    "tens of thousands": (10_000, None),
    "hundreds of thousands": (100_000, None),
    "tens of millions": (10_000_000, None),
    "hundreds of millions": (100_000_000, None),
    "dozens": (12, None),  # ACLED: "dozens" is coded 12
    "scores": (20, None),  # a score is 20
    "tens": (10, None),  # ACLED: "tens" is coded 10
    "hundreds": (100, None),
    "thousands": (1_000, None),
    "millions": (1_000_000, None),
    "billions": (1_000_000_000, None),
    "decades": (20, None),  # at least two decades (unit: years)
    "several": (3, None),  # more than a couple
    "a few": (2, None),  # the least "a few" can be
    "a handful": (2, None),
}
VAGUE_NOTES: dict[str, str] = {
    "tens of thousands": "at least 10,000 (the smallest 'tens of thousands' allows)",
    "hundreds of thousands": "at least 100,000 (the smallest 'hundreds of thousands' allows)",
    "tens of millions": "at least 10 million",
    "hundreds of millions": "at least 100 million",
    "dozens": "12 or more (ACLED codes 'dozens' as 12)",
    "scores": "20 or more (a score is 20)",
    "tens": "10 or more (ACLED codes 'tens' as 10)",
    "hundreds": "100 or more (ACLED codes 'hundreds' as 100)",
    "thousands": "1,000 or more (the smallest 'thousands' allows)",
    "millions": "1 million or more",
    "billions": "1 billion or more",
    "decades": "20 or more (at least two decades)",
    "several": "3 or more (our coding: more than a couple; ACLED gives no number)",
    "a few": "2 or more (our coding: the least 'a few' can be)",
    "a handful": "2 or more (our coding, as 'a few')",
}
_VAGUE_PHRASES = sorted(VAGUE_CODING, key=lambda p: -len(p.split()))
# first word -> (phrase, its words), longest first as in _VAGUE_PHRASES: a token is
# compared only with the phrases that start with it.
_VAGUE_BY_FIRST: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
for _phrase in _VAGUE_PHRASES:
    _VAGUE_BY_FIRST.setdefault(_phrase.split()[0], []).append((_phrase, tuple(_phrase.split())))

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
# Reporters' abbreviations count too: "2K", "88.1 bln", "$90 mln", "1.2tn".
_SCALES = {
    "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "k": 1e3, "mn": 1e6, "mln": 1e6, "bn": 1e9, "bln": 1e9, "tn": 1e12, "trn": 1e12,
}  # fmt: skip
# Ratios said in words ("the price doubled"), for figures in unit "times".
_RATIOS = {"doubled": 2, "double": 2, "tripled": 3, "triple": 3, "quadrupled": 4}
_MULTIPLIERS = {"dozen": 12, "decade": 10, "decades": 10}
_A_STARTS = {"hundred", "dozen", *_SCALES}

# Units whose quantity is not a count of things: "more than 2 billion dollars" leaves
# 2 billion itself possible, "more than 150 people" starts at 151.
CONTINUOUS_UNITS = frozenset(
    {
        "dollar", "dollars", "usd", "us$", "$", "euro", "euros", "eur", "€", "ruble",
        "rubles", "rouble", "roubles", "rub", "tenge", "kzt", "pound", "pounds", "gbp",
        "£", "yuan", "percent", "per", "%", "km", "kilometre", "kilometres", "kilometer",
        "kilometers", "mile", "miles", "kg", "tonne", "tonnes", "ton", "tons", "litre",
        "litres", "liter", "liters", "barrel", "barrels", "year", "years", "month",
        "months", "week", "weeks", "day", "days", "hour", "hours",
    }
)  # fmt: skip

_TOKEN = re.compile(
    r"(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)|(?P<word>[a-z]+)|(?P<dash>[-\u2013\u2014])"
)
# Words that state a qualifier, longest first where one holds another ("no more than"
# before "more than"). A figure's qualifier must be the one its words state; words that
# state none are exact, about (a bare round number), vague or a between range.
QUALIFIER_MARKERS: dict[str, str] = {
    "no more than": "at_most", "not more than": "at_most", "up to": "at_most",
    "at most": "at_most", "as many as": "at_most", "a maximum of": "at_most",
    "no fewer than": "at_least", "no less than": "at_least", "not less than": "at_least",
    "at least": "at_least", "a minimum of": "at_least",
    "more than": "more_than", "over": "more_than", "above": "more_than",
    "in excess of": "more_than", "upwards of": "more_than",
    "fewer than": "fewer_than", "less than": "fewer_than", "under": "fewer_than",
    "below": "fewer_than",
    "nearly": "nearly", "almost": "nearly", "just under": "nearly", "close to": "nearly",
    "about": "about", "around": "about", "some": "about", "roughly": "about",
    "approximately": "about", "an estimated": "about", "estimated": "about",
    "circa": "about", "or so": "about",
    "between": "between",
}  # fmt: skip
_MARKERS = sorted(QUALIFIER_MARKERS, key=lambda m: -len(m.split()))
_UNMARKED = frozenset({"exact", "about", "vague", "between"})
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
_YEAR_BEFORE = re.compile(rf"\b(?:in|since|until|till|before|after|from|by|year|{_MONTHS})\s*$")
_AGE_BEFORE = re.compile(r"\b(?:aged|age|ages|(?:girl|boy|child|man|woman|baby) of)\s*$")
_AGE_AFTER = re.compile(r"^\s*(?:-|\s)?(?:year|month)s?[- ]old\b|^\s*years? of age\b")
_RANGE_JOIN = re.compile(r"^\s*(?:and|to|-|\u2013|\u2014)\s*$", re.IGNORECASE)

Interval = tuple[float | None, float | None]


class NumberError(ValueError):
    """Words that do not give the interval a qualifier needs; the message says why."""


@dataclass(frozen=True, slots=True)
class StatedNumber:
    """One number in a phrase: its words and the interval they stand for."""

    text: str  # as written: "three billion", "7,939", "dozens"
    low: float
    high: float | None  # None: open (vague words only)
    vague: bool = False
    scale: float = 1  # the scale word applied ("billion" -> 1e9), for ranges
    start: int = 0
    end: int = 0

    @property
    def value(self) -> float:
        return self.low


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str
    text: str
    start: int
    end: int


def _tokens(words: str) -> list[_Tok]:
    return [
        _Tok(m.lastgroup or "", m.group().lower(), m.start(), m.end())
        for m in _TOKEN.finditer(words.lower())
    ]


def _vague_at(toks: list[_Tok], i: int) -> tuple[str, int] | None:
    for phrase, parts in _VAGUE_BY_FIRST.get(toks[i].text, ()):
        if tuple(t.text for t in toks[i : i + len(parts)]) == parts:
            return phrase, i + len(parts)
    return None


def _joins(t: _Tok, last: str | None, nxt: str) -> bool:
    """An "and" or a hyphen inside one number: "two hundred and fifty", "twenty-five"."""
    if t.text == "and":
        return last in ("hundred", "scale") and (nxt in _UNITS or nxt in _TENS)
    return t.kind == "dash" and last == "tens" and nxt in _UNITS


def _number_at(toks: list[_Tok], i: int) -> tuple[float, float, int] | None:
    """Parse a number starting at token i: (value, scale, index after it) or None."""
    total = 0.0
    current: float | None = None
    last: str | None = None  # kind of the last token consumed
    scale = 1.0
    j = i
    first = toks[i]
    if first.text in ("a", "an"):
        if i + 1 >= len(toks) or toks[i + 1].text not in _A_STARTS:
            return None
        current, last, j = 1.0, "a", i + 1
    while j < len(toks):
        t = toks[j]
        nxt = toks[j + 1].text if j + 1 < len(toks) else ""
        if t.kind == "digits":
            if last is not None:
                break
            current, last = float(t.text.replace(",", "")), "digits"
        elif t.text in _UNITS or t.text in _TENS:
            value = _UNITS.get(t.text, _TENS.get(t.text, 0))
            if last is None:
                current = value
            elif (last == "tens" and t.text in _UNITS and 0 < value < 10) or last in (
                "hundred",
                "scale",
            ):
                current = (current or 0) + value
            else:
                break
            last = "tens" if t.text in _TENS else "unit"
        elif t.text == "hundred":
            if current is None or last in ("hundred", "scale"):
                break
            current, last = current * 100, "hundred"
        elif t.text in _RATIOS and last is None:
            current, last = float(_RATIOS[t.text]), "unit"
        elif t.text in _SCALES:
            if current is None:
                break
            scale = max(scale, _SCALES[t.text])
            total += current * _SCALES[t.text]
            current, last = None, "scale"
        elif t.text in _MULTIPLIERS:
            if current is None or last == "mult":
                break
            current, last = current * _MULTIPLIERS[t.text], "mult"
        elif _joins(t, last, nxt):
            j += 1
            continue
        else:
            break
        j += 1
    if last in (None, "a"):
        return None
    return total + (current or 0), scale, j


def parse_numbers(words: str) -> list[StatedNumber]:
    """Every number stated in ``words``, in order. Words that are no number are skipped.

    In a range whose second number carries a scale word the first shares it:
    "between two and three billion" -> 2e9 and 3e9.
    """
    toks = _tokens(words)
    found: list[StatedNumber] = []
    i = 0
    while i < len(toks):
        vague = _vague_at(toks, i)
        if vague is not None:
            phrase, j = vague
            low, high = VAGUE_CODING[phrase]
            start, end = toks[i].start, toks[j - 1].end
            found.append(StatedNumber(words[start:end], low, high, True, 1, start, end))
            i = j
            continue
        parsed = _number_at(toks, i)
        if parsed is None:
            i += 1
            continue
        value, scale, j = parsed
        start, end = toks[i].start, toks[j - 1].end
        found.append(StatedNumber(words[start:end], value, value, False, scale, start, end))
        i = j
    return _share_scale(words, found)


def _share_scale(words: str, numbers: list[StatedNumber]) -> list[StatedNumber]:
    out = list(numbers)
    for k in range(len(out) - 1):
        a, b = out[k], out[k + 1]
        if (
            not a.vague
            and not b.vague
            and a.scale == 1
            and b.scale > 1
            and _RANGE_JOIN.match(words[a.end : b.start])
            and a.low * b.scale <= b.low
        ):
            v = a.low * b.scale
            out[k] = StatedNumber(a.text, v, v, False, b.scale, a.start, a.end)
    return out


def qualifier_problem(words: str, qualifier: str) -> str | None:
    """Why ``qualifier`` is not the one ``words`` state, or None when it is.

    "more than 1,000" states more_than, so exact is refused; "1,000" states none, so it
    is exact, about, vague or between, never more_than."""
    stated = stated_qualifiers(words)
    if stated:
        if qualifier in stated or (qualifier == "vague" and stated <= {"about", "more_than"}):
            return None
        said = " and ".join(sorted(stated))
        return f"the words {words!r} say {said}, the qualifier is {qualifier}"
    if qualifier in _UNMARKED:
        return None
    return (
        f"qualifier {qualifier} needs its words in 'words' ({_example(qualifier)}); "
        f"{words!r} states no qualifier, so it is exact or about"
    )


def stated_qualifiers(words: str) -> set[str]:
    """The qualifiers ``words`` state: {"more_than"} for "over 2K"."""
    toks = [t.text for t in _tokens(words)]
    found: set[str] = set()
    i = 0
    while i < len(toks):
        for marker in _MARKERS:
            parts = marker.split()
            if toks[i : i + len(parts)] == parts:
                found.add(QUALIFIER_MARKERS[marker])
                i += len(parts)
                break
        else:
            i += 1
    return found


def _example(qualifier: str) -> str:
    return next((m for m, q in QUALIFIER_MARKERS.items() if q == qualifier), qualifier)


def find_words(words: str, text: str) -> int | None:
    """Where ``words`` stand in ``text`` as whole tokens (case aside), or None.

    "1" is not in "16 police" nor in "1,600"; "16" is in "16 police"."""
    hay, needle = text.casefold(), words.casefold()
    if not needle:
        return None
    start = hay.find(needle)
    while start != -1:
        end = start + len(needle)
        if _boundary(hay, start - 1, -1, needle[0]) and _boundary(hay, end, 1, needle[-1]):
            return start
        start = hay.find(needle, start + 1)
    return None


def _boundary(text: str, i: int, step: int, edge: str) -> bool:
    """Whether text[i] does not carry on the token whose edge character is ``edge``."""
    if i < 0 or i >= len(text) or not edge.isalnum():
        return True
    ch = text[i]
    if ch.isalnum():
        return False
    # "1" of "1,600" or "1.5": a separator between digits carries the number on
    if edge.isdigit() and ch in ",." and 0 <= i + step < len(text):
        return not text[i + step].isdigit()
    return True


def not_a_count(words: str, text: str, at: int) -> str | None:
    """Why the number of ``words`` (found at ``at`` in ``text``) is an age or a year
    rather than a count, or None: "a girl of four", "aged 19", "in 2019"."""
    before = text[max(0, at - 24) : at].casefold()
    after = text[at + len(words) : at + len(words) + 16].casefold()
    if _AGE_BEFORE.search(before) or _AGE_AFTER.search(after):
        return f"{words!r} is an age here, not a count"
    numbers = parse_numbers(words)
    if (
        len(numbers) == 1
        and re.fullmatch(r"\d{4}", words.strip())
        and 1800 <= numbers[0].low <= 2100
        and _YEAR_BEFORE.search(before)
    ):
        return f"{words!r} is a year here, not a count"
    return None


def coding_note(words: str) -> str:
    """How each vague word in ``words`` is coded, for an answer to print beside them:
    "'dozens' = 12 or more (ACLED codes 'dozens' as 12)"; "" when none is vague."""
    notes = [
        f"{n.text!r} = {VAGUE_NOTES.get(_vague_key(n.text), 'coded as VAGUE_CODING says')}"
        for n in parse_numbers(words)
        if n.vague
    ]
    return "; ".join(notes)


def _vague_key(text: str) -> str:
    return " ".join(re.findall(r"[a-z]+", text.lower()))


def is_counted(unit: str) -> bool:
    """Whether the unit counts whole things (people, camps) rather than measuring money etc."""
    words = set(re.findall(r"[a-z]+|[$%€£]|us\$", unit.lower()))
    return not (words & CONTINUOUS_UNITS)


def expected_interval(
    qualifier: str, numbers: Sequence[StatedNumber], unit: str, counted: bool | None = None
) -> Interval:
    """The (low, high) interval the words commit to; None is an open end.

    exact, about N -> [N, N]; at_least N -> [N, open); more_than N -> [N+1, open) for
    counted units and [N, open) for money and other continuous units; at_most N ->
    (open, N]; fewer_than N -> (open, N-1] (or N); nearly N -> (open, N]; between A B ->
    [A, B]; vague -> the VAGUE_CODING of the vague words. ``counted`` says whether the
    unit counts whole things (from the units vocabulary); None: guessed from the unit's
    words (:func:`is_counted`). Raises NumberError when the words do not fit.
    """
    stated = ", ".join(repr(n.text) for n in numbers) or "no number"
    if qualifier == "between":
        if len(numbers) != 2:
            raise NumberError(f"qualifier 'between' needs two numbers, the words state {stated}")
        a, b = numbers
        if a.vague or b.vague:
            raise NumberError(f"qualifier 'between' needs plain numbers, the words state {stated}")
        return a.low, b.high
    if len(numbers) != 1:
        raise NumberError(f"qualifier {qualifier!r} needs one number, the words state {stated}")
    (n,) = numbers
    counted = (is_counted(unit) if counted is None else counted) and float(n.low).is_integer()
    if qualifier == "vague":
        if not n.vague:
            raise NumberError(
                f"qualifier 'vague' is for words such as 'dozens' or 'thousands', "
                f"{n.text!r} is a plain number"
            )
        return n.low, n.high
    if qualifier in ("at_least", "more_than"):
        step = 1 if qualifier == "more_than" and counted else 0
        return n.low + step, None
    if n.vague:
        raise NumberError(f"{n.text!r} is vague: use qualifier 'vague' (or at_least, more_than)")
    if qualifier in ("exact", "about"):
        return n.low, n.low
    if qualifier in ("at_most", "nearly"):
        return None, n.low
    if qualifier == "fewer_than":
        return None, n.low - (1 if counted else 0)
    raise NumberError(f"unknown qualifier {qualifier!r}")


def interval_from_words(
    qualifier: str, words: str, unit: str, counted: bool | None = None
) -> Interval:
    """:func:`expected_interval` of the numbers stated in ``words``."""
    return expected_interval(qualifier, parse_numbers(words), unit, counted)


def same_bound(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
