"""Reading a claim set's files: the manifest, its globs, each TOML file's records, source texts.

Nothing here judges the records beyond their schema (:mod:`bot.claimset.tables`); the
validation rules (:mod:`bot.claimset.rules`) run on what :func:`read_files` leaves in the
:class:`~bot.claimset.records.LoadState`. A file that cannot be read or parsed raises
:class:`~bot.claimset.problems.ClaimSetUnreadable` naming it.
"""

from __future__ import annotations

import glob
import logging
import re
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
# The manifest keys that list files by glob, read in this order after the sources.
FILE_LISTS = ("speakers", "topics", "claims", "figures", "places", "groups", "units")


class Reader:
    """Reads files, remembering the one being read: an unexpected error names it."""

    def __init__(self) -> None:
        self.current_file: Path | None = None

    def toml(self, path: Path) -> TomlFile:
        self.current_file = path
        shown = display_path(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise ClaimSetUnreadable(shown, "no such file") from None
        except IsADirectoryError:
            raise ClaimSetUnreadable(shown, "is a directory, not a TOML file") from None
        except (OSError, ValueError) as exc:
            raise ClaimSetUnreadable(shown, f"cannot read: {_os_error(exc)}") from None
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
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ClaimSetUnreadable(shown, f"source text is not UTF-8 ({exc.reason})") from None
        except (OSError, ValueError) as exc:
            raise ClaimSetUnreadable(shown, f"cannot read: {_os_error(exc)}") from None


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
    compactor = Compactor()
    lists = file_lists(manifest_file.data or {})
    manifest_id = _manifest_id(manifest_file)

    state.sources_file = sources_file = reader.toml(root / lists["sources"][0])
    state.records["sources"] = read_records(state, compactor, sources_file, "sources")
    for array in FILE_LISTS:
        state.records[array] = []
        seen: set[Path] = set()
        for pattern in lists[array]:
            matches = sorted(glob.glob(pattern, root_dir=root))
            if not matches:
                state.report(
                    manifest_file,
                    (array,),
                    "manifest",
                    manifest_id,
                    array,
                    f"{pattern!r} matches no file",
                )
            for match in matches:
                path = root / match
                if path in seen or path.is_dir():
                    continue
                seen.add(path)
                state.records[array].extend(
                    read_records(state, compactor, reader.toml(path), array)
                )
    _read_texts(reader, state, sources_file.path.parent)
    reader.current_file = None


def _read_texts(reader: Reader, state: LoadState, folder: Path) -> None:
    """The text of each valid source whose file is there (the first entry of an id);
    a missing file is reported by :func:`bot.claimset.rules.sources.source_files_match`."""
    for rec in state.valid("sources"):
        path = folder / rec.model.file
        if rec.model.id not in state.texts and path.is_file():
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
