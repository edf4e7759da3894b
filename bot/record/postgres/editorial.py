"""The editorial record in PostgreSQL: the rulings audit log, notes and feedback (migration 1),
each row of one story and one server (migration 4: the store's :class:`Scope`).

The audit log is append-only: triggers refuse every UPDATE, DELETE and TRUNCATE of
``rulings``. Each row records the editorial status it replaced (``previous``), read in
the same transaction as the insert, after taking the rulings write lock: concurrent
writers, in one process or many, queue there and leave a history whose rows chain (row
n's ``previous`` is row n-1's ``status``). Each ruling and note sends ``NOTIFY
factdesk_editorial`` on commit, so other processes reread their cache at once.
"""

from __future__ import annotations

import logging

import asyncpg

from bot.answers.models import EditorialRuling
from bot.claimset.status import EvidenceStatus
from bot.record.postgres.connection import PostgresConnection
from bot.record.protocols import EDITORIAL_CHANNEL
from bot.record.records import (
    CLEAR,
    Feedback,
    Note,
    RulingChange,
    Scope,
    checked_note,
    checked_ruling,
    feedback_guild,
    scope_condition,
)

log = logging.getLogger(__name__)

RULING_COLUMNS = "id, claim_id, status, previous, reason, by_name, by_id, at"
_NOTE_COLUMNS = "id, claim_id, text, by_name, by_id, at"
_FEEDBACK_COLUMNS = (
    "id, kind, command, query, claim_id, user_id, user_name, guild_id, channel_id, comment, at"
)


def ruling_change(row: asyncpg.Record) -> RulingChange:
    return RulingChange(
        id=row["id"], claim_id=row["claim_id"], status=row["status"],
        previous=row["previous"], reason=row["reason"], by=row["by_name"], by_id=row["by_id"],
        at=row["at"],
    )


def _note(row: asyncpg.Record) -> Note:
    return Note(id=row["id"], claim_id=row["claim_id"], text=row["text"], by=row["by_name"],
                by_id=row["by_id"], at=row["at"])


def _feedback(row: asyncpg.Record) -> Feedback:
    return Feedback(**{k: row[k] for k in Feedback.model_fields})


def in_scope(scope: Scope, first: int, *, nullable_guild: bool = False) -> tuple[str, tuple]:
    """The WHERE condition for the rows ``scope`` sees, its parameters from ``$first``."""
    return scope_condition(scope, f"${first}", f"${first + 1}", nullable_guild=nullable_guild)


class EditorialQueries(PostgresConnection):
    """:class:`bot.record.protocols.EditorialRecord` over a PostgreSQL pool, for the
    store's :class:`Scope` (``store.scoped(scope)``)."""

    # -- rulings -----------------------------------------------------------------------

    async def set_status(
        self,
        claim_id: str,
        status: EvidenceStatus | str,
        *,
        reason: str,
        by: str,
        by_id: int | None = None,
    ) -> RulingChange:
        """Append a status change; ``status`` is an editorial status or ``"clear"``."""
        value, reason, by = checked_ruling(status, reason, by)
        where, params = in_scope(self.scope, 2)
        async with self._write(ordered="rulings") as conn:
            last = await conn.fetchval(
                f"SELECT status FROM rulings WHERE claim_id = $1 AND {where}"
                " ORDER BY id DESC LIMIT 1",
                claim_id, *params,
            )
            previous = None if last is None or last == CLEAR else last
            row = await conn.fetchrow(
                "INSERT INTO rulings (claim_id, status, previous, reason, by_name, by_id, at,"
                f" story, guild_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                f" RETURNING {RULING_COLUMNS}",
                claim_id, value, previous, reason, by, by_id, self._now(), self.scope.story,
                self.scope.guild,
            )
            await conn.execute("SELECT pg_notify($1, $2)", EDITORIAL_CHANNEL, claim_id)
        return ruling_change(row)

    async def history(self, claim_id: str) -> list[RulingChange]:
        where, params = in_scope(self.scope, 2)
        rows = await self._fetch(
            f"SELECT {RULING_COLUMNS} FROM rulings WHERE claim_id = $1 AND {where} ORDER BY id",
            claim_id, *params,
        )
        return [ruling_change(r) for r in rows]

    async def current_rulings(self) -> dict[str, EditorialRuling]:
        """Every claim's standing ruling (claims whose latest row is ``clear`` are absent)."""
        where, params = in_scope(self.scope, 1)
        rows = await self._fetch(
            f"SELECT DISTINCT ON (claim_id) {RULING_COLUMNS} FROM rulings WHERE {where}"
            " ORDER BY claim_id, id DESC", *params
        )
        out: dict[str, EditorialRuling] = {}
        for row in rows:
            ruling = ruling_change(row).as_ruling()
            if ruling is not None:
                out[row["claim_id"]] = ruling
        return out

    async def ruling(self, claim_id: str) -> EditorialRuling | None:
        where, params = in_scope(self.scope, 2)
        row = await self._fetchrow(
            f"SELECT {RULING_COLUMNS} FROM rulings WHERE claim_id = $1 AND {where}"
            " ORDER BY id DESC LIMIT 1",
            claim_id, *params,
        )
        return None if row is None else ruling_change(row).as_ruling()

    # -- notes -------------------------------------------------------------------------

    async def add_note(
        self, claim_id: str, text: str, *, by: str, by_id: int | None = None
    ) -> Note:
        text, by = checked_note(text, by)
        async with self._write(ordered="notes") as conn:
            row = await conn.fetchrow(
                "INSERT INTO notes (claim_id, text, by_name, by_id, at, story, guild_id)"
                f" VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {_NOTE_COLUMNS}",
                claim_id, text, by, by_id, self._now(), self.scope.story, self.scope.guild,
            )
            await conn.execute("SELECT pg_notify($1, $2)", EDITORIAL_CHANNEL, claim_id)
        return _note(row)

    async def notes(self, claim_id: str) -> list[Note]:
        where, params = in_scope(self.scope, 2)
        rows = await self._fetch(
            f"SELECT {_NOTE_COLUMNS} FROM notes WHERE claim_id = $1 AND {where} ORDER BY id",
            claim_id, *params,
        )
        return [_note(r) for r in rows]

    async def all_notes(self) -> dict[str, list[Note]]:
        where, params = in_scope(self.scope, 1)
        rows = await self._fetch(
            f"SELECT {_NOTE_COLUMNS} FROM notes WHERE {where} ORDER BY claim_id, id", *params
        )
        out: dict[str, list[Note]] = {}
        for row in rows:
            out.setdefault(row["claim_id"], []).append(_note(row))
        return out

    # -- both --------------------------------------------------------------------------

    async def editorial_marker(self) -> tuple[int, int]:
        """The newest ruling and note ids: changes when anyone (any process, any scope)
        writes."""
        row = await self._fetchrow(
            "SELECT (SELECT coalesce(max(id), 0) FROM rulings),"
            " (SELECT coalesce(max(id), 0) FROM notes)"
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)

    async def editorial_claim_ids(self) -> set[str]:
        """Every claim id that has a ruling row or a note in the scope (the orphan report)."""
        where, params = in_scope(self.scope, 1)
        rows = await self._fetch(
            f"SELECT claim_id FROM rulings WHERE {where}"
            f" UNION SELECT claim_id FROM notes WHERE {where}", *params
        )
        return {r[0] for r in rows}

    # -- feedback ----------------------------------------------------------------------

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
    ) -> Feedback:
        guild_id = feedback_guild(self.scope, guild_id)
        async with self._write() as conn:
            row = await conn.fetchrow(
                "INSERT INTO feedback (kind, command, query, claim_id, user_id, user_name,"
                " guild_id, channel_id, comment, at, story)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
                f" RETURNING {_FEEDBACK_COLUMNS}",
                kind, command, query, claim_id, user_id, user_name, guild_id, channel_id,
                comment, self._now(), self.scope.story,
            )
        return _feedback(row)

    async def latest_feedback(self, limit: int = 20) -> list[Feedback]:
        """The newest feedback first."""
        where, params = in_scope(self.scope, 1, nullable_guild=True)
        rows = await self._fetch(
            f"SELECT {_FEEDBACK_COLUMNS} FROM feedback WHERE {where} ORDER BY id DESC LIMIT $3",
            *params, max(0, int(limit)),
        )
        return [_feedback(r) for r in rows]
