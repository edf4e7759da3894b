"""Building the ClaimSet from the records that validated; each record's line found on demand."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from bot.claimset.model import ClaimSet, Location
from bot.claimset.records import ARRAY_OF, LoadState, TomlFile
from bot.claimset.schema import Manifest

log = logging.getLogger(__name__)


class _Locations(Mapping[str, Location]):
    """``"claim:<id>" -> Location``, lines found when first asked for (most never are)."""

    def __init__(self, chunks: dict[str, list[tuple[TomlFile, int]]], ids: dict[str, Any]) -> None:
        # kind -> [(file, records in it)] in load order; kind -> the claim set's dict by id
        self._chunks = chunks
        self._ids = ids
        self._positions: dict[str, dict[str, int]] = {}

    def __getitem__(self, key: str) -> Location:
        kind, _, rid = key.partition(":")
        if kind not in self._ids or rid not in self._ids[kind]:
            raise KeyError(key)
        positions = self._positions.get(kind)
        if positions is None:
            positions = self._positions[kind] = {k: i for i, k in enumerate(self._ids[kind])}
        index = positions[rid]
        for file, count in self._chunks[kind]:
            if index < count:
                array = ARRAY_OF[kind]
                return Location(file.path, file.lines.line((array, index)))
            index -= count
        raise KeyError(key)  # pragma: no cover - the chunks count every record

    def __iter__(self) -> Iterator[str]:
        for kind, by_id in self._ids.items():
            for rid in by_id:
                yield f"{kind}:{rid}"

    def __len__(self) -> int:
        return sum(len(by_id) for by_id in self._ids.values())


def build_claimset(state: LoadState, manifest: Manifest, root: Path) -> ClaimSet:
    """The claim set of every valid record, the first of each id."""

    def by_id(array: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for rec in state.valid(array):
            out.setdefault(rec.model.id, rec.model)
        return out

    sources = by_id("sources")
    ids = {
        "source": sources,
        "speaker": by_id("speakers"),
        "topic": by_id("topics"),
        "claim": by_id("claims"),
        "figure": by_id("figures"),
        "place": by_id("places"),
        "group": by_id("groups"),
        "unit": by_id("units"),
    }
    return ClaimSet(
        manifest=manifest,
        root=root,
        sources=sources,
        texts={sid: state.texts[sid] for sid in sources if sid in state.texts},
        speakers=ids["speaker"],
        topics=ids["topic"],
        claims=ids["claim"],
        figures=ids["figure"],
        places=ids["place"],
        groups=ids["group"],
        units=ids["unit"],
        locations=_Locations(state.chunks, ids),
    )
