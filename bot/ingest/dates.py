"""Dates in an article: the byline or dateline date, and relative day words resolved against it."""

from __future__ import annotations

import datetime as dt
import logging
import re

log = logging.getLogger(__name__)

MONTHS = {
    m: i + 1
    for i, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
    for m in (name, name[:3], name[:4] if name == "september" else name[:3])
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"  # noqa: E501
_DAY_MONTH_YEAR = re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH}(?:,?\s+(?P<year>\d{{4}}))?\b", re.I)
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:,?\s+(?P<year>\d{{4}}))?\b", re.I)
_NUMERIC = re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>\d{4})\b")
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")

# Relative day words, as regexes; each resolves against the article's date.
_WEEKDAY = re.compile(
    r"\b(?:(?:on|last|by|since|from|until|early on|late on|early|late)\s+)?"
    r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:'s)?"
    r"(?:\s+(?:morning|afternoon|evening|night))?\b",
    re.I,
)
_DAY_BEFORE = re.compile(r"\b(?:the day before|the previous day|a day earlier)\b", re.I)
_YESTERDAY = re.compile(r"\byesterday\b", re.I)
_TODAY = re.compile(r"\b(?:today|this morning|tonight)\b", re.I)
_EARLIER = re.compile(
    r"\b(?:had earlier|earlier|previously|had previously|until then|before that|last week|"
    r"earlier this week)\b",
    re.I,
)


def byline_date(lines: list[str]) -> tuple[dt.date | None, str, str]:
    """The date in the article's first lines: (date, basis, note). The year, when not
    written, is left for :func:`infer_year`."""
    for line in lines[:4]:
        found = find_date(line)
        if found is not None:
            date, words, has_year = found
            if has_year:
                return date, "stated", f"stated in the byline: {words!r}"
            return date, "inferred", f"day and month stated ({words!r}); the year inferred"
    return None, "unknown", ""


def find_date(text: str, year: int = 2000) -> tuple[dt.date, str, bool] | None:
    """The first calendar date written in ``text``: (date, its words, whether a year was given).
    "10/01/2022" is read day first (the international order) and said so in the note."""
    for pattern in (_ISO, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _NUMERIC):
        m = pattern.search(text)
        if m is None:
            continue
        try:
            if pattern is _NUMERIC:
                day, month = int(m["a"]), int(m["b"])
                if month > 12:
                    day, month = month, day
            else:
                raw = m["month"].lower().rstrip(".")
                month = int(raw) if raw.isdigit() else MONTHS[raw[:3]]
                day = int(m["day"])
            y = int(m["year"]) if m["year"] else year
            return dt.date(y, month, day), m.group(), bool(m["year"])
        except (ValueError, KeyError):
            continue
    return None


def infer_year(date: dt.date, text: str, fallback: int | None) -> dt.date:
    """A date written without its year: the most common year written in the article, else
    ``fallback`` (the claim set's latest year), else the current year."""
    years = re.findall(r"\b(19\d\d|20\d\d)\b", text)
    year = max(set(years), key=years.count) if years else None
    chosen = int(year) if year else (fallback or dt.date.today().year)
    try:
        return date.replace(year=chosen)
    except ValueError:
        return date


def resolve_day(
    sentence: str, article: dt.date, previous: dt.date | None = None
) -> tuple[dt.date | None, str | None, str]:
    """The day a sentence dates its facts to: (date, the words, basis).

    "on Thursday" -> the latest Thursday on or before the article's date; "the day before"
    -> the day before the last date the article named (else the article's); "yesterday";
    a written date ("on 9 January"). Basis "stated"; "undated" when the sentence says the
    count is earlier ("earlier", "previously") and names no day; else None and "inferred".
    """
    m = _WEEKDAY.search(sentence)
    if m is not None:
        target = WEEKDAYS.index(m["wd"].lower())
        back = (article.weekday() - target) % 7
        return article - dt.timedelta(days=back), m.group().strip(), "stated"
    m = _DAY_BEFORE.search(sentence)
    if m is not None:
        return (previous or article) - dt.timedelta(days=1), m.group(), "stated"
    m = _YESTERDAY.search(sentence)
    if m is not None:
        return article - dt.timedelta(days=1), m.group(), "stated"
    m = _TODAY.search(sentence)
    if m is not None:
        return article, m.group(), "stated"
    found = find_date(sentence, article.year)
    if found is not None and found[0] <= article and not _is_period_start(sentence, found[1]):
        return found[0], found[1], "stated"
    m = _EARLIER.search(sentence)
    if m is not None:
        return None, m.group(), "undated"
    return None, None, "inferred"


def _is_period_start(sentence: str, words: str) -> bool:
    at = sentence.find(words)
    return bool(
        re.search(r"\b(?:since|began on|started on|from)\s*(?:on\s*)?$", sentence[:at], re.I)
    )


def earlier_words(sentence: str) -> str | None:
    m = _EARLIER.search(sentence)
    return m.group() if m else None
