"""bot.client: the bot the shard settings ask for, and which guilds' work is this process's."""

from __future__ import annotations

from discord.ext import commands

from bot.client import FactdeskBot, ShardedFactdeskBot, make_bot
from bot.settings import Settings

# Discord's rule (discord.py's Guild.shard_id): guild -> (guild_id >> 22) % shard_count.
ON_SHARD_0, ON_SHARD_1 = 4 << 22, 7 << 22 | 123


def settings(**discord: object) -> Settings:
    return Settings.model_validate({"discord": discord})


async def test_unsharded_by_default_and_every_guild_is_ours() -> None:
    async with make_bot(settings(), None) as bot:
        assert type(bot) is FactdeskBot and not isinstance(bot, commands.AutoShardedBot)
        assert bot.owns_guild(ON_SHARD_0) and bot.owns_guild(ON_SHARD_1)
        assert bot.owns_channel(42, None)  # its guild unknown: still ours


async def test_shard_ids_make_an_autosharded_bot_owning_its_shards_guilds() -> None:
    async with make_bot(settings(shard_count=2, shard_ids=[1]), None) as bot:
        assert isinstance(bot, ShardedFactdeskBot) and isinstance(bot, commands.AutoShardedBot)
        assert (bot.shard_count, bot.shard_ids) == (2, [1])
        assert not bot.owns_guild(ON_SHARD_0) and bot.owns_guild(ON_SHARD_1)
        assert bot.owns_channel(1, ON_SHARD_1) and not bot.owns_channel(1, ON_SHARD_0)
        assert not bot.owns_channel(42, None)  # not in our shards' cache: not ours


async def test_autoshard_and_a_count_alone_run_every_shard_here() -> None:
    async with make_bot(settings(autoshard=True), None) as bot:
        assert isinstance(bot, ShardedFactdeskBot) and bot.shard_count is None
        assert bot.owns_guild(ON_SHARD_0)
    async with make_bot(settings(shard_count=3), None) as bot:
        assert bot.shard_ids is None and bot.owns_guild(ON_SHARD_0) and bot.owns_guild(ON_SHARD_1)
