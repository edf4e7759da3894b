"""What the desk's record holds: the row models every store returns, and its one error.

Plain pydantic, frozen (the CLI prints them with ``--json``). They belong to no database:
the SQLite store builds them from rows, a second store would build the same ones.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.answers.models import EditorialRuling
from bot.claimset.status import EDITORIAL_STATUSES, EvidenceStatus
from bot.errors import FactdeskError

log = logging.getLogger(__name__)

CLEAR = "clear"  # a ruling row that returns the claim to its derived status

DigestRunState = Literal["sending", "sent", "skipped", "failed", "abandoned"]


class StoreError(FactdeskError):
    """The database cannot be used as is (newer schema, not a database, cannot open), or
    a write it refuses (not an editorial status, an empty author...)."""


def editorial_value(status: EvidenceStatus | str) -> str:
    """``status`` as stored: an editorial status's value or ``"clear"``; else StoreError."""
    value = str(getattr(status, "value", status)).strip().lower()
    if value == CLEAR:
        return CLEAR
    try:
        parsed = EvidenceStatus(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed not in EDITORIAL_STATUSES:
        allowed = ", ".join(sorted(s.value for s in EDITORIAL_STATUSES))
        raise StoreError(f"status: {value!r} is not an editorial status ({allowed}, or clear)")
    return parsed.value


def checked_ruling(status: EvidenceStatus | str, reason: str, by: str) -> tuple[str, str, str]:
    """A ruling's (status as stored, reason, author), trimmed; StoreError when refused."""
    value = editorial_value(status)
    reason, by = reason.strip(), by.strip()
    if not by:
        raise StoreError("status: who made the change (--by) is empty")
    if value != CLEAR and not reason:
        raise StoreError("status: the reason is empty")
    return value, reason, by


def checked_note(text: str, by: str) -> tuple[str, str]:
    """A note's (text, author), trimmed; StoreError when either is empty."""
    text, by = text.strip(), by.strip()
    if not text:
        raise StoreError("note: the text is empty")
    if not by:
        raise StoreError("note: who wrote it (--by) is empty")
    return text, by


def checked_decisions(
    accepted: list[str], rejected: list[str], by: str
) -> tuple[str, list[tuple[str, str]]]:
    """A draft decision's author, trimmed, and its (item, "accepted"|"rejected") rows in
    the order they are recorded; StoreError when the author is empty."""
    by = by.strip()
    if not by:
        raise StoreError("drafts: who decides (--by) is empty")
    return by, [(i, "accepted") for i in accepted] + [(i, "rejected") for i in rejected]


def items_hash(hashes: Mapping[str, str]) -> tuple[str, list[tuple[str, str]]]:
    """A digest snapshot's items, sorted, and the hash that names that item set."""
    items = sorted(hashes.items())
    return hashlib.sha256("\n".join(f"{k}\t{v}" for k, v in items).encode()).hexdigest(), items


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# -- editorial -------------------------------------------------------------------------


class RulingChange(_Record):
    """One row of a claim's audit trail: who, when, from, to, reason."""

    id: int
    claim_id: str
    status: EvidenceStatus | Literal["clear"]  # "clear": back to the derived status
    previous: EvidenceStatus | None  # None: it was on its derived status
    reason: str
    by: str
    by_id: int | None
    at: dt.datetime

    def as_ruling(self) -> EditorialRuling | None:
        if self.status == CLEAR:
            return None
        return EditorialRuling(status=self.status, by=self.by, at=self.at, reason=self.reason)


class Note(_Record):
    id: int
    claim_id: str
    text: str
    by: str
    by_id: int | None
    at: dt.datetime


class Feedback(_Record):
    """A "Wrong match" report (or another kind of feedback) from a user."""

    id: int
    kind: str
    command: str
    query: str
    claim_id: str | None
    user_id: int | None
    user_name: str
    guild_id: int | None
    channel_id: int | None
    comment: str
    at: dt.datetime


# -- digest ----------------------------------------------------------------------------


class DigestSnapshot(_Record):
    id: int
    claimset: str
    ruling_cursor: int  # rulings rows with a higher id came after the snapshot
    taken_at: dt.datetime
    hashes: dict[str, str]  # "claim:<id>" -> content hash


class DigestSubscription(_Record):
    id: int
    guild_id: int | None
    channel_id: int
    time: str  # "08:00", local
    timezone: str  # IANA name
    post_when_empty: bool
    active: bool
    active_from: dt.datetime  # periods due before this are not owed
    baseline_snapshot_id: int  # what the next digest is measured against
    created_by: str  # who set it last: an editor's name, or "config.toml"
    created_at: dt.datetime
    updated_at: dt.datetime


class DigestRun(_Record):
    id: int
    subscription_id: int
    period: dt.date  # the local date the digest is for
    state: DigestRunState
    payload: list[str]  # the message contents, fixed before the first send
    snapshot_id: int
    since_snapshot_id: int
    attempts: int
    last_error: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    message_id: int | None  # the first message, once sent
    messages: dict[int, int]  # part -> message id, for the parts already sent


# -- ingest drafts -----------------------------------------------------------------------


class DraftRow(_Record):
    """A stored draft: the article's draft as JSON (``payload``) and its review state."""

    id: str
    text_sha256: str
    claimset: str
    name: str
    payload: str
    state: Literal["open", "accepted", "rejected", "partial"]
    created_by: str
    created_at: dt.datetime


class DraftDecision(_Record):
    """One row of the ingest audit trail: who accepted or rejected which drafted item."""

    id: int
    draft_id: str
    item: str
    decision: Literal["accepted", "rejected"]
    by: str
    at: dt.datetime


class IngestAlert(_Record):
    """A verdict-change alert for one digest channel: fixed before it is sent, sent once."""

    id: int
    key: str  # what it is about: "<draft>:<topic>:<first figure>"
    guild_id: int | None
    channel_id: int
    content: str
    state: Literal["pending", "sent", "failed"]
    attempts: int
    last_error: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    message_id: int | None
