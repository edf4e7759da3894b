"""The answer view: page through a long answer, post it to the channel, flag a wrong match.

Only the user who asked can press the buttons; on timeout every button is disabled.
:func:`send_answer` is what every command cog calls: render, then respond (a followup
when the cog deferred). An :class:`Upload` (the /figures chart) goes with the answer's
message, its first page's embed showing it (``attachment://``); paging edits leave the
message's attachment alone, and "Post to channel" sends it again with the page.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.answers.models import FiguresAnswer
from cogs.utils.base import story_label
from cogs.utils.rendering import Page, render, render_relations, show_image
from cogs.utils.tree import UNEXPECTED, reply_ephemeral

if TYPE_CHECKING:
    from bot.desk import Desk

log = logging.getLogger(__name__)

VIEW_TIMEOUT = 300.0
NOT_YOURS = "Only the person who asked can use these buttons."
FEEDBACK_THANKS = "Thanks: the desk will review this match."
ALREADY_POSTED = "This answer is already posted to the channel."
ALREADY_REPORTED = "This match is already reported; thanks."
RELATIONS_LABEL = "Relations"


@dataclass(frozen=True)
class Upload:
    """A file sent with an answer (the figures chart): a fresh discord.File each send."""

    filename: str
    data: bytes

    def file(self) -> discord.File:
        return discord.File(io.BytesIO(self.data), filename=self.filename)


class AnswerView(discord.ui.View):
    """Previous / page counter / Next, then Post to channel and Wrong match."""

    def __init__(
        self,
        *,
        author_id: int,
        pages: Sequence[Page],
        command: str,
        query: str,
        can_post: bool,
        feedback: bool,
        timeout: float | None = VIEW_TIMEOUT,
        upload: Upload | None = None,
        relations: Callable[[], list[Page]] | None = None,
        desk: Desk | None = None,
    ) -> None:
        super().__init__(timeout=timeout)
        self.desk = desk  # whose record a "Wrong match" goes to (None: the bot's)
        self.author_id = author_id
        # /figures: the pairwise relations' pages, worked out only when asked for.
        self.relations_pages = relations
        self.upload = upload
        self.pages = list(pages)
        self.command = command
        self.query = query
        self.index = 0
        # The interaction whose response carries this view, to edit it on timeout.
        self.origin: discord.Interaction | None = None
        # Buttons that act once per answer ("post", "wrong_match") already pressed.
        self.done: set[str] = set()
        if len(self.pages) <= 1:
            for item in (self.previous, self.counter, self.next):
                self.remove_item(item)
        if not can_post:
            self.remove_item(self.post)
        if not feedback:
            self.remove_item(self.wrong_match)
        if relations is None:
            self.remove_item(self.relations)
        self._sync_buttons()

    @property
    def page(self) -> Page:
        return self.pages[self.index]

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1
        self.counter.label = f"{self.index + 1}/{len(self.pages)}"

    def page_kwargs(self) -> dict[str, Any]:
        return {"content": self.page.content, "embeds": self.page.embeds}

    def send_kwargs(self) -> dict[str, Any]:
        """What a new message of this view carries: the page and the upload, if any."""
        kwargs = self.page_kwargs()
        if self.upload is not None:
            kwargs["files"] = [self.upload.file()]
        return kwargs

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction.user.id != self.author_id:
            await reply_ephemeral(interaction, NOT_YOURS)
            return False
        return True

    async def _show(self, interaction: discord.Interaction) -> None:
        self._sync_buttons()
        await interaction.response.edit_message(**self.page_kwargs(), view=self)

    @discord.ui.button(label="◀ Previous", style=discord.ButtonStyle.secondary, row=0)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.index = max(self.index - 1, 0)
        await self._show(interaction)

    @discord.ui.button(label="1/1", style=discord.ButtonStyle.secondary, disabled=True, row=0)
    async def counter(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await interaction.response.defer()  # disabled: never pressed

    @discord.ui.button(label="Next ▶", style=discord.ButtonStyle.secondary, row=0)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.index = min(self.index + 1, len(self.pages) - 1)
        await self._show(interaction)

    def _first_press(self, key: str, button: discord.ui.Button) -> bool:
        """Claim a once-per-answer button: True the first time, False ever after.

        No await between the check and the mark, so of any number of presses arriving
        together exactly one goes on; the button is disabled at once as well.
        """
        if key in self.done:
            return False
        self.done.add(key)
        button.disabled = True
        return True

    def _release(self, key: str, button: discord.ui.Button) -> None:
        """The press failed: the button may be pressed again."""
        self.done.discard(key)
        button.disabled = False

    @discord.ui.button(label="Post to channel", style=discord.ButtonStyle.primary, row=1)
    async def post(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        if not self._first_press("post", button):
            await reply_ephemeral(interaction, ALREADY_POSTED)
            return
        public = AnswerView(
            author_id=self.author_id,
            pages=self.pages,
            command=self.command,
            query=self.query,
            can_post=False,
            feedback=False,
            upload=self.upload,
        )
        public.index = self.index
        public._sync_buttons()
        shared = f"Shared by {interaction.user.mention}"
        content = f"{self.page.content}\n{shared}" if self.page.content else shared
        kwargs = public.send_kwargs()
        kwargs["content"] = content[:2000]
        if len(public.children) > 0:
            kwargs["view"] = public
        try:
            await interaction.response.send_message(**kwargs, ephemeral=False)
        except Exception:
            self._release("post", button)
            raise
        public.origin = interaction
        await self._edit_origin()
        log.info("/%s answer posted to channel %s", self.command, interaction.channel_id)

    @discord.ui.button(label="Wrong match", style=discord.ButtonStyle.danger, row=1)
    async def wrong_match(
        self, interaction: discord.Interaction, button: discord.ui.Button
    ) -> None:
        if not self._first_press("wrong_match", button):
            await reply_ephemeral(interaction, ALREADY_REPORTED)
            return
        # The write may wait on a locked database: answer Discord first.
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            await interaction.client.record_feedback(  # type: ignore[attr-defined]
                interaction.user, self.query, self.command, self.page.match_id,
                desk=self.desk, channel_id=interaction.channel_id,
            )
        except Exception:
            self._release("wrong_match", button)
            raise
        await reply_ephemeral(interaction, FEEDBACK_THANKS)
        await self._edit_origin()

    @discord.ui.button(label=RELATIONS_LABEL, style=discord.ButtonStyle.secondary, row=1)
    async def relations(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        """How each pair of figures relates, shown only to whoever asked (their own pages)."""
        if self.relations_pages is None:
            await interaction.response.defer()
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        pages = await asyncio.to_thread(self.relations_pages)
        view = AnswerView(author_id=self.author_id, pages=pages, command=self.command,
                          query=self.query, can_post=False, feedback=False)
        kwargs = view.send_kwargs()
        if view.children:
            kwargs["view"] = view
        await interaction.followup.send(**kwargs, ephemeral=True, wait=True)
        view.origin = interaction
        if not view.children:
            view.stop()

    async def _edit_origin(self) -> None:
        if self.origin is None:
            return
        try:
            await self.origin.edit_original_response(view=self)
        except discord.HTTPException:
            log.debug("could not edit the answer message (expired or deleted)")

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button | discord.ui.Select):
                item.disabled = True
        await self._edit_origin()

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any], /
    ) -> None:
        log.exception("error in the answer view (%s)", self.command, exc_info=error)
        await reply_ephemeral(interaction, UNEXPECTED)


def answers_privately(interaction: discord.Interaction) -> bool:
    """Whether answers are ephemeral (the ``[discord] ephemeral`` setting)."""
    bot: Any = interaction.client
    return bool(bot.settings.discord.ephemeral)


async def send_answer(
    interaction: discord.Interaction,
    answer: object,
    *,
    command: str,
    query: str,
    desk: Desk,
    upload: Upload | None = None,
) -> AnswerView:
    """Render ``answer`` from ``desk`` (its story and server) and respond (a followup
    when the interaction was deferred), ephemeral unless settings say otherwise;
    ``upload`` goes with it, shown in page 1. With several stories the footer names it."""
    label = story_label(desk)
    version = desk.engine.claimset.version + (f" · {label}" if label else "")
    pages = render(answer, version=version)
    if upload is not None:
        show_image(pages[0], upload.filename)
    ephemeral = answers_privately(interaction)
    relations = None
    if isinstance(answer, FiguresAnswer) and len(answer.figures) > 1:
        engine = desk.engine

        def relations() -> list[Page]:
            return render_relations(engine.figures(query, relations=True), version)

    view = AnswerView(
        author_id=interaction.user.id,
        pages=pages,
        command=command,
        query=query,
        can_post=ephemeral,
        feedback=any(p.match_id for p in pages),
        timeout=VIEW_TIMEOUT,
        upload=upload,
        relations=relations,
        desk=desk,
    )
    kwargs = view.send_kwargs()
    if view.children:
        kwargs["view"] = view
    if interaction.response.is_done():  # deferred: the followup replaces "thinking..."
        await interaction.followup.send(**kwargs, ephemeral=ephemeral, wait=True)
    else:
        await interaction.response.send_message(**kwargs, ephemeral=ephemeral)
    view.origin = interaction
    if not view.children:
        view.stop()
    return view
