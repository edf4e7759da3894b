"""Hot reload of the claim set: validate the new set fully, then swap; on errors keep the old.

:func:`reload_engine` is the pure core: it loads the claim set at ``path`` with
:func:`bot.claimset.loader.load_claimset` (which checks everything and reports every problem);
only when that succeeds does it build a new engine with ``make_engine``. On failure it
returns the engine it was given, untouched, and the problems (file, line, claim, field).
Either way the report lists the orphans: claims with editorial records (rulings, notes)
that the set being served does not hold. Orphans are reported, never deleted.

:meth:`bot.desk.Desk.reload` is the async wrapper every face uses (``/factdesk reload``,
``run --watch``): it loads in a worker thread and swaps the desk's engine in one step.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from bot.claimset.model import ClaimSet
from bot.errors import FactdeskError
from bot.record.editorial import orphans

log = logging.getLogger(__name__)

E = TypeVar("E")  # the engine type (bot.answers.engine.Factdesk): anything holding a .claimset

MAX_LISTED = 20


@dataclass(slots=True)
class ReloadReport:
    ok: bool
    path: str
    version: str | None  # the version now being served
    previous_version: str | None
    counts: dict[str, int] = field(default_factory=dict)  # of the set now being served
    problems: list[dict[str, Any]] = field(default_factory=list)  # Problem.as_dict()
    error: str | None = None  # one line: unreadable file, or the first problem
    orphans: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "path": self.path,
            "version": self.version,
            "previous_version": self.previous_version,
            "counts": dict(self.counts),
            "problems": list(self.problems),
            "error": self.error,
            "orphans": list(self.orphans),
        }

    def problem_lines(self) -> list[str]:
        out = []
        for p in self.problems:
            where = f"{p['file']}:{p['line']}" if p.get("line") else p["file"]
            who = f"{p['kind']} {p['id']}" if p.get("id") else p["kind"]
            out.append(": ".join([where, who, *([p["field"]] if p.get("field") else []),
                                  p["message"]]))
        return out

    def text(self) -> str:
        if self.ok:
            counts = ", ".join(f"{v} {k}" for k, v in self.counts.items())
            head = (f"Claim set reloaded: version {self.version} "
                    f"(was {self.previous_version}); {counts}.")
        else:
            n = len(self.problems)
            serving = (f"still serving version {self.previous_version}"
                       if self.previous_version is not None else "it is not loaded")
            head = (f"Claim set NOT reloaded: {serving}. "
                    + (f"{n} problem(s):" if n else f"{self.error}"))
        lines = [head]
        shown = self.problem_lines()
        lines.extend(f"- {line}" for line in shown[:MAX_LISTED])
        if len(shown) > MAX_LISTED:
            lines.append(f"- ... and {len(shown) - MAX_LISTED} more (python -m bot validate)")
        if self.orphans:
            listed = ", ".join(self.orphans[:MAX_LISTED])
            more = f" and {len(self.orphans) - MAX_LISTED} more" if (
                len(self.orphans) > MAX_LISTED) else ""
            lines.append(
                f"Orphans (editorial records kept, claim not in the set): {listed}{more}"
            )
        return "\n".join(lines)


def reload_engine(
    path: Path | str,
    current: E | None,
    make_engine: Callable[[ClaimSet], E],
    editorial_ids: Iterable[str] = (),
    *,
    load: Callable[[Path], ClaimSet] | None = None,
) -> tuple[E | None, ReloadReport]:
    """Try to load ``path``; the new engine on success, ``current`` unchanged on failure."""
    from bot.claimset.loader import ClaimSetInvalid, load_claimset

    loader = load or load_claimset
    old_set: ClaimSet | None = getattr(current, "claimset", None)
    previous = old_set.version if old_set is not None else None
    ids = list(editorial_ids)
    try:
        claimset = loader(Path(path))
        engine = make_engine(claimset)
    except ClaimSetInvalid as exc:
        log.warning("reload of %s refused: %s", path, exc)
        return current, ReloadReport(
            ok=False, path=str(path), version=previous, previous_version=previous,
            counts=old_set.counts() if old_set else {},
            problems=[p.as_dict() for p in exc.problems], error=str(exc),
            orphans=orphans(ids, old_set),
        )
    except FactdeskError as exc:
        log.warning("reload of %s refused: %s", path, exc)
        return current, ReloadReport(
            ok=False, path=str(path), version=previous, previous_version=previous,
            counts=old_set.counts() if old_set else {}, error=str(exc),
            orphans=orphans(ids, old_set),
        )
    log.info("claim set reloaded from %s: %s -> %s", path, previous, claimset.version)
    return engine, ReloadReport(
        ok=True, path=str(path), version=claimset.version, previous_version=previous,
        counts=claimset.counts(), orphans=orphans(ids, claimset),
    )
