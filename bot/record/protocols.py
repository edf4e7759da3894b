"""What each feature needs of the store: the interfaces a database implements.

The features are typed against these, never against a database class:
:class:`bot.record.editorial.EditorialCache` reads through :class:`EditorialReads`,
:class:`bot.record.editorial.EditorialDesk` writes through :class:`EditorialRecord`,
:class:`bot.record.digest_runner.DigestRunner` through :class:`DigestRecord`.
:class:`RecordStore` is a whole database: :class:`bot.record.sqlite.SQLiteStore` and
:class:`bot.record.postgres.PostgresStore` implement it with the same guarantees, written
on each method below, and pass the same tests (tests/record, parametrized over both).

Every write is one transaction: it lands whole or not at all, and once a call returns
the write survives the process being killed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Literal, Protocol, Self, runtime_checkable

from bot.answers.models import EditorialRuling
from bot.claimset.status import EvidenceStatus
from bot.record.records import (
    DigestRun,
    DigestSnapshot,
    DigestSubscription,
    DraftDecision,
    DraftRow,
    Feedback,
    IngestAlert,
    Note,
    RulingChange,
    Scope,
    StoryDefault,
)

log = logging.getLogger(__name__)

# What a store that tells other processes about changes (:class:`ChangeFeed`) announces.
EDITORIAL_CHANNEL = "factdesk_editorial"  # a ruling or a note was written (payload: claim id)
RELOAD_CHANNEL = "factdesk_reload"  # reload the claim set (payload: who asked)


@runtime_checkable
class EditorialReads(Protocol):
    """The editorial record as the answers read it: standing rulings and notes."""

    async def editorial_marker(self) -> tuple[int, int]:
        """A value that changes whenever anyone (any process) adds a ruling or a note."""
        ...

    async def current_rulings(self) -> dict[str, EditorialRuling]:
        """Every claim's standing ruling; a claim whose latest row is ``clear`` is absent."""
        ...

    async def ruling(self, claim_id: str) -> EditorialRuling | None: ...

    async def notes(self, claim_id: str) -> list[Note]:
        """The claim's notes, oldest first."""
        ...

    async def all_notes(self) -> dict[str, list[Note]]: ...


@runtime_checkable
class EditorialRecord(EditorialReads, Protocol):
    """The editorial record: the rulings audit log, notes and feedback.

    The audit log is append-only (no row is ever changed or deleted). Each row records
    the editorial status it replaced (``previous``, None for the derived status), read in
    the same transaction as the write, so concurrent writers leave a chained history.
    """

    async def set_status(
        self,
        claim_id: str,
        status: EvidenceStatus | str,
        *,
        reason: str,
        by: str,
        by_id: int | None = None,
    ) -> RulingChange:
        """Append a ruling: an editorial status or ``"clear"``; StoreError when refused."""
        ...

    async def history(self, claim_id: str) -> list[RulingChange]:
        """The claim's audit trail, oldest first."""
        ...

    async def add_note(
        self, claim_id: str, text: str, *, by: str, by_id: int | None = None
    ) -> Note: ...

    async def editorial_claim_ids(self) -> set[str]:
        """Every claim id with a ruling row (cleared ones too) or a note."""
        ...

    async def add_feedback(
        self,
        *,
        command: str,
        query: str,
        claim_id: str | None = None,
        kind: str = "wrong_match",
        user_id: int | None = None,
        user_name: str = "",
        guild_id: int | None = None,
        channel_id: int | None = None,
        comment: str = "",
    ) -> Feedback: ...

    async def latest_feedback(self, limit: int = 20) -> list[Feedback]:
        """The newest feedback first."""
        ...


@runtime_checkable
class DigestRecord(Protocol):
    """The digest's record: snapshots, subscriptions, runs (exactly once), status changes.

    A run (subscription, period) is recorded, its message contents fixed, *before*
    anything is sent, and a period can be begun only once. Each sent part is recorded
    with its message id; finishing a run moves its subscription's baseline to the run's
    snapshot, so the next digest covers what changed after it.
    """

    async def digest_ruling_cursor(self) -> int:
        """The position of the latest ruling (0 when none): later rulings are new."""
        ...

    async def digest_status_changes(
        self, *, after: int, upto: int | None = None
    ) -> list[RulingChange]:
        """Rulings with ``after < position <= upto``, oldest first."""
        ...

    async def digest_take_snapshot(
        self, hashes: Mapping[str, str], *, claimset: str, ruling_cursor: int
    ) -> int: ...

    async def digest_snapshot(self, snapshot_id: int) -> DigestSnapshot | None: ...

    async def digest_subscribe(
        self,
        *,
        channel_id: int,
        guild_id: int | None,
        time: str,
        timezone: str,
        post_when_empty: bool,
        by: str,
        hashes: Mapping[str, str],
        claimset: str,
    ) -> DigestSubscription:
        """Subscribe a channel, or change its settings (keeping its baseline).

        A new or re-activated subscription starts from a snapshot of ``hashes``."""
        ...

    async def digest_unsubscribe(
        self, *, guild_id: int | None, channel_id: int | None = None
    ) -> list[DigestSubscription]:
        """Deactivate the guild's subscriptions, or one channel's; runs are kept."""
        ...

    async def digest_subscriptions(
        self, *, guild_id: int | None = None, include_inactive: bool = False
    ) -> list[DigestSubscription]: ...

    async def digest_subscription(self, subscription_id: int) -> DigestSubscription | None: ...

    async def digest_latest_run(self, subscription_id: int) -> DigestRun | None:
        """The run of the latest period begun for the subscription (any state)."""
        ...

    async def digest_runs(self, subscription_id: int) -> list[DigestRun]: ...

    async def digest_get_run(self, run_id: int) -> DigestRun | None: ...

    async def digest_begin_run(
        self,
        *,
        subscription_id: int,
        period: dt.date,
        payload: Sequence[str],
        since_snapshot_id: int,
        hashes: Mapping[str, str],
        claimset: str,
        ruling_cursor: int,
        skipped: bool = False,
    ) -> DigestRun | None:
        """Record a run before sending it; None when the period was already begun.

        ``skipped``: nothing to post; the run is done and the baseline moves on."""
        ...

    async def digest_attempt(self, run_id: int) -> int:
        """Count one more delivery attempt (before sending); returns the count."""
        ...

    async def digest_record_message(
        self, run_id: int, part: int, *, nonce: str, message_id: int
    ) -> None:
        """Record one sent part (a second record of the same part is ignored)."""
        ...

    async def digest_finish_run(self, run_id: int) -> None:
        """Mark a run sent and move its subscription's baseline to the run's snapshot."""
        ...

    async def digest_stop_run(
        self, run_id: int, *, state: Literal["failed", "abandoned"], error: str
    ) -> None: ...

    async def digest_note_error(self, run_id: int, error: str) -> None: ...

    def digest_claim(self, subscription_id: int) -> AbstractAsyncContextManager[bool]:
        """Hold the subscription's digest while this process runs it: True, or False when
        another holder has it (then leave it alone). Released on exit; on PostgreSQL also
        by the server when the holder's process dies, so a restart can take it over."""
        ...


@runtime_checkable
class ChangeFeed(Protocol):
    """A store through which processes tell each other what changed (PostgreSQL's
    LISTEN/NOTIFY). Rulings and notes announce themselves on :data:`EDITORIAL_CHANNEL`."""

    async def announce(self, channel: str, payload: str = "") -> None:
        """Tell every process listening on ``channel``."""
        ...

    async def listen(
        self,
        handlers: Mapping[str, Callable[[str], object]],
        *,
        on_connect: Callable[[], object] | None = None,
    ) -> None:
        """Call ``handlers[channel](payload)`` for each announcement, until cancelled;
        ``on_connect`` after each (re)connection (something may have been missed)."""
        ...


@runtime_checkable
class DraftRecord(Protocol):
    """Ingest drafts: one per article text and scope (the same text twice in one story and
    server is refused; another story or server may draft it), and the append-only audit
    trail of who accepted or rejected which item. Both stores implement it (SQLite and
    PostgreSQL, each in its migrations 3 and 6)."""

    async def add_draft(self, *, text_sha256: str, claimset: str, name: str, payload: str,
                        by: str = "") -> DraftRow:
        """Store a draft with the next id ("d1", "d2", ...); StoreError naming the earlier
        draft when this scope sees a draft of the same text (``text_sha256``)."""
        ...

    async def draft(self, draft_id: str) -> DraftRow | None: ...

    async def drafts(self) -> list[DraftRow]:
        """Every draft, oldest first."""
        ...

    async def decide_draft(self, draft_id: str, *, accepted: list[str], rejected: list[str],
                           by: str, state: str) -> list[DraftDecision]:
        """Append one decision row per item and set the draft's state, in one transaction."""
        ...

    async def draft_decisions(self, draft_id: str) -> list[DraftDecision]:
        """The draft's audit trail, oldest first."""
        ...


@runtime_checkable
class StoryRecord(Protocol):
    """Which story a server, or one of its channels, answers from (migration 4)."""

    async def story_defaults(self, guild_id: int) -> list[StoryDefault]:
        """The server's default (``channel_id`` 0) and its channels', by channel id."""
        ...

    async def set_story_default(
        self, guild_id: int, channel_id: int, story: str, *, by: str
    ) -> StoryDefault:
        """Set (or replace) the story of the server (``channel_id`` 0) or a channel."""
        ...


@runtime_checkable
class AlertRecord(Protocol):
    """Verdict-change alerts from accepted drafts: written with their content before they
    are sent, one per (key, channel), so an alert is posted once even across a restart.
    Both stores implement it (each in its migration 5)."""

    async def add_alerts(
        self, key: str, content: str, channels: Sequence[tuple[int | None, int]]
    ) -> list[IngestAlert]:
        """One pending alert per (guild id, channel id) not alerted under ``key`` yet; the
        rows added (none when every channel already has it)."""
        ...

    async def pending_alerts(self) -> list[IngestAlert]:
        """Alerts not sent yet, oldest first."""
        ...

    async def alert_attempt(self, alert_id: int) -> int:
        """Count one more attempt at sending; the number of this attempt."""
        ...

    async def finish_alert(
        self, alert_id: int, *, message_id: int | None, error: str = ""
    ) -> None:
        """Mark it sent (``message_id``), or failed for good (None, with ``error``)."""
        ...

    async def note_alert_error(self, alert_id: int, error: str) -> None:
        """Keep why the last attempt failed (it stays pending)."""
        ...


@runtime_checkable
class RecordStore(EditorialRecord, DigestRecord, StoryRecord, Protocol):
    """A whole database: every feature, its schema version and its health.

    Each record belongs to a story and a server: ``scoped(scope)`` is a view of the same
    database that reads and writes the rulings, notes, feedback, drafts, digest
    subscriptions and status changes of :class:`bot.record.records.Scope` alone (a
    server sees its own and the desk-wide rows of the story, never another server's).
    The store as opened is the desk-wide view of the default story."""

    @property
    def scope(self) -> Scope: ...

    def scoped(self, scope: Scope) -> Self: ...

    async def user_version(self) -> int: ...

    async def integrity_check(self) -> str:
        """``"ok"``, or what is wrong."""
        ...
