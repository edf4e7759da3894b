"""Rule: each claim's evidence status fits its record; one function per derived status.

A new evidence status that a claim file may carry gets its consistency rule here: a
function ``(state, rec, claim, claimset)`` that reports what does not fit, entered in
STATUS_RULES. A status with no entry has no rule beyond the schema. Origins are counted
by :mod:`bot.claimset.origins`, the same rule the answers show.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.claimset.model import ClaimSet
from bot.claimset.origins import content_origin_count, content_origins
from bot.claimset.records import LoadState, Record
from bot.claimset.schema import Claim
from bot.claimset.status import EvidenceStatus

log = logging.getLogger(__name__)

StatusRule = Callable[[LoadState, Record, Claim, ClaimSet], None]


def status_fits_record(state: LoadState) -> None:
    """Each valid claim (the first of its id) against its status's rule."""
    claimset = state.claimset
    if claimset is None:
        return
    claims = claimset.claims
    for rec in state.valid("claims"):
        claim: Claim = rec.model
        if claims.get(claim.id) is not claim:
            continue  # a duplicate id, reported already
        rule = STATUS_RULES.get(claim.evidence.status)
        if rule is not None:
            rule(state, rec, claim, claimset)


def no_evidence(state: LoadState, rec: Record, claim: Claim, claimset: ClaimSet) -> None:
    if not claim.evidence.basis:
        state.report_at(
            rec,
            ("evidence", "basis"),
            "status no_evidence needs a basis: the sentence in which a "
            "source says no evidence was presented",
        )


def disputed(state: LoadState, rec: Record, claim: Claim, claimset: ClaimSet) -> None:
    if not claim.evidence.disputed_by:
        state.report_at(
            rec,
            ("evidence", "disputed_by"),
            "status disputed needs disputed_by: the claims or figures that contradict it",
        )


def corroborated(state: LoadState, rec: Record, claim: Claim, claimset: ClaimSet) -> None:
    if claim.evidence.disputed_by:
        state.report_at(
            rec,
            ("evidence", "disputed_by"),
            "a corroborated claim has nothing contradicting it; with "
            "disputed_by set, the status is disputed",
        )
    if _backers_known(claim, claimset) and content_origin_count(claim, claimset) < 2:
        state.report_at(
            rec,
            ("evidence", "status"),
            f"corroborated needs two or more independent origins, the "
            f"content has {_origins(claim, claimset)}",
        )


def single_source(state: LoadState, rec: Record, claim: Claim, claimset: ClaimSet) -> None:
    n = content_origin_count(claim, claimset)
    if n > 1 or (not n and _backers_known(claim, claimset)):
        state.report_at(
            rec,
            ("evidence", "status"),
            f"single_source needs exactly one independent origin, the "
            f"content has {_origins(claim, claimset)}",
        )


STATUS_RULES: dict[EvidenceStatus, StatusRule] = {
    EvidenceStatus.SINGLE_SOURCE: single_source,
    EvidenceStatus.CORROBORATED: corroborated,
    EvidenceStatus.DISPUTED: disputed,
    EvidenceStatus.NO_EVIDENCE: no_evidence,
}


def _backers_known(claim: Claim, claimset: ClaimSet) -> bool:
    """Whether every claim in supported_by loaded: with an unknown or invalid backer
    (reported already), no status is judged by an origin count that may fall short."""
    return all(cid in claimset.claims for cid in claim.evidence.supported_by)


def _origins(claim: Claim, claimset: ClaimSet) -> str:
    origins = content_origins(claim, claimset)
    n = len(origins)
    return f"{n} ({', '.join(origins)})" if n else "none"
