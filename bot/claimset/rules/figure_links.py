"""Rules: a figure's links to other figures (revised_by, part_of, same_as, earlier_than) hold.

A link names another figure (never itself); a revision is of the same topic and unit
and not dated before what it revises; a breakdown's place and group lie within its
whole's; a restatement (same_as) names the first report, of the same topic and unit; an
undated earlier figure precedes a dated one; no chain of links runs in a circle. A
denial comes from the body the figure is credited to (its speaker).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.claimset.records import LoadState, Record
from bot.claimset.schema import Figure
from bot.claimset.vocabulary import within_or_same

log = logging.getLogger(__name__)

_LINKS = ("revised_by", "part_of", "same_as", "earlier_than")


def figure_links_hold(state: LoadState) -> None:
    """Each link of each figure, checked against the figure it names."""
    figures = {r.model.id: r.model for r in state.valid("figures")}
    places = {r.model.id: r.model.within for r in state.valid("places")}
    groups = {r.model.id: r.model.within for r in state.valid("groups")}
    for rec in state.valid("figures"):
        fig: Figure = rec.model
        if fig.revised_by or fig.part_of or fig.same_as or fig.earlier_than:
            _check_links(state, rec, fig, figures, places, groups)
        for i, event in enumerate(fig.lifecycle):
            if event.kind == "denied" and event.by is not None and event.by != fig.speaker:
                state.report_at(
                    rec,
                    ("lifecycle", i, "by"),
                    f"a denial comes from the body the figure is credited to: {event.by!r} is "
                    f"not its speaker ({fig.speaker!r}); a retraction by someone else is "
                    'kind = "retracted"',
                )
    for link in ("revised_by", "part_of"):
        _report_cycles(state, figures, link)


def _check_links(
    state: LoadState,
    rec: Record,
    fig: Figure,
    figures: dict[str, Figure],
    places: dict[str, str | None],
    groups: dict[str, str | None],
) -> None:
    for link in _LINKS:
        target_id = getattr(fig, link)
        if target_id is None:
            continue
        if target_id == fig.id:
            state.report_at(rec, (link,), "a figure cannot refer to itself")
            continue
        other = figures.get(target_id)
        if other is None:
            state.report_at(rec, (link,), f"unknown figure {target_id!r}")
            continue
        problem = _CHECKS[link](fig, other, places, groups)
        if problem:
            state.report_at(rec, (link,), problem)


def _revision(fig: Figure, later: Figure, _p: dict, _g: dict) -> str | None:
    if (later.topic, later.unit) != (fig.topic, fig.unit):
        return f"{later.id} counts {later.topic} in {later.unit}, this {fig.topic} in {fig.unit}"
    if fig.as_of and later.as_of and later.as_of < fig.as_of:
        return f"{later.id} is as of {later.as_of}, before this figure ({fig.as_of})"
    return None


def _breakdown(part: Figure, whole: Figure, places: dict, groups: dict) -> str | None:
    if part.unit != whole.unit:
        return f"{whole.id} is in {whole.unit}, this part in {part.unit}"
    if part.place and whole.place and not within_or_same(part.place, whole.place, places):
        return f"place {part.place!r} is not within {whole.id}'s place {whole.place!r}"
    if part.group and whole.group and not within_or_same(part.group, whole.group, groups):
        return f"group {part.group!r} is not within {whole.id}'s group {whole.group!r}"
    return None


def _restatement(fig: Figure, first: Figure, _p: dict, _g: dict) -> str | None:
    if (first.topic, first.unit) != (fig.topic, fig.unit):
        return f"{first.id} counts {first.topic} in {first.unit}, this {fig.topic} in {fig.unit}"
    if first.kind != fig.kind:
        return f"{first.id} is an {first.kind}, this figure a {fig.kind}"
    if first.same_as is not None:
        return f"{first.id} is itself the same as {first.same_as}: name the first report"
    return None


def _precedes(fig: Figure, later: Figure, _p: dict, _g: dict) -> str | None:
    if later.topic != fig.topic:
        return f"{later.id} counts {later.topic}, this figure {fig.topic}"
    if later.as_of is None and later.earlier_than is None:
        return f"{later.id} has no date either: name a dated figure this one precedes"
    return None


_CHECKS: dict[str, Callable[[Figure, Figure, dict, dict], str | None]] = {
    "revised_by": _revision,
    "part_of": _breakdown,
    "same_as": _restatement,
    "earlier_than": _precedes,
}


def _report_cycles(state: LoadState, figures: dict[str, Figure], link: str) -> None:
    """A chain of ``link`` that comes back to where it started, reported once per figure."""
    records = {r.model.id: r for r in state.valid("figures")}
    for start, fig in figures.items():
        seen = {start}
        nxt = getattr(fig, link)
        while nxt is not None and nxt in figures:
            if nxt == start:
                state.report_at(records[start], (link,), f"{link} runs in a circle back to {start}")
                break
            if nxt in seen:
                break
            seen.add(nxt)
            nxt = getattr(figures[nxt], link)
