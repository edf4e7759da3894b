"""Option transformers: free-text queries with autocomplete from the answer engine.

``Transform[str, EngineQuery("claim")]`` tidies the text (whitespace collapsed, at
most ``QUERY_MAX`` characters), refuses an empty query with a one-line QueryError, and
autocompletes from ``engine.complete(kind, text)``: defaults on empty input, at most 25
choices, each name 1..100 characters.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

import discord
from discord import app_commands

from bot.errors import QueryError
from cogs.utils import limits

log = logging.getLogger(__name__)

Kind = Literal["claim", "topic", "speaker", "source", "via", "status"]
QUERY_MAX = 100


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


class EngineQuery(app_commands.Transformer):
    """A free-text query of one kind (claim, topic, speaker, source)."""

    def __init__(self, kind: Kind) -> None:
        self.kind = kind

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.string

    @property
    def min_value(self) -> int:
        return 1

    @property
    def max_value(self) -> int:
        return QUERY_MAX

    async def transform(self, interaction: discord.Interaction, value: Any, /) -> str:
        text = " ".join(str(value).split())
        if not text:
            raise QueryError(f"The {self.kind} to look up is empty: type a few words.")
        return text[:QUERY_MAX]

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: str, /
    ) -> list[app_commands.Choice[str]]:
        engine = interaction.client.engine  # type: ignore[attr-defined]
        if engine is None:
            return []
        try:
            pairs = engine.complete(self.kind, str(value)[:QUERY_MAX], limits.CHOICES_MAX)
        except Exception:
            log.exception("autocomplete failed for %s %r", self.kind, value)
            return []
        return choices(pairs)


ClaimQuery = EngineQuery("claim")
TopicQuery = EngineQuery("topic")
SpeakerQuery = EngineQuery("speaker")
SourceQuery = EngineQuery("source")
ViaQuery = EngineQuery("via")  # a relay or outlet: Reuters, TASS, Facebook: ...
StatusQuery = EngineQuery("status")  # an evidence status: disputed, no_evidence, ...
