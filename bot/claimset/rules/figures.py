"""Rule: a figure's ``words`` are in its quote and give its low and high under its qualifier."""

from __future__ import annotations

import functools
import logging

from bot.claimset.numbers import NumberError, interval_from_words, same_bound
from bot.claimset.problems import short
from bot.claimset.quotes import normalize_quote
from bot.claimset.records import LoadState
from bot.claimset.schema import Figure
from bot.formatting import format_interval

log = logging.getLogger(__name__)


def figure_words_give_bounds(state: LoadState) -> None:
    for rec in state.valid("figures"):
        fig: Figure = rec.model
        words = normalize_quote(fig.words)
        if words.casefold() not in normalize_quote(fig.quote).casefold():
            state.report_at(rec, ("words",), f"{short(fig.words)!r} is not in the figure's quote")
        try:
            low, high = _interval(fig.qualifier, fig.words, fig.unit)
        except NumberError as exc:
            state.report_at(rec, ("words",), str(exc))
            continue
        bad_low = not same_bound(low, fig.low)
        bad_high = not same_bound(high, fig.high)
        if not (bad_low or bad_high):
            continue
        loc = (
            ("low",) if bad_low and not bad_high else ("high",) if bad_high and not bad_low else ()
        )
        state.report(
            rec.file,
            rec.at(*loc),
            rec.kind,
            rec.label,
            "low" if loc == ("low",) else "high" if loc == ("high",) else "low/high",
            f"words {fig.words!r} with qualifier {fig.qualifier} give "
            f"{format_interval(low, high)}, the file says {format_interval(fig.low, fig.high)}"
            " (leave a key out for an open end)",
        )


@functools.lru_cache(maxsize=4096)
def _interval(qualifier: str, words: str, unit: str) -> tuple[float | None, float | None]:
    """:func:`interval_from_words`, once per distinct wording (many figures share one)."""
    low, high = interval_from_words(qualifier, words, unit)
    return low, high
