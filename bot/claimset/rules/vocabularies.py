"""Rules: places and groups form trees (each ``within`` resolves, none in a circle), and
every figure's place and group is in them; spellings are unique within each vocabulary."""

from __future__ import annotations

import logging

from bot.claimset.records import LoadState
from bot.claimset.schema import Figure
from bot.claimset.vocabulary import loops, parents_of

log = logging.getLogger(__name__)

_TREES = (("places", "place"), ("groups", "group"))


def vocabularies_are_trees(state: LoadState) -> None:
    """Each place's and group's ``within`` names another of its kind; none loops."""
    for array, what in _TREES:
        records = list(state.valid(array))
        parents = parents_of(r.model for r in records)
        circular = set(loops(parents))
        for rec in records:
            outer = rec.model.within
            if outer is None:
                continue
            if outer not in parents:
                state.report_at(rec, ("within",), f"unknown {what} {outer!r}")
            elif rec.model.id in circular:
                state.report_at(rec, ("within",), f"{what}s are within each other in a circle")


def figure_vocabularies_resolve(state: LoadState) -> None:
    """A figure's place and group are ids of the places and groups vocabularies."""
    places = {r.model.id for r in state.valid("places")}
    groups = {r.model.id for r in state.valid("groups")}
    for rec in state.valid("figures"):
        fig: Figure = rec.model
        for field, value, known in (("place", fig.place, places), ("group", fig.group, groups)):
            if value is None or value in known:
                continue
            if not known:
                state.report_at(
                    rec,
                    (field,),
                    f"{field} {value!r} but the claim set has no "
                    f"{field}s vocabulary ({field}s = [...] in "
                    "claimset.toml)",
                )
            else:
                state.report_at(rec, (field,), f"unknown {field} {value!r}")
