"""The place and group vocabularies as trees: what lies within what, and what two share.

Places and groups each name the one that contains them (``within``): Almaty and Almaty
Region both lie within Kazakhstan, neither within the other; police lie within law
enforcement within the security forces within everyone. These functions take the
vocabulary as ``{id: within}`` (``ClaimSet.places``/``groups`` mapped to their ``within``)
so the rules and the answers read it the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

log = logging.getLogger(__name__)

Parents = Mapping[str, str | None]


def parents_of(records: Iterable[object]) -> dict[str, str | None]:
    """``{id: within}`` of places or groups."""
    return {r.id: r.within for r in records}  # type: ignore[attr-defined]


def lineage(item: str, parents: Parents) -> list[str]:
    """``item`` and everything it lies within, nearest first; stops at a loop."""
    out: list[str] = []
    current: str | None = item
    while current is not None and current not in out:
        out.append(current)
        current = parents.get(current)
    return out


def within_or_same(item: str, outer: str, parents: Parents) -> bool:
    """Whether ``item`` is ``outer`` or lies within it (Almaty within Kazakhstan: yes;
    Almaty within Almaty Region: no)."""
    return outer in lineage(item, parents)


def common(a: str, b: str, parents: Parents) -> str | None:
    """The nearest entry both lie within (or are): "attackers" and "demonstrators" ->
    "non-security"; None when they share nothing."""
    outer = set(lineage(b, parents))
    return next((x for x in lineage(a, parents) if x in outer), None)


def loops(parents: Parents) -> list[str]:
    """The ids whose ``within`` chain comes back to themselves."""
    return [item for item in parents if item in lineage(parents.get(item) or "", parents)]
