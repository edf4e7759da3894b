"""Load a claim set from its TOML files and prove it consistent, or say every way it is not.

``load_claimset(path)`` reads the manifest (``claimset.toml``), the sources manifest and
texts, speakers, topics, claims and figures (:mod:`bot.claimset.reading`); builds the
:mod:`bot.claimset.schema` models (:mod:`bot.claimset.tables`); then runs the validation
rules, which check what no single record can check on its own
(:data:`bot.claimset.rules.RULES`, in order: source files, unique ids and spellings,
references, quotes, figure words, the evidence status of each claim).

Every problem is collected before anything is raised: :class:`ClaimSetInvalid` carries
them all, each one line, ``FILE:LINE: claim ID: FIELD: what is wrong``. A file that
cannot be read or parsed raises :class:`ClaimSetUnreadable` with one line naming it.
No other exception leaves :func:`load_claimset`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.claimset import cache as claimset_cache
from bot.claimset.building import build_claimset
from bot.claimset.gc_pause import paused_gc
from bot.claimset.model import ClaimSet
from bot.claimset.problems import ClaimSetInvalid, ClaimSetUnreadable, Problem, display_path
from bot.claimset.reading import Reader, manifest_path, read_files, read_manifest
from bot.claimset.records import LoadState
from bot.claimset.rules import run_rules
from bot.claimset.tables import validate_manifest
from bot.paths import DEFAULT_CLAIMSET

log = logging.getLogger(__name__)

__all__ = [
    "ClaimSetInvalid",
    "ClaimSetUnreadable",
    "Problem",
    "display_path",
    "load_claimset",
    "load_files",
]


def load_claimset(
    path: Path | str = DEFAULT_CLAIMSET, *, cache_dir: Path | str | None = None
) -> ClaimSet:
    """Load and check the claim set at ``path`` (its manifest, or the directory holding it).

    Raises ClaimSetUnreadable (a file cannot be read or parsed) or ClaimSetInvalid
    (every problem found), and nothing else.

    With ``cache_dir``, a claim set that validated is kept there, and returned again
    while every input file holds the same bytes and the loader's code is the same
    (:mod:`bot.claimset.cache`); anything else is loaded and validated from the files.
    """
    where = Path(path).absolute()
    reader = Reader()
    # Nothing a load builds is garbage until it is done: without the cycle collector
    # walking the growing set again and again, a large set loads several times faster.
    with paused_gc():
        try:
            if cache_dir is not None:
                return _load_cached(reader, where, Path(cache_dir))
            return load_files(reader, where)
        except (ClaimSetInvalid, ClaimSetUnreadable):
            raise
        except Exception as exc:  # the last line of defence: name the file, one line
            log.debug("unexpected error while loading %s", path, exc_info=True)
            raise ClaimSetUnreadable(
                display_path(reader.current_file or Path(path)),
                f"unexpected error while loading: {type(exc).__name__}: {exc}",
            ) from exc


def load_files(reader: Reader, path: Path) -> ClaimSet:
    """Read every file, build the set from the records that validated, run every rule;
    the set if nothing is wrong, else ClaimSetInvalid with every problem."""
    state = LoadState()
    manifest_file = read_manifest(reader, path)
    manifest = validate_manifest(state, manifest_file)
    read_files(reader, state, manifest_file)
    if manifest is not None:
        state.claimset = build_claimset(state, manifest, manifest_file.path.parent)
    run_rules(state)
    warnings = state.resolved_warnings() if state.warnings else []
    if state.problems or state.claimset is None:
        raise ClaimSetInvalid(state.resolved_problems(), state.counts(), warnings)
    state.claimset.warnings = warnings
    return state.claimset


def _load_cached(reader: Reader, path: Path, cache_dir: Path) -> ClaimSet:
    if claimset_cache.folder_secret(cache_dir) is None:  # unusable: one warning, no cache
        return load_files(reader, path)
    try:
        manifest = manifest_path(path)
        key = claimset_cache.input_key(manifest)
    except Exception:  # cannot be read as it is: the full load says what is wrong
        log.debug("no cache key for %s", path, exc_info=True)
        return load_files(reader, path)
    where = claimset_cache.cache_file(cache_dir, manifest)
    cached = claimset_cache.read(where, key)
    if cached is not None:
        log.info("claim set %s: unchanged since validated, from the cache", display_path(manifest))
        cached.cache_key, cached.cache_dir = key, cache_dir
        return cached
    claimset = load_files(reader, path)
    try:  # written only if no file changed while it was being loaded
        unchanged = claimset_cache.input_key(manifest) == key
    except Exception:
        unchanged = False
    if unchanged:
        claimset_cache.write(where, key, claimset)
        claimset.cache_key, claimset.cache_dir = key, cache_dir
    return claimset
