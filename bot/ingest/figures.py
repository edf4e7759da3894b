"""Figures in a sentence: every number (digits, words, vague words, "2K", "bln"), its qualifier
and interval (bot.claimset.numbers), unit, topic, group, place and lifecycle words; years, ages,
dates, clock times, ordinals and numbers inside names are left out."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from bot.claimset.model import ClaimSet
from bot.claimset.numbers import (
    QUALIFIER_MARKERS,
    NumberError,
    StatedNumber,
    expected_interval,
    not_a_count,
    parse_numbers,
)

log = logging.getLogger(__name__)

_MARKERS = sorted(QUALIFIER_MARKERS, key=len, reverse=True)
_CURRENCY_BEFORE = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP"}
_CURRENCY_AFTER = {
    "tenge": "KZT",
    "kzt": "KZT",
    "dollars": "USD",
    "dollar": "USD",
    "usd": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "rubles": "RUB",
    "roubles": "RUB",
    "pounds": "GBP",
}
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"  # noqa: E501
_DATE_AFTER = re.compile(rf"^\s*{_MONTH}\b", re.I)
_DATE_BEFORE = re.compile(rf"\b{_MONTH}\s*$", re.I)
_TIME_AFTER = re.compile(r"^\s*(?:a\.m\.|p\.m\.|am\b|pm\b|o'clock|:\d\d|h\d\d)", re.I)
_ORDINAL_AFTER = re.compile(r"^(?:st|nd|rd|th)\b", re.I)
_SMALL_WORDS = {"one", "two", "a", "an"}
_NOT_COUNTS_AFTER = re.compile(r"^\s*(?:numbers?|figures?)\b", re.I)
_DERIVED_AFTER = re.compile(r"^\s*(?:fewer|more|less)\s+than\b", re.I)
_INCREMENT = re.compile(r"^\s*(?:more|new|further|additional|fresh|others?)\b", re.I)
_INCREMENT_BEFORE = re.compile(r"\b(?:a further|another|an additional)\s*$", re.I)
_PERIOD = re.compile(
    r"\b(?:in|over|during|within)\s+the\s+(?:previous|past|last)\s+[\w\s]{1,20}?"
    r"(?:hours|days|day|week|weeks)\b|\bin\s+\d+\s+hours\b",
    re.I,
)
_PART = re.compile(
    r"\b(?:of whom|of them|among them|of which|of the \d[\d,.]*|of it|of the total)\b", re.I
)
_PART_AFTER = re.compile(
    r"^\s*(?:of the [a-z]|(?:[\w$-]+\s+){0,2}?(?:(?:of whom|of them|of which|of it|of the total)"
    r"\b|of the \d))",
    re.I,
)
_PART_BEFORE = re.compile(r"\b(?:of whom|of them|among them|of which),?\s+(?:\w+\s+)?$", re.I)
_LIFECYCLE = {
    "retracted": re.compile(
        r"\b(?:withdrawn|retracted|pulled|deleted|technical error|removed|"
        r"taken down|disappeared)\b",
        re.I,
    ),
    "denied": re.compile(
        r"\b(?:denied|had not supplied|did not supply|not true|did not match "
        r"reality|refuted)\b",
        re.I,
    ),
    "alleged": re.compile(r"\b(?:allegedly|credited to|attributed to|reportedly)\b", re.I),
    "revised": re.compile(
        r"\b(?:raised|revised|lowered|updated?|rose|grew|up from|down from|"
        r"kept rising|corrected)\b",
        re.I,
    ),
}
# A sentence speaking of a figure already given: "any such numbers", "the publication".
_BACK_REFERENCE = re.compile(
    r"\b(?:the|that|this|those|these|such|its|the same)\s+(?:\w+\s+)?(?:figures?|numbers?|"
    r"toll|count|post|publication|data|total|tally|estimate)\b",
    re.I,
)


def withdrawal_words(sentence: str) -> list[tuple[str, str, int]]:
    """(kind, words, where) of each retraction or denial in a sentence that states no
    figure but speaks of one given before ("described the publication as a technical
    error")."""
    if not _BACK_REFERENCE.search(sentence):
        return []
    return [
        (kind, m.group(), m.start())
        for kind in ("retracted", "denied")
        for m in _LIFECYCLE[kind].finditer(sentence)
    ]


_UNIT_WORDS = re.compile(r"^\s*(?:[a-z'-]+\s+){0,3}?(?P<w>[a-z][a-z-]+)", re.I)


@dataclass(slots=True)
class Found:
    """One figure read from a sentence, before ids and attribution."""

    number: StatedNumber
    words: str
    start: int  # of ``words`` in the sentence
    qualifier: str
    low: float | None
    high: float | None
    unit: str
    topic: str | None
    group: str | None
    label: str | None
    place: str | None
    scope: str
    increment: bool
    period_words: str | None
    part: bool
    lifecycle: list[tuple[str, str]]
    why: list[str]
    confidence: str
    equivalent: Found | None = None


@dataclass(slots=True)
class Vocab:
    """The claim set's vocabularies as (words, id) lists, longest first."""

    topics: list[tuple[str, str]]
    groups: list[tuple[str, str]]
    places: list[tuple[str, str]]
    units: dict[str, str]  # alias/id casefolded -> unit id
    measures: dict[str, str]  # unit id -> measure

    @classmethod
    def of(cls, cs: ClaimSet | None) -> Vocab:
        if cs is None:
            return cls([], [], [], {"people": "people"}, {"people": "count"})
        topics = [(w.lower(), t.id) for t in cs.topics.values() for w in (t.label, *t.synonyms)]
        groups = [(w.lower(), g.id) for g in cs.groups.values() for w in (g.label, *g.aliases)]
        places = [(w, p.id) for p in cs.places.values() for w in (p.name, *p.aliases)]
        units: dict[str, str] = {}
        for u in cs.units.values():
            for w in (u.id, u.label, *u.aliases):
                units.setdefault(w.casefold(), u.id)
        measures: dict[str, str] = {u.id: str(u.measure) for u in cs.units.values()}

        def key(pair: tuple[str, str]) -> int:
            return -len(pair[0])

        return cls(
            sorted(topics, key=key),
            sorted(groups, key=key),
            sorted(places, key=key),
            units,
            measures,
        )


def find_figures(sentence: str, vocab: Vocab) -> list[Found]:
    """Every figure stated in the sentence, in order; an amount in a second currency right
    after the first ("40 bln tenge, more than $90 mln") becomes its ``equivalent``."""
    numbers = parse_numbers(sentence)
    found: list[Found] = []
    skip = -1
    for i, n in enumerate(numbers):
        if i == skip:
            continue
        span = _range(sentence, n, numbers[i + 1] if i + 1 < len(numbers) else None, vocab)
        if span is not None:
            found.append(span)
            skip = i + 1
            continue
        why_not = _not_a_figure(sentence, n, numbers[i + 1] if i + 1 < len(numbers) else None)
        if why_not:
            log.debug("not a figure: %r (%s)", n.text, why_not)
            continue
        f = _read(sentence, n, vocab)
        if f is None:
            continue
        if found and _is_equivalent(sentence, found[-1], f):
            found[-1].equivalent = f
            continue
        found.append(f)
    _give_lifecycle(sentence, found, vocab)
    return found


def _give_lifecycle(sentence: str, found: list[Found], vocab: Vocab) -> None:
    """Each lifecycle word goes to one figure: the nearest before it (one whose topic the
    words just before it name, when there is one: "the death toll is pulled"); with no
    figure before it, the sentence's only figure (with several, none: too unsure)."""
    if not found:
        return
    for kind, rx in _LIFECYCLE.items():
        for m in rx.finditer(sentence):
            named = _first(vocab.topics, sentence[max(0, m.start() - 60) : m.start()])
            pool = [f for f in found if named and f.topic == named] or found
            before = [f for f in pool if f.start < m.start()]
            if not before and len(found) > 1:
                continue  # "before it disappeared, the post listed 103, 21 and 10": unsure
            target = before[-1] if before else pool[0]
            if (kind, m.group()) not in target.lifecycle:
                target.lifecycle.append((kind, m.group()))


def _range(s: str, a: StatedNumber, b: StatedNumber | None, vocab: Vocab) -> Found | None:
    """ "between two and three billion dollars": one figure, its interval from both ends."""
    between = re.search(r"\bbetween\s+$", s[: a.start], re.I)
    if between is None or b is None or not re.fullmatch(r"\s+and\s+", s[a.end : b.start]):
        return None
    f = _read(s, b, vocab)
    if f is None:
        return None
    counted = vocab.measures.get(f.unit, "count") == "count"
    try:
        f.low, f.high = expected_interval("between", [a, b], f.unit, counted=counted)
    except NumberError:
        return None
    f.words = s[between.start() : f.start + len(f.words)]
    f.start, f.number, f.qualifier = between.start(), a, "between"
    f.why.insert(0, "'between A and B': one figure, the range as its interval")
    return f


def _not_a_figure(s: str, n: StatedNumber, nxt: StatedNumber | None) -> str | None:
    before, after = s[: n.start], s[n.end :]
    if n.start > 0 and (
        s[n.start - 1].isalnum()
        or (s[n.start - 1] == "-" and n.start > 1 and s[n.start - 2].isalpha())
    ):
        return "inside a name"
    if (
        after[:1].isalnum()
        and not n.text[-1:].isalpha()
        and not after[:1].isdigit()
        and not re.match(r"^[kK]\b", after)
        and not _ORDINAL_AFTER.match(after)
        and not re.match(r"^(?:bn|mn|bln|mln|tn)\b", after, re.I)
    ):
        return "inside a name"
    if _ORDINAL_AFTER.match(after):
        return "an ordinal"
    if re.match(r"^-\w", after) and not re.match(r"^-(?:year|month)", after):
        return "inside a name"
    if re.match(r"^\s*[/:]\s*\d", after) or re.search(r"\d\s*[/:]\s*$", before):
        return "a date or a time"
    if _DATE_AFTER.match(after) or _DATE_BEFORE.search(before):
        return "a date"
    if _TIME_AFTER.match(after):
        return "a clock time"
    if (
        re.fullmatch(r"\d{4}", n.text)
        and 1900 <= n.low <= 2100
        and not re.match(r"^\s*(?:people|troops|soldiers)", after)
    ):
        return "a year"
    if not_a_count(n.text, s, n.start):
        return "an age or a year"
    low_text = n.text.lower()
    if re.fullmatch(r"(?:double|triple)", low_text) and re.match(r"^\s+[a-z]", after):
        return "an adjective ('double standards'), not a count"
    qualified = any(
        re.search(rf"(?:^|\s){re.escape(m)}\s+$", before.lower()) for m in _MARKERS
    ) or re.match(r"^\s*of (?:whom|them)\b", after)
    if (low_text in _SMALL_WORDS and not qualified) or (
        low_text.startswith(("a ", "an ")) and n.low == 1
    ):
        return "one / a: no count"
    if _NOT_COUNTS_AFTER.match(after) and not re.match(r"^\s*of (?:them|whom)", after):
        return "counts numbers, not anything in the story"
    if re.match(r"^\s*(?:of the|of its)\b", after) and re.search(r"\b(?:one|two)\s*$", low_text):
        return "one of: no count"
    if _DERIVED_AFTER.match(after) and re.match(
        r"^\s*(?:fewer|more|less)\s+than\s+(?:the\s+)?\d", after
    ):
        return "a difference the outlet works out"
    if re.match(r"^\s*(?:days?|hours?|weeks?)\s+(?:later|earlier|ago)\b", after):
        return "a delay, not a count"
    return None


def _read(s: str, n: StatedNumber, vocab: Vocab) -> Found | None:
    before = s[: n.start]
    start = n.start
    qualifier = None
    marker_words = ""
    # a currency sign before the number: "$90 mln"; a qualifier before both: "over $213 million"
    sign = None
    m = re.search(r"(US\$|\$|€|£)\s*$", before)
    if m:
        sign = _CURRENCY_BEFORE[m.group(1).lower()]
        start = m.start()
        before = s[:start]
    low_before = before.lower()
    for marker in _MARKERS:
        if re.search(rf"(?:^|[\s(—–-]){re.escape(marker)}\s+$", low_before):
            qualifier = QUALIFIER_MARKERS[marker]
            start = len(before.rstrip()) - len(marker)
            marker_words = marker
            break
    if qualifier == "between":
        qualifier = None
        start = n.start if sign is None else start
    end = n.end
    after = s[end:]
    unit, unit_end, unit_why = _unit(after, sign, vocab)
    words_end = end + unit_end if sign is None and unit_end else end
    words = s[start:words_end].strip()
    why: list[str] = []
    confidence = "high"
    if n.vague:
        qualifier = qualifier if qualifier in ("more_than", "at_least") else "vague"
        why.append(f"{n.text!r} is vague: coded as bot.claimset.numbers.VAGUE_CODING says")
    elif qualifier is None:
        if re.fullmatch(r"\d{1,3}(?:,000)+|\d+000", n.text):
            qualifier = "about"
            why.append("a bare round number: about")
            confidence = "medium"
        else:
            qualifier = "exact"
    else:
        why.append(f"qualifier from {marker_words!r}")
    measure = vocab.measures.get(unit, "count")
    try:
        low, high = expected_interval(qualifier, [n], unit, counted=measure == "count")
    except NumberError as exc:
        log.debug("no interval for %r: %s", words, exc)
        return None
    context = s[n.end : n.end + 90]
    window = s[max(0, n.start - 80) : n.end + 90]
    topic = _first(vocab.topics, context) or _first(vocab.topics, window)
    group_hit = _first_hit(vocab.groups, context)
    group = group_hit[1] if group_hit else None
    label = group_hit[0] if group_hit and group_hit[1] not in ("all",) else None
    place = _place(s[n.end : n.end + 40], vocab) or _place(s, vocab)
    increment = bool(_INCREMENT.match(after)) or bool(_INCREMENT_BEFORE.search(before))
    period = _PERIOD.search(s)
    # a part: "935 of them", "175 of the 225", "of whom 4,353", "among them 3,393"
    part = bool(_PART_AFTER.match(s[n.end :]) or _PART_BEFORE.search(s[:start]))
    lifecycle: list[tuple[str, str]] = []  # given out by find_figures, one figure per word
    if unit_why:
        why.append(unit_why)
    if topic is None:
        confidence = "low"
        why.append("no topic word near the number")
    scope = _scope(s, n, unit)
    return Found(
        n,
        words,
        start,
        qualifier,
        low,
        high,
        unit,
        topic,
        group,
        label,
        place,
        scope,
        increment,
        period.group() if period else None,
        part,
        lifecycle,
        why,
        confidence,
    )


def _unit(after: str, sign: str | None, vocab: Vocab) -> tuple[str, int, str]:
    """The unit after the number: a currency ("bln tenge"), a unit of the vocabulary
    ("businesses", "pieces of military equipment"), else people."""
    if sign:
        return sign, 0, "currency sign"
    m = re.match(
        r"^\s*(?:(?:bln|bn|mln|mn|billion|million|thousand|k)\s+)?(?P<cur>[A-Za-z]+)", after
    )
    if m and m["cur"].lower() in _CURRENCY_AFTER:
        return _CURRENCY_AFTER[m["cur"].lower()], m.end(), f"currency {m['cur']!r}"
    head = after[:60].lower()
    best: tuple[int, str] | None = None
    for alias, uid in vocab.units.items():
        if uid == "people" or vocab.measures.get(uid) not in ("count", "duration"):
            continue
        mm = re.search(rf"^\s*(?:[a-z'-]+\s+){{0,3}}?{re.escape(alias)}\b", head)
        if mm and (best is None or mm.end() < best[0]):
            best = (mm.end(), uid)
    if best is not None:
        return best[1], 0, f"unit {best[1]!r} from the words after the number"
    return (
        (
            "people"
            if "people" in vocab.measures or not vocab.measures
            else next(iter(vocab.measures))
        ),
        0,
        "",
    )


def _first(pairs: list[tuple[str, str]], text: str) -> str | None:
    hit = _first_hit(pairs, text)
    return hit[1] if hit else None


def _first_hit(pairs: list[tuple[str, str]], text: str) -> tuple[str, str] | None:
    low = text.lower()
    best: tuple[int, str, str] | None = None
    for words, ident in pairs:
        m = re.search(rf"\b{re.escape(words)}\b", low)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), text[m.start() : m.end()], ident)
    return (best[1], best[2]) if best else None


def _place(s: str, vocab: Vocab) -> str | None:
    for words, ident in vocab.places:
        if re.search(rf"\b{re.escape(words)}\b(?!['’]s\s+deputy)", s, re.I if " " in words else 0):
            if words.lower() == "almaty" and re.search(
                r"\bAlmaty\s+(?:region|oblast|province)\b", s, re.I
            ):
                continue
            return ident
    return None


def _scope(s: str, n: StatedNumber, unit: str) -> str:
    """What is counted, in the article's words: the words after the number up to a clause end."""
    tail = s[n.end :]
    m = re.match(r"^[^,;.()]{0,70}", tail)
    words = (m.group() if m else "").strip()
    words = re.sub(r"^(?:bln|bn|mln|mn|billion|million)\b\s*", "", words)
    return (f"{words}" if words else unit)[:100] or unit


def _is_equivalent(s: str, first: Found, second: Found) -> bool:
    money = {"KZT", "USD", "EUR", "RUB", "GBP"}
    if first.unit not in money or second.unit not in money or first.unit == second.unit:
        return False
    gap = s[first.number.end : second.start]
    return len(gap) < 40 and bool(
        re.match(
            r"^[\w\s]{0,12}(?:,|\(|, or|\sor|—|–)\s*(?:or\s+)?(?:roughly|some|about|around|over|more than|nearly)?\s*$",  # noqa: E501
            gap,
        )
    )
