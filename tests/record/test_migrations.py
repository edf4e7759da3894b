"""The migrations of both databases (bot/record/sqlite/migrations.py, bot/record/postgres/
migrations.py): shipped ones are frozen, both list the same versions, and each schema still
accepts exactly the editorial statuses the code can set."""

from __future__ import annotations

import hashlib
import re
from types import ModuleType

import pytest

import bot.record.sqlite.migrations as sqlite_migrations
from bot.claimset.status import EDITORIAL_STATUSES
from bot.record.records import CLEAR
from tests.store_backends import Backend

# sha256 of each shipped migration's SQL. Never change a value here: a shipped migration
# has already run on editors' databases, so editing it changes nothing there and splits
# the schema in two. Pin a new migration's hash in the commit that adds it.
SHIPPED_SHA256 = {
    "sqlite": {
        1: "7f27fed3a31ab4b4bbe97438dadad168632c50e5ac93497f2fe9849a19a464e4",
        2: "72bf3e45589fc170121465ff1ef047ec1bca996a16794e5836d3195cce8c6b65",
        3: "8a959252f5787f6aca947776fe6efa4a8b454d3f7335e9ce3fb668da38336526",
        4: "31e91c7762c3f78953abe80c606a5ade8e1e8cb67eacaa2411cea75fcfa72197",
        5: "1ceb5aaae0b73f599e487872aa9a8e688abcc2beaf583a37b02d4e0cfeaa936b",
    },
    "postgres": {
        1: "f7b73404c0551d03b48f992d25bbc61060d5827e428816c4920356310f28a8ca",
        2: "6cde9156971a13bd1bdb2512aec582b9a4ca86136a36c9a8f6beb42bb7abef2c",
        3: "d487befb9e98564359f6f23f7290e8e351da82e311109a7adb81b2fafdad854c",
        4: "50bae5c18dc9c2c4b329dc3496a4e0544ecb6bd292dbdd040b749995a9084678",
        5: "41482ff52a5b1c67222b3d63e8d0dff1e60a765f853845d26decdfeb452c2b15",
    },
}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def migrations_of(name: str) -> ModuleType:
    if name == "sqlite":
        return sqlite_migrations
    # Its SQL is plain text: read without asyncpg, so this runs wherever the tests do.
    pytest.importorskip("asyncpg", reason="asyncpg is not installed (the postgres extra)")
    import bot.record.postgres.migrations as postgres_migrations

    return postgres_migrations


@pytest.mark.parametrize("name", ["sqlite", "postgres"])
def test_shipped_migrations_are_unchanged(name: str):
    for migration in migrations_of(name).MIGRATIONS:
        pinned = SHIPPED_SHA256[name].get(migration.version)
        if pinned is None:
            continue
        assert sha256(migration.sql) == pinned, (
            f"{name} migration {migration.version} ({migration.name}) has changed; it has "
            "shipped and is frozen: revert it and add a new migration instead"
        )


@pytest.mark.parametrize("name", ["sqlite", "postgres"])
def test_every_migration_is_pinned(name: str):
    migrations = migrations_of(name).MIGRATIONS
    pinned = SHIPPED_SHA256[name]
    unpinned = {m.version: sha256(m.sql) for m in migrations if m.version not in pinned}
    assert not unpinned, f"pin the new {name} migration(s) in SHIPPED_SHA256: {unpinned}"
    assert set(pinned) <= {m.version for m in migrations}, "a shipped migration is gone"


def test_both_databases_have_the_same_schema_versions():
    """Schema version N means the same tables and guarantees on either database."""
    sqlite = [(m.version, m.name) for m in sqlite_migrations.MIGRATIONS]
    postgres = [(m.version, m.name) for m in migrations_of("postgres").MIGRATIONS]
    assert sqlite == postgres, "a schema change is a new migration in both databases"


def _check_values(constraint_sql: str, column: str) -> set[str]:
    """The quoted values a CHECK allows for ``column``: SQLite keeps ``col IN ('a', ...)``,
    PostgreSQL gives back ``col = ANY (ARRAY['a'::text, ...])``."""
    match = re.search(rf"\b{column}\s+IN\s*\(([^)]*)\)", constraint_sql) or re.search(
        rf"\b{column}\s*=\s*ANY\s*\(\(?ARRAY\[([^]]*)\]", constraint_sql
    )
    assert match, f"no CHECK ({column} IN (...)) in {constraint_sql}"
    return set(re.findall(r"'([^']*)'", match.group(1)))


async def _rulings_checks(backend: Backend) -> tuple[str, str]:
    """The CHECK text for rulings.status and rulings.previous, as the database keeps it."""
    if backend.name == "sqlite":
        table_sql = await backend.fetchval(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'rulings'"
        )
        return table_sql, table_sql
    return (
        await backend.fetchval("SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                               " WHERE conname = 'rulings_status_check'"),
        await backend.fetchval("SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                               " WHERE conname = 'rulings_previous_check'"),
    )


async def test_the_rulings_check_allows_exactly_the_editorial_statuses(backend: Backend):
    async with backend.open():
        pass
    status_sql, previous_sql = await _rulings_checks(backend)
    editorial = {s.value for s in EDITORIAL_STATUSES}
    hint = (
        "the editorial statuses and the rulings CHECK differ: add a migration that "
        "rebuilds rulings with the new list (never edit a shipped one)"
    )
    assert _check_values(status_sql, "status") == editorial | {CLEAR}, hint
    assert _check_values(previous_sql, "previous") == editorial, hint


async def test_every_editorial_status_can_be_set_and_replaced(backend: Backend):
    async with backend.open() as store:
        for status in sorted(EDITORIAL_STATUSES):
            await store.set_status("a", status, reason="r", by="ann")
        statuses = [c.status for c in await store.history("a")]
        previous = [c.previous for c in await store.history("a")]
    assert statuses == sorted(EDITORIAL_STATUSES)
    assert previous == [None, *sorted(EDITORIAL_STATUSES)[:-1]]
