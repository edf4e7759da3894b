"""Who relays: the wire agencies and platforms known beforehand (media.toml) and the claim set's."""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot.claimset.model import ClaimSet

log = logging.getLogger(__name__)

_FILE = Path(__file__).with_name("media.toml")


@dataclass(slots=True)
class MediaLexicon:
    """Known media names (casefolded alias -> display name) and the descriptor words."""

    names: dict[str, str] = field(default_factory=dict)
    platforms: set[str] = field(default_factory=set)
    descriptors: tuple[str, ...] = ()

    def find(self, text: str) -> str | None:
        return self.names.get(_key(text))

    def add(self, name: str, *aliases: str) -> None:
        for alias in (name, *aliases):
            self.names.setdefault(_key(alias), name)


def _key(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).casefold().removeprefix("the ")


@lru_cache(maxsize=1)
def _builtin() -> tuple[list[list[str]], list[str], list[str]]:
    data = tomllib.loads(_FILE.read_text(encoding="utf-8"))
    return data["agencies"], data["platforms"], data["descriptors"]


def media_lexicon(claimset: ClaimSet | None) -> MediaLexicon:
    """The built-in agencies and platforms, plus the claim set's relays, outlets and media speakers."""  # noqa: E501
    agencies, platforms, descriptors = _builtin()
    lex = MediaLexicon(descriptors=tuple(sorted(descriptors, key=len, reverse=True)))
    for names in agencies:
        lex.add(names[0], *names[1:])
    for name in platforms:
        lex.add(name)
        lex.platforms.add(name.casefold())
    if claimset is not None:
        for source in claimset.sources.values():
            for relay in source.relays:
                if ":" not in relay and len(relay) < 40:
                    lex.add(relay)
            if source.outlet and source.outlet_basis == "stated":
                lex.add(source.outlet)
        for speaker in claimset.speakers.values():
            if speaker.kind == "media":
                lex.add(speaker.name, *speaker.aliases)
    return lex
