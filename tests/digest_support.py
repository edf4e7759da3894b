"""Helpers for the digest tests: the mini claim set, edits to it, a clock, a fake channel.

``FakeChannels`` stands in for Discord only where the runner touches it (send with a
nonce, read back recent history). It keeps Discord's nonce rule: a repeated nonce
within ``nonce_window`` returns the message already created instead of a new one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from pathlib import Path

from bot.claimset.loader import load_claimset
from bot.claimset.model import ClaimSet
from bot.claimset.schema import Attribution, Claim, Evidence

MINI = Path(__file__).parent / "data" / "mini"


def mini() -> ClaimSet:
    return load_claimset(MINI)


def engine_for(claimset: ClaimSet, editorial=None):
    from bot.answers.engine import Factdesk

    return Factdesk(claimset, editorial) if editorial is not None else Factdesk(claimset)


def with_claims(claimset: ClaimSet, *claims: Claim) -> ClaimSet:
    """A copy of the claim set with claims added or replaced (by id)."""
    merged = dict(claimset.claims)
    for claim in claims:
        merged[claim.id] = claim
    return dataclasses.replace(claimset, claims=merged)


def new_claim(claim_id: str, statement: str, source: str = "003") -> Claim:
    return Claim(
        id=claim_id,
        statement=statement,
        speaker="interior-ministry",
        attributions=[Attribution(source=source, quote="7,939 people were arrested")],
        evidence=Evidence(status="single_source", rationale="one origin"),
    )


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


class Crash(BaseException):
    """A simulated process death: not an Exception, so nothing catches it on the way."""


@dataclasses.dataclass
class Sent:
    id: int
    channel_id: int
    content: str
    nonce: str
    at: dt.datetime


class FakeChannels:
    def __init__(self, clock: Clock, nonce_window: dt.timedelta = dt.timedelta(minutes=5)):
        self.clock = clock
        self.nonce_window = nonce_window
        self.messages: list[Sent] = []
        self.requests = 0
        self._ids = itertools.count(1000)
        self.crash_after_send: int | None = None  # crash after delivering this many more
        self.fail_with: Exception | None = None

    async def send(self, channel_id: int, content: str, nonce: str) -> int:
        self.requests += 1
        if self.fail_with is not None:
            raise self.fail_with
        assert len(nonce) <= 25 and len(content) <= 2000
        now = self.clock()
        for msg in self.messages:
            if msg.nonce == nonce and now - msg.at <= self.nonce_window:
                message_id = msg.id  # enforce_nonce: the same message back
                break
        else:
            message_id = next(self._ids)
            self.messages.append(Sent(message_id, channel_id, content, nonce, now))
        if self.crash_after_send is not None:
            self.crash_after_send -= 1
            if self.crash_after_send <= 0:
                self.crash_after_send = None
                raise Crash("killed after Discord created the message")
        return message_id

    async def find_sent(self, channel_id: int, content: str, after: dt.datetime) -> int | None:
        for msg in self.messages:
            if msg.channel_id == channel_id and msg.content == content and msg.at >= after:
                return msg.id
        return None

    def in_channel(self, channel_id: int) -> list[Sent]:
        return [m for m in self.messages if m.channel_id == channel_id]
