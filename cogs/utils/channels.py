"""Posting into a channel by id: send with a nonce, and find a message of ours already there.

These are the ``send`` and ``find_sent`` the digest runner is given
(:mod:`bot.record.digest_runner`). ``send`` passes the run's nonce, so discord.py sets
``enforce_nonce`` and Discord returns the message it already created when a retry
repeats the nonce. Discord forgets nonces after a few minutes, so a resumed run first
reads the channel's recent history with ``find_sent``.
"""

from __future__ import annotations

import datetime as dt
import logging

import discord

log = logging.getLogger(__name__)

HISTORY_LIMIT = 50  # messages read back when resuming a run whose nonce may have expired


async def messageable(client: discord.Client, channel_id: int) -> discord.abc.Messageable:
    """The channel from the cache, else fetched; TypeError when it cannot hold messages."""
    channel = client.get_channel(channel_id)
    if channel is None:
        channel = await client.fetch_channel(channel_id)
    if not isinstance(channel, discord.abc.Messageable):
        raise TypeError(f"channel {channel_id} cannot hold messages")
    return channel


async def send_with_nonce(
    client: discord.Client, channel_id: int, content: str, nonce: str
) -> int:
    """Post ``content`` (mentioning nobody); returns the id of the message Discord holds."""
    channel = await messageable(client, channel_id)
    message = await channel.send(
        content, nonce=nonce, allowed_mentions=discord.AllowedMentions.none()
    )
    return message.id


async def find_own_message(
    client: discord.Client, channel_id: int, content: str, after: dt.datetime
) -> int | None:
    """The id of our message with exactly ``content`` posted after ``after``, else None."""
    channel = await messageable(client, channel_id)
    me = client.user
    since = discord.Object(discord.utils.time_snowflake(after - dt.timedelta(minutes=1)))
    async for message in channel.history(limit=HISTORY_LIMIT, after=since):
        if me is not None and message.author.id == me.id and message.content == content:
            return message.id
    return None
