"""A real writer process for tests/record/test_store.py: writes a burst of status changes and notes.

``python tests/store_burst_writer.py DB WRITER COUNT`` (DB a SQLite path or a
postgresql:// URL) appends COUNT changes and prints
``committed <kind> <id>`` (flushed) after each commit returns, so the test knows exactly
which writes were committed before it kills this process with SIGKILL.
"""

from __future__ import annotations

import asyncio
import sys

from bot.record.store import Store


def open_target(db: str):
    """The store at ``db``: PostgreSQL for a postgresql:// URL, else a SQLite file."""
    if db.startswith(("postgresql://", "postgres://")):
        from bot.record.postgres import PostgresStore

        return PostgresStore.open(db)
    return Store.open(db)

STATUSES = ("in_review", "confirmed", "misleading", "false", "clear")


async def burst(db: str, writer: str, count: int) -> None:
    async with open_target(db) as store:
        print("ready", flush=True)
        for n in range(count):
            status = STATUSES[n % len(STATUSES)]
            change = await store.set_status(
                f"claim-{n % 7}", status, reason=f"{writer} change {n}", by=writer
            )
            print(f"committed ruling {change.id}", flush=True)
            note = await store.add_note(f"claim-{n % 7}", f"{writer} note {n}", by=writer)
            print(f"committed note {note.id}", flush=True)


if __name__ == "__main__":
    asyncio.run(burst(sys.argv[1], sys.argv[2], int(sys.argv[3])))
