"""Ingest drafts in SQLite (migration 3; since 6, a text once per story and server): one
row per drafted article, and the append-only ``draft_decisions`` audit trail of who
accepted or rejected which item."""

from __future__ import annotations

import logging
import sqlite3

from bot.record.records import DraftDecision, DraftRow, already_drafted, checked_decisions
from bot.record.sqlite.connection import SQLiteConnection, fetchone, from_text
from bot.record.sqlite.editorial import in_scope

log = logging.getLogger(__name__)

_COLUMNS = "id, text_sha256, claimset, name, payload, state, created_by, created_at"


def _row(row: sqlite3.Row) -> DraftRow:
    return DraftRow(
        id=row[0],
        text_sha256=row[1],
        claimset=row[2],
        name=row[3],
        payload=row[4],
        state=row[5],
        created_by=row[6],
        created_at=from_text(row[7]),
    )


class DraftQueries(SQLiteConnection):
    """:class:`bot.record.protocols.DraftRecord` over one SQLite connection."""

    async def add_draft(
        self, *, text_sha256: str, claimset: str, name: str, payload: str, by: str = ""
    ) -> DraftRow:
        """Store a new draft with the next id ("d1", "d2"...); StoreError when the same text
        was drafted before in this scope (the error names that draft). Another story or
        server may draft the same text: its drafts are not looked at."""
        where, params = in_scope(self.scope)
        async with self._write() as conn:
            same = await fetchone(
                conn, f"SELECT id FROM drafts WHERE text_sha256 = ? AND {where}",
                (text_sha256, *params),
            )
            if same is not None:
                raise already_drafted(same[0])
            count = await fetchone(conn, "SELECT count(*) FROM drafts")
            ident = f"d{int(count[0] if count else 0) + 1}"
            at = self._now()
            await conn.execute(
                f"INSERT INTO drafts ({_COLUMNS}, story, guild_id)"
                " VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)",
                (ident, text_sha256, claimset, name, payload, by, at, self.scope.story,
                 self.scope.guild),
            )
        return DraftRow(
            id=ident,
            text_sha256=text_sha256,
            claimset=claimset,
            name=name,
            payload=payload,
            state="open",
            created_by=by,
            created_at=from_text(at),
        )

    async def draft(self, draft_id: str) -> DraftRow | None:
        where, params = in_scope(self.scope)
        row = await self._fetchone(
            f"SELECT {_COLUMNS} FROM drafts WHERE id = ? AND {where}", (draft_id, *params)
        )
        return None if row is None else _row(row)

    async def drafts(self) -> list[DraftRow]:
        where, params = in_scope(self.scope)
        rows = await self._fetchall(
            f"SELECT {_COLUMNS} FROM drafts WHERE {where} ORDER BY created_at, id", params
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
                cur = await conn.execute(
                    "INSERT INTO draft_decisions (draft_id, item, decision, by_name, at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (draft_id, item, decision, by, at),
                )
                out.append(
                    DraftDecision(
                        id=int(cur.lastrowid or 0),
                        draft_id=draft_id,
                        item=item,
                        decision=decision,
                        by=by,
                        at=from_text(at),
                    )
                )  # type: ignore[arg-type]
            await conn.execute("UPDATE drafts SET state = ? WHERE id = ?", (state, draft_id))
        return out

    async def draft_decisions(self, draft_id: str) -> list[DraftDecision]:
        rows = await self._fetchall(
            "SELECT id, draft_id, item, decision, by_name, at FROM draft_decisions"
            " WHERE draft_id = ? ORDER BY id",
            (draft_id,),
        )
        return [
            DraftDecision(
                id=r[0], draft_id=r[1], item=r[2], decision=r[3], by=r[4], at=from_text(r[5])
            )
            for r in rows
        ]
