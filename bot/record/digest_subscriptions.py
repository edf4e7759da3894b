"""Digest subscriptions as the faces manage them: subscribe, unsubscribe, look up.

The cog and the CLI call these, never the store's digest queries: subscribing needs a
snapshot of the claim set being served (its record hashes, worked out off the event
loop), and the channel named in config.toml follows one rule, kept here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from bot.record.digest import DigestEngine, record_hashes
from bot.record.protocols import DigestRecord
from bot.record.records import DigestSubscription
from bot.settings import DigestSettings

log = logging.getLogger(__name__)

CONFIG_AUTHOR = "config.toml"  # created_by of the subscription config.toml asks for


class DigestSubscriptions:
    """Subscriptions over one store and the engine being served (a callable: reloads swap it)."""

    def __init__(self, store: DigestRecord, engine: Callable[[], DigestEngine]) -> None:
        self.store = store
        self._engine = engine

    async def subscribe(
        self,
        *,
        channel_id: int,
        guild_id: int | None,
        time: str,
        timezone: str,
        post_when_empty: bool,
        by: str,
    ) -> DigestSubscription:
        """Subscribe a channel (from a snapshot of the claim set now), or change its settings."""
        claimset = self._engine().claimset
        return await self.store.digest_subscribe(
            channel_id=channel_id, guild_id=guild_id, time=time, timezone=timezone,
            post_when_empty=post_when_empty, by=by,
            hashes=await asyncio.to_thread(record_hashes, claimset),
            claimset=f"{claimset.manifest.id}@{claimset.version}",
        )

    async def unsubscribe(
        self, *, guild_id: int | None, channel_id: int | None = None
    ) -> list[DigestSubscription]:
        """Stop the guild's digests, or one channel's; returns what was stopped."""
        return await self.store.digest_unsubscribe(guild_id=guild_id, channel_id=channel_id)

    async def active(self, guild_id: int | None = None) -> list[DigestSubscription]:
        """The active subscriptions, of one guild or all, oldest first."""
        return await self.store.digest_subscriptions(guild_id=guild_id)

    async def for_channel(self, channel_id: int) -> DigestSubscription | None:
        """The channel's subscription, active or not (None when it never had one)."""
        subs = await self.store.digest_subscriptions(include_inactive=True)
        return next((s for s in subs if s.channel_id == channel_id), None)

    async def for_preview(
        self, guild_id: int | None, channel_id: int | None
    ) -> DigestSubscription | None:
        """What a preview measures against: this channel's subscription, else the guild's first."""
        subs = await self.active(guild_id)
        return next((s for s in subs if s.channel_id == channel_id), subs[0] if subs else None)

    async def ensure_from_config(
        self, conf: DigestSettings, guild_id: int | None
    ) -> DigestSubscription | None:
        """Subscribe config.toml's channel unless an editor unsubscribed or set it.

        Unchanged settings write nothing; None when config.toml names no channel.
        """
        if not conf.channel_id:
            return None
        existing = await self.for_channel(conf.channel_id)
        time = conf.time.strftime("%H:%M")
        if existing is not None and (
            not existing.active
            or existing.created_by != CONFIG_AUTHOR
            or (existing.time, existing.timezone, existing.post_when_empty)
            == (time, conf.timezone, conf.post_when_empty)
        ):
            return existing
        return await self.subscribe(
            channel_id=conf.channel_id, guild_id=guild_id, time=time, timezone=conf.timezone,
            post_when_empty=conf.post_when_empty, by=CONFIG_AUTHOR,
        )
