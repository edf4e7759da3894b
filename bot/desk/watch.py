"""Watching the claim-set files: reload the desk when they change (``run --watch``)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.desk import Desk

log = logging.getLogger(__name__)


def claimset_signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    """(path, mtime, size) of every .toml and .txt under ``root``: changes on any edit."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in {".toml", ".txt"})
    out = []
    for p in files:
        try:
            st = p.stat()
        except OSError:
            continue
        out.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(out)


async def watch_claimset(desk: Desk, path: Path | None = None, interval: float = 2.0) -> None:
    """Reload ``desk`` when the claim set's files change; a broken edit keeps the old set.

    The same core as /factdesk reload (:meth:`Desk.reload`): every problem and any
    orphans are logged.
    """
    target = path or desk.settings.claimset.path
    root = target if target.is_dir() else target.parent
    seen = claimset_signature(root)
    while True:
        await asyncio.sleep(interval)
        now = claimset_signature(root)
        if now == seen:
            continue
        seen = now
        report = await desk.reload(target)
        (log.info if report.ok else log.error)("watch: %s", report.text())
