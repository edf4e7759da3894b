"""What the loader reports: one Problem per fault, the two errors it raises, and how it names files.

Every problem is one line, ``FILE:LINE: claim ID: FIELD: what is wrong``. A claim set that
was read but is not consistent raises :class:`ClaimSetInvalid` with every problem; a file
that cannot be read or parsed raises :class:`ClaimSetUnreadable` naming it. A problem is an
``error`` (the set is invalid) or a ``warning`` (worth a look, the set stays valid: kept on
``ClaimSet.warnings`` and ``ClaimSetInvalid.warnings``); a warning's line says so.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from bot.errors import FactdeskError

log = logging.getLogger(__name__)


Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the claim set, where it is and what it is."""

    file: str  # relative to the working directory when possible, else absolute
    line: int | None
    kind: str  # claim, figure, speaker, source, topic, manifest
    id: str | None
    field: str | None  # "attributions[1].quote"
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        who = f"{self.kind} {self.id}" if self.id else self.kind
        what = f"warning: {self.message}" if self.severity == "warning" else self.message
        parts = [where, who, *([self.field] if self.field else []), what]
        return ": ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "kind": self.kind,
            "id": self.id,
            "field": self.field,
            "message": self.message,
            "severity": self.severity,
        }


class ClaimSetUnreadable(FactdeskError):
    """A claim-set file cannot be read or parsed. ``str(exc)`` names the file (and line)."""

    def __init__(self, file: str, message: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.message = one_line(message)
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {self.message}")


class ClaimSetInvalid(FactdeskError):
    """The claim set was read but is not consistent: ``problems`` lists every problem."""

    def __init__(
        self,
        problems: Iterable[Problem],
        counts: dict[str, int] | None = None,
        warnings: Iterable[Problem] = (),
    ):
        self.problems = list(problems)  # the errors
        self.warnings = list(warnings)  # listed beside them, never a reason to refuse
        self.counts = counts or {}
        n = len(self.problems)
        first = str(self.problems[0]) if self.problems else "no details"
        more = f" (and {n - 1} more)" if n > 1 else ""
        super().__init__(f"{first}{more}")


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it is below it, else absolute."""
    try:
        absolute = path.absolute()
    except OSError:
        return str(path)
    try:
        return str(absolute.relative_to(Path.cwd().absolute()))
    except (ValueError, OSError):
        return str(absolute)


def in_order(problems: list[Problem]) -> list[Problem]:
    """The manifest's problems first, then by file and line (stable within a line)."""
    return sorted(problems, key=lambda p: (p.kind != "manifest", p.file, p.line or 0))


def one_line(text: object) -> str:
    return " ".join(str(text).split())


def short(value: object, limit: int = 60) -> str:
    """``value`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = one_line(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def field_label(loc: Iterable[str | int]) -> str:
    """("attributions", 1, "quote") -> "attributions[1].quote"."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
