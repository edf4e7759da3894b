"""bot.record.sqlite.migrations: shipped migrations are frozen, and the schema still
accepts exactly the editorial statuses the code can set."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path

from bot.claimset.status import EDITORIAL_STATUSES
from bot.record.records import CLEAR
from bot.record.sqlite.migrations import MIGRATIONS
from bot.record.store import Store

# sha256 of each shipped migration's SQL. Never change a value here: a shipped migration
# has already run on editors' databases, so editing it changes nothing there and splits
# the schema in two. Pin a new migration's hash in the commit that adds it.
SHIPPED_SHA256 = {
    1: "7f27fed3a31ab4b4bbe97438dadad168632c50e5ac93497f2fe9849a19a464e4",
    2: "72bf3e45589fc170121465ff1ef047ec1bca996a16794e5836d3195cce8c6b65",
    3: "8a959252f5787f6aca947776fe6efa4a8b454d3f7335e9ce3fb668da38336526",
}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_shipped_migrations_are_unchanged():
    for migration in MIGRATIONS:
        pinned = SHIPPED_SHA256.get(migration.version)
        if pinned is None:
            continue
        assert sha256(migration.sql) == pinned, (
            f"migration {migration.version} ({migration.name}) has changed; it has shipped "
            "and is frozen: revert it and add a new migration instead"
        )


def test_every_migration_is_pinned():
    unpinned = {m.version: sha256(m.sql) for m in MIGRATIONS if m.version not in SHIPPED_SHA256}
    assert not unpinned, f"pin the new migration(s) in SHIPPED_SHA256: {unpinned}"
    assert set(SHIPPED_SHA256) <= {m.version for m in MIGRATIONS}, "a shipped migration is gone"


def _check_values(table_sql: str, column: str) -> set[str]:
    match = re.search(rf"\b{column}\s+IN\s*\(([^)]*)\)", table_sql)
    assert match, f"no CHECK ({column} IN (...)) in {table_sql}"
    return set(re.findall(r"'([^']*)'", match.group(1)))


async def test_the_rulings_check_allows_exactly_the_editorial_statuses(tmp_path: Path):
    db = tmp_path / "f.sqlite3"
    async with Store.open(db):
        pass
    with sqlite3.connect(db) as conn:
        (table_sql,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'rulings'"
        ).fetchone()
    editorial = {s.value for s in EDITORIAL_STATUSES}
    hint = (
        "the editorial statuses and the rulings CHECK differ: add a migration that "
        "rebuilds rulings with the new list (never edit a shipped one)"
    )
    assert _check_values(table_sql, "status") == editorial | {CLEAR}, hint
    assert _check_values(table_sql, "previous") == editorial, hint


async def test_every_editorial_status_can_be_set_and_replaced(tmp_path: Path):
    async with Store.open(tmp_path / "f.sqlite3") as store:
        for status in sorted(EDITORIAL_STATUSES):
            await store.set_status("a", status, reason="r", by="ann")
        statuses = [c.status for c in await store.history("a")]
        previous = [c.previous for c in await store.history("a")]
    assert statuses == sorted(EDITORIAL_STATUSES)
    assert previous == [None, *sorted(EDITORIAL_STATUSES)[:-1]]
