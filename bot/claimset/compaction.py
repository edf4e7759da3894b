"""Memory compaction of a loaded claim set: equal strings, dates, field sets and lists shared.

In a large set most values repeat (speakers, kinds, dates, sources, topic lists): one
object for each distinct value keeps the loaded set smaller. Called by
:mod:`bot.claimset.tables` on each file's models as they are validated.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from bot.claimset.schema import Claim, Figure

log = logging.getLogger(__name__)

_FIELDS_SET = BaseModel.__dict__["__pydantic_fields_set__"]


class Compactor:
    """Shares what many records repeat: equal strings and dates become one object,
    equal sets of given fields (pydantic keeps one set per model) one set, and equal
    lists of a claim (its topics; an empty via, basis, supported_by, disputed_by) one
    list. Models are frozen and nothing changes their lists in place; a copy with
    changes (``model_copy``) copies the field set before it adds to it."""

    def __init__(self) -> None:
        self.values: dict[Any, Any] = {}
        self.sets: dict[frozenset[str], set[str]] = {}
        self.lists: dict[tuple[str, ...], list[str]] = {}

    def share_set(self, model: BaseModel) -> None:
        given = _FIELDS_SET.__get__(model)
        shared = self.sets.setdefault(frozenset(given), given)
        if shared is not given:
            _FIELDS_SET.__set__(model, shared)

    def set_sharer(self) -> Callable[[BaseModel], None]:
        """share_set for a run of models of one kind: most hold the same fields as the
        one before, which a set comparison tells without building a key."""
        last: set[str] = set()
        get, put, sets = _FIELDS_SET.__get__, _FIELDS_SET.__set__, self.sets

        def share(model: BaseModel) -> None:
            nonlocal last
            given = get(model)
            if given != last:
                last = sets.setdefault(frozenset(given), given)
            if given is not last:
                put(model, last)

        return share

    def claims(self, claims: list[Claim]) -> None:
        # Fields are read and set through each model's __dict__ (where pydantic keeps
        # them): the same values as attribute access, without its lookup per field.
        v = self.values.setdefault
        same = self.lists.setdefault
        empty = same((), [])
        share_claim, share_att, share_ev = self.set_sharer(), self.set_sharer(), self.set_sharer()
        share = self.share_set
        for claim in claims:
            share_claim(claim)
            d = claim.__dict__
            value = d["speaker"]
            d["speaker"] = v(value, value)
            value = d["kind"]
            d["kind"] = v(value, value)
            value = d["said_on"]
            if value is not None:
                d["said_on"] = v(value, value)
            topics = d["topics"]
            for i, t in enumerate(topics):
                topics[i] = v(t, t)
            d["topics"] = same(tuple(topics), topics)
            for att in d["attributions"]:
                share_att(att)
                a = att.__dict__
                value = a["source"]
                a["source"] = v(value, value)
                via = a["via"]
                if via:
                    for i, link in enumerate(via):
                        via[i] = v(link, link)
                else:
                    a["via"] = empty
                value = a["said_on"]
                if value is not None:
                    a["said_on"] = v(value, value)
            ev = d["evidence"]
            share_ev(ev)
            e = ev.__dict__
            value = e["rationale"]
            e["rationale"] = v(value, value)
            basis = e["basis"]
            if basis:
                for q in basis:
                    share(q)
                    value = q.__dict__["source"]
                    q.__dict__["source"] = v(value, value)
            else:
                e["basis"] = empty
            if not e["supported_by"]:
                e["supported_by"] = empty
            if not e["disputed_by"]:
                e["disputed_by"] = empty

    def figures(self, figures: list[Figure]) -> None:
        v = self.values.setdefault
        for fig in figures:
            self.share_set(fig)
            d = fig.__dict__
            for key in (
                "topic", "scope", "qualifier", "words", "unit", "speaker", "source", "group",
                "place", "kind",
            ):  # fmt: skip
                value = d[key]
                if value is not None:
                    d[key] = v(value, value)
            if fig.as_of is not None:
                d["as_of"] = v(fig.as_of, fig.as_of)
            via = fig.via
            for i, link in enumerate(via):
                via[i] = v(link, link)
            if not via:
                d["via"] = self.lists.setdefault((), [])
            if not fig.lifecycle:
                d["lifecycle"] = self.lists.setdefault((), [])

    def compact(self, array: str, models: list[Any]) -> None:
        """Compact the models just read from one file's ``array``."""
        if array == "claims":
            self.claims(models)
        elif array == "figures":
            self.figures(models)
