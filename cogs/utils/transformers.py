"""Option transformers: free-text queries with autocomplete from the answer engine.

``Transform[str, EngineQuery("claim")]`` tidies the text (whitespace collapsed, at
most ``QUERY_MAX`` characters), refuses an empty query with a one-line QueryError, and
autocompletes from ``engine.complete(kind, text)``: defaults on empty input, at most 25
choices, each name 1..100 characters.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Literal

import discord
from discord import app_commands

from bot.errors import FactdeskError, QueryError
from bot.settings import STORY_ID_MAX
from cogs.utils import limits
from cogs.utils.base import interaction_desk

log = logging.getLogger(__name__)

Kind = Literal["claim", "topic", "speaker", "source", "via", "status"]
QUERY_MAX = 100
AUTOCOMPLETE_WAIT = 2.0  # seconds: Discord drops an autocomplete answer after 3


def choices(pairs: list[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    """Autocomplete pairs made safe for Discord: trimmed, deduplicated, at most 25."""
    out: list[app_commands.Choice[str]] = []
    seen: set[str] = set()
    for name, value in pairs:
        value = str(value)[: limits.CHOICE_VALUE_MAX]
        name = " ".join(str(name).split())[: limits.CHOICE_NAME_MAX] or value
        if not value or not name or value in seen:
            continue
        seen.add(value)
        out.append(app_commands.Choice(name=name, value=value))
        if len(out) == limits.CHOICES_MAX:
            break
    return out


class TextOption(app_commands.Transformer):
    """A string option of 1 to ``longest`` characters."""

    longest = QUERY_MAX

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.string

    @property
    def min_value(self) -> int:
        return 1

    @property
    def max_value(self) -> int:
        return self.longest


class EngineQuery(TextOption):
    """A free-text query of one kind (claim, topic, speaker, source)."""

    def __init__(self, kind: Kind) -> None:
        self.kind = kind

    async def transform(self, interaction: discord.Interaction, value: Any, /) -> str:
        text = " ".join(str(value).split())
        if not text:
            raise QueryError(f"The {self.kind} to look up is empty: type a few words.")
        return text[:QUERY_MAX]

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: str, /
    ) -> list[app_commands.Choice[str]]:
        engine = await _story_engine(interaction)
        if engine is None:
            return []
        try:
            pairs = engine.complete(self.kind, str(value)[:QUERY_MAX], limits.CHOICES_MAX)
        except Exception:
            log.exception("autocomplete failed for %s %r", self.kind, value)
            return []
        return choices(pairs)


async def _story_engine(interaction: discord.Interaction) -> Any:
    """The engine of the story the interaction names (its ``story`` option), or of the
    channel's or server's; None when there is none yet. A story not loaded yet gets
    AUTOCOMPLETE_WAIT seconds to load (it goes on loading for the command itself)."""
    story = getattr(interaction.namespace, "story", None)
    try:
        load = asyncio.shield(interaction_desk(interaction, story or None))
        desk = await asyncio.wait_for(load, AUTOCOMPLETE_WAIT)
    except (TimeoutError, FactdeskError):
        return None
    return desk.engine


class StoryOption(TextOption):
    """A story id, with the bot's stories (id and title) to pick from."""

    longest = STORY_ID_MAX

    async def transform(self, interaction: discord.Interaction, value: Any, /) -> str:
        desk = getattr(interaction.client, "desk", None)
        text = str(value).strip()
        if desk is not None and desk.stories is not None:
            return desk.stories.get(text).id  # UnknownStory: one line naming the stories
        return text

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: str, /
    ) -> list[app_commands.Choice[str]]:
        desk = getattr(interaction.client, "desk", None)
        if desk is None or desk.stories is None:
            return []
        typed = str(value).strip().lower()
        pairs = [(f"{sid}: {desk.stories.title(sid)}", sid) for sid in desk.stories.ids]
        return choices([p for p in pairs if typed in p[0].lower()])


ClaimQuery = EngineQuery("claim")
TopicQuery = EngineQuery("topic")
SpeakerQuery = EngineQuery("speaker")
SourceQuery = EngineQuery("source")
ViaQuery = EngineQuery("via")  # a relay or outlet: Reuters, TASS, Facebook: ...
StatusQuery = EngineQuery("status")  # an evidence status: disputed, no_evidence, ...
StoryChoice = StoryOption()
STORY_HELP = "Which story (default: this channel's, else this server's)"
