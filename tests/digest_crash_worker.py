"""A digest 'process' for the SIGKILL test: one runner tick, optionally killed mid-way.

Usage: python -m tests.digest_crash_worker DB CHANNEL_FILE NOW_ISO [kill-after-send]
(DB: a SQLite path or a postgresql:// URL)

Discord is a JSON-lines file (one message per line) that keeps the nonce rule: a
repeated nonce returns the message already there. With ``kill-after-send`` the process
kills itself with SIGKILL right after Discord "created" the message, before the runner
can record it: nothing in Python gets to clean up.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import sys
from pathlib import Path

from bot.record.digest_runner import DigestRunner
from cogs.utils.digest_rendering import render_digest_messages
from tests.digest_support import engine_for, mini
from tests.store_backends import open_target


async def main(db: str, channel_file: Path, now: dt.datetime, kill: bool) -> None:
    async def send(channel_id: int, content: str, nonce: str) -> int:
        lines = channel_file.read_text().splitlines() if channel_file.exists() else []
        messages = [json.loads(line) for line in lines]
        for message in messages:
            if message["nonce"] == nonce:
                return int(message["id"])
        message_id = 5000 + len(messages)
        with channel_file.open("a") as out:
            out.write(json.dumps({"id": message_id, "channel": channel_id, "nonce": nonce,
                                  "content": content}) + "\n")
            out.flush()
            os.fsync(out.fileno())
        if kill:
            os.kill(os.getpid(), signal.SIGKILL)
        return message_id

    claimset = mini()
    async with open_target(db, clock=lambda: now) as store:
        runner = DigestRunner(store, lambda: engine_for(claimset), send,
                              render=render_digest_messages, clock=lambda: now)
        outcomes = await runner.tick()
        print(json.dumps([o.state for o in outcomes]))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2]),
                     dt.datetime.fromisoformat(sys.argv[3]), "kill-after-send" in sys.argv[4:]))
