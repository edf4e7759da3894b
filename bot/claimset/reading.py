"""Reading a claim set's files: the manifest, its globs, each TOML file's records, source texts.

Nothing here judges the records beyond their schema (:mod:`bot.claimset.tables`); the
validation rules (:mod:`bot.claimset.rules`) run on what :func:`read_files` leaves in the
:class:`~bot.claimset.records.LoadState`. A file that cannot be read or parsed raises
:class:`~bot.claimset.problems.ClaimSetUnreadable` naming it.

Only regular files are read (a FIFO, a socket or a device is refused, never waited on),
each at most :data:`MAX_FILE_BYTES` (16 MB). Every file but the manifest must lie inside
the manifest's folder: a glob with ``..`` or an absolute path, or a symlink leading
outside, is refused in one line naming it. :func:`input_files` lists what a load reads
(the cache's key and ``run --watch`` follow exactly those files).
"""

from __future__ import annotations

import glob
import logging
import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

import rtoml

from bot.claimset.compaction import Compactor
from bot.claimset.problems import ClaimSetUnreadable, display_path
from bot.claimset.records import LoadState, TomlFile, digest
from bot.claimset.schema import Manifest
from bot.claimset.tables import read_records

log = logging.getLogger(__name__)

MANIFEST_NAME = "claimset.toml"
MAX_FILE_BYTES = 16 * 1024 * 1024  # per file: a claim set is many files, none huge
# The manifest keys that list files by glob, read in this order after the sources.
FILE_LISTS = ("speakers", "topics", "claims", "figures", "places", "groups", "units")


class Reader:
    """Reads files, remembering the one being read: an unexpected error names it.

    Once ``root`` is set (the manifest's folder), a file outside it is refused.
    """

    def __init__(self) -> None:
        self.current_file: Path | None = None
        self.root: Path | None = None

    def toml(self, path: Path) -> TomlFile:
        self.current_file = path
        shown = display_path(path)
        raw = read_regular(path, shown, self.root)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise ClaimSetUnreadable(
                shown, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", line
            ) from None
        return TomlFile(path, shown, digest(raw), parse_toml(text, shown))

    def text(self, path: Path) -> str:
        self.current_file = path
        shown = display_path(path)
        raw = read_regular(path, shown, self.root)
        try:
            return raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError as exc:
            raise ClaimSetUnreadable(shown, f"source text is not UTF-8 ({exc.reason})") from None


_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a device",
          stat.S_IFBLK: "a device", stat.S_IFDIR: "a directory"}


def read_regular(path: Path, shown: str, root: Path | None = None) -> bytes:
    """The bytes of the regular file at ``path``, at most MAX_FILE_BYTES, inside ``root``
    when given; anything else raises ClaimSetUnreadable naming ``shown``. Never blocks:
    the file is opened non-blocking and checked (fstat) before a byte is read."""
    if root is not None:
        check_inside(path, shown, root)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise ClaimSetUnreadable(shown, "no such file") from None
    except (OSError, ValueError) as exc:
        raise ClaimSetUnreadable(shown, f"cannot read: {_os_error(exc)}") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = _KINDS.get(stat.S_IFMT(st.st_mode), "not a regular file")
            raise ClaimSetUnreadable(shown, f"is {kind}: only regular files are read")
        if st.st_size > MAX_FILE_BYTES:
            raise ClaimSetUnreadable(shown, _too_big(st.st_size))
        try:
            data = fh.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise ClaimSetUnreadable(shown, f"cannot read: {_os_error(exc)}") from None
    if len(data) > MAX_FILE_BYTES:
        raise ClaimSetUnreadable(shown, _too_big(len(data)))
    return data


def _too_big(size: int) -> str:
    return (f"is {size / 2**20:.1f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit per file: "
            "split it into several files")


def check_inside(path: Path, shown: str, root: Path) -> None:
    """Refuse a file that is not inside the claim-set folder ``root`` (symlinks resolved)."""
    try:
        real = path.resolve()
        real.relative_to(root.resolve())
    except ValueError:
        raise ClaimSetUnreadable(
            shown, f"leads to {real}, outside the claim-set folder {root}: refused"
        ) from None
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise ClaimSetUnreadable(shown, f"cannot resolve: {exc}") from None


def glob_matches(root: Path, pattern: str, shown: str) -> list[Path]:
    """The files ``pattern`` matches under ``root``, sorted; a pattern that could reach
    outside the folder (``..``, an absolute path) raises ClaimSetUnreadable naming ``shown``."""
    if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
        raise ClaimSetUnreadable(
            shown, f"glob {pattern!r} reaches outside the claim-set folder ('..' or an "
            "absolute path): refused"
        )
    return [root / m for m in sorted(glob.glob(pattern, root_dir=root))]


def manifest_path(path: Path) -> Path:
    """The manifest: ``path`` itself, or the claimset.toml in the directory ``path``."""
    if path.is_dir():
        manifest = path / MANIFEST_NAME
        if not manifest.exists():
            raise ClaimSetUnreadable(display_path(path), f"no {MANIFEST_NAME} in this directory")
        return manifest
    return path


def read_manifest(reader: Reader, path: Path) -> TomlFile:
    """The manifest file at (or in) ``path``, refused if it is not a claim-set manifest."""
    file = reader.toml(manifest_path(path))
    if not {"id", "title", "version"} & (file.data or {}).keys():
        raise ClaimSetUnreadable(
            file.shown,
            f"not a claim-set manifest (no id, title or version): give {MANIFEST_NAME} "
            "or the directory holding it",
        )
    return file


def read_files(reader: Reader, state: LoadState, manifest_file: TomlFile) -> None:
    """Every file the manifest names, into ``state``: the sources and their texts, then
    each file its globs match, in order; a glob that matches nothing is a problem."""
    root = manifest_file.path.parent
    reader.root = root
    compactor = Compactor()
    lists = file_lists(manifest_file.data or {})
    manifest_id = _manifest_id(manifest_file)

    state.sources_file = sources_file = reader.toml(root / lists["sources"][0])
    state.records["sources"] = read_records(state, compactor, sources_file, "sources")
    for array in FILE_LISTS:
        state.records[array] = []
        seen: set[Path] = set()
        for pattern in lists[array]:
            matches = glob_matches(root, pattern, manifest_file.shown)
            if not matches:
                state.report(
                    manifest_file,
                    (array,),
                    "manifest",
                    manifest_id,
                    array,
                    f"{pattern!r} matches no file",
                )
            for path in matches:
                if path in seen or path.is_dir():
                    continue
                seen.add(path)
                state.records[array].extend(
                    read_records(state, compactor, reader.toml(path), array)
                )
    _read_texts(reader, state, sources_file.path.parent)
    reader.current_file = None


def input_files(manifest: Path) -> list[Path]:
    """Every file a load of ``manifest`` reads, in load order: the manifest, the sources
    manifest, each glob's matches, every ``*.txt`` beside the sources manifest.

    Raises ClaimSetUnreadable (or OSError, ValueError) when the manifest cannot be read
    or a file lies outside its folder.
    """
    root = manifest.parent
    shown = display_path(manifest)
    data = parse_toml(read_regular(manifest, shown).decode("utf-8"), shown)
    lists = file_lists(data)
    sources = root / lists["sources"][0]
    files = [manifest, sources]
    for array in FILE_LISTS:
        for pattern in lists[array]:
            files.extend(p for p in glob_matches(root, pattern, shown) if not p.is_dir())
    files.extend(sorted(sources.parent.glob("*.txt")))
    for path in files[1:]:
        check_inside(path, display_path(path), root)
    return files


def _read_texts(reader: Reader, state: LoadState, folder: Path) -> None:
    """The text of each valid source whose file is there (the first entry of an id);
    a missing file is reported by :func:`bot.claimset.rules.sources.source_files_match`."""
    for rec in state.valid("sources"):
        path = folder / rec.model.file
        if rec.model.id not in state.texts and path.exists() and not path.is_dir():
            state.texts[rec.model.id] = reader.text(path)


def file_lists(data: dict[str, Any]) -> dict[str, list[str]]:
    """The file globs of a manifest, falling back on the defaults where it is bad."""
    defaults = {
        name: f.get_default(call_default_factory=True) for name, f in Manifest.model_fields.items()
    }
    out: dict[str, list[str]] = {}
    value = data.get("sources", defaults["sources"])
    out["sources"] = [value if isinstance(value, str) and value.strip() else defaults["sources"]]
    for name in FILE_LISTS:
        value = data.get(name, defaults[name])
        ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
        out[name] = list(value) if ok else list(defaults[name])
    return out


def parse_toml(text: str, shown: str) -> dict[str, Any]:
    """Parse with rtoml (fast); on any failure, parse again with tomllib, whose error
    names the line, so the message is the same one whichever parser found the fault."""
    try:
        return rtoml.loads(text)  # type: ignore[no-any-return]
    except BaseException as exc:  # tomllib decides, and says where
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise  # KeyboardInterrupt and the like; a Rust panic is a parse failure here
        log.debug("rtoml refused %s; parsing again with tomllib", shown, exc_info=True)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = re.search(r"at line (\d+), column \d+", message)
        if "date or datetime" in message:
            message += "; is it a real date, written YYYY-MM-DD?"
        raise ClaimSetUnreadable(
            shown, f"bad TOML: {message}", int(m.group(1)) if m else None
        ) from None
    except (RecursionError, ValueError) as exc:
        raise ClaimSetUnreadable(shown, f"bad TOML: {exc}") from None


def _manifest_id(file: TomlFile) -> str | None:
    rid = (file.data or {}).get("id")
    return rid if isinstance(rid, str) else None


def _os_error(exc: Exception) -> str:
    return str(getattr(exc, "strerror", None) or exc)
