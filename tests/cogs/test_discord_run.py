"""`python -m bot run` as a subprocess: one-line errors, settings URLs used, SIGTERM exits 0."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

from bot.paths import PROJECT_ROOT
from tests.discord_harness import RecordingDiscord


def env_without_token(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k != "DISCORD_TOKEN" and not k.startswith("FACTDESK_")}
    env.update(extra)
    return env


async def run_bot(*args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", *args,
        cwd=PROJECT_ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def test_missing_token_is_one_line_exit_2(tmp_path: Path) -> None:
    proc = await run_bot("--config", str(tmp_path / "none.toml"), env=env_without_token())
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    # The settings file is checked first: a missing --config file is named.
    assert proc.returncode == 2
    assert err.decode().strip().splitlines() == [f"error: {tmp_path / 'none.toml'}: cannot read: "
                                                 "No such file or directory"]
    config = tmp_path / "config.toml"
    config.write_text("[discord]\nephemeral = true\n")
    proc = await run_bot("--config", str(config), env=env_without_token())
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    assert err.decode().strip().splitlines() == [
        "error: DISCORD_TOKEN is not set: "
        "put the bot token in the DISCORD_TOKEN environment variable"
    ]


async def test_bad_settings_one_line_each(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[discord]\nguild_ids = "all"\n[digest]\ntimezone = "Nowhere/Here"\n')
    proc = await run_bot("--config", str(config), env=env_without_token(DISCORD_TOKEN="t"))
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    lines = err.decode().strip().splitlines()
    assert proc.returncode == 2
    assert lines == [
        f"error: {config}: discord.guild_ids: must be a list of integers (server ids)",
        f"error: {config}: digest.timezone: unknown time zone 'Nowhere/Here' (use an IANA name)",
    ]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_uses_the_configured_urls_and_reports_an_unreachable_gateway(
    tmp_path: Path,
) -> None:
    # A clean SIGTERM shutdown of a connected bot is proven in tests/e2e/test_bot_scenarios.py.
    async with RecordingDiscord() as rest:
        config = tmp_path / "config.toml"
        gateway = f"ws://127.0.0.1:{closed_port()}/"
        config.write_text(
            f'[discord]\napi_base = "{rest.api_base}"\n'
            f'gateway_url = "{gateway}"\n'
            f'[database]\npath = "desk.sqlite3"\n'
        )
        proc = await run_bot("--config", str(config), env=env_without_token(DISCORD_TOKEN="tok"))
        try:
            _, err = await asyncio.wait_for(proc.communicate(), 60)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    assert proc.returncode == 2, err.decode()[-2000:]
    assert err.decode().strip().splitlines()[-1] == (
        f"error: cannot reach Discord's gateway at {gateway}"
    )
    assert [r.path for r in rest.requests[:2]] == ["/users/@me", "/oauth2/applications/@me"]
    assert (tmp_path / "desk.sqlite3").exists()  # the relative path is under the config's dir


async def test_sync_with_a_token_puts_the_commands_to_the_guild(tmp_path: Path) -> None:
    async with RecordingDiscord() as rest:
        config = tmp_path / "config.toml"
        config.write_text(f'[discord]\napi_base = "{rest.api_base}"\n')
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "sync", "--guild", "123456789012345678",
            "--config", str(config),
            cwd=PROJECT_ROOT, env=env_without_token(DISCORD_TOKEN="tok"),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()[-2000:]
    puts = rest.calls("PUT")
    assert len(puts) == 1
    assert puts[0].path.endswith("/guilds/123456789012345678/commands")
    names = {c["name"] for c in puts[0].body}
    assert {"claim", "evidence", "figures", "speaker", "source", "factdesk"} <= names
    assert out.decode().strip() == (
        f"Synced {len(puts[0].body)} commands: {puts[0].method} {puts[0].path}"
    )


async def test_sync_reports_a_rejected_token_in_one_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[discord]\napi_base = "http://127.0.0.1:{closed_port()}/api/v10"\n')
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "sync", "--config", str(config),
        cwd=PROJECT_ROOT, env=env_without_token(DISCORD_TOKEN="tok"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    lines = err.decode().strip().splitlines()
    assert proc.returncode == 2
    assert len(lines) == 1 and lines[0].startswith("error: cannot reach Discord"), lines
