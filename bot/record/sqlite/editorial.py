"""The editorial record in SQLite: the rulings audit log, notes and feedback (migration 1),
each row of one story and one server (migration 4: the store's :class:`Scope`).

``rulings`` is append-only (triggers refuse UPDATE and DELETE). A claim's current ruling
is its latest row; a ``clear`` row returns it to its derived status. Each row records the
editorial status it replaced (``previous``), read inside the same write transaction, so
concurrent writers produce a history whose rows chain: row n's ``previous`` is row n-1's
``status``.
"""

from __future__ import annotations

import logging
import sqlite3

from bot.answers.models import EditorialRuling
from bot.claimset.status import EvidenceStatus
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
from bot.record.sqlite.connection import SQLiteConnection, fetchone, from_text, to_text

log = logging.getLogger(__name__)

RULING_COLUMNS = "id, claim_id, status, previous, reason, by_name, by_id, at"
_NOTE_COLUMNS = "id, claim_id, text, by_name, by_id, at"
_FEEDBACK_COLUMNS = (
    "id, kind, command, query, claim_id, user_id, user_name, guild_id, channel_id, comment, at"
)


def ruling_change(row: sqlite3.Row) -> RulingChange:
    return RulingChange(
        id=row[0], claim_id=row[1], status=row[2], previous=row[3], reason=row[4],
        by=row[5], by_id=row[6], at=from_text(row[7]),
    )


def _note(row: sqlite3.Row) -> Note:
    return Note(
        id=row[0], claim_id=row[1], text=row[2], by=row[3], by_id=row[4], at=from_text(row[5])
    )


def _feedback(row: sqlite3.Row) -> Feedback:
    return Feedback(
        id=row[0], kind=row[1], command=row[2], query=row[3], claim_id=row[4], user_id=row[5],
        user_name=row[6], guild_id=row[7], channel_id=row[8], comment=row[9],
        at=from_text(row[10]),
    )


def in_scope(scope: Scope, *, nullable_guild: bool = False) -> tuple[str, tuple]:
    """The WHERE condition (and its parameters) for the rows ``scope`` sees."""
    return scope_condition(scope, "?", "?", nullable_guild=nullable_guild)


class EditorialQueries(SQLiteConnection):
    """:class:`bot.record.protocols.EditorialRecord` over one SQLite connection, for the
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
        where, params = in_scope(self.scope)
        async with self._write() as conn:
            row = await fetchone(
                conn,
                f"SELECT status FROM rulings WHERE claim_id = ? AND {where}"
                " ORDER BY id DESC LIMIT 1",
                (claim_id, *params),
            )
            previous = None if row is None or row[0] == CLEAR else row[0]
            at = self._clock()
            cur = await conn.execute(
                "INSERT INTO rulings (claim_id, status, previous, reason, by_name, by_id, at,"
                " story, guild_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (claim_id, value, previous, reason, by, by_id, to_text(at), self.scope.story,
                 self.scope.guild),
            )
            row_id = cur.lastrowid
        return RulingChange(
            id=int(row_id or 0), claim_id=claim_id, status=value, previous=previous,
            reason=reason, by=by, by_id=by_id, at=from_text(to_text(at)),
        )

    async def history(self, claim_id: str) -> list[RulingChange]:
        where, params = in_scope(self.scope)
        rows = await self._fetchall(
            f"SELECT {RULING_COLUMNS} FROM rulings WHERE claim_id = ? AND {where} ORDER BY id",
            (claim_id, *params),
        )
        return [ruling_change(r) for r in rows]

    async def current_rulings(self) -> dict[str, EditorialRuling]:
        """Every claim's standing ruling (claims whose latest row is ``clear`` are absent)."""
        where, params = in_scope(self.scope)
        rows = await self._fetchall(
            "SELECT r.id, r.claim_id, r.status, r.previous, r.reason, r.by_name, r.by_id, r.at"
            f" FROM rulings r JOIN (SELECT claim_id, max(id) AS last FROM rulings WHERE {where}"
            " GROUP BY claim_id) l ON r.id = l.last ORDER BY r.claim_id", params
        )
        out: dict[str, EditorialRuling] = {}
        for row in rows:
            ruling = ruling_change(row).as_ruling()
            if ruling is not None:
                out[row[1]] = ruling
        return out

    async def ruling(self, claim_id: str) -> EditorialRuling | None:
        where, params = in_scope(self.scope)
        row = await self._fetchone(
            f"SELECT {RULING_COLUMNS} FROM rulings WHERE claim_id = ? AND {where}"
            " ORDER BY id DESC LIMIT 1",
            (claim_id, *params),
        )
        return None if row is None else ruling_change(row).as_ruling()

    # -- notes -------------------------------------------------------------------------

    async def add_note(
        self, claim_id: str, text: str, *, by: str, by_id: int | None = None
    ) -> Note:
        text, by = checked_note(text, by)
        at = self._clock()
        async with self._write() as conn:
            cur = await conn.execute(
                "INSERT INTO notes (claim_id, text, by_name, by_id, at, story, guild_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (claim_id, text, by, by_id, to_text(at), self.scope.story, self.scope.guild),
            )
            row_id = cur.lastrowid
        return Note(
            id=int(row_id or 0), claim_id=claim_id, text=text, by=by, by_id=by_id,
            at=from_text(to_text(at)),
        )

    async def notes(self, claim_id: str) -> list[Note]:
        where, params = in_scope(self.scope)
        rows = await self._fetchall(
            f"SELECT {_NOTE_COLUMNS} FROM notes WHERE claim_id = ? AND {where} ORDER BY id",
            (claim_id, *params),
        )
        return [_note(r) for r in rows]

    async def all_notes(self) -> dict[str, list[Note]]:
        where, params = in_scope(self.scope)
        rows = await self._fetchall(
            f"SELECT {_NOTE_COLUMNS} FROM notes WHERE {where} ORDER BY claim_id, id", params
        )
        out: dict[str, list[Note]] = {}
        for row in rows:
            out.setdefault(row[1], []).append(_note(row))
        return out

    # -- both --------------------------------------------------------------------------

    async def editorial_marker(self) -> tuple[int, int]:
        """The newest ruling and note ids: changes when anyone (any process, any scope)
        writes."""
        row = await self._fetchone(
            "SELECT (SELECT coalesce(max(id), 0) FROM rulings),"
            " (SELECT coalesce(max(id), 0) FROM notes)"
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)

    async def editorial_claim_ids(self) -> set[str]:
        """Every claim id that has a ruling row or a note in the scope (the orphan report)."""
        where, params = in_scope(self.scope)
        rows = await self._fetchall(
            f"SELECT claim_id FROM rulings WHERE {where}"
            f" UNION SELECT claim_id FROM notes WHERE {where}", params + params
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
        at = self._clock()
        guild_id = feedback_guild(self.scope, guild_id)
        async with self._write() as conn:
            cur = await conn.execute(
                "INSERT INTO feedback (kind, command, query, claim_id, user_id, user_name,"
                " guild_id, channel_id, comment, at, story)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, command, query, claim_id, user_id, user_name, guild_id, channel_id,
                 comment, to_text(at), self.scope.story),
            )
            row_id = cur.lastrowid
        return Feedback(
            id=int(row_id or 0), kind=kind, command=command, query=query, claim_id=claim_id,
            user_id=user_id, user_name=user_name, guild_id=guild_id, channel_id=channel_id,
            comment=comment, at=from_text(to_text(at)),
        )

    async def latest_feedback(self, limit: int = 20) -> list[Feedback]:
        """The newest feedback first."""
        where, params = in_scope(self.scope, nullable_guild=True)
        rows = await self._fetchall(
            f"SELECT {_FEEDBACK_COLUMNS} FROM feedback WHERE {where} ORDER BY id DESC LIMIT ?",
            (*params, max(0, int(limit))),
        )
        return [_feedback(r) for r in rows]
