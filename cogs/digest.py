"""/digest subscribe | unsubscribe | preview, and the loop that posts due digests.

Thin: the schedule math is :mod:`bot.record.schedule`, the content :mod:`bot.record.digest`, the
exactly-once posting :mod:`bot.record.digest_runner`; this cog gives the runner a ``send``
(``channel.send`` with the run's nonce; discord.py then sets ``enforce_nonce``) and a
``find_sent`` (the channel's recent history), and ticks it.

Why ``tasks.loop(minutes=1)`` and not ``tasks.loop(time=[...])``: subscriptions come
and go at run time, each with its own zone. ``time=`` needs the full list of times up
front (``change_interval`` on every subscribe), and it does not catch up a time missed
while the bot was down. A once-a-minute check of "which period is due now" is
stateless, idempotent (the store refuses a second run of a period), correct across
daylight-saving changes (the zone is applied to each date when the check runs) and does
the catch-up by the same rule; its cost is one small query a minute. A digest therefore
goes out within a minute of its time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import tasks

from bot.record.digest import (
    DigestEngine,
    build_digest,
    changes_from_snapshot,
    record_hashes,
)
from bot.record.digest_runner import DigestRunner, format_local
from bot.record.schedule import Schedule, ScheduleError, zone_choices
from cogs.utils.base import FactdeskCog, cooldown
from cogs.utils.checks import require_editor
from cogs.utils.digest_rendering import render_digest_messages
from cogs.utils.tree import reply_ephemeral

if TYPE_CHECKING:
    from bot.client import FactdeskBot
    from bot.record.store import DigestSubscription

log = logging.getLogger(__name__)

CONFIG_AUTHOR = "config.toml"
TICK_SECONDS = 60.0
HISTORY_LIMIT = 50  # messages read back when resuming a run whose nonce may have expired


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class DigestCog(FactdeskCog):
    digest = app_commands.Group(
        name="digest", description="The daily digest of what changed in the claim set",
        guild_only=True,
    )

    def __init__(self, bot: FactdeskBot) -> None:
        super().__init__(bot)
        self.clock: Callable[[], dt.datetime] = _utcnow  # tests swap it
        self.runner: DigestRunner | None = None

    async def cog_load(self) -> None:
        if self.bot.store is None:
            log.warning("no database: scheduled digests are off (preview still works)")
            return
        self.runner = DigestRunner(
            self.bot.store,
            self._engine,
            self._send,
            render=render_digest_messages,
            clock=lambda: self.clock(),
            find_sent=self._find_sent,
        )
        self.check_due.start()

    async def cog_unload(self) -> None:
        self.check_due.cancel()

    def _engine(self) -> DigestEngine:
        engine = self.bot.engine  # read each time: a reload swaps it
        if engine is None:
            raise RuntimeError("the claim set is not loaded")
        return engine

    # -- the loop -----------------------------------------------------------------------

    @tasks.loop(seconds=TICK_SECONDS)
    async def check_due(self) -> None:
        if self.runner is None or self.bot.engine is None:
            return
        try:
            await self.runner.tick()
        except Exception:  # a failing tick must not end the loop
            log.exception("digest tick failed")

    @check_due.before_loop
    async def _before_check_due(self) -> None:
        await self.bot.wait_until_ready()
        try:
            await self.ensure_config_subscription()
        except Exception:
            log.exception("could not set up the digest subscription from config.toml")

    async def ensure_config_subscription(self) -> DigestSubscription | None:
        """config.toml's [digest] channel_id: subscribe it unless an editor unsubscribed it."""
        conf = self.bot.settings.digest
        store = self.bot.store
        if not conf.channel_id or store is None or self.bot.engine is None:
            return None
        existing = next(
            (s for s in await store.digest_subscriptions(include_inactive=True)
             if s.channel_id == conf.channel_id),
            None,
        )
        time = conf.time.strftime("%H:%M")
        if existing is not None and (
            not existing.active
            or existing.created_by != CONFIG_AUTHOR
            or (existing.time, existing.timezone, existing.post_when_empty)
            == (time, conf.timezone, conf.post_when_empty)
        ):
            return existing  # unsubscribed by an editor, set by an editor, or unchanged
        channel = self.bot.get_channel(conf.channel_id)
        guild = getattr(channel, "guild", None)
        return await self._subscribe(
            conf.channel_id, guild.id if guild else None, time, conf.timezone,
            conf.post_when_empty, CONFIG_AUTHOR,
        )

    async def _subscribe(
        self, channel_id: int, guild_id: int | None, time: str, timezone: str,
        post_when_empty: bool, by: str,
    ) -> DigestSubscription:
        store = self.bot.store
        assert store is not None and self.bot.engine is not None
        claimset = self.bot.engine.claimset
        return await store.digest_subscribe(
            channel_id=channel_id, guild_id=guild_id, time=time, timezone=timezone,
            post_when_empty=post_when_empty, by=by,
            hashes=await asyncio.to_thread(record_hashes, claimset),
            claimset=f"{claimset.manifest.id}@{claimset.version}",
        )

    # -- what the runner is given -------------------------------------------------------

    async def _channel(self, channel_id: int) -> discord.abc.Messageable:
        channel = self.bot.get_channel(channel_id)
        if channel is None:
            channel = await self.bot.fetch_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            raise TypeError(f"channel {channel_id} cannot hold messages")
        return channel

    async def _send(self, channel_id: int, content: str, nonce: str) -> int:
        channel = await self._channel(channel_id)
        message = await channel.send(
            content, nonce=nonce, allowed_mentions=discord.AllowedMentions.none()
        )
        return message.id

    async def _find_sent(self, channel_id: int, content: str, after: dt.datetime) -> int | None:
        channel = await self._channel(channel_id)
        me = self.bot.user
        since = discord.Object(discord.utils.time_snowflake(after - dt.timedelta(minutes=1)))
        async for message in channel.history(limit=HISTORY_LIMIT, after=since):
            if me is not None and message.author.id == me.id and message.content == content:
                return message.id
        return None

    # -- commands -----------------------------------------------------------------------

    @digest.command(name="subscribe", description="Post the digest in a channel every day")
    @app_commands.describe(
        channel="where to post it",
        time="local time, HH:MM (default from config.toml)",
        timezone="IANA time zone such as Europe/Paris (default from config.toml)",
    )
    @cooldown
    async def subscribe(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        time: app_commands.Range[str, 1, 5] | None = None,
        timezone: app_commands.Range[str, 1, 64] | None = None,
    ) -> None:
        require_editor(interaction)  # the tree replies with one ephemeral line
        if self.bot.store is None:
            await reply_ephemeral(interaction, "Digests need a database; none is configured.")
            return
        me = channel.guild.me
        if me is not None:
            perms = channel.permissions_for(me)
            missing = [name for name, ok in (
                ("View Channel", perms.view_channel), ("Send Messages", perms.send_messages),
                ("Read Message History", perms.read_message_history)) if not ok]
            if missing:
                await reply_ephemeral(
                    interaction, f"I cannot post the digest in {channel.mention}: missing "
                    f"{', '.join(missing)}.",
                )
                return
        conf = self.bot.settings.digest
        try:
            schedule = Schedule.parse(time or conf.time.strftime("%H:%M"),
                                      timezone or conf.timezone)
        except ScheduleError as exc:
            await reply_ephemeral(interaction, str(exc))
            return
        sub = await self._subscribe(
            channel.id, interaction.guild_id, schedule.time_text, schedule.zone_name,
            conf.post_when_empty, str(interaction.user),
        )
        _, next_at = schedule.next_fire(max(self.clock(), sub.active_from))
        await reply_ephemeral(
            interaction,
            f"Digest subscribed: {channel.mention} every day at {schedule.time_text} "
            f"{schedule.zone_name}. Next: {format_local(next_at, schedule.zone)}.",
        )

    @subscribe.autocomplete("timezone")
    async def _timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in zone_choices(current)]

    @digest.command(name="unsubscribe", description="Stop posting the digest")
    @app_commands.describe(channel="only this channel (default: every channel of the server)")
    @cooldown
    async def unsubscribe(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        require_editor(interaction)  # the tree replies with one ephemeral line
        if self.bot.store is None:
            await reply_ephemeral(interaction, "Digests need a database; none is configured.")
            return
        gone = await self.bot.store.digest_unsubscribe(
            guild_id=interaction.guild_id, channel_id=channel.id if channel else None
        )
        if not gone:
            where = channel.mention if channel else "this server"
            await reply_ephemeral(interaction, f"No digest subscription in {where}.")
            return
        names = ", ".join(f"<#{s.channel_id}>" for s in gone)
        await reply_ephemeral(interaction, f"Digest unsubscribed: {names}.")

    @digest.command(name="preview", description="The digest as it would be posted now")
    @cooldown
    async def preview(self, interaction: discord.Interaction) -> None:
        if self.bot.engine is None:
            await reply_ephemeral(interaction, "The claim set is not loaded.")
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        sub = None
        store = self.bot.store
        if store is not None:
            subs = await store.digest_subscriptions(guild_id=interaction.guild_id)
            sub = next((s for s in subs if s.channel_id == interaction.channel_id),
                       subs[0] if subs else None)
        if self.runner is not None:
            answer, *_ = await self.runner.build(sub)
        else:  # no database: everything is new, measured from nothing
            engine = self.bot.engine
            answer = build_digest(
                engine, changes_from_snapshot(None, record_hashes(engine.claimset)),
                mode="snapshot", since=None, since_label="the beginning", now=self.clock(),
            )
        if sub is not None:
            schedule = Schedule.parse(sub.time, sub.timezone)
            _, next_at = schedule.next_fire(self.clock())
            when = format_local(next_at, schedule.zone)
            footer = f"Preview for <#{sub.channel_id}> · next post {when}"
        else:
            footer = "Preview · no digest subscription in this server"
        for part in render_digest_messages(answer, footer=footer):
            await interaction.followup.send(
                part, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )


async def setup(bot: FactdeskBot) -> None:
    await bot.add_cog(DigestCog(bot))
