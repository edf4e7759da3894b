"""/ingest end to end: the real FactdeskBot against the fake Discord (gateway, REST, CDN).

An editor pastes an article into the modal, reviews the draft privately and accepts it:
/claim and /figures answer the new items and the digest channel gets one verdict-change
alert (none more after a restart). An editor attaches a .txt file, accepts one item, then
corrects a figure in the Edit modal. A reporter is refused in one line on both paths and
nothing is stored; a bad attachment (binary, not UTF-8, over 1 MB, not .txt) and a draft
the set outgrew are one line each, nothing written. Tests read the practice articles in
../shared (they are not copied into the repository).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.client import FactdeskBot
from bot.desk.ingest import IngestDesk
from tests.e2e.fake_discord import MODAL, FakeDiscord, SentInteraction
from tests.e2e.in_process import point_at, seeds_bot
from tests.story_sets import needs_practice_pack, practice_article

ROOT = Path(__file__).resolve().parents[2]
EXTENSIONS = ("cogs.claims", "cogs.figures", "cogs.ingest")
STRING = 3
pytestmark = needs_practice_pack


@pytest.fixture(autouse=True)
def _endpoints(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> None:
    point_at(fake, monkeypatch)


def running_bot(fake: FakeDiscord, tmp_path: Path) -> Any:
    return seeds_bot(fake, tmp_path, EXTENSIONS)


def roles(fake: FakeDiscord, editor: bool) -> list[str]:
    return [fake.editor_role_id] if editor else []


async def settled(fake: FakeDiscord, sent: SentInteraction) -> SentInteraction:
    """Wait until the interaction's answer is final (not "thinking...", or a followup)."""
    await fake.wait_answered(sent)
    if (sent.callback or {}).get("type") == MODAL:
        return sent
    await fake.wait_for(
        lambda: sent.followups
        or (fake.response_message(sent) is not None
            and not (fake.response_message(sent).get("flags") or 0) & 128))
    return sent


def last_message(fake: FakeDiscord, sent: SentInteraction) -> dict[str, Any]:
    return (fake.messages[sent.followups[-1]] if sent.followups
            else fake.response_message(sent))  # type: ignore[return-value]


def text_of(message: dict[str, Any]) -> str:
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(parts)


def is_private(message: dict[str, Any]) -> bool:
    return bool((message.get("flags") or 0) & 64)


async def ingest(fake: FakeDiscord, *, editor: bool, file: dict[str, Any] | None = None,
                 published: str | None = None, user: dict[str, Any] | None = None,
                 ) -> SentInteraction:
    options = [{"name": "published", "type": STRING, "value": published}] if published else []
    sent = await fake.slash("ingest", options, roles=roles(fake, editor), user=user,
                            attachments={"file": file} if file else None)
    return await settled(fake, sent)


async def press(fake: FakeDiscord, review: dict[str, Any], label: str,
                user: dict[str, Any] | None = None) -> SentInteraction:
    """An editor presses ``label`` on the review; returns once the review shows the result."""
    before = review.get("edited_timestamp")
    click = await fake.click_label(review["id"], label, roles=[fake.editor_role_id],
                                   user=user)
    await fake.wait_answered(click)
    if (click.callback or {}).get("type") != MODAL:
        await fake.wait_for(lambda: fake.messages[review["id"]].get("edited_timestamp")
                            != before)
    return click


async def drafts(bot: FactdeskBot) -> list[Any]:
    return await bot.desk.store.drafts()  # type: ignore[union-attr]


def files_of(root: Path) -> dict[Path, bytes]:
    """Every file of the claim set at ``root`` and its bytes (its backups aside)."""
    return {p: p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".backups" not in p.parts}


def claimset_files(bot: FactdeskBot) -> dict[Path, bytes]:
    return files_of(Path(bot.settings.claimset.path))


async def subscribe_the_channel(fake: FakeDiscord, bot: FactdeskBot) -> None:
    """The fake's channel takes the desk's digest (and so its verdict-change alerts)."""
    assert bot.desk is not None and bot.desk.subscriptions is not None
    await bot.desk.subscriptions.subscribe(
        channel_id=int(fake.channel_id), guild_id=int(fake.guild_id), time="08:00",
        timezone="UTC", post_when_empty=False, by="Ed")


async def ask(fake: FakeDiscord, command: str, option: str, value: str) -> str:
    sent = await settled(fake, await fake.slash(command, [
        {"name": option, "type": STRING, "value": value}]))
    return text_of(last_message(fake, sent))


async def test_paste_review_accept_all_then_claim_figures_and_one_alert(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(fake, tmp_path) as bot:
        await subscribe_the_channel(fake, bot)
        before = await ask(fake, "figures", "topic", "deaths")
        assert "225" not in before
        counts = bot.engine.claimset.counts()

        # No file: the modal opens (answered at once), the editor pastes the article.
        opened = await ingest(fake, editor=True, published="2022-01-16")
        assert opened.callback["type"] == MODAL  # type: ignore[index]
        box = fake.modal_inputs(opened)[0]
        assert box["style"] == 2 and box["max_length"] == 4000
        pasted = await settled(fake, await fake.submit_modal(
            opened, {"Article text": practice_article("108").decode("utf-8")},
            roles=[fake.editor_role_id]))
        review = last_message(fake, pasted)
        assert is_private(review) and "Review of pasted" in text_of(review)
        labels = [b["label"] for b in fake.buttons(review["id"])]
        assert {"Accept 1", "Reject 1", "Accept all", "Next ▶"} <= set(labels)
        assert await drafts(bot) and bot.engine.claimset.counts() == counts  # not yet

        await press(fake, review, "Accept all")
        shown = text_of(fake.messages[review["id"]])
        assert "Accepted" in shown and "reloaded" in shown, shown
        assert "Verdict changed on" in shown

        # The reviewed figures and claims answer at once.
        assert "225" in await ask(fake, "figures", "topic", "deaths")
        assert "Shalabayev" in await ask(fake, "claim", "query", "Shalabayev")

        # One alert in the digest channel, and no second one after a restart.
        await fake.wait_for(lambda: alerts(fake))
        assert len(alerts(fake)) == 1
        alert = alerts(fake)[0]["content"]
        assert "Verdict change — Deaths" in alert and "/figures topic:deaths" in alert
        assert len(alert) <= 2000
        assert await bot.desk.store.pending_alerts() == []  # type: ignore[union-attr]
    async with running_bot(fake, tmp_path) as bot:
        cog = bot.get_cog("IngestCog")
        await cog.deliver_alerts()  # type: ignore[union-attr]
        assert len(alerts(fake)) == 1


def alerts(fake: FakeDiscord) -> list[dict[str, Any]]:
    return [fake.messages[i] for i in fake.channel_messages
            if "Verdict change" in (fake.messages[i].get("content") or "")]


async def test_attachment_accept_one_then_edit_a_figure(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(fake, tmp_path) as bot:
        file = fake.attachment("103_armed_criminals.txt", practice_article("103"))
        sent = await ingest(fake, editor=True, file=file, published="2022-01-11")
        review = last_message(fake, sent)
        assert is_private(review) and "103\\_armed\\_criminals" in text_of(review)  # inert
        draft_id = (await drafts(bot))[0].id
        stored = (await bot.desk.store.draft(draft_id)).payload  # type: ignore[union-attr]
        assert "armed" in stored

        await press(fake, review, "Accept 1")  # the source
        assert "✅ accepted by" in text_of(fake.messages[review["id"]])
        draft = (await IngestDesk(bot.desk).review(draft_id)).draft  # type: ignore[arg-type]
        figure = next(f for f in draft.figures if not f.topic)  # not writable as drafted
        n = draft.item_ids().index(figure.id) + 1
        while f"Edit {n}" not in [b["label"] for b in fake.buttons(review["id"])]:
            await press(fake, review, "Next ▶")
        click = await press(fake, review, f"Edit {n}")
        assert {i["label"] for i in fake.modal_inputs(click)} >= {"Scope", "Topic"}
        # A topic the set does not know: one line, nothing written.
        files = claimset_files(bot)
        bad = await submit(fake, review, click, {"Topic": "weather"})
        assert "not in the set" in fake.messages[bad.followups[-1]]["content"]
        assert "Not done" in text_of(fake.messages[review["id"]])
        assert claimset_files(bot) == files
        # The right topic: written, reloaded, answering.
        click = await press(fake, review, f"Edit {n}")
        await submit(fake, review, click, {"Topic": "soldiers"})
        assert "✅ accepted by" in text_of(fake.messages[review["id"]]).split(figure.id)[1]
        assert bot.engine.claimset.figures[figure.id].topic == "troops"
        assert "70" in await ask(fake, "figures", "topic", "troops")

        # The review opens again from the stored draft, with the decisions made.
        sent = await settled(fake, await fake.slash("ingest", [
            {"name": "draft", "type": STRING, "value": draft_id}],
            roles=[fake.editor_role_id], user=fake.new_user("second editor")))
        again = last_message(fake, sent)
        assert is_private(again) and "✅ accepted by" in text_of(again)
        first = [b for b in fake.buttons(again["id"]) if b["label"] == "Accept 1"]
        assert [b.get("disabled") for b in first] == [True]  # the source: decided


async def submit(fake: FakeDiscord, review: dict[str, Any], click: SentInteraction,
                 values: dict[str, str]) -> SentInteraction:
    """An editor submits the Edit modal; returns once the review shows the result."""
    before = fake.messages[review["id"]].get("edited_timestamp")
    sent = await fake.submit_modal(click, values, roles=[fake.editor_role_id])
    await fake.wait_answered(sent)
    await fake.wait_for(lambda: fake.messages[review["id"]].get("edited_timestamp") != before)
    return sent


async def test_reporters_bad_files_and_stale_drafts_are_one_line(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(fake, tmp_path) as bot:
        files = claimset_files(bot)
        # A reporter, on both paths: refused before any modal or download.
        for file in (None, fake.attachment("a.txt", practice_article("101"))):
            sent = await ingest(fake, editor=False, file=file)
            message = last_message(fake, sent)
            assert is_private(message) and message["content"].startswith("Only editors")
            assert "\n" not in message["content"]
        assert await drafts(bot) == []

        bad = {
            "binary": fake.attachment("b.txt", b"PK\x03\x04\x00\x00binary"),
            "not UTF-8": fake.attachment("c.txt", b"Caf\xe9 au lait, le pr\xe9sident"),
            "1 MB": fake.attachment("d.txt", b"x" * 1_000_001),
            "not a .txt": fake.attachment("e.pdf", b"%PDF-1.4", "application/pdf"),
            "empty": fake.attachment("f.txt", b"   \n"),
            "did not give the file": fake.attachment("g.txt", practice_article("101")),
        }
        del fake.uploads[bad["did not give the file"]["id"]]  # the CDN answers 404
        for says, file in bad.items():  # several editors (one would hit the cooldown)
            sent = await ingest(fake, editor=True, file=file, user=fake.new_user(says))
            content = last_message(fake, sent)["content"]
            assert says in content and file["filename"] in content, content
            assert "\n" not in content
        assert await drafts(bot) == [] and claimset_files(bot) == files

        # Two articles drafted against the same set; the second no longer applies once the
        # first is accepted (its source id is taken).
        first = last_message(fake, await ingest(
            fake, editor=True, file=fake.attachment("101.txt", practice_article("101"))))
        second = last_message(fake, await ingest(
            fake, editor=True, file=fake.attachment("102.txt", practice_article("102"))))
        # A reporter pressing a review button (were they to see it) is refused.
        click = await fake.click_label(second["id"], "Accept all", roles=[])
        await fake.wait_answered(click)
        assert fake.response_message(click)["content"].startswith("Only editors")
        await press(fake, first, "Accept all")
        files = claimset_files(bot)
        version = bot.engine.claimset.version
        click = await press(fake, second, "Accept all")
        await fake.wait_for(lambda: click.followups)
        content = fake.messages[click.followups[-1]]["content"]
        assert "no longer applies" in content and "\n" not in content
        assert claimset_files(bot) == files and bot.engine.claimset.version == version


async def test_a_review_disables_its_buttons_when_it_times_out(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_bot(fake, tmp_path):
        # The module the bot loaded (discord.py imports an extension afresh).
        monkeypatch.setattr(sys.modules["cogs.ingest"], "REVIEW_TIMEOUT", 1.5)
        for press_first in (False, True):  # untouched (sent by the command), then pressed
            sent = await ingest(fake, editor=True, user=fake.new_user(f"e{press_first}"),
                                file=fake.attachment(
                                    f"{press_first}.txt",
                                    practice_article("104" if press_first else "106")))
            review = last_message(fake, sent)
            if press_first:  # by an editor whose name is markdown: shown inert
                await press(fake, review, "Reject 1", user=fake.new_user("*Ed_itor*"))
                assert "Rejected source (\\*Ed\\_itor\\*)" in text_of(fake.messages[review["id"]])
            await fake.wait_for(lambda m=review["id"]: all(  # type: ignore[misc]
                b.get("disabled") for b in fake.buttons(m)))


async def test_an_alert_cut_short_by_a_stop_is_found_not_posted_again(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    async with running_bot(fake, tmp_path) as bot:
        await subscribe_the_channel(fake, bot)
        fake.hold_posts = asyncio.Event()  # Discord makes the post; its answer never comes
        review = last_message(fake, await ingest(
            fake, editor=True, file=fake.attachment("108.txt", practice_article("108")),
            published="2022-01-16"))
        await press(fake, review, "Accept all")
        await fake.wait_for(lambda: fake.held_posts)
    assert len(alerts(fake)) == 1  # in the channel; the bot stopped before it learnt so
    async with running_bot(fake, tmp_path) as bot:  # the start's check finds it there
        store = bot.desk.store  # type: ignore[union-attr]
        async with asyncio.timeout(15):
            while await store.pending_alerts():  # type: ignore[union-attr]
                await asyncio.sleep(0.05)
        assert len(alerts(fake)) == 1
