"""Editorial work on claims: rulings, notes, feedback, and the cache answers read them from.

:class:`EditorialCache` is the :class:`bot.answers.editorial_view.EditorialView` the engine reads:
a synchronous in-memory copy of the store's current rulings and notes, refreshed after
every write. :class:`EditorialDesk` is the one way to write: it checks the input against
the claim set being served, writes through the store (any
:class:`bot.record.protocols.EditorialRecord`), then refreshes the cache, so the next
answer already shows the change. The CLI and the Discord cog both use it, so they apply
the same rules.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import process

from bot.answers.models import EditorialRuling
from bot.claimset.model import ClaimSet
from bot.claimset.status import EDITORIAL_STATUSES, EvidenceStatus
from bot.errors import FactdeskError
from bot.record.protocols import EditorialReads, EditorialRecord
from bot.record.records import CLEAR, Feedback, Note, RulingChange

log = logging.getLogger(__name__)

# What `/status set` accepts: the editorial statuses, then "clear".
STATUS_CHOICES: tuple[str, ...] = (
    EvidenceStatus.IN_REVIEW.value,
    EvidenceStatus.CONFIRMED.value,
    EvidenceStatus.MISLEADING.value,
    EvidenceStatus.FALSE.value,
    CLEAR,
)
assert set(STATUS_CHOICES) == {s.value for s in EDITORIAL_STATUSES} | {CLEAR}

MAX_REASON = 500
MAX_NOTE = 1000
MAX_BY = 100  # who acted: a Discord display name is at most 32


class EditorialError(FactdeskError):
    """An editorial write that cannot be done as asked (unknown claim, empty reason...)."""


def checked_text(what: str, text: str, limit: int, *, required: bool = True) -> str:
    """``text`` stripped, within ``limit`` characters and storable as UTF-8.

    Raises :class:`EditorialError` naming ``what`` (empty, too long, or holding bytes that
    are not UTF-8: a command-line argument decoded with surrogate escapes).
    """
    text = text.strip()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise EditorialError(f"{what} is not valid UTF-8 text; retype it") from None
    if required and not text:
        raise EditorialError(f"{what} is empty")
    if len(text) > limit:
        raise EditorialError(f"{what} is {len(text)} characters; at most {limit}")
    return text


def format_note(note: Note) -> str:
    """How a note reads in an answer: the text, who, and when (UTC)."""
    return f"{note.text} — {note.by}, {note.at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"


class EditorialCache:
    """A synchronous, in-memory EditorialView: rulings and notes by claim id."""

    def __init__(
        self,
        rulings: dict[str, EditorialRuling] | None = None,
        notes: dict[str, list[Note]] | None = None,
    ) -> None:
        self._rulings: dict[str, EditorialRuling] = dict(rulings or {})
        self._notes: dict[str, list[Note]] = {k: list(v) for k, v in (notes or {}).items()}
        self.marker: tuple[int, int] = (-1, -1)  # the store's editorial_marker when read

    # -- EditorialView ---------------------------------------------------------------

    def ruling(self, claim_id: str) -> EditorialRuling | None:
        return self._rulings.get(claim_id)

    def notes(self, claim_id: str) -> list[str]:
        return [format_note(n) for n in self._notes.get(claim_id, ())]

    # -- loading -----------------------------------------------------------------------

    @classmethod
    async def load(cls, store: EditorialReads) -> EditorialCache:
        cache = cls()
        await cache.refresh(store)
        return cache

    async def refresh(self, store: EditorialReads) -> None:
        """Reread everything; the swap is one assignment each, never half-updated."""
        marker = await store.editorial_marker()
        rulings = await store.current_rulings()
        notes = await store.all_notes()
        self._rulings, self._notes, self.marker = rulings, notes, marker

    async def refresh_claim(self, store: EditorialReads, claim_id: str) -> None:
        """Reread one claim after this process wrote it (cheap, whatever the store's size).

        When the store holds writes this cache has not seen (another process, such as
        the CLI, wrote too), reread everything instead.
        """
        before = self.marker
        ruling = await store.ruling(claim_id)
        notes = await store.notes(claim_id)
        marker = await store.editorial_marker()
        rulings = dict(self._rulings)
        if ruling is None:
            rulings.pop(claim_id, None)
        else:
            rulings[claim_id] = ruling
        all_notes = dict(self._notes)
        if notes:
            all_notes[claim_id] = notes
        self._rulings, self._notes, self.marker = rulings, all_notes, marker
        # Our own write moves each id by at most one; a bigger jump means other writers.
        if marker[0] - before[0] > 1 or marker[1] - before[1] > 1:
            await self.refresh(store)

    async def refresh_if_changed(self, store: EditorialReads) -> bool:
        """Reread everything when the store changed since the last read (any writer)."""
        if await store.editorial_marker() == self.marker:
            return False
        await self.refresh(store)
        return True

    def rulings(self) -> dict[str, EditorialRuling]:
        return dict(self._rulings)

    def claim_ids(self) -> set[str]:
        """Every claim the cache holds a ruling or a note for."""
        return set(self._rulings) | set(self._notes)


class StatusHistory(BaseModel):
    """Answer to `/status history CLAIM` and `python -m bot status history`."""

    model_config = ConfigDict(extra="forbid")

    claim_id: str
    statement: str | None  # None when the claim is no longer in the claim set (an orphan)
    derived_status: EvidenceStatus | None
    editorial: EditorialRuling | None  # the standing ruling, None when on the derived status
    changes: list[RulingChange] = Field(default_factory=list)  # oldest first
    orphan: bool = False


class StatusChange(BaseModel):
    """Answer to `/status set` and `python -m bot status set|clear`."""

    model_config = ConfigDict(extra="forbid")

    claim_id: str
    statement: str
    derived_status: EvidenceStatus
    change: RulingChange


class FeedbackList(BaseModel):
    """Answer to `/factdesk feedback` and `python -m bot feedback`."""

    model_config = ConfigDict(extra="forbid")

    feedback: list[Feedback] = Field(default_factory=list)  # newest first


class EditorialDesk:
    """Validated editorial writes and reads over one store and the claim set being served."""

    def __init__(
        self,
        store: EditorialRecord,
        cache: EditorialCache,
        claimset: Callable[[], ClaimSet],
    ) -> None:
        self.store = store
        self.cache = cache
        self._claimset = claimset  # called each time: a reload swaps the set

    @classmethod
    async def open(
        cls, store: EditorialRecord, claimset: Callable[[], ClaimSet]
    ) -> EditorialDesk:
        return cls(store, await EditorialCache.load(store), claimset)

    # -- checks ------------------------------------------------------------------------

    def _claim(self, claim_id: str):
        claims = self._claimset().claims
        key = claim_id.strip()
        if key in claims:
            return claims[key]
        raise unknown_claim(key, claims)

    # -- writes ------------------------------------------------------------------------

    async def set_status(
        self, claim_id: str, status: str, reason: str, *, by: str, by_id: int | None = None
    ) -> StatusChange:
        claim = self._claim(claim_id)
        value = str(status).strip().lower()
        if value not in STATUS_CHOICES:
            raise EditorialError(
                f"status {status!r} is not one of {', '.join(STATUS_CHOICES)}"
            )
        by = checked_text("who is acting (--by)", " ".join(by.split()), MAX_BY)
        reason = checked_text("the reason", " ".join(reason.split()), MAX_REASON, required=False)
        if value != CLEAR and not reason:
            raise EditorialError("a reason is required to set a status")
        change = await self.store.set_status(claim.id, value, reason=reason, by=by, by_id=by_id)
        await self.cache.refresh_claim(self.store, claim.id)
        log.info("status %s -> %s on %s by %s", change.previous, change.status, claim.id, by)
        return StatusChange(
            claim_id=claim.id, statement=claim.statement,
            derived_status=claim.evidence.status, change=change,
        )

    async def add_note(
        self, claim_id: str, text: str, *, by: str, by_id: int | None = None
    ) -> Note:
        claim = self._claim(claim_id)
        by = checked_text("who is acting (--by)", " ".join(by.split()), MAX_BY)
        text = checked_text("the note", text, MAX_NOTE)
        note = await self.store.add_note(claim.id, text, by=by, by_id=by_id)
        await self.cache.refresh_claim(self.store, claim.id)
        return note

    async def record_feedback(self, **fields) -> Feedback:
        """Store a "Wrong match" report; fields as :meth:`EditorialRecord.add_feedback`."""
        return await self.store.add_feedback(**fields)

    # -- reads -------------------------------------------------------------------------

    async def history(self, claim_id: str) -> StatusHistory:
        key = claim_id.strip()
        claims = self._claimset().claims
        changes = await self.store.history(key)
        claim = claims.get(key)
        if claim is None and not changes:
            self._claim(key)  # raises with a suggestion
        return StatusHistory(
            claim_id=key,
            statement=claim.statement if claim else None,
            derived_status=claim.evidence.status if claim else None,
            editorial=await self.store.ruling(key),
            changes=changes,
            orphan=claim is None,
        )

    async def feedback(self, limit: int = 20) -> FeedbackList:
        return FeedbackList(feedback=await self.store.latest_feedback(limit))

    async def orphans(self, claimset: ClaimSet | None = None) -> list[str]:
        """Claim ids with editorial records (any ruling row or note) that the given or
        current claim set does not hold. They are kept, never deleted."""
        ids = await self.store.editorial_claim_ids()
        return orphans(ids, claimset or self._claimset())


def orphans(editorial_ids: Iterable[str], claimset: ClaimSet | None) -> list[str]:
    """Claim ids with editorial records that ``claimset`` does not hold (kept, never deleted)."""
    known = set(claimset.claims) if claimset is not None else set()
    return sorted(set(editorial_ids) - known)


def unknown_claim(key: str, claims: dict) -> EditorialError:
    """The error for a claim id the set does not hold, with the closest id as a hint."""
    hint = _closest(key, claims)
    return EditorialError(
        f"claim {key!r} is not in the claim set" + (f" (did you mean {hint}?)" if hint else "")
    )


def _closest(key: str, claims: dict) -> str | None:
    if not key or not claims:
        return None
    best = process.extractOne(key, list(claims), score_cutoff=60)
    return best[0] if best else None


class ClaimNotes(BaseModel):
    """Answer to the console's `/notes CLAIM` and `python -m bot note list CLAIM`."""

    model_config = ConfigDict(extra="forbid")

    claim_id: str
    statement: str | None  # None when the claim left the claim set (an orphan)
    notes: list[Note] = Field(default_factory=list)  # oldest first


async def claim_notes(desk: EditorialDesk | None, claimset: ClaimSet, claim_id: str) -> ClaimNotes:
    """The notes on one claim; no database means no notes (nothing was ever written)."""
    key = claim_id.strip()
    claim = claimset.claims.get(key)
    notes = await desk.store.notes(key) if desk is not None else []
    if claim is None and not notes:
        raise unknown_claim(key, claimset.claims)
    return ClaimNotes(
        claim_id=key, statement=claim.statement if claim else None, notes=notes
    )
