"""/digest subscribe | unsubscribe | preview, and the loop that posts due digests.

Thin: the schedule math is :mod:`bot.record.schedule`, the content :mod:`bot.record.digest`,
the subscriptions the desk's :class:`bot.record.digest_subscriptions.DigestSubscriptions`,
the exactly-once posting :mod:`bot.record.digest_runner` (built by
:meth:`bot.desk.Desk.digest_runner`). This cog gives the runner what only Discord
knows: ``render`` (:mod:`cogs.utils.digest_rendering`), ``send`` and ``find_sent``
(:mod:`cogs.utils.channels`: a post with the run's nonce, the channel's recent history)
and the clock, and ticks it.

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

import datetime as dt
import functools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import tasks

from bot.record.digest import build_digest, changes_from_snapshot, record_hashes
from bot.record.digest_runner import DigestRunner, format_local
from bot.record.schedule import Schedule, ScheduleError, zone_choices
from cogs.utils.base import FactdeskCog, cooldown, story_label
from cogs.utils.channels import find_own_message, send_with_nonce
from cogs.utils.checks import require_editor
from cogs.utils.digest_rendering import render_digest_messages
from cogs.utils.escape import escape
from cogs.utils.transformers import STORY_HELP, StoryChoice
from cogs.utils.tree import reply_ephemeral

if TYPE_CHECKING:
    from bot.client import FactdeskBot
    from bot.desk import Desk
    from bot.record.digest_subscriptions import DigestSubscriptions
    from bot.record.records import DigestSubscription

log = logging.getLogger(__name__)

TICK_SECONDS = 60.0
NO_DATABASE = "Digests need a database; none is configured."


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

    @property
    def subscriptions(self) -> DigestSubscriptions | None:
        """The desk's digest subscriptions (None without a database)."""
        return self.bot.desk.subscriptions if self.bot.desk is not None else None

    async def cog_load(self) -> None:
        if self.bot.desk is None or self.bot.desk.store is None:
            log.warning("no database: scheduled digests are off (preview still works)")
            return
        self.runner = self._runner(self.bot.desk)
        self.check_due.start()

    def _runner(self, desk: Desk) -> DigestRunner:
        """The runner over ``desk``: the bot's posts every subscription (each from its
        own story and server); a story desk's builds that story's previews."""
        return desk.digest_runner(
            functools.partial(send_with_nonce, self.bot),
            render=render_digest_messages,
            find_sent=functools.partial(find_own_message, self.bot),
            clock=lambda: self.clock(),
            owns=lambda sub: self.bot.owns_channel(sub.channel_id, sub.guild_id),
        )

    async def cog_unload(self) -> None:
        self.check_due.cancel()

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
        subscriptions = self.subscriptions
        if not conf.channel_id or subscriptions is None or self.bot.engine is None:
            return None
        guild = getattr(self.bot.get_channel(conf.channel_id), "guild", None)
        return await subscriptions.ensure_from_config(conf, guild.id if guild else None)

    # -- commands -----------------------------------------------------------------------

    @digest.command(name="subscribe", description="Post the digest in a channel every day")
    @app_commands.describe(
        channel="where to post it",
        time="local time, HH:MM (default from config.toml)",
        timezone="IANA time zone such as Europe/Paris (default from config.toml)",
        story=STORY_HELP,
    )
    @cooldown
    async def subscribe(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        time: app_commands.Range[str, 1, 5] | None = None,
        timezone: app_commands.Range[str, 1, 64] | None = None,
        story: app_commands.Transform[str, StoryChoice] | None = None,
    ) -> None:
        require_editor(interaction)  # the tree replies with one ephemeral line
        desk = await self.desk_for(interaction, story)
        subscriptions = desk.subscriptions
        if subscriptions is None:
            await reply_ephemeral(interaction, NO_DATABASE)
            return
        missing = _missing_permissions(channel)
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
            await reply_ephemeral(interaction, escape(str(exc)))  # it echoes what was typed
            return
        await _defer_write(interaction)
        sub = await subscriptions.subscribe(
            channel_id=channel.id, guild_id=interaction.guild_id, time=schedule.time_text,
            timezone=schedule.zone_name, post_when_empty=conf.post_when_empty,
            by=str(interaction.user),
        )
        _, next_at = schedule.next_fire(max(self.clock(), sub.active_from))
        label = story_label(desk)
        await reply_ephemeral(
            interaction,
            f"Digest subscribed: {channel.mention} every day at {schedule.time_text} "
            f"{schedule.zone_name}{f' ({label})' if label else ''}. "
            f"Next: {format_local(next_at, schedule.zone)}.",
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
        subscriptions = self.subscriptions
        if subscriptions is None:
            await reply_ephemeral(interaction, NO_DATABASE)
            return
        await _defer_write(interaction)
        gone = await subscriptions.unsubscribe(
            guild_id=interaction.guild_id, channel_id=channel.id if channel else None
        )
        if not gone:
            where = channel.mention if channel else "this server"
            await reply_ephemeral(interaction, f"No digest subscription in {where}.")
            return
        names = ", ".join(f"<#{s.channel_id}>" for s in gone)
        await reply_ephemeral(interaction, f"Digest unsubscribed: {names}.")

    @digest.command(name="preview", description="The digest as it would be posted now")
    @app_commands.describe(story=STORY_HELP)
    @cooldown
    async def preview(
        self, interaction: discord.Interaction,
        story: app_commands.Transform[str, StoryChoice] | None = None,
    ) -> None:
        if self.bot.engine is None:
            await reply_ephemeral(interaction, "The claim set is not loaded.")
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        desk = await self.desk_for(interaction, story)
        subscriptions = desk.subscriptions
        sub = (
            await subscriptions.for_preview(interaction.guild_id, interaction.channel_id)
            if subscriptions is not None
            else None
        )
        if sub is not None and story is None:  # the subscription's own story
            desk = await self.desk_for(interaction, sub.story)
        elif sub is not None and sub.story != desk.scope.story:
            sub = None  # this server's digest is of another story: measured from nothing
        engine = desk.engine
        if desk.store is not None:
            answer, *_ = await self._runner(desk).build(sub)
        else:  # no database: everything is new, measured from nothing
            answer = build_digest(
                engine, changes_from_snapshot(None, record_hashes(engine.claimset)),
                mode="snapshot", since=None, since_label="the beginning", now=self.clock(),
            )
        for part in render_digest_messages(answer, footer=self._preview_footer(sub)):
            await interaction.followup.send(
                part, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )

    def _preview_footer(self, sub: DigestSubscription | None) -> str:
        if sub is None:
            return "Preview · no digest subscription in this server"
        schedule = Schedule.parse(sub.time, sub.timezone)
        _, next_at = schedule.next_fire(self.clock())
        when = format_local(next_at, schedule.zone)
        return f"Preview for <#{sub.channel_id}> · next post {when}"


async def _defer_write(interaction: discord.Interaction) -> None:
    """Answer Discord before a write (the database may be locked for longer than 3 s);
    the replies after it go out as followups (:func:`reply_ephemeral`)."""
    await interaction.response.defer(ephemeral=True, thinking=True)


def _missing_permissions(channel: discord.TextChannel) -> list[str]:
    """What the bot lacks in ``channel`` to post a digest (unknown: nothing)."""
    me = channel.guild.me
    if me is None:
        return []
    perms = channel.permissions_for(me)
    return [name for name, ok in (
        ("View Channel", perms.view_channel), ("Send Messages", perms.send_messages),
        ("Read Message History", perms.read_message_history)) if not ok]


async def setup(bot: FactdeskBot) -> None:
    await bot.add_cog(DigestCog(bot))
