"""The loaded claim set: validated records with lookups, built by :mod:`bot.claimset.loader`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.claimset.schema import (
    Claim,
    Figure,
    Group,
    Manifest,
    Place,
    Source,
    Speaker,
    Topic,
    Unit,
)


@dataclass(frozen=True, slots=True)
class Location:
    """Where a record was read from, for error messages: FILE:LINE."""

    file: Path
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else str(self.file)


@dataclass(slots=True)
class ClaimSet:
    """Everything Factdesk answers from. Dicts keep file order; ids are unique."""

    manifest: Manifest
    root: Path
    sources: dict[str, Source]  # by source id, "000"
    texts: dict[str, str]  # source id -> the article text, exactly as in the seed file
    speakers: dict[str, Speaker]
    topics: dict[str, Topic]
    claims: dict[str, Claim]
    figures: dict[str, Figure]
    # The figure vocabularies (places.toml, groups.toml, units.toml), by id; empty when
    # the manifest names none.
    places: dict[str, Place] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    # record id -> where it was read ("claim:<id>", "figure:<id>", "speaker:<id>", ...);
    # the loader finds a line only when it is first asked for
    locations: Mapping[str, Location] = field(default_factory=dict)
    # Set by the loader when it was given a cache (bot.claimset_cache): the hash of every
    # input byte and of the loader's code, and the cache folder. What is built from the
    # set alone (the search index) may be cached under this key; None: build it.
    cache_key: str | None = None
    cache_dir: Path | None = None
    # What the validator warns about in a valid set (bot.claimset.problems.Problem,
    # severity "warning"): listed by `validate`, never a reason to refuse the set.
    warnings: list[Any] = field(default_factory=list)

    @property
    def version(self) -> str:
        return self.manifest.version

    def counts(self) -> dict[str, int]:
        return {
            "sources": len(self.sources),
            "speakers": len(self.speakers),
            "topics": len(self.topics),
            "claims": len(self.claims),
            "figures": len(self.figures),
        }

    def source_by_file(self, file: str) -> Source | None:
        return next((s for s in self.sources.values() if s.file == file), None)
