"""Ingest drafts in PostgreSQL (migration 3; since 6, a text once per story and server):
one row per drafted article, and the append-only ``draft_decisions`` audit trail of who
accepted or rejected which item. Mirrors :mod:`bot.record.sqlite.drafts`.

Draft ids ("d1", "d2"...) are the count of drafts plus one, as in SQLite. SQLite has one
writer; here two processes may add a draft at once, so :meth:`DraftQueries.add_draft` first
takes the ``drafts`` table's SHARE ROW EXCLUSIVE lock (it conflicts with itself, not with
readers): adders queue, each counts the rows committed before it, and no two get one id.
The same lock makes the "this text was drafted before" check race-free.
"""

from __future__ import annotations

import logging

import asyncpg

from bot.record.postgres.connection import PostgresConnection
from bot.record.postgres.editorial import in_scope
from bot.record.records import DraftDecision, DraftRow, already_drafted, checked_decisions

log = logging.getLogger(__name__)

_COLUMNS = "id, text_sha256, claimset, name, payload, state, created_by, created_at"
_DECISION_COLUMNS = "id, draft_id, item, decision, by_name, at"


def _row(row: asyncpg.Record) -> DraftRow:
    return DraftRow(**dict(row.items()))


def _decision(row: asyncpg.Record) -> DraftDecision:
    return DraftDecision(
        id=row["id"],
        draft_id=row["draft_id"],
        item=row["item"],
        decision=row["decision"],
        by=row["by_name"],
        at=row["at"],
    )


class DraftQueries(PostgresConnection):
    """:class:`bot.record.protocols.DraftRecord` over a PostgreSQL pool."""

    async def add_draft(
        self, *, text_sha256: str, claimset: str, name: str, payload: str, by: str = ""
    ) -> DraftRow:
        """Store a new draft with the next id ("d1", "d2"...); StoreError when the same text
        was drafted before in this scope (the error names that draft). Another story or
        server may draft the same text: its drafts are not looked at."""
        at = self._now()
        where, params = in_scope(self.scope, 2)
        async with self._write() as conn:
            # Adders queue here until commit (see the module docstring); readers never wait.
            await conn.execute("LOCK TABLE drafts IN SHARE ROW EXCLUSIVE MODE")
            same = await conn.fetchrow(
                f"SELECT id FROM drafts WHERE text_sha256 = $1 AND {where}", text_sha256,
                *params,
            )
            if same is not None:
                raise already_drafted(same["id"])
            count = int(await conn.fetchval("SELECT count(*) FROM drafts"))
            row = await conn.fetchrow(
                f"INSERT INTO drafts ({_COLUMNS}, story, guild_id)"
                " VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9)"
                f" RETURNING {_COLUMNS}",
                f"d{count + 1}", text_sha256, claimset, name, payload, by, at,
                self.scope.story, self.scope.guild,
            )
        assert row is not None
        return _row(row)

    async def draft(self, draft_id: str) -> DraftRow | None:
        where, params = in_scope(self.scope, 2)
        row = await self._fetchrow(
            f"SELECT {_COLUMNS} FROM drafts WHERE id = $1 AND {where}", draft_id, *params
        )
        return None if row is None else _row(row)

    async def drafts(self) -> list[DraftRow]:
        where, params = in_scope(self.scope, 1)
        rows = await self._fetch(
            f"SELECT {_COLUMNS} FROM drafts WHERE {where} ORDER BY created_at, id", *params
        )
        return [_row(r) for r in rows]

    async def decide_draft(
        self, draft_id: str, *, accepted: list[str], rejected: list[str], by: str, state: str
    ) -> list[DraftDecision]:
        """Record decisions on items and the draft's new state, in one transaction."""
        by, rows = checked_decisions(accepted, rejected, by)
        at = self._now()
        out: list[DraftDecision] = []
        async with self._write() as conn:
            for item, decision in rows:
                row = await conn.fetchrow(
                    "INSERT INTO draft_decisions (draft_id, item, decision, by_name, at)"
                    f" VALUES ($1, $2, $3, $4, $5) RETURNING {_DECISION_COLUMNS}",
                    draft_id, item, decision, by, at,
                )
                assert row is not None
                out.append(_decision(row))
            await conn.execute("UPDATE drafts SET state = $1 WHERE id = $2", state, draft_id)
        return out

    async def draft_decisions(self, draft_id: str) -> list[DraftDecision]:
        rows = await self._fetch(
            f"SELECT {_DECISION_COLUMNS} FROM draft_decisions WHERE draft_id = $1 ORDER BY id",
            draft_id,
        )
        return [_decision(r) for r in rows]
