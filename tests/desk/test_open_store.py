"""bot.desk.open_store: the one place that picks the database from the settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.desk import StoreMode, open_desk, open_store
from bot.record.records import StoreError
from bot.record.store import Store
from bot.settings import DatabaseSettings, Settings
from tests.store_backends import Backend, PostgresBackend


def settings_for(backend: Backend) -> DatabaseSettings:
    if isinstance(backend, PostgresBackend):
        return DatabaseSettings(url=backend.target)
    return DatabaseSettings(path=Path(backend.target))


async def test_sqlite_is_the_default(tmp_path: Path):
    database = DatabaseSettings(path=tmp_path / "f.sqlite3")
    async with open_store(database) as store:
        assert isinstance(store, Store)
    assert database.path.is_file()


async def test_the_configured_database_is_opened_and_written(backend: Backend, tiny_claimset):
    settings = Settings(database=settings_for(backend))
    async with open_desk(settings, claimset=tiny_claimset) as desk:
        assert type(desk.store).__name__ == {"sqlite": "SQLiteStore", "postgres": "PostgresStore"}[
            backend.name
        ]
        await desk.require_editorial().set_status("petrov-saboteurs", "false", "none", by="ann")
    async with open_desk(settings, claimset=tiny_claimset, store=StoreMode.IF_EXISTS) as desk:
        answer = desk.engine.claim_by_id("petrov-saboteurs")
        assert answer is not None and answer.editorial is not None
        assert answer.editorial.by == "ann"


async def test_answers_never_create_the_database_or_its_tables(backend: Backend):
    async with open_store(settings_for(backend), StoreMode.IF_EXISTS) as store:
        assert store is None
    if isinstance(backend, PostgresBackend):
        assert await backend.tables() == set()
    else:
        assert not Path(backend.target).exists()
    async with open_store(settings_for(backend), StoreMode.NONE) as store:
        assert store is None


async def test_an_unreachable_postgresql_is_one_line_without_the_password():
    pytest.importorskip("asyncpg", reason="asyncpg is not installed (the postgres extra)")
    database = DatabaseSettings(url="postgresql://desk:hunter2@127.0.0.1:1/factdesk")
    with pytest.raises(StoreError) as info:
        async with open_store(database):
            pass
    message = str(info.value)
    assert "\n" not in message and "hunter2" not in message
    assert message.startswith("postgresql://desk:***@127.0.0.1:1/factdesk: cannot connect")
