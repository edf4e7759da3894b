"""Rules: a figure's words are whole words of its quote, state its qualifier, give its low and
high, and count something; its unit is in the vocabulary; its dates are not after its source's.

The same checks cover the figure's stated equivalent in another unit or currency
(``equivalent``); its label, relative-date words and period words must be in its quote.
"""

from __future__ import annotations

import functools
import logging

from bot.claimset.numbers import (
    NumberError,
    find_words,
    interval_from_words,
    not_a_count,
    qualifier_problem,
    same_bound,
)
from bot.claimset.problems import short
from bot.claimset.quotes import normalize_quote
from bot.claimset.records import LoadState, Record
from bot.claimset.schema import Figure, Unit
from bot.formatting import format_interval

log = logging.getLogger(__name__)

Loc = tuple[str | int, ...]


def figure_words_give_bounds(state: LoadState) -> None:
    """The figure's words, and its equivalent's, against the quote and the bounds."""
    units = _units(state)
    for rec in state.valid("figures"):
        fig: Figure = rec.model
        quote = normalize_quote(fig.quote)
        _check_amount(
            state, rec, (), quote, fig.words, fig.qualifier, fig.unit, fig.low, fig.high, units
        )
        eq = fig.equivalent
        if eq is not None:
            eq_quote = normalize_quote(eq.quote) if eq.quote else quote
            _check_amount(
                state,
                rec,
                ("equivalent",),
                eq_quote,
                eq.words,
                eq.qualifier,
                eq.unit,
                eq.low,
                eq.high,
                units,
            )


def figure_words_in_quote(state: LoadState) -> None:
    """A figure's label, relative-date words and period words are whole words of its quote."""
    for rec in state.valid("figures"):
        fig: Figure = rec.model
        if fig.label is None and fig.as_of_words is None and fig.period is None:
            continue  # the common case
        quote = normalize_quote(fig.quote)
        for loc, words in (
            (("label",), fig.label),
            (("as_of_words",), fig.as_of_words),
            (("period", "words"), fig.period.words if fig.period else None),
        ):
            if words is not None and find_words(normalize_quote(words), quote) is None:
                state.report_at(rec, loc, f"{short(words)!r} is not in the figure's quote")


def figure_units_known(state: LoadState) -> None:
    """Each unit (and each equivalent's) is a unit id of the vocabulary, when there is one."""
    units = _units(state)
    if not units:
        return
    aliases = {a.casefold(): u.id for u in units.values() for a in (u.label, *u.aliases)}
    ids = {uid.casefold(): uid for uid in units}
    for rec in state.valid("figures"):
        fig: Figure = rec.model
        for loc, unit in ((("unit",), fig.unit), (("equivalent", "unit"), _eq_unit(fig))):
            if unit is None or unit in units:
                continue
            known = ids.get(unit.casefold()) or aliases.get(unit.casefold())
            if known is not None:
                state.report_at(
                    rec,
                    loc,
                    f"unit {unit!r} is written {known!r} in the units "
                    f"vocabulary: write unit = {known!r}",
                )
            else:
                state.report_at(
                    rec,
                    loc,
                    f"unknown unit {unit!r}: add it to the units "
                    f"vocabulary or use one of {_listed(units)}",
                )


def figure_dates_fit_source(state: LoadState) -> None:
    """No date of a figure is after its source's publication date (nor an event's after
    the publication of the source that reports it); an increment says its period (or is
    the same as one that does)."""
    published = {r.model.id: r.model.published for r in state.valid("sources")}
    for rec in state.valid("figures"):
        fig: Figure = rec.model
        day = published.get(fig.source)
        if fig.kind == "increment" and fig.period is None and fig.same_as is None:
            state.report_at(
                rec,
                ("kind",),
                "an increment needs its period ([figures.period]: "
                "what it adds over, e.g. 'in the previous 24 hours')",
            )
        if day is None:
            continue
        dates: list[tuple[Loc, object]] = [
            (("as_of",), fig.as_of),
            (("period", "end"), fig.period.end if fig.period else None),
            (("period", "start"), fig.period.start if fig.period else None),
            (("equivalent", "rate_on"), fig.equivalent.rate_on if fig.equivalent else None),
        ]
        for loc, when in dates:
            if when is not None and when > day:  # type: ignore[operator]
                state.report_at(rec, loc, f"{when} is after source {fig.source}'s date ({day})")
        for i, event in enumerate(fig.lifecycle):
            eday = published.get(event.source)
            if event.on is not None and eday is not None and event.on > eday:
                state.report_at(
                    rec,
                    ("lifecycle", i, "on"),
                    f"{event.on} is after source {event.source}'s date ({eday})",
                )


def _check_amount(
    state: LoadState,
    rec: Record,
    at: Loc,
    quote: str,
    words: str,
    qualifier: str,
    unit: str,
    low: float | None,
    high: float | None,
    units: dict[str, Unit],
) -> None:
    """One amount: its words in the quote, its qualifier and its bounds."""
    where = find_words(normalize_quote(words), quote)
    if where is None:
        inside = normalize_quote(words).casefold() in quote.casefold()
        why = "only inside longer words or numbers" if inside else "not in the figure's quote"
        state.report_at(rec, (*at, "words"), f"{short(words)!r} is {why}")
    else:
        odd = not_a_count(words, quote, where)
        if odd is not None:
            state.report_at(rec, (*at, "words"), odd)
    wrong_qualifier = _qualifier_problem(words, qualifier)
    if wrong_qualifier is not None:
        state.report_at(rec, (*at, "qualifier"), wrong_qualifier)
    known = units.get(unit)
    counted = None if known is None else known.measure == "count"
    try:
        want_low, want_high = _interval(qualifier, words, unit, counted)
    except NumberError as exc:
        state.report_at(rec, (*at, "words"), str(exc))
        return
    bad_low = not same_bound(want_low, low)
    bad_high = not same_bound(want_high, high)
    if not (bad_low or bad_high):
        return
    name = "low" if not bad_high else "high" if not bad_low else None
    state.report(
        rec.file,
        rec.at(*at, *((name,) if name else ())),
        rec.kind,
        rec.label,
        ".".join([*(str(a) for a in at), name or "low/high"]),
        f"words {words!r} with qualifier {qualifier} give {format_interval(want_low, want_high)}"
        f", the file says {format_interval(low, high)} (leave a key out for an open end)",
    )


def _units(state: LoadState) -> dict[str, Unit]:
    return {r.model.id: r.model for r in state.valid("units")}


def _eq_unit(fig: Figure) -> str | None:
    return fig.equivalent.unit if fig.equivalent is not None else None


def _listed(units: dict[str, Unit]) -> str:
    names = sorted(units)
    return ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")


@functools.lru_cache(maxsize=4096)
def _interval(
    qualifier: str, words: str, unit: str, counted: bool | None
) -> tuple[float | None, float | None]:
    """:func:`interval_from_words`, once per distinct wording (many figures share one)."""
    low, high = interval_from_words(qualifier, words, unit, counted)
    return low, high


@functools.lru_cache(maxsize=4096)
def _qualifier_problem(words: str, qualifier: str) -> str | None:
    return qualifier_problem(words, qualifier)
