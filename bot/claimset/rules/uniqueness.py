"""Rules: ids are unique per kind and across claims and figures; speaker spellings are unique."""

from __future__ import annotations

import logging

from bot.claimset.records import ARRAYS, LoadState, Record

log = logging.getLogger(__name__)


def ids_are_unique(state: LoadState) -> None:
    """One record per id and kind, one source per text file, and no figure with a
    claim's id (disputed_by names either)."""
    for array in ARRAYS:
        first: dict[str, Record] = {}
        for rec in state.valid(array):
            rid = rec.model.id
            if first.setdefault(rid, rec) is not rec:
                state.report_at(
                    rec, ("id",), f"duplicate id; first used at {state.where(first[rid])}"
                )
    files: dict[str, Record] = {}
    for rec in state.valid("sources"):
        name = rec.model.file
        if name in files:
            state.report_at(rec, ("file",), f"file also listed by source {files[name].label}")
        else:
            files[name] = rec
    figures = state.records.get("figures")
    claims = {r.model.id: r for r in state.valid("claims")} if figures else {}
    for rec in state.valid("figures"):
        other = claims.get(rec.model.id)
        if other is not None:
            state.report_at(
                rec,
                ("id",),
                f"id also used by claim at {state.where(other)}; claims and figures share "
                "one id space (disputed_by names either)",
            )


# Each vocabulary whose spellings must be unique: array -> the field of the first spelling.
_SPELLED = {"speakers": "name", "places": "name", "groups": "label", "units": "label"}


def spellings_are_unique(state: LoadState) -> None:
    """No two speakers (places, groups, units) share a name or alias, case aside: "Almaty"
    names one place, and "Almaty Oblast" another."""
    for array, first in _SPELLED.items():
        _unique_in(state, array, first)


def _unique_in(state: LoadState, array: str, first: str) -> None:
    seen: dict[str, tuple[str, str]] = {}  # casefolded spelling -> (record id, spelling)
    for rec in state.valid(array):
        item, kind = rec.model, rec.kind
        for i, spelling in enumerate([getattr(item, first), *item.aliases]):
            loc: tuple[str | int, ...] = (first,) if i == 0 else ("aliases", i - 1)
            key = " ".join(spelling.split()).casefold()
            if key in seen:
                owner, as_written = seen[key]
                if owner == item.id:
                    state.report_at(rec, loc, f"{spelling!r} is listed twice (case aside)")
                else:
                    state.report_at(
                        rec,
                        loc,
                        f"{spelling!r} is also a spelling of {kind} {owner} "
                        f"({as_written!r}); spellings must be unique, case aside",
                    )
            else:
                seen[key] = (item.id, spelling)
