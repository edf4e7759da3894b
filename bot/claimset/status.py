"""The evidence-status vocabulary: one fixed list, each with a label, a colour and an emoji.

Derived statuses are worked out from the sources and written in the claim files with
their rationale; editorial statuses are set only by an editor, in the database.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class EvidenceStatus(StrEnum):
    # Derived from the sources.
    SINGLE_SOURCE = "single_source"
    CORROBORATED = "corroborated"
    DISPUTED = "disputed"
    NO_EVIDENCE = "no_evidence"
    # Set by an editor.
    IN_REVIEW = "in_review"
    CONFIRMED = "confirmed"
    MISLEADING = "misleading"
    FALSE = "false"


class StatusStyle(NamedTuple):
    label: str
    colour: int  # 0xRRGGBB, for embeds
    emoji: str
    meaning: str


DERIVED_STATUSES: frozenset[EvidenceStatus] = frozenset(
    {
        EvidenceStatus.SINGLE_SOURCE,
        EvidenceStatus.CORROBORATED,
        EvidenceStatus.DISPUTED,
        EvidenceStatus.NO_EVIDENCE,
    }
)
EDITORIAL_STATUSES: frozenset[EvidenceStatus] = frozenset(set(EvidenceStatus) - DERIVED_STATUSES)

STYLES: dict[EvidenceStatus, StatusStyle] = {
    EvidenceStatus.SINGLE_SOURCE: StatusStyle(
        "Single source", 0xF1C40F, "🟡", "one independent origin reports it"
    ),
    EvidenceStatus.CORROBORATED: StatusStyle(
        "Corroborated", 0x2ECC71, "🟢", "two or more independent origins agree, nothing contradicts"
    ),
    EvidenceStatus.DISPUTED: StatusStyle(
        "Disputed", 0xE67E22, "🟠", "sources conflict"
    ),
    EvidenceStatus.NO_EVIDENCE: StatusStyle(
        "No evidence presented", 0x95A5A6, "⚪", "a source says no evidence was presented"
    ),
    EvidenceStatus.IN_REVIEW: StatusStyle(
        "In review", 0x3498DB, "🔵", "an editor is reviewing it"
    ),
    EvidenceStatus.CONFIRMED: StatusStyle(
        "Confirmed", 0x1F8B4C, "✅", "an editor confirmed it"
    ),
    EvidenceStatus.MISLEADING: StatusStyle(
        "Misleading", 0xAD1457, "⚠️", "an editor ruled it misleading"
    ),
    EvidenceStatus.FALSE: StatusStyle(
        "False", 0xE74C3C, "❌", "an editor ruled it false"
    ),
}


def style(status: EvidenceStatus | str) -> StatusStyle:
    return STYLES[EvidenceStatus(status)]
