"""Watching the claim-set files: reload the desk when they change (``run --watch``), supervised.

With several stories every story's files are watched; a story loaded in this process is
reloaded on its own when its files change (a story not loaded is left alone: it loads
the current files when first asked for)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from bot.claimset.reading import MANIFEST_NAME, input_files
from bot.desk import Desk
from bot.errors import FactdeskError

log = logging.getLogger(__name__)

FIRST_RETRY = 1.0  # seconds before the first retry after an error; doubled each time
MAX_RETRY = 60.0
GIVE_UP_AFTER = 10  # failures in a row: then the watcher stops and the bot exits non-zero


class WatchFailed(FactdeskError):
    """The watcher failed too many times in a row to go on (one line: what, where)."""


Signature = tuple[tuple[str, int, int], ...]


def claimset_signature(root: Path, manifest: Path | None = None) -> Signature:
    """(path, mtime, size) of every regular .toml and .txt file under ``root``, and of every
    file a load of ``manifest`` reads (whatever its name): changes on any edit.

    Only stat() is called: a FIFO or a device is never opened (and never read) here.
    """
    files = {p for p in root.rglob("*") if p.suffix in {".toml", ".txt"} and p.is_file()}
    if manifest is not None:
        # A manifest that cannot be read: the reload says what is wrong with it.
        with contextlib.suppress(FactdeskError, OSError, ValueError):
            files.update(p for p in input_files(manifest) if p.is_file())
    out = []
    for p in sorted(files):
        try:
            st = p.stat()
        except OSError:
            continue
        out.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(out)


async def watch_claimset(
    desk: Desk,
    path: Path | None = None,
    interval: float = 2.0,
    *,
    first_retry: float = FIRST_RETRY,
    max_retry: float = MAX_RETRY,
    give_up_after: int = GIVE_UP_AFTER,
) -> None:
    """Reload ``desk`` when the claim set's files change; a broken edit keeps the old set
    (``path`` None: every story of the desk, each reloaded on its own when loaded).

    The same core as /factdesk reload (:meth:`Desk.reload`): every problem and any
    orphans are logged. Supervised: an error (a database that cannot be read, a file
    system error) is logged in one line and the check is retried with backoff
    (``first_retry`` doubling up to ``max_retry``); after ``give_up_after`` failures in
    a row it raises :class:`WatchFailed`, and the bot exits non-zero.
    """
    if path is not None or desk.stories is None:
        targets = {desk.scope.story: path or desk.story.path}
    else:
        targets = {s.id: s.path for s in desk.settings.story_list()}
    seen: dict[str, Signature | None] = dict.fromkeys(targets)
    failures = 0
    delay = 0.0  # the first look at once: an edit from then on is seen
    while True:
        await asyncio.sleep(delay)
        target = Path()
        try:
            for story, target in targets.items():
                root = target if target.is_dir() else target.parent
                seen[story] = await check_once(desk, target, root, seen[story], story=story)
        except Exception as exc:
            failures += 1
            what = f"watch of {target}: {_describe(exc)}"
            if failures >= give_up_after:
                log.error("%s; giving up after %d failures in a row", what, failures)
                log.debug("watch failure", exc_info=True)
                raise WatchFailed(f"{what} ({failures} failures in a row)") from exc
            delay = min(first_retry * 2 ** (failures - 1), max_retry)
            log.error("%s; retrying in %g s (failure %d of %d)", what, delay, failures,
                      give_up_after)
            log.debug("watch failure", exc_info=True)
            continue
        failures, delay = 0, interval


async def check_once(
    desk: Desk, target: Path, root: Path, seen: Signature | None, *, story: str | None = None
) -> Signature:
    """One look: reload when the files differ from ``seen`` (None: first look, no reload).

    ``story``: the story whose files these are (default the desk's own); another story
    is reloaded only when it is loaded."""
    now = claimset_signature(root, target if target.is_file() else root / MANIFEST_NAME)
    if seen is not None and now != seen:
        if story in (None, desk.scope.story) or desk.stories is None:
            report = await desk.reload(target)
        elif desk.stories.loaded(story) is not None:
            report = await desk.stories.reload(story, target)
        else:
            return now
        label = f" (story {story})" if desk.stories and len(desk.stories.ids) > 1 else ""
        (log.info if report.ok else log.error)("watch%s: %s", label, report.text())
    return now


def _describe(exc: BaseException) -> str:
    """An error as one line that says what it is, not only its class."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, FactdeskError) and text:
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
