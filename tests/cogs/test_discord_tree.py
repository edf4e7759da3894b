"""The command tree: every extension loads, no clashes, and the sync payload is valid.

The payload is what ``python -m bot sync --dry-run --json`` prints (the body tree.sync
PUTs); it is validated against the ApplicationCommandCreateRequest schema of Discord's
OpenAPI spec (refs resolved inside openapi.json), plus the rules the spec cannot say:
the name pattern ^[-_'\\p{L}\\p{N}]{1,32}$, lowercase, required options first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from bot.client import EXTENSIONS, FactdeskBot, dry_run_payload, sync_payload
from bot.paths import PROJECT_ROOT
from bot.settings import Settings
from cogs.utils.limits import command_problems

SPEC = PROJECT_ROOT.parent / "shared" / "discord-api-spec" / "openapi.json"
CREATE = "urn:discord-openapi#/components/schemas/ApplicationCommandCreateRequest"
EXPECTED_TOP_LEVEL = {"claim", "evidence", "figures", "speaker", "source", "factdesk"}


@cache
def validator() -> Draft202012Validator:
    if not SPEC.is_file():
        pytest.skip(f"{SPEC} is not there (it lives in shared/ beside the repository)")
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:discord-openapi", resource)
    return Draft202012Validator({"$ref": CREATE}, registry=registry)


def spec_errors(command: dict) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator().iter_errors(command)]


async def test_every_extension_loads_and_no_command_clashes() -> None:
    async with FactdeskBot(Settings(), None) as bot:
        await bot.setup_hook()
        assert bot.failed_extensions == {}
        assert set(bot.extensions) == set(EXTENSIONS)
        names = [c.name for c in bot.tree.get_commands()]
        assert len(names) == len(set(names))
        assert set(names) >= EXPECTED_TOP_LEVEL
        group = bot.tree.get_command("factdesk")
        assert [c.name for c in group.commands] == ["about", "sync", "feedback", "reload"]


async def test_one_cog_owns_factdesk() -> None:
    """Every /factdesk subcommand is a method of the cog that owns the group (no grafting)."""
    async with FactdeskBot(Settings(), None, extensions=("cogs.factdesk",)) as bot:
        await bot.setup_hook()
        group = bot.tree.get_command("factdesk")
        owner = bot.get_cog("About")
        assert {c.name for c in group.commands} == {"about", "sync", "feedback", "reload"}
        assert all(c.binding is owner for c in group.commands)


@pytest.mark.parametrize("name", EXTENSIONS)
async def test_each_extension_loads_alone_and_unloads(name: str) -> None:
    async with FactdeskBot(Settings(), None, extensions=(name,)) as bot:
        await bot.setup_hook()
        assert bot.failed_extensions == {}
        assert bot.tree.get_commands(), f"{name} adds no command"
        await bot.unload_extension(name)
        assert not bot.tree.get_commands()


async def test_a_failing_extension_is_logged_not_fatal(caplog: pytest.LogCaptureFixture) -> None:
    async with FactdeskBot(Settings(), None, extensions=("cogs.nope", "cogs.claims")) as bot:
        await bot.setup_hook()
        assert list(bot.failed_extensions) == ["cogs.nope"]
        assert "cogs.claims" in bot.extensions
    assert "failed to load extension cogs.nope" in caplog.text


@pytest.mark.parametrize("guild", [None, 123456789012345678])
async def test_sync_payload_validates_against_the_spec(guild: int | None) -> None:
    payload = await dry_run_payload(Settings(), guild)
    assert {c["name"] for c in payload} >= EXPECTED_TOP_LEVEL
    for command in payload:
        assert spec_errors(command) == [], command["name"]
        assert command_problems(command) == [], command["name"]
        known = _create_properties() | {"nsfw"}  # discord.py sends nsfw; Discord takes it
        assert set(command) <= known, set(command) - known
        if command["name"] in EXPECTED_TOP_LEVEL:
            assert command["contexts"] == [0], "guild_only"
            assert command["dm_permission"] is False


def _create_properties() -> set[str]:
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    return set(spec["components"]["schemas"]["ApplicationCommandCreateRequest"]["properties"])


def test_the_validator_really_checks_nested_options() -> None:
    bad = {
        "name": "claim",
        "description": "ok",
        "options": [{"type": 3, "name": "query", "description": "d" * 101}],
    }
    assert spec_errors(bad)
    assert spec_errors({"name": "x" * 33, "description": "ok"})
    assert command_problems({"name": "Claim", "description": "ok", "type": 1})


async def test_options_are_typed() -> None:
    payload = {c["name"]: c for c in await dry_run_payload(Settings(), None)}
    limit = next(o for o in payload["claim"]["options"] if o["name"] == "limit")
    assert (limit["type"], limit["min_value"], limit["max_value"]) == (4, 1, 25)
    for name, option in (("claim", "query"), ("evidence", "claim"), ("figures", "topic"),
                         ("speaker", "speaker"), ("source", "source")):
        opt = next(o for o in payload[name]["options"] if o["name"] == option)
        assert opt["type"] == 3 and opt["autocomplete"] is True and opt["required"] is True
    sync = next(o for o in payload["factdesk"]["options"] if o["name"] == "sync")
    scope = sync["options"][0]
    assert [c["value"] for c in scope["choices"]] == ["guild", "global"]


async def test_guild_payload_copies_the_global_commands() -> None:
    async with FactdeskBot(Settings(), None) as bot:
        await bot.setup_hook()
        global_names = [c["name"] for c in sync_payload(bot)]
        guild_names = [c["name"] for c in sync_payload(bot, 42)]
    assert guild_names == global_names


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_dry_run_cli_prints_the_payload_without_a_token(tmp_path: Path) -> None:
    result = _cli("sync", "--dry-run", "--json", "--guild", "123456789012345678")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed == await dry_run_payload(Settings(), 123456789012345678)
    human = _cli("sync", "--dry-run")
    assert human.returncode == 0
    assert human.stdout.startswith("Would send PUT /applications/{application_id}/commands with")
    assert "Traceback" not in human.stderr


def test_sync_without_token_is_one_line() -> None:
    result = _cli("sync", "--guild", "1")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: DISCORD_TOKEN is not set (use --dry-run to see the payload without one)"
    ]
