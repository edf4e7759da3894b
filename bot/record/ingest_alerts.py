"""Posting verdict-change alerts exactly once, by the rule digest runs follow.

An accepted draft whose figure changes a topic's verdict records one alert per digest
channel (:meth:`bot.record.protocols.AlertRecord.add_alerts`: content fixed, UNIQUE per
key and channel) before anything is sent. :func:`deliver_alerts` then posts each pending
one with a nonce made from its id (Discord's ``enforce_nonce`` returns the message already
created when a retry repeats it) and records the message id as soon as Discord answers. A
crash in between leaves the alert pending; the next delivery (right after the next
accept, or the face's periodic check, or at start) first looks for it in the channel's
recent history (``find_sent``: Discord forgets nonces after a few minutes) before sending
it again. The face gives ``send`` and ``find_sent`` (the digest's, in
``cogs.utils.channels``), like :class:`bot.record.digest_runner.DigestRunner`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from bot.record.digest_runner import NONCE_MAX, FindSentFn, SendFn, post_once
from bot.record.protocols import AlertRecord
from bot.record.records import IngestAlert

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10

# (guild id, channel id) -> whether this process posts there (its shard holds the guild).
OwnsChannelFn = Callable[[int | None, int], bool]
# alert -> the message content (the face's rendering of its VerdictChange; deterministic, so
# a message already sent is recognised by its content).
RenderAlertFn = Callable[[IngestAlert], str]


def alert_nonce(alert_id: int) -> str:
    """The nonce of an alert's message: deterministic, at most 25 characters."""
    nonce = f"fdalert{alert_id}"
    assert len(nonce) <= NONCE_MAX
    return nonce


class AlertSender:
    """Delivers pending alerts; one delivery at a time in this process."""

    def __init__(
        self,
        store: AlertRecord,
        send: SendFn,
        *,
        render: RenderAlertFn,
        find_sent: FindSentFn | None = None,
        owns: OwnsChannelFn | None = None,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.store = store
        self._send = send
        self._render = render
        self._find_sent = find_sent
        self._owns = owns
        self.max_attempts = max_attempts
        self._lock = asyncio.Lock()

    async def deliver(self) -> list[IngestAlert]:
        """Send every pending alert this process owns; the ones sent now."""
        async with self._lock:
            sent: list[IngestAlert] = []
            for alert in await self.store.pending_alerts():
                if self._owns is not None and not self._owns(alert.guild_id, alert.channel_id):
                    continue
                message_id = await self._deliver_one(alert)
                if message_id is not None:
                    sent.append(
                        alert.model_copy(update={"state": "sent", "message_id": message_id})
                    )
            return sent

    async def _deliver_one(self, alert: IngestAlert) -> int | None:
        attempt = await self.store.alert_attempt(alert.id)
        if attempt > self.max_attempts:
            error = f"gave up after {self.max_attempts} attempts: {alert.last_error}"
            await self.store.finish_alert(alert.id, message_id=None, error=error)
            log.error("alert %d (%s): %s", alert.id, alert.key, error)
            return None
        try:
            message_id, found = await post_once(
                self._send, self._find_sent if attempt > 1 else None, alert.channel_id,
                self._render(alert), alert_nonce(alert.id), alert.created_at,
            )
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            await self.store.note_alert_error(alert.id, error)
            log.warning("alert %d (attempt %d): %s", alert.id, attempt, error)
            return None
        if found:
            log.info("alert %d: already in the channel", alert.id)
        await self.store.finish_alert(alert.id, message_id=message_id)
        log.info("alert %d (%s) posted in channel %d", alert.id, alert.key, alert.channel_id)
        return message_id
