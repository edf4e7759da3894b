"""One load's working state: the files read, their records, the source texts and the problems noted.

The reading code fills a :class:`LoadState`; the validation rules read it and note
problems on it. A problem's line is found only once every problem is known, and only in
the files that have one (:meth:`LoadState.resolved_problems`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from bot.claimset.model import ClaimSet
from bot.claimset.problems import Problem, Severity, field_label, in_order, one_line, short
from bot.claimset.schema import Claim, Figure, Group, Place, Source, Speaker, Topic, Unit
from bot.claimset.toml_lines import Lines, locate

log = logging.getLogger(__name__)

# The top-level array each kind of file holds, the record kind and its model.
ARRAYS: dict[str, tuple[str, type[BaseModel]]] = {
    "sources": ("source", Source),
    "speakers": ("speaker", Speaker),
    "topics": ("topic", Topic),
    "claims": ("claim", Claim),
    "figures": ("figure", Figure),
    "places": ("place", Place),
    "groups": ("group", Group),
    "units": ("unit", Unit),
}
ARRAY_OF = {kind: array for array, (kind, _) in ARRAYS.items()}


@dataclass(slots=True)
class TomlFile:
    """One TOML file read. Its line numbers are found only when a problem needs them:
    the file is read again then and scanned, if its bytes are still the ones parsed."""

    path: Path
    shown: str
    digest: bytes  # of the bytes parsed
    data: dict[str, Any] | None
    _lines: Lines | None = None

    @property
    def lines(self) -> Lines:
        if self._lines is None:
            self._lines = _lines_of(self.path, self.digest)
        return self._lines


def digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=16).digest()


def _lines_of(path: Path, parsed: bytes) -> Lines:
    """The line locator of ``path``, or no lines if it changed since it was parsed."""
    try:
        raw = path.read_bytes()
        if digest(raw) != parsed:
            log.warning("%s changed while it was loaded: no line numbers", path)
            return Lines({})
        return locate(raw.decode("utf-8"))
    except (OSError, ValueError):
        return Lines({})


@dataclass(slots=True)
class Record:
    """One table from a file: its model when it validated, else its raw table."""

    array: str  # "claims"
    kind: str  # "claim"
    index: int  # position in its file's array
    file: TomlFile
    model: Any = None
    raw: Any = None  # kept only for a table that did not validate

    @property
    def rid(self) -> str | None:
        if self.model is not None:
            return self.model.id  # type: ignore[no-any-return]
        rid = self.raw.get("id") if isinstance(self.raw, dict) else None
        return rid if isinstance(rid, str) and rid.strip() else None

    @property
    def label(self) -> str:
        rid = self.rid
        return short(rid, 40) if rid else f"#{self.index + 1}"

    def at(self, *path: str | int) -> tuple[str | int, ...]:
        """The key path of ``path`` inside this record, for the line locator."""
        return (self.array, self.index, *path)


# A problem's place: a line number (or None), or a key path the line locator resolves
# once every problem is known.
At = int | None | tuple[str | int, ...]


@dataclass(slots=True)
class LoadState:
    """What one load has read, built and found wrong so far."""

    problems: list[tuple[TomlFile | str, At, str, str | None, str | None, str]] = field(
        default_factory=list
    )
    warnings: list[tuple[TomlFile | str, At, str, str | None, str | None, str]] = field(
        default_factory=list
    )
    records: dict[str, list[Record]] = field(default_factory=dict)
    # kind -> [(file, records in it)], in load order
    chunks: dict[str, list[tuple[TomlFile, int]]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # source id -> text
    sources_file: TomlFile | None = None
    claimset: ClaimSet | None = None  # built once every file is read, if the manifest is valid
    # array -> (its records list, how many it held, those that validated): valid()'s memo
    _valid: dict[str, tuple[list[Record], int, list[Record]]] = field(default_factory=dict)

    def report(
        self,
        file: TomlFile | str,
        at: At,
        kind: str,
        rid: str | None,
        fld: str | None,
        message: str,
    ) -> None:
        """Note a problem; ``at`` is its line, or a key path whose line is found later."""
        self.problems.append((file, at, kind, rid, fld, one_line(message)))

    def report_at(self, rec: Record, loc: tuple[str | int, ...], message: str) -> None:
        self.report(rec.file, rec.at(*loc), rec.kind, rec.label, field_label(loc) or None, message)

    def warn_at(self, rec: Record, loc: tuple[str | int, ...], message: str) -> None:
        """Note a warning: listed by ``validate``, never a reason to refuse the set."""
        entry = (rec.file, rec.at(*loc), rec.kind, rec.label, field_label(loc) or None)
        self.warnings.append((*entry, one_line(message)))

    def valid(self, array: str) -> Iterator[Record]:
        """The records of ``array`` that validated, in order (listed once while the
        array's records stay the same: every rule asks)."""
        records = self.records.get(array, [])
        memo = self._valid.get(array)
        if memo is None or memo[0] is not records or memo[1] != len(records):
            memo = (records, len(records), [r for r in records if r.model is not None])
            self._valid[array] = memo
        return iter(memo[2])

    def where(self, rec: Record) -> str:
        """FILE:LINE of a record's id, for a message about another record (rare)."""
        line = rec.file.lines.line(rec.at("id"))
        return f"{rec.file.shown}:{line}" if line else rec.file.shown

    def counts(self) -> dict[str, int]:
        """How many records of each array validated."""
        return {a: sum(r.model is not None for r in rs) for a, rs in self.records.items()}

    def resolved_problems(self) -> list[Problem]:
        """Every problem with its line: each file with a problem is scanned once, now."""
        return _resolved(self.problems, "error")

    def resolved_warnings(self) -> list[Problem]:
        """Every warning with its line, as :meth:`resolved_problems`."""
        return _resolved(self.warnings, "warning")


def _resolved(
    noted: list[tuple[TomlFile | str, At, str, str | None, str | None, str]], severity: Severity
) -> list[Problem]:
    out: list[Problem] = []
    for file, at, kind, rid, fld, message in noted:
        if isinstance(file, TomlFile):
            line = file.lines.line(at) if isinstance(at, tuple) else at
            shown = file.shown
        else:
            line = at if not isinstance(at, tuple) else None
            shown = file
        out.append(Problem(shown, line, kind, rid, fld, message, severity))
    return in_order(out)
