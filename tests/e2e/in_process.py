"""The real FactdeskBot in the test's own process against the fake Discord: for tests that
look at the bot's desk (its store, engine, files) while driving it through Discord."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route
from yarl import URL

from bot.client import FactdeskBot
from bot.desk import open_desk
from bot.paths import SEEDS_DIR
from bot.settings import DatabaseSettings, Settings
from tests.e2e.fake_discord import FakeDiscord


def point_at(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> None:
    """discord.py's REST base and gateway at the fake (an autouse fixture calls it)."""
    monkeypatch.setattr(Route, "BASE", fake.api_base)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", URL(fake.gateway_url))


@asynccontextmanager
async def running(
    fake: FakeDiscord, settings: Settings, extensions: tuple[str, ...], *, guild: int = 0
) -> AsyncIterator[FactdeskBot]:
    """The bot with ``settings`` and ``extensions``, connected and ready; closed on exit.
    Its own desk is ``guild``'s record (0: the desk-wide one), what ``bot.store`` reads."""
    async with open_desk(settings, guild=guild) as desk:
        bot = FactdeskBot(settings, desk, extensions=extensions)
        task = asyncio.create_task(bot.start(fake.token))
        try:
            await asyncio.wait_for(bot.wait_until_ready(), 15)
            yield bot
        finally:
            await bot.close()
            await asyncio.wait_for(task, 10)


def seeds_bot(
    fake: FakeDiscord, tmp_path: Path, extensions: tuple[str, ...]
) -> AbstractAsyncContextManager[FactdeskBot]:
    """The bot on a copy of the seed set in ``tmp_path`` (made once: a second bot on the
    same ``tmp_path`` is the first one restarted) and its SQLite database there, the fake's
    guild enabled and its editor role an editor; ``bot.store`` is that guild's record."""
    seeds = tmp_path / "seeds"
    if not seeds.exists():
        shutil.copytree(SEEDS_DIR, seeds)
    settings = Settings.model_validate({
        "claimset": {"path": seeds},
        "discord": {"guild_ids": [int(fake.guild_id)],
                    "editor_role_ids": [int(fake.editor_role_id)],
                    "api_base": fake.api_base, "gateway_url": fake.gateway_url},
    })
    settings = settings.model_copy(
        update={"database": DatabaseSettings(path=tmp_path / "factdesk.sqlite3")}
    )
    return running(fake, settings, extensions, guild=int(fake.guild_id))
