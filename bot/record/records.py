"""What the desk's record holds: the row models every store returns, and its one error.

Plain pydantic, frozen (the CLI prints them with ``--json``). They belong to no database:
the SQLite store builds them from rows, a second store would build the same ones.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict

from bot.answers.models import EditorialRuling
from bot.claimset.status import EDITORIAL_STATUSES, EvidenceStatus
from bot.errors import FactdeskError

log = logging.getLogger(__name__)

CLEAR = "clear"  # a ruling row that returns the claim to its derived status

DEFAULT_STORY = "default"  # the story of records written before stories (migration 4)
NO_GUILD = 0  # the desk-wide record: the CLI, the console, records from before stories


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose record a store view reads and writes: one story, one server.

    A server (``guild`` > 0) sees its own rows of the story and the desk-wide ones
    (``guild`` 0: written by the CLI or the console, or before stories), never another
    server's; the desk-wide view (``guild`` 0) sees only the desk-wide rows.
    """

    story: str = DEFAULT_STORY
    guild: int = NO_GUILD

    def __str__(self) -> str:
        return f"story {self.story}" + (f", server {self.guild}" if self.guild else "")


DEFAULT_SCOPE = Scope()


def scope_condition(
    scope: Scope, story_mark: str, guild_mark: str, *, nullable_guild: bool = False
) -> tuple[str, tuple[str, int]]:
    """The SQL condition for the rows ``scope`` sees (its story's rows of its server and
    the desk-wide ones, guild 0) and its two parameters, with each database's marks."""
    guild = "coalesce(guild_id, 0)" if nullable_guild else "guild_id"
    return f"story = {story_mark} AND {guild} IN (0, {guild_mark})", (scope.story, scope.guild)


def already_drafted(draft_id: str) -> StoreError:
    """The refusal of a text drafted before in the same scope (its story, on its server or
    desk-wide): a text is drafted once per story and server, so the earlier draft is one
    this scope sees, and is named. Another story's or server's draft is never looked at."""
    return StoreError(f"this text was already ingested as draft {draft_id}")


def checked_story_default(
    guild_id: int, channel_id: int, story: str, by: str
) -> tuple[str, str]:
    """A story default's (story, author), trimmed; StoreError when refused."""
    story, by = story.strip(), by.strip()
    if guild_id <= 0 or channel_id < 0:
        raise StoreError("story default: a server (and optionally a channel) is needed")
    if not story:
        raise StoreError("story default: the story is empty")
    if not by:
        raise StoreError("story default: who set it (--by) is empty")
    return story, by


def feedback_guild(scope: Scope, guild_id: int | None) -> int | None:
    """The server a feedback row is stored under: the one given, else the scope's
    (None for the desk-wide scope, as before stories)."""
    if guild_id is not None:
        return guild_id
    return scope.guild or None


class ScopedStore:
    """What both stores share: the :class:`Scope` a store object reads and writes.

    ``scoped(scope)`` is a view on the same connection or pool (nothing is opened or
    closed), so one open store serves every story and server."""

    scope: Scope = DEFAULT_SCOPE

    def scoped(self, scope: Scope) -> Self:
        view = copy.copy(self)
        view.scope = scope
        return view

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
    story: str = DEFAULT_STORY  # the story the digest covers


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


class StoryDefault(_Record):
    """The story a server (``channel_id`` 0) or one of its channels answers from."""

    guild_id: int
    channel_id: int
    story: str
    set_by: str
    set_at: dt.datetime


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
