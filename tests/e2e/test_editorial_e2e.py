"""Editorial work end to end: the real FactdeskBot against the fake Discord (gateway + REST).

A reporter is refused; an editor rules on a claim and /claim shows the ruling beside the
derived status; a note shows in /evidence; a "Wrong match" press reaches
/factdesk feedback; a broken claim file on /factdesk reload keeps the bot answering.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.in_process import point_at, seeds_bot

APPLICATION_COMMAND = 2
SUB_COMMAND, STRING, INTEGER = 1, 3, 4
CLAIM = "ms-others-claim-foreign-interference"
EXTENSIONS = ("cogs.claims", "cogs.evidence", "cogs.factdesk", "cogs.editorial")


@pytest.fixture(autouse=True)
def _endpoints(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> None:
    point_at(fake, monkeypatch)


def running_bot(fake: FakeDiscord, tmp_path: Path) -> Any:
    return seeds_bot(fake, tmp_path, EXTENSIONS)


def _opt(name: str, value: Any) -> dict[str, Any]:
    kind = INTEGER if isinstance(value, int) else STRING
    return {"name": name, "type": kind, "value": value}


async def group_command(fake: FakeDiscord, group: str, sub: str, options: dict[str, Any],
                        *, editor: bool) -> Any:
    data = {"id": fake._command_id(group), "name": group, "type": 1,
            "options": [{"name": sub, "type": SUB_COMMAND,
                         "options": [_opt(k, v) for k, v in options.items()]}]}
    roles = [fake.editor_role_id] if editor else []
    sent = await fake._send_interaction(
        fake._interaction(APPLICATION_COMMAND, data, user=None, roles=roles, message=None))
    return await answered(fake, sent)


async def answered(fake: FakeDiscord, sent: Any) -> Any:
    await fake.wait_answered(sent)
    await fake.wait_for(
        lambda: (fake.response_message(sent) is not None
                 and not (fake.response_message(sent).get("flags") or 0) & 128)
        or sent.followups)
    return sent


def shown(fake: FakeDiscord, sent: Any) -> tuple[str, bool]:
    """Everything a user reads in the reply (content and embeds), and if it was ephemeral."""
    message = (fake.messages[sent.followups[-1]] if sent.followups
               else fake.response_message(sent))
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields") or []]
        parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(parts), bool((message.get("flags") or 0) & 64)


async def test_editorial_desk_end_to_end(fake: FakeDiscord, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path) as bot:
        # A reporter cannot rule: refused privately, nothing written.
        sent = await group_command(fake, "status", "set", {
            "claim": CLAIM, "status": "false", "reason": "no source"}, editor=False)
        text, ephemeral = shown(fake, sent)
        assert ephemeral and "Only editors" in text
        assert await bot.store.editorial_claim_ids() == set()

        # An editor rules; every answer then shows it beside the derived status.
        sent = await group_command(fake, "status", "set", {
            "claim": CLAIM, "status": "misleading", "reason": "No Chinese statement is cited"},
            editor=True)
        assert "Misleading" in shown(fake, sent)[0]
        sent = await answered(fake, await fake.slash("claim", [_opt("query", CLAIM)]))
        text, _ = shown(fake, sent)
        assert "Misleading" in text and "Single source" in text and "reporter" in text

        # A note shows in /evidence.
        await group_command(fake, "note", "add", {"claim": CLAIM, "text": "See 002's readout"},
                            editor=True)
        sent = await answered(fake, await fake.slash("evidence", [_opt("claim", CLAIM)]))
        assert "See 002's readout" in shown(fake, sent)[0]

        # The history is open to everyone.
        sent = await group_command(fake, "status", "history", {"claim": CLAIM}, editor=False)
        assert "derived → ⚠️ Misleading" in shown(fake, sent)[0]

        # "Wrong match" on an answer reaches the editors' feedback list.
        sent = await answered(fake, await fake.slash("claim", [_opt("query", "jihadists")]))
        message = fake.response_message(sent)
        click = await fake.click_label(message["id"], "Wrong match")
        await fake.wait_answered(click)
        async with asyncio.timeout(10):
            while not await bot.store.latest_feedback():
                await asyncio.sleep(0.02)
        sent = await group_command(fake, "factdesk", "feedback", {}, editor=False)
        assert "Only editors" in shown(fake, sent)[0]
        sent = await group_command(fake, "factdesk", "feedback", {"limit": 5}, editor=True)
        text, ephemeral = shown(fake, sent)
        assert ephemeral and "'jihadists'" in text and "/claim" in text

        # A broken claim file: reload refuses it, says where, and the bot keeps answering.
        path = Path(bot.settings.claimset.path) / "claims" / "evidence.toml"
        path.write_text(path.read_text(encoding="utf-8").replace(
            'status = "single_source"', 'status = "sure"', 1), encoding="utf-8")
        engine = bot.engine
        sent = await group_command(fake, "factdesk", "reload", {}, editor=True)
        text, ephemeral = shown(fake, sent)
        assert ephemeral and "NOT reloaded" in text and "evidence.toml:" in text
        assert CLAIM in text and "evidence.status" in text
        assert bot.engine is engine
        sent = await answered(fake, await fake.slash("claim", [_opt("query", CLAIM)]))
        assert "Misleading" in shown(fake, sent)[0]
