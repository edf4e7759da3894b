"""/ingest: editors draft an article (a .txt attachment, or pasted into a modal) and review
it privately, item by item (Accept / Reject / Edit), and the loop that posts verdict-change
alerts to the digest channels.

Thin: everything is :class:`bot.desk.ingest.IngestDesk`, the path the CLI's ``ingest`` and
``drafts`` take, over the desk of the interaction's story (the ``story`` option, else the
channel's, the server's, the first) and server; the accepts of one story share a lock.
The attachment is refused before it is downloaded when it is over 1 MB or not a .txt text
file; what it holds is checked by the core (empty, binary, not UTF-8). The
command answers at once (a modal, or a deferred "thinking") and drafts in a worker thread.
The review is one ephemeral message per draft, four items a page; each press answers at
once (a deferred update), then edits the message with the items' states and what the
accept did (files, reload, verdict changes). Alerts are recorded by the core before they
are sent and posted by :class:`bot.record.ingest_alerts.AlertSender` right after the accept,
and by a periodic check (alerts recorded by the CLI, or left by a restart).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import tasks

from bot.desk.ingest import Accepted, IngestDesk
from bot.errors import FactdeskError
from bot.ingest.editing import ItemEdit
from bot.ingest.models import Draft
from bot.ingest.reading import IngestError, check_size
from bot.record.ingest_alerts import AlertSender
from bot.record.protocols import AlertRecord
from bot.record.records import Scope
from bot.rendering.ingest import item_text
from cogs.utils.base import FactdeskCog, cooldown, user_name
from cogs.utils.channels import find_own_message, send_with_nonce
from cogs.utils.checks import editor_only, editor_refusal
from cogs.utils.digest_rendering import render_alert
from cogs.utils.escape import code_text, escape
from cogs.utils.limits import EMBED_DESCRIPTION_MAX
from cogs.utils.rendering import NEUTRAL_COLOUR, truncate
from cogs.utils.transformers import STORY_HELP, StoryChoice
from cogs.utils.tree import UNEXPECTED, reply_ephemeral

if TYPE_CHECKING:
    from bot.client import FactdeskBot

log = logging.getLogger(__name__)

PASTE_MAX = 4000  # Discord's limit on one text input of a modal
PER_PAGE = 4  # items per review page: a row of buttons each, the last row for the pages
ITEM_TEXT_MAX = 600
# A review's buttons work for 10 minutes after the last press, then are disabled by editing
# the message with that press's token (valid 15 minutes).
REVIEW_TIMEOUT = 600.0
ALERT_CHECK_SECONDS = 15.0
NO_DATABASE = "Ingest needs the desk's database; none is configured."
PASTE_HINT = (
    f"Paste the article as plain text (up to {PASTE_MAX:,} characters, Discord's limit; "
    "for a longer one, run /ingest with the .txt file attached)."
)


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise IngestError(f"published: {text.strip()!r} is not a date YYYY-MM-DD") from None


def check_attachment(file: discord.Attachment) -> None:
    """Refuse, before reading it, a file over 1 MB or one that is not a .txt text file."""
    check_size(file.size, file.filename)
    kind = (file.content_type or "").split(";")[0].strip().lower()
    if not file.filename.lower().endswith(".txt") or (kind and not kind.startswith("text/")):
        raise IngestError(
            f"{file.filename}: not a .txt text file ({kind or 'no content type'}); attach "
            "the article as plain UTF-8 text, or run /ingest without a file to paste it"
        )


def one_line(exc: Exception) -> str:
    return escape(str(exc).splitlines()[0] if str(exc) else "That cannot be done.")


class IngestCog(FactdeskCog):
    def __init__(self, bot: FactdeskBot) -> None:
        super().__init__(bot)
        self.alerts: AlertSender | None = None
        self._deliveries: set[asyncio.Task[Any]] = set()
        self._services: dict[Scope, IngestDesk] = {}
        self._writing: dict[str, asyncio.Lock] = {}  # by story: its servers write its files

    async def service(
        self, interaction: discord.Interaction, story: str | None = None
    ) -> IngestDesk:
        """The ingest of the desk the interaction works on: the story asked for (else the
        channel's, the server's, the first), with this server's record. One per (story,
        server); the accepts of one story run one at a time, as they write the same files."""
        desk = await self.desk_for(interaction, story)
        if desk.store is None:
            raise FactdeskError(NO_DATABASE)
        service = self._services.get(desk.scope)
        if service is None or service.desk is not desk:  # a scope closed and opened again
            lock = self._writing.setdefault(desk.scope.story, asyncio.Lock())
            service = self._services[desk.scope] = IngestDesk(desk, writing=lock)
        return service

    async def cog_load(self) -> None:
        store = self.bot.desk.store if self.bot.desk is not None else None
        if not isinstance(store, AlertRecord):
            log.warning("no database: /ingest and verdict-change alerts are off")
            return
        self.alerts = AlertSender(
            store,
            functools.partial(send_with_nonce, self.bot),
            render=render_alert,
            find_sent=functools.partial(find_own_message, self.bot),
            owns=lambda guild_id, channel_id: self.bot.owns_channel(channel_id, guild_id),
        )
        self.check_alerts.start()

    async def cog_unload(self) -> None:
        self.check_alerts.cancel()
        for task in list(self._deliveries):  # an alert cut short stays pending: resent
            task.cancel()  # or found in the channel by the next start's check

    @tasks.loop(seconds=ALERT_CHECK_SECONDS)
    async def check_alerts(self) -> None:
        await self.deliver_alerts()

    @check_alerts.before_loop
    async def _before_check_alerts(self) -> None:
        await self.bot.wait_until_ready()

    async def deliver_alerts(self) -> None:
        if self.alerts is None:
            return
        try:
            await self.alerts.deliver()
        except Exception:  # never let the loop (or a review press) die of it
            log.exception("posting verdict-change alerts failed; trying again later")

    def alert_soon(self) -> None:
        """Post the alerts just recorded, without holding up the review's answer."""
        task = asyncio.create_task(self.deliver_alerts())
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)

    # -- /ingest ------------------------------------------------------------------------

    @app_commands.command(
        name="ingest", description="Editors: draft an article (.txt file, or paste it) to review"
    )
    @app_commands.describe(
        file="the article as a .txt file (UTF-8, up to 1 MB); leave out to paste it instead",
        outlet="the outlet, when the text does not say",
        published="the publication date, YYYY-MM-DD, when the text does not say",
        draft="open the review of a stored draft again (d1, d2...: drafts list)",
        story=STORY_HELP,
    )
    @app_commands.guild_only()
    @editor_only()
    @cooldown
    async def ingest(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment | None = None,
        outlet: app_commands.Range[str, 1, 100] | None = None,
        published: app_commands.Range[str, 10, 10] | None = None,
        draft: app_commands.Range[str, 1, 20] | None = None,
        story: app_commands.Transform[str, StoryChoice] | None = None,
    ) -> None:
        day = _date(published)
        service = await self.service(interaction, story)
        if draft is not None:
            if file is not None:
                raise IngestError("give a file to draft or a draft to review, not both")
            await interaction.response.defer(ephemeral=True, thinking=True)
            await self.reopen(interaction, service, draft.strip())
            return
        if file is None:
            await interaction.response.send_modal(PasteModal(self, service, outlet, day))
            return
        check_attachment(file)
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            data = await file.read()
        except discord.HTTPException as exc:
            raise IngestError(
                f"{file.filename}: Discord did not give the file ({exc.status}); try again"
            ) from None
        await self.draft_and_review(interaction, service, data, file.filename, outlet, day)

    async def draft_and_review(
        self,
        interaction: discord.Interaction,
        service: IngestDesk,
        data: bytes,
        name: str,
        outlet: str | None,
        published: dt.date | None,
    ) -> None:
        """Draft (the interaction already answered) and show the review privately."""
        try:
            draft = await service.ingest(
                data, name=name, by=user_name(interaction.user), outlet=outlet, published=published
            )
        except FactdeskError as exc:
            await reply_ephemeral(interaction, one_line(exc))
            return
        log.info("draft %s of %s by user %s", draft.draft, name, interaction.user.id)
        await ReviewView(self, service, draft, name).send(interaction)


    async def reopen(
        self, interaction: discord.Interaction, service: IngestDesk, draft_id: str
    ) -> None:
        """The review of a stored draft, with its items' states (the interaction answered)."""
        try:
            review = await service.review(draft_id)
        except FactdeskError as exc:
            await reply_ephemeral(interaction, one_line(exc))
            return
        view = ReviewView(self, service, review.draft, review.stored.row.name)
        await view.refresh()
        await view.send(interaction)


class PasteModal(discord.ui.Modal):
    """The article pasted as text (Discord allows 4,000 characters in one input)."""

    def __init__(self, cog: IngestCog, service: IngestDesk, outlet: str | None,
                 published: dt.date | None) -> None:
        super().__init__(title="Ingest an article", timeout=REVIEW_TIMEOUT)
        self.cog, self.service, self.outlet, self.published = cog, service, outlet, published
        self.text: discord.ui.TextInput[PasteModal] = discord.ui.TextInput(
            label="Article text",
            style=discord.TextStyle.paragraph,
            placeholder=PASTE_HINT[:100],
            max_length=PASTE_MAX,
            required=True,
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        if await refused(interaction):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = self.text.value.encode("utf-8")
        await self.cog.draft_and_review(
            interaction, self.service, data, "pasted", self.outlet, self.published
        )

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        log.exception("error in the paste modal", exc_info=error)
        await reply_ephemeral(interaction, UNEXPECTED)


async def refused(interaction: discord.Interaction) -> bool:
    """True, the user told why, when a press or a modal comes from someone not an editor
    (past the command's :func:`editor_only` check)."""
    refusal = editor_refusal(interaction)
    if refusal is not None:
        await reply_ephemeral(interaction, str(refusal))
    return refusal is not None


class ItemButton(discord.ui.Button["ReviewView"]):
    def __init__(self, action: str, item: str, label: str, style: discord.ButtonStyle,
                 row: int, disabled: bool) -> None:
        super().__init__(label=label, style=style, row=row, disabled=disabled)
        self.action, self.item = action, item

    async def callback(self, interaction: discord.Interaction) -> None:
        assert self.view is not None
        await self.view.press(interaction, self.action, self.item)


class ReviewView(discord.ui.View):
    """A draft's items, a page at a time, each with Accept / Reject / Edit; Accept all."""

    def __init__(self, cog: IngestCog, service: IngestDesk, draft: Draft, name: str) -> None:
        super().__init__(timeout=REVIEW_TIMEOUT)
        self.cog = cog
        self.service = service  # the desk the draft was made on (its claim set, its record)
        self.draft = draft
        self.name = name  # the attachment's file name, or "pasted"
        self.items = draft.item_ids()
        self.page = 0
        self.states: dict[str, str] = {}  # item -> "✅ accepted by Ann", "not written: ..."
        self.decided: set[str] = set()
        self.busy: set[str] = set()  # presses being worked on ("*" for Accept all)
        self.status = ""  # what the last press did
        self.message_id: int | None = None
        # The latest interaction on the review and whether it is the command that sent it
        # (a followup of it) or a press on it (its original response is the review).
        self.origin: discord.Interaction | None = None
        self.origin_sent_it = False
        self._build()

    async def send(self, interaction: discord.Interaction) -> None:
        """Show the review privately, as a followup of ``interaction`` (already answered)."""
        self._build()
        message = await interaction.followup.send(
            embed=self.embed(), view=self, ephemeral=True, wait=True
        )
        self.message_id, self.origin, self.origin_sent_it = message.id, interaction, True

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        origin = self.origin
        try:
            if origin is not None and self.origin_sent_it and self.message_id is not None:
                await origin.followup.edit_message(self.message_id, view=self)
            elif origin is not None:
                await origin.edit_original_response(view=self)
        except discord.HTTPException:
            log.debug("could not disable the review of %s (expired or deleted)", self.draft.draft)

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.items) // PER_PAGE))

    def _build(self) -> None:
        self.clear_items()
        start = self.page * PER_PAGE
        for row, item in enumerate(self.items[start : start + PER_PAGE]):
            n = self.items.index(item) + 1
            done = item in self.decided
            kind, _, _ = item_text(self.draft, item)
            self.add_item(ItemButton("accept", item, f"Accept {n}",
                                     discord.ButtonStyle.success, row, done))
            self.add_item(ItemButton("reject", item, f"Reject {n}",
                                     discord.ButtonStyle.danger, row, done))
            if kind in ("claim", "figure"):
                self.add_item(ItemButton("edit", item, f"Edit {n}",
                                         discord.ButtonStyle.secondary, row, done))
        last = PER_PAGE
        if self.pages > 1:
            self.add_item(ItemButton("previous", "", "◀ Previous", discord.ButtonStyle.secondary,
                                     last, self.page == 0))
            self.add_item(ItemButton("next", "", "Next ▶", discord.ButtonStyle.secondary,
                                     last, self.page >= self.pages - 1))
        self.add_item(ItemButton("all", "", "Accept all", discord.ButtonStyle.primary, last,
                                 all(i in self.decided for i in self.items)))

    def embed(self) -> discord.Embed:
        d = self.draft
        head = (
            f"Draft {escape(d.draft)}: {len(d.claims)} claim(s), {len(d.figures)} figure(s), "
            f"{sum(1 for s in d.speakers if not s.existing)} new speaker(s). Nothing enters the "
            "claim set until accepted."
        )
        blocks = [head]
        if self.status:
            blocks.append(self.status)
        start = self.page * PER_PAGE
        for item in self.items[start : start + PER_PAGE]:
            n = self.items.index(item) + 1
            kind, text, sure = item_text(d, item)
            state = self.states.get(item, "open")
            guess = f" · drafted with {sure} confidence" if sure else ""
            blocks.append(
                f"**{n}. {kind}** `{code_text(item)}` · {escape(state)}{guess}\n"
                f"{escape(truncate(text, ITEM_TEXT_MAX))}"
            )
        description = truncate("\n\n".join(blocks), EMBED_DESCRIPTION_MAX)
        embed = discord.Embed(
            title=truncate(f"Review of {escape(self.name)}: source {escape(d.source.id)}", 256),
            description=description,
            colour=NEUTRAL_COLOUR,
        )
        embed.set_footer(text=f"page {self.page + 1}/{self.pages} · only editors can decide")
        return embed

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if await refused(interaction):
            return False
        self.origin, self.origin_sent_it = interaction, False
        return True

    async def refresh(self, skipped: dict[str, str] | None = None) -> None:
        review = await self.service.review(self.draft.draft)
        for d in review.decisions:
            mark = "✅" if d.decision == "accepted" else "❌"
            self.states[d.item] = f"{mark} {d.decision} by {d.by}"
            self.decided.add(d.item)
        for item, why in (skipped or {}).items():
            if item not in self.decided:
                self.states[item] = f"not written: {why}"

    async def show(self, interaction: discord.Interaction) -> None:
        self._build()
        try:
            await interaction.edit_original_response(embed=self.embed(), view=self)
        except discord.HTTPException as exc:
            log.warning("could not update the review of %s: %s", self.draft.draft, exc)

    async def press(self, interaction: discord.Interaction, action: str, item: str) -> None:
        if action in ("previous", "next"):
            self.page = max(0, min(self.pages - 1, self.page + (1 if action == "next" else -1)))
            self._build()
            await interaction.response.edit_message(embed=self.embed(), view=self)
            return
        if action == "edit":
            await interaction.response.send_modal(EditModal(self, item))
            return
        key = item or "*"
        if key in self.busy or item in self.decided:
            await reply_ephemeral(interaction, f"{escape(item or 'This')} is already decided "
                                  "or being decided.")
            return
        self.busy.add(key)
        await interaction.response.defer()
        try:
            await self.decide(interaction, action, item)
        finally:
            self.busy.discard(key)

    async def decide(self, interaction: discord.Interaction, action: str, item: str,
                     edit: ItemEdit | None = None) -> None:
        service, by = self.service, user_name(interaction.user)
        draft_id = self.draft.draft
        skipped: dict[str, str] = {}
        try:
            if action == "reject":
                await service.reject(draft_id, [item], everything=False, by=by)
                self.status = f"Rejected {escape(item)} ({escape(by)}); nothing written."
            else:
                done = await service.accept(
                    draft_id, [item] if item else [], everything=not item, by=by,
                    edits={item: edit} if edit is not None else None,
                )
                skipped = done.written.skipped
                self.status = accepted_status(done, by)
                if done.alerts:
                    self.cog.alert_soon()
        except FactdeskError as exc:
            self.status = f"Not done: {one_line(exc)}"
            await reply_ephemeral(interaction, one_line(exc))
        await self.refresh(skipped)
        await self.show(interaction)

    async def on_error(self, interaction: discord.Interaction, error: Exception,
                       item: discord.ui.Item[Any], /) -> None:
        log.exception("error in the review of draft %s", self.draft.draft, exc_info=error)
        await reply_ephemeral(interaction, UNEXPECTED)


def accepted_status(done: Accepted, by: str) -> str:
    """What an accept did, escaped: the items and files, the reload, the verdict changes."""
    w = done.written
    text = (
        f"Accepted {len(w.items)} item(s) ({escape(by)}): wrote {escape(', '.join(w.files))} "
        f"(previous files in {escape(w.backups)})."
    )
    if done.reload.ok:
        text += f" The set reloaded: version {escape(done.reload.version or '?')}."
    else:
        text += (
            " The reload failed, still serving the last good set: "
            f"{escape(done.reload.error or '')}"
        )
    if w.skipped:
        text += f" Not written: {len(w.skipped)} item(s) (Edit to complete them)."
    for change in done.changes:
        text += f" Verdict changed on {escape(change.label)}: {escape(change.reason)}."
    if done.alerts:
        text += f" Alerting {len({a.channel_id for a in done.alerts})} digest channel(s)."
    return text


class EditModal(discord.ui.Modal):
    """Correct one claim (its statement) or figure (number, scope, topic), then accept it."""

    def __init__(self, view: ReviewView, item: str) -> None:
        n = view.items.index(item) + 1
        super().__init__(title=f"Correct item {n}, then accept it", timeout=REVIEW_TIMEOUT)
        self.view, self.item = view, item
        self.inputs: dict[str, discord.ui.TextInput[EditModal]] = {}
        claim = next((c for c in view.draft.claims if c.id == item), None)
        figure = next((f for f in view.draft.figures if f.id == item), None)
        if claim is not None:
            self._input("statement", "Statement", claim.statement, 1000,
                        discord.TextStyle.paragraph)
        elif figure is not None:
            self._input("number", "Number (the article's words)", figure.words, 200)
            self._input("scope", "Scope", figure.scope, 200)
            self._input("topic", "Topic", figure.topic or "", 100, required=False)

    def _input(self, key: str, label: str, value: str, limit: int,
               style: discord.TextStyle = discord.TextStyle.short,
               required: bool = True) -> None:
        box: discord.ui.TextInput[EditModal] = discord.ui.TextInput(
            label=label, default=value[:limit] or None, max_length=limit, style=style,
            required=required,
        )
        self.inputs[key] = box
        self.add_item(box)

    def edit(self) -> ItemEdit:
        """The fields the editor changed (left as drafted: not a correction)."""
        values = {k: box.value.strip() for k, box in self.inputs.items()}
        drafted = {k: (box.default or "").strip() for k, box in self.inputs.items()}
        changed = {k: v for k, v in values.items() if v and v != drafted[k]}
        return ItemEdit(**changed)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        if await refused(interaction):
            return
        view = self.view
        if self.item in view.busy or self.item in view.decided:
            await reply_ephemeral(interaction, f"{escape(self.item)} is already decided or "
                                  "being decided.")
            return
        edit = self.edit()
        view.busy.add(self.item)
        view.origin, view.origin_sent_it = interaction, False
        await interaction.response.defer()
        try:
            await view.decide(interaction, "accept", self.item,
                              edit if edit.fields() else None)
        finally:
            view.busy.discard(self.item)

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        log.exception("error in the edit modal", exc_info=error)
        await reply_ephemeral(interaction, UNEXPECTED)


async def setup(bot: FactdeskBot) -> None:
    await bot.add_cog(IngestCog(bot))
