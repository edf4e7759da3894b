"""The migrations of both databases (bot/record/sqlite/migrations.py, bot/record/postgres/
migrations.py): shipped ones are frozen, both list the same versions, and each schema still
accepts exactly the editorial statuses the code can set."""

from __future__ import annotations

import contextlib
import hashlib
import re
import sqlite3
from types import ModuleType

import pytest

import bot.record.sqlite.migrations as sqlite_migrations
from bot.claimset.status import EDITORIAL_STATUSES
from bot.record.migration import Migration
from bot.record.records import CLEAR, DEFAULT_SCOPE, Scope, StoreError
from bot.record.store import Store
from tests.record.draft_support import draft_of
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
        6: "9cf1fc77e008866755c64e9c33659a997a0cc68c56fb727996e239364de1ebd4",
    },
    "postgres": {
        1: "f7b73404c0551d03b48f992d25bbc61060d5827e428816c4920356310f28a8ca",
        2: "6cde9156971a13bd1bdb2512aec582b9a4ca86136a36c9a8f6beb42bb7abef2c",
        3: "d487befb9e98564359f6f23f7290e8e351da82e311109a7adb81b2fafdad854c",
        4: "50bae5c18dc9c2c4b329dc3496a4e0544ecb6bd292dbdd040b749995a9084678",
        5: "41482ff52a5b1c67222b3d63e8d0dff1e60a765f853845d26decdfeb452c2b15",
        6: "f11c713b628c22cb8204ca3697a241cb1569f3ad6e0a7d8d67942b798ced3a77",
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


async def test_drafts_of_a_version_5_database_upgrade_to_one_per_story_and_server(
    backend: Backend, monkeypatch
):
    """Migration 6 (SQLite rebuilds drafts, PostgreSQL swaps the constraint) keeps every
    draft and decision; afterwards the same text may be drafted in another server or story,
    not twice in one, and draft_decisions still refuses orphans, updates and deletes."""
    migrations = backend.migrations.MIGRATIONS
    monkeypatch.setattr(backend.migrations, "MIGRATIONS", migrations[:5])
    async with backend.open() as store:
        assert await store.user_version() == 5
    at = "'2026-01-10T00:00:00+00:00'"
    await backend.execute(
        "INSERT INTO drafts (id, text_sha256, claimset, name, payload, state, created_by,"
        " created_at, story, guild_id) VALUES"
        f" ('d1', 'wire', 'kz@1', 'a.txt', '{{\"n\": 1}}', 'partial', 'ann', {at}, 'kz', 111),"
        f" ('d2', 'old', 'seeds', 'b.txt', '{{\"n\": 2}}', 'open', '', {at}, 'default', 0),"
        f" ('d3', 'other', 'kz@1', 'c.txt', '{{\"n\": 3}}', 'accepted', 'bob', {at}, 'kz', 222)"
    )
    await backend.execute(
        "INSERT INTO draft_decisions (draft_id, item, decision, by_name, at) VALUES"
        f" ('d1', 'source', 'accepted', 'ann', {at}), ('d1', 'f1', 'rejected', 'ann', {at}),"
        f" ('d3', 'c1', 'accepted', 'bob', {at})"
    )
    kz_a, kz_b = Scope("kz", 111), Scope("kz", 222)
    async with backend.open() as store:  # schema 5 drafts, as that release wrote them
        before = {
            scope: (await store.scoped(scope).drafts(),
                    {d.id: await store.scoped(scope).draft_decisions(d.id)
                     for d in await store.scoped(scope).drafts()})
            for scope in (kz_a, kz_b, DEFAULT_SCOPE)
        }
    monkeypatch.setattr(backend.migrations, "MIGRATIONS", migrations)
    async with backend.open() as store:
        assert await store.user_version() == len(migrations)
        assert await store.integrity_check() == "ok"
        for scope, (drafts, decisions) in before.items():
            view = store.scoped(scope)
            assert await view.drafts() == drafts
            assert {d.id: await view.draft_decisions(d.id) for d in drafts} == decisions
        assert [len(d) for d, _ in before.values()] == [1, 1, 1]
        assert sum(len(x) for _, dec in before.values() for x in dec.values()) == 3
        # The wire text drafted in kz/111 may now be drafted by kz/222 and by another story.
        assert (await draft_of(store.scoped(kz_b), "wire")).id == "d4"
        assert (await draft_of(store.scoped(Scope("other", 111)), "wire")).id == "d5"
        with pytest.raises(StoreError) as err:
            await draft_of(store.scoped(kz_a), "wire")
        assert str(err.value) == "this text was already ingested as draft d1"
        made = await store.scoped(kz_a).decide_draft("d1", accepted=["c2"], rejected=[],
                                                     by="ann", state="accepted")
        assert (await store.scoped(kz_a).draft_decisions("d1"))[-1] == made[0]
    with pytest.raises(backend.errors):  # twice in one scope: the schema refuses it too
        await backend.execute(
            "INSERT INTO drafts (id, text_sha256, claimset, payload, created_at, story,"
            f" guild_id) VALUES ('x1', 'wire', 'kz@1', '{{}}', {at}, 'kz', 111)"
        )
    for refused in (
        "UPDATE draft_decisions SET item = 'x'",
        "DELETE FROM draft_decisions",
        "INSERT INTO draft_decisions (draft_id, item, decision, by_name, at)"
        f" VALUES ('nope', 'c1', 'accepted', 'ann', {at})",
    ):
        with pytest.raises(backend.errors):
            await _execute_with_foreign_keys(backend, refused)
    assert await backend.fetchval("SELECT count(*) FROM draft_decisions") == 4
    if backend.name == "sqlite":
        with contextlib.closing(sqlite3.connect(backend.target)) as conn:
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "drafts_v5" not in names and "drafts" in names


async def _execute_with_foreign_keys(backend: Backend, sql: str) -> None:
    """``sql`` as the store runs it: SQLite enforces foreign keys per connection."""
    if backend.name != "sqlite":
        await backend.execute(sql)
        return
    with contextlib.closing(sqlite3.connect(backend.target)) as conn, conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(sql)


async def test_sqlite_a_drafts_rebuild_that_loses_a_decided_draft_is_refused_at_commit(
    tmp_path, monkeypatch
):
    """Migration 6 on SQLite checks draft_decisions' foreign key at commit: a rebuild that
    left a draft out would orphan its decisions, so nothing is kept, in one line."""
    db = tmp_path / "v5.sqlite3"
    at = "2026-01-10T00:00:00+00:00"
    migrations = sqlite_migrations.MIGRATIONS
    monkeypatch.setattr(sqlite_migrations, "MIGRATIONS", migrations[:5])
    async with Store.open(db):
        pass
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(
            "INSERT INTO drafts (id, text_sha256, claimset, payload, created_at) VALUES"
            " ('d1', 'h1', 'seeds', '{}', ?), ('d2', 'h2', 'seeds', '{}', ?)", (at, at)
        )
        conn.execute("INSERT INTO draft_decisions (draft_id, item, decision, by_name, at)"
                     " VALUES ('d1', 'c1', 'accepted', 'ann', ?)", (at,))
    real = migrations[5]
    lossy = Migration(6, real.name, real.sql.replace("FROM drafts_v5", "FROM drafts_v5"
                                                     " WHERE id <> 'd1'"))
    assert lossy.sql != real.sql
    monkeypatch.setattr(sqlite_migrations, "MIGRATIONS", [*migrations[:5], lossy])
    with pytest.raises(StoreError) as err:
        async with Store.open(db):
            pass
    assert "\n" not in str(err.value)
    assert "failed at commit, database left at schema 5" in str(err.value)
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
        assert [r[0] for r in conn.execute("SELECT id FROM drafts ORDER BY id")] == ["d1", "d2"]
        assert conn.execute("SELECT count(*) FROM draft_decisions").fetchone()[0] == 1
    monkeypatch.setattr(sqlite_migrations, "MIGRATIONS", migrations)
    async with Store.open(db) as store:  # the real migration then runs
        assert await store.user_version() == len(migrations)
        assert [d.id for d in await store.drafts()] == ["d1", "d2"]
        assert len(await store.draft_decisions("d1")) == 1
