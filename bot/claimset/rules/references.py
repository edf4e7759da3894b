"""Rule: every reference resolves (speakers, topics, sources, supported_by, disputed_by, and a
figure's lifecycle and converter; links between figures: rules/figure_links.py).

An unknown id is reported with the nearest id written, if one is near; a claim may not
refer to itself. Ids are matched against every record written, valid or not: a
reference to an invalid record is not reported twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from itertools import chain

from rapidfuzz import process

from bot.claimset.records import LoadState, Record
from bot.claimset.schema import Claim, Figure

log = logging.getLogger(__name__)


class _Written:
    """The ids written in a set of arrays, valid record or not, each set found once."""

    def __init__(self, state: LoadState) -> None:
        self.state = state
        self._ids: dict[tuple[str, ...], set[str]] = {}
        self._choices: dict[tuple[str, ...], list[str]] = {}

    def ids(self, arrays: tuple[str, ...]) -> set[str]:
        if arrays not in self._ids:
            ids: set[str] = set()
            for array in arrays:
                for r in self.state.records.get(array, []):
                    rid = r.rid
                    if rid:
                        ids.add(rid)
            self._ids[arrays] = ids
        return self._ids[arrays]

    def check(
        self,
        rec: Record,
        loc: tuple[str | int, ...],
        value: str | None,
        what: str,
        arrays: tuple[str, ...],
    ) -> None:
        """Report ``value`` at ``loc`` unless it names a record of ``arrays`` (not ``rec``)."""
        if value is None:
            return
        written = self.ids(arrays)
        if value in written:
            if value == rec.model.id and rec.array in arrays:
                self.state.report_at(rec, loc, f"a {rec.kind} cannot refer to itself")
            return
        choices = self._choices.setdefault(arrays, sorted(written))
        hint = process.extractOne(value, choices, score_cutoff=70) if choices else None
        suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
        self.state.report_at(rec, loc, f"unknown {what} {value!r}{suggestion}")


def references_resolve(state: LoadState) -> None:
    written = _Written(state)
    speakers = written.ids(("speakers",))
    topics = written.ids(("topics",))
    sources = written.ids(("sources",))
    claims = written.ids(("claims",))
    either = written.ids(("claims", "figures"))
    models: list[Claim] = [r.model for r in state.valid("claims")]
    if _claim_references_resolve(models, speakers, topics, sources, claims, either):
        claim_records: Iterable[Record] = ()
    else:
        claim_records = state.valid("claims")
    for rec in claim_records:
        claim: Claim = rec.model
        ev = claim.evidence
        # the common case at once: every reference resolves and none is the claim itself
        if (
            claim.speaker in speakers
            and all(t in topics for t in claim.topics)
            and all(a.source in sources for a in claim.attributions)
            and all(q.source in sources for q in ev.basis)
            and all(c in claims and c != claim.id for c in ev.supported_by)
            and all(c in either and c != claim.id for c in ev.disputed_by)
        ):
            continue
        _check_claim(written, rec, claim)
    for rec in state.valid("figures"):
        fig: Figure = rec.model
        if (
            fig.topic in topics
            and (fig.speaker is None or fig.speaker in speakers)
            and fig.source in sources
            and not fig.lifecycle
            and (fig.equivalent is None or fig.equivalent.converted_by is None)
        ):
            continue
        written.check(rec, ("topic",), fig.topic, "topic", ("topics",))
        written.check(rec, ("speaker",), fig.speaker, "speaker", ("speakers",))
        written.check(rec, ("source",), fig.source, "source", ("sources",))
        for i, event in enumerate(fig.lifecycle):
            written.check(rec, ("lifecycle", i, "by"), event.by, "speaker", ("speakers",))
            written.check(rec, ("lifecycle", i, "source"), event.source, "source", ("sources",))
        if fig.equivalent is not None:
            written.check(rec, ("equivalent", "converted_by"), fig.equivalent.converted_by,
                          "speaker", ("speakers",))


def _check_claim(written: _Written, rec: Record, claim: Claim) -> None:
    """Each reference of one claim, in the order its fields are written."""
    ev = claim.evidence
    written.check(rec, ("speaker",), claim.speaker, "speaker", ("speakers",))
    for i, topic in enumerate(claim.topics):
        written.check(rec, ("topics", i), topic, "topic", ("topics",))
    for i, att in enumerate(claim.attributions):
        written.check(rec, ("attributions", i, "source"), att.source, "source", ("sources",))
    for i, q in enumerate(ev.basis):
        written.check(rec, ("evidence", "basis", i, "source"), q.source, "source", ("sources",))
    for i, cid in enumerate(ev.supported_by):
        written.check(rec, ("evidence", "supported_by", i), cid, "claim", ("claims",))
    for i, cid in enumerate(ev.disputed_by):
        written.check(
            rec, ("evidence", "disputed_by", i), cid, "claim or figure", ("claims", "figures")
        )


def _claim_references_resolve(
    models: list[Claim],
    speakers: set[str],
    topics: set[str],
    sources: set[str],
    claims: set[str],
    either: set[str],
) -> bool:
    """Whether every reference of every valid claim resolves, none to the claim
    itself: the whole set at once, in a few set operations (nearly always true)."""
    if not {c.speaker for c in models} <= speakers:
        return False
    if not set(chain.from_iterable([c.topics for c in models])) <= topics:
        return False
    if not {a.source for c in models for a in c.attributions} <= sources:
        return False
    evidence = [c.evidence for c in models]
    if not {q.source for ev in evidence for q in ev.basis} <= sources:
        return False
    for claim, ev in zip(models, evidence, strict=True):
        if ev.supported_by and (
            claim.id in ev.supported_by or not claims.issuperset(ev.supported_by)
        ):
            return False
        if ev.disputed_by and (claim.id in ev.disputed_by or not either.issuperset(ev.disputed_by)):
            return False
    return True
