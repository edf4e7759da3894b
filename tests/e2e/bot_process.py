"""The real bot as a subprocess: ``python -m bot run --config <test config>``.

The config points the bot's REST base and gateway at the fake Discord, gives it its
own temporary database, and names the fake's guild, owner and editor role. The token
is a fake one, passed in ``DISCORD_TOKEN`` as in production. The bot's log lines are
read as they come, so a test can wait for one (no sleeps).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.e2e.fake_discord import FakeDiscord

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
READY_MARKER = "ready as"  # bot.client.FactdeskBot.on_ready logs "ready as <user> ..."


@functools.cache
def bot_command_missing() -> str | None:
    """Why the bot cannot be run yet (``python -m bot run --help`` fails), or None."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bot", "run", "--help"], cwd=REPO, capture_output=True,
            text=True, timeout=60, env=_clean_env(),
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"`python -m bot run --help` could not run: {exc}"
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return f"`python -m bot run --help` exits {result.returncode}: {last}"
    return None


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("FACTDESK_") and k != "DISCORD_TOKEN"}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def write_config(
    fake: FakeDiscord, workdir: Path, *, ephemeral: bool = True,
    database_url: str | None = None, shards: tuple[list[int], int] | None = None,
) -> Path:
    """The bot's config.toml: every guild of the fake, its own SQLite file or the
    PostgreSQL database ``database_url``, and ``shards`` (shard_ids, shard_count) if any."""
    guilds = list(fake.guilds.values())
    database = f'url = "{database_url}"' if database_url else (
        f'path = "{(workdir / "factdesk.sqlite3").as_posix()}"')
    sharding = (f"shard_count = {shards[1]}\nshard_ids = {shards[0]}\n" if shards else "")
    config = workdir / "config.toml"
    config.write_text(
        "[claimset]\n"
        f'path = "{(REPO / "seeds" / "claimset.toml").as_posix()}"\n\n'
        "[database]\n"
        f"{database}\n\n"
        "[discord]\n"
        f"guild_ids = [{', '.join(g.id for g in guilds)}]\n"
        f"owner_ids = [{fake.owner['id']}]\n"
        f"editor_role_ids = [{', '.join(g.editor_role_id for g in guilds)}]\n"
        f"ephemeral = {'true' if ephemeral else 'false'}\n"
        f'api_base = "{fake.api_base}"\n'
        f'gateway_url = "{fake.gateway_url}"\n'
        f"{sharding}",
        encoding="utf-8",
    )
    return config


class BotProcess:
    def __init__(self, fake: FakeDiscord, workdir: Path, *, database_url: str | None = None,
                 shards: tuple[list[int], int] | None = None) -> None:
        self.fake = fake
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.config = write_config(fake, workdir, database_url=database_url, shards=shards)
        self.database = workdir / "factdesk.sqlite3"
        self.lines: list[str] = []
        self.proc: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Condition()

    async def start(self) -> None:
        env = _clean_env()
        env["DISCORD_TOKEN"] = self.fake.token
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(self.config),
            cwd=REPO, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        while line := await self.proc.stdout.readline():
            self.lines.append(line.decode("utf-8", "replace").rstrip("\n"))
            async with self._changed:
                self._changed.notify_all()
        await self.proc.wait()
        async with self._changed:
            self._changed.notify_all()

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    @property
    def exited(self) -> bool:
        return self.proc is not None and self.proc.returncode is not None

    async def wait_until(self, predicate: Callable[[], object], what: str,
                         timeout: float = 30.0) -> None:
        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: predicate() or self.exited), timeout
                )
            except TimeoutError:
                raise AssertionError(f"bot: timed out waiting for {what}; output:\n"
                                     f"{self.tail()}") from None
        if not predicate():
            raise AssertionError(f"bot exited ({self.proc.returncode if self.proc else '?'}) "
                                 f"while waiting for {what}; output:\n{self.tail()}")

    async def wait_log(self, text: str, timeout: float = 30.0) -> None:
        await self.wait_until(lambda: any(text in line for line in self.lines),
                              f"a log line with {text!r}", timeout)

    async def wait_ready(self, timeout: float = 45.0) -> None:
        """Identified with the fake (READY and GUILD_CREATE sent) and on_ready logged."""
        await self.wait_log(READY_MARKER, timeout)
        assert self.fake.identifies, "the bot logged ready without identifying"

    def tail(self, n: int = 40) -> str:
        return "\n".join(self.lines[-n:]) or "(no output)"

    async def kill(self) -> int:
        """SIGKILL: no shutdown at all, as a crash or the OOM killer leaves it."""
        assert self.proc is not None
        self.proc.kill()
        await self.proc.wait()
        if self._reader is not None:
            await asyncio.wait_for(self._reader, 20)
        return self.proc.returncode  # type: ignore[return-value]

    async def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM and wait; kill it if it does not go in time. The exit code."""
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), timeout)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        if self._reader is not None:
            await asyncio.wait_for(self._reader, timeout)
        return self.proc.returncode  # type: ignore[return-value]
