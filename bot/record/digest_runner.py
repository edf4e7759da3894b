"""Posting digests exactly once: the schedule, the store, an injected ``render`` and ``send``.

The runner knows nothing of Discord: the cog gives it ``render(answer, footer) ->
message contents`` and ``send(channel_id, content, nonce) -> message id`` (and
optionally ``find_sent``), tests give it fakes that can crash between any two steps.
For each active subscription that this process owns (``owns``: with shards across
processes, the one whose shard holds the subscription's guild), on every :meth:`tick`,
holding the store's claim on it (:meth:`DigestRecord.digest_claim`: two processes
ticking at once never both run one subscription):

1. Work out the due period (:func:`bot.record.schedule.due_period`: the latest local date whose
   time has passed and that was not begun yet, so downtime yields one catch-up).
2. Build the digest and fix its message contents, then **record the run** (state
   ``sending``, UNIQUE per subscription and period) *before* sending anything.
3. Send each part with a nonce derived from (subscription, period, part); Discord's
   ``enforce_nonce`` (discord.py sets it whenever a nonce is given) returns the message
   already created instead of a second one when a retry repeats the nonce.
4. **Record each message** id as soon as Discord answers; mark the run ``sent`` (and
   move the subscription's baseline) when every part is recorded.

A crash anywhere leaves a ``sending`` run; the next tick resumes it with the same
contents and nonces, skipping parts already recorded. Discord only remembers nonces for
a few minutes, so a resumed run first asks ``find_sent`` (the cog reads the channel's
recent history for the bot's own message with exactly that content) before sending a
part again. A ``sending`` run is retried at most ``max_attempts`` times (then
``failed``); one overtaken by a newer due period is ``abandoned`` — its changes are
still covered, because only a completed run moves the baseline.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from bot.record.digest import (
    DigestAnswer,
    DigestEngine,
    accepted_since,
    build_digest,
    changes_from_snapshot,
    record_hashes,
)
from bot.record.protocols import DigestRecord
from bot.record.records import DigestRun, DigestSnapshot, DigestSubscription
from bot.record.schedule import Schedule, ScheduleError, due_period

log = logging.getLogger(__name__)

NONCE_MAX = 25  # Discord's limit on a message nonce (string form)

# (answer, footer) -> the contents of a run's messages, fixed before the first is sent.
RenderFn = Callable[[DigestAnswer, str], list[str]]
# (channel_id, content, nonce) -> the id of the message Discord created (or returned).
SendFn = Callable[[int, str, str], Awaitable[int]]
# (channel_id, content, not_before) -> the id of a message of ours with exactly that
# content posted after not_before, or None.
FindSentFn = Callable[[int, str, dt.datetime], Awaitable[int | None]]
# subscription -> whether this process posts it (its guild is on one of our shards).
OwnsFn = Callable[[DigestSubscription], bool]
# subscription -> the record (its story and server) and engine its digest is built from.
ScopeFn = Callable[[DigestSubscription], Awaitable[tuple[DigestRecord, DigestEngine]]]


def digest_nonce(subscription_id: int, period: dt.date, part: int) -> str:
    """A deterministic nonce for one message of one digest, at most 25 characters."""
    nonce = f"fd{subscription_id}.{period:%Y%m%d}.{part}"
    if len(nonce) <= NONCE_MAX:
        return nonce
    digest = hashlib.sha256(nonce.encode()).hexdigest()
    return f"fd{digest[: NONCE_MAX - 2]}"


async def post_once(
    send: SendFn,
    find_sent: FindSentFn | None,
    channel_id: int,
    content: str,
    nonce: str,
    not_before: dt.datetime,
) -> tuple[int, bool]:
    """(message id, whether it was already in the channel): ``find_sent`` first when given (a
    retry: Discord forgets nonces after a few minutes), else or then ``send`` with the nonce.
    A failing history read only logs; a failing send raises."""
    if find_sent is not None:
        try:
            found = await find_sent(channel_id, content, not_before)
        except Exception as exc:
            log.warning("channel %d: cannot read the history: %s", channel_id, exc)
        else:
            if found is not None:
                return found, True
    return await send(channel_id, content, nonce), False


def format_local(moment: dt.datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local.day} {local:%b %Y %H:%M} ({zone.key})"


@dataclass(frozen=True, slots=True)
class RunOutcome:
    subscription_id: int
    channel_id: int
    period: dt.date
    state: Literal["sent", "skipped", "sending", "failed"]
    message_ids: tuple[int, ...] = ()
    error: str = ""


class DigestRunner:
    def __init__(
        self,
        store: DigestRecord,
        engine: Callable[[], DigestEngine],
        send: SendFn,
        *,
        render: RenderFn,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        find_sent: FindSentFn | None = None,
        owns: OwnsFn | None = None,
        max_attempts: int = 10,
        scope_of: ScopeFn | None = None,
    ) -> None:
        self.store = store
        self._engine = engine  # a callable: the bot swaps its engine on reload
        self._send = send
        self._render = render
        self._clock = clock
        self._find_sent = find_sent
        self._owns = owns
        self._scope_of = scope_of  # None: every subscription reads ``store`` and ``engine``
        self._elsewhere: set[int] = set()  # subscriptions logged as another process's
        self.max_attempts = max_attempts

    # -- building ---------------------------------------------------------------------

    async def build(
        self, subscription: DigestSubscription | None, *, zone: ZoneInfo | None = None
    ) -> tuple[DigestAnswer, dict[str, str], int, DigestSnapshot | None]:
        """The digest as it would be posted now for ``subscription`` (None: everything).

        Returns the answer, the record hashes and rulings cursor it was built from (the
        run's snapshot), and the baseline snapshot it was measured against.
        """
        record: DigestRecord = self.store
        engine = self._engine()
        if subscription is not None and self._scope_of is not None:
            record, engine = await self._scope_of(subscription)
        now = self._clock()
        if zone is None:
            zone = ZoneInfo(subscription.timezone) if subscription else ZoneInfo("UTC")
        baseline = (
            await self.store.digest_snapshot(subscription.baseline_snapshot_id)
            if subscription
            else None
        )
        # The CPU-heavy parts run in a thread so a large claim set does not stall the
        # bot's event loop (interactions must be answered within 3 s).
        hashes = await asyncio.to_thread(record_hashes, engine.claimset)
        cursor = await self.store.digest_ruling_cursor()
        changes = changes_from_snapshot(baseline.hashes if baseline else None, hashes)
        status_changes = await record.digest_status_changes(
            after=baseline.ruling_cursor if baseline else 0, upto=cursor
        )
        accepted = await accepted_since(  # the subscription's story and server's drafts
            record, engine.claimset, baseline.taken_at if baseline else None
        )
        answer = await asyncio.to_thread(
            build_digest,
            engine,
            changes,
            mode="snapshot",
            since=baseline.taken_at if baseline else None,
            since_label=format_local(baseline.taken_at, zone) if baseline else "the beginning",
            now=now,
            status_changes=status_changes,
            accepted=accepted,
        )
        return answer, hashes, cursor, baseline

    # -- running ----------------------------------------------------------------------

    async def tick(self) -> list[RunOutcome]:
        """Post whatever is due now, for every active subscription this process owns."""
        outcomes: list[RunOutcome] = []
        for subscription in await self.store.digest_subscriptions():
            if not self.owns(subscription):
                continue
            try:
                async with self.store.digest_claim(subscription.id) as held:
                    if not held:
                        log.info("digest %d: another process is running it; left to it",
                                 subscription.id)
                        continue
                    outcome = await self.run_subscription(subscription)
            except Exception:  # one broken subscription must not stop the others
                log.exception("digest for subscription %d failed", subscription.id)
                continue
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    def owns(self, subscription: DigestSubscription) -> bool:
        """Whether this process posts the subscription (the face decides; default: all).
        The first time one is not ours, it is logged."""
        if self._owns is None or self._owns(subscription):
            return True
        if subscription.id not in self._elsewhere:
            self._elsewhere.add(subscription.id)
            log.info("digest %d (guild %s, channel %d) is posted by the process whose shard "
                     "holds its guild", subscription.id, subscription.guild_id,
                     subscription.channel_id)
        return False

    async def run_subscription(self, sub: DigestSubscription) -> RunOutcome | None:
        now = self._clock()
        try:
            schedule = Schedule.parse(sub.time, sub.timezone)
        except ScheduleError as exc:
            log.error("digest subscription %d: %s", sub.id, exc)
            return None
        latest = await self.store.digest_latest_run(sub.id)
        if latest is not None and latest.state == "sending":
            newer = due_period(schedule, now, last_period=latest.period)
            if newer is None:
                return await self._deliver(sub, latest)
            log.warning(
                "digest %d for %s never completed; superseded by %s",
                sub.id, latest.period, newer,
            )
            await self.store.digest_stop_run(
                latest.id, state="abandoned", error=f"superseded by the {newer} digest"
            )
        period = due_period(
            schedule,
            now,
            last_period=latest.period if latest else None,
            not_before=sub.active_from,
        )
        if period is None:
            return None
        answer, hashes, cursor, baseline = await self.build(sub, zone=schedule.zone)
        claimset = f"{answer.claimset}@{answer.version}"
        since_id = baseline.id if baseline else sub.baseline_snapshot_id
        if answer.nothing_new and not sub.post_when_empty:
            run = await self.store.digest_begin_run(
                subscription_id=sub.id, period=period, payload=[], since_snapshot_id=since_id,
                hashes=hashes, claimset=claimset, ruling_cursor=cursor, skipped=True,
            )
            if run is None:
                return None
            log.info("digest %d for %s: nothing new, not posted", sub.id, period)
            return RunOutcome(sub.id, sub.channel_id, period, "skipped")
        ref = digest_nonce(sub.id, period, 0).rsplit(".", 1)[0]
        footer = f"Factdesk digest for {period.day} {period:%b %Y} ({sub.timezone}) · ref {ref}"
        payload = self._render(answer, footer)
        run = await self.store.digest_begin_run(
            subscription_id=sub.id, period=period, payload=payload, since_snapshot_id=since_id,
            hashes=hashes, claimset=claimset, ruling_cursor=cursor,
        )
        if run is None:  # begun elsewhere between our read and our write
            return None
        return await self._deliver(sub, run)

    async def _deliver(self, sub: DigestSubscription, run: DigestRun) -> RunOutcome:
        attempt = await self.store.digest_attempt(run.id)
        if attempt > self.max_attempts:
            error = f"gave up after {self.max_attempts} attempts: {run.last_error}"
            await self.store.digest_stop_run(run.id, state="failed", error=error)
            log.error("digest %d for %s: %s", sub.id, run.period, error)
            return RunOutcome(sub.id, sub.channel_id, run.period, "failed", error=error)
        sent = dict(run.messages)
        for part, content in enumerate(run.payload):
            if part in sent:
                continue
            nonce = digest_nonce(sub.id, run.period, part)
            try:
                message_id, found = await post_once(
                    self._send, self._find_sent if attempt > 1 else None,
                    sub.channel_id, content, nonce, run.started_at,
                )
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
                await self.store.digest_note_error(run.id, error)
                log.warning(
                    "digest %d for %s, part %d (attempt %d): %s",
                    sub.id, run.period, part, attempt, error,
                )
                return RunOutcome(
                    sub.id, sub.channel_id, run.period, "sending",
                    tuple(sent[p] for p in sorted(sent)), error,
                )
            if found:
                log.info("digest %d for %s, part %d: already in the channel", sub.id,
                         run.period, part)
            await self.store.digest_record_message(
                run.id, part, nonce=nonce, message_id=message_id
            )
            sent[part] = message_id
        await self.store.digest_finish_run(run.id)
        log.info("digest %d for %s posted in %d message(s)", sub.id, run.period, len(sent))
        return RunOutcome(
            sub.id, sub.channel_id, run.period, "sent", tuple(sent[p] for p in sorted(sent))
        )
