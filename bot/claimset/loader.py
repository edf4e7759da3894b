"""Load a claim set from its TOML files and prove it consistent, or say every way it is not.

``load_claimset(path)`` reads the manifest (``claimset.toml``), the sources manifest and
texts, speakers, topics, claims and figures; builds the :mod:`bot.claimset.schema` models; then
cross-checks what no single record can check on its own:

- every quote (attributions, evidence basis, figures) is in its source text, typographic
  quotes and whitespace aside (:func:`bot.claimset.quotes.normalize_quote`);
- a figure's ``words`` are in its quote and give its low and high under its qualifier
  (:mod:`bot.claimset.numbers`);
- every reference resolves: speakers, topics, sources, supported_by, disputed_by;
- ids are unique per kind, and across claims and figures (one disputed_by namespace);
  speaker spellings are unique case-insensitively;
- each source entry names a text file in the sources directory, each text file has one;
- the derived evidence status fits the record (:func:`bot.claimset.origins.content_origins`).

Every problem is collected before anything is raised: :class:`ClaimSetInvalid` carries
them all, each one line, ``FILE:LINE: claim ID: FIELD: what is wrong``. A file that
cannot be read or parsed raises :class:`ClaimSetUnreadable` with one line naming it.
No other exception leaves :func:`load_claimset`.
"""

from __future__ import annotations

import functools
import glob
import hashlib
import logging
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

import rtoml
from pydantic import BaseModel, TypeAdapter, ValidationError
from rapidfuzz import process

from bot.claimset import cache as claimset_cache
from bot.claimset.gc_pause import paused_gc
from bot.claimset.model import ClaimSet, Location
from bot.claimset.numbers import NumberError, format_interval, interval_from_words, same_bound
from bot.claimset.origins import content_origins
from bot.claimset.quotes import matching_prefix, normalize_quote
from bot.claimset.schema import Claim, Figure, Manifest, Source, Speaker, Topic
from bot.claimset.status import EvidenceStatus
from bot.claimset.toml_lines import Lines, locate
from bot.errors import FactdeskError
from bot.paths import DEFAULT_CLAIMSET

log = logging.getLogger(__name__)

MANIFEST_NAME = "claimset.toml"

# The top-level array each kind of file holds, the record kind and its model.
_ARRAYS: dict[str, tuple[str, type[BaseModel]]] = {
    "sources": ("source", Source),
    "speakers": ("speaker", Speaker),
    "topics": ("topic", Topic),
    "claims": ("claim", Claim),
    "figures": ("figure", Figure),
}
_FILE_LISTS = ("speakers", "topics", "claims", "figures")


# -- errors ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the claim set, where it is and what it is."""

    file: str  # relative to the working directory when possible, else absolute
    line: int | None
    kind: str  # claim, figure, speaker, source, topic, manifest
    id: str | None
    field: str | None  # "attributions[1].quote"
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        who = f"{self.kind} {self.id}" if self.id else self.kind
        parts = [where, who, *([self.field] if self.field else []), self.message]
        return ": ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "kind": self.kind,
            "id": self.id,
            "field": self.field,
            "message": self.message,
        }


class ClaimSetUnreadable(FactdeskError):
    """A claim-set file cannot be read or parsed. ``str(exc)`` names the file (and line)."""

    def __init__(self, file: str, message: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.message = _one_line(message)
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {self.message}")


class ClaimSetInvalid(FactdeskError):
    """The claim set was read but is not consistent: ``problems`` lists every problem."""

    def __init__(self, problems: Iterable[Problem], counts: dict[str, int] | None = None):
        self.problems = list(problems)
        self.counts = counts or {}
        n = len(self.problems)
        first = str(self.problems[0]) if self.problems else "no details"
        more = f" (and {n - 1} more)" if n > 1 else ""
        super().__init__(f"{first}{more}")


# -- entry point -------------------------------------------------------------------------


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
    loader = _Loader(Path(path).absolute())
    # Nothing a load builds is garbage until it is done: without the cycle collector
    # walking the growing set again and again, a large set loads several times faster.
    with paused_gc():
        try:
            if cache_dir is not None:
                return _load_cached(loader, Path(cache_dir))
            return loader.load()
        except (ClaimSetInvalid, ClaimSetUnreadable):
            raise
        except Exception as exc:  # the last line of defence: name the file, one line
            log.debug("unexpected error while loading %s", path, exc_info=True)
            raise ClaimSetUnreadable(
                display_path(loader.current_file or Path(path)),
                f"unexpected error while loading: {type(exc).__name__}: {exc}",
            ) from exc


def _load_cached(loader: _Loader, cache_dir: Path) -> ClaimSet:
    try:
        manifest = loader.manifest_path()
        key = claimset_cache.input_key(manifest, _file_lists)
    except Exception:  # cannot be read as it is: the full load says what is wrong
        log.debug("no cache key for %s", loader.path, exc_info=True)
        return loader.load()
    where = claimset_cache.cache_file(cache_dir, manifest)
    cached = claimset_cache.read(where, key)
    if cached is not None:
        log.info("claim set %s: unchanged since validated, from the cache", display_path(manifest))
        cached.cache_key, cached.cache_dir = key, cache_dir
        return cached
    claimset = loader.load()
    try:  # written only if no file changed while it was being loaded
        unchanged = claimset_cache.input_key(manifest, _file_lists) == key
    except Exception:
        unchanged = False
    if unchanged:
        claimset_cache.write(where, key, claimset)
        claimset.cache_key, claimset.cache_dir = key, cache_dir
    return claimset


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


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _short(value: object, limit: int = 60) -> str:
    text = _one_line(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _field_label(loc: Iterable[str | int]) -> str:
    """("attributions", 1, "quote") -> "attributions[1].quote"."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# -- files and records -------------------------------------------------------------------


@dataclass(slots=True)
class _File:
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


def _digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=16).digest()


def _lines_of(path: Path, digest: bytes) -> Lines:
    """The line locator of ``path``, or no lines if it changed since it was parsed."""
    try:
        raw = path.read_bytes()
        if _digest(raw) != digest:
            log.warning("%s changed while it was loaded: no line numbers", path)
            return Lines({})
        return locate(raw.decode("utf-8"))
    except (OSError, ValueError):
        return Lines({})


@dataclass(slots=True)
class _Record:
    """One table from a file: its model when it validated, else its raw table."""

    array: str  # "claims"
    kind: str  # "claim"
    index: int  # position in its file's array
    file: _File
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
        return _short(rid, 40) if rid else f"#{self.index + 1}"

    def at(self, *path: str | int) -> tuple[str | int, ...]:
        """The key path of ``path`` inside this record, for the line locator."""
        return (self.array, self.index, *path)


# A problem's place: a line number (or None), or a key path the line locator resolves
# once every problem is known.
_At = int | None | tuple[str | int, ...]


class _Locations(Mapping[str, Location]):
    """``"claim:<id>" -> Location``, lines found when first asked for (most never are)."""

    def __init__(self, chunks: dict[str, list[tuple[_File, int]]], ids: dict[str, Any]) -> None:
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
                array = _ARRAY_OF[kind]
                return Location(file.path, file.lines.line((array, index)))
            index -= count
        raise KeyError(key)  # pragma: no cover - the chunks count every record

    def __iter__(self) -> Iterator[str]:
        for kind, by_id in self._ids.items():
            for rid in by_id:
                yield f"{kind}:{rid}"

    def __len__(self) -> int:
        return sum(len(by_id) for by_id in self._ids.values())


_ARRAY_OF = {kind: array for array, (kind, _) in _ARRAYS.items()}
_ADAPTERS: dict[str, TypeAdapter[list[Any]]] = {}


def _adapter(array: str) -> TypeAdapter[list[Any]]:
    if array not in _ADAPTERS:
        model = _ARRAYS[array][1]
        _ADAPTERS[array] = TypeAdapter(list[model])  # type: ignore[valid-type]
    return _ADAPTERS[array]


_FIELDS_SET = BaseModel.__dict__["__pydantic_fields_set__"]


class _Compactor:
    """Shares what many records repeat: equal strings and dates become one object,
    equal sets of given fields (pydantic keeps one set per model) one set, and equal
    lists of a claim (its topics; an empty via, basis, supported_by, disputed_by) one
    list. Models are frozen and nothing changes their lists in place; a copy with
    changes (``model_copy``) copies the field set before it adds to it."""

    def __init__(self) -> None:
        self.values: dict[Any, Any] = {}
        self.sets: dict[frozenset[str], set[str]] = {}
        self.lists: dict[tuple[str, ...], list[str]] = {}

    def share_set(self, model: BaseModel) -> None:
        given = _FIELDS_SET.__get__(model)
        shared = self.sets.setdefault(frozenset(given), given)
        if shared is not given:
            _FIELDS_SET.__set__(model, shared)

    def set_sharer(self) -> Callable[[BaseModel], None]:
        """share_set for a run of models of one kind: most hold the same fields as the
        one before, which a set comparison tells without building a key."""
        last: set[str] = set()
        get, put, sets = _FIELDS_SET.__get__, _FIELDS_SET.__set__, self.sets

        def share(model: BaseModel) -> None:
            nonlocal last
            given = get(model)
            if given != last:
                last = sets.setdefault(frozenset(given), given)
            if given is not last:
                put(model, last)

        return share

    def claims(self, claims: list[Claim]) -> None:
        v = self.values.setdefault
        same = self.lists.setdefault
        empty = same((), [])
        share_claim, share_att, share_ev = self.set_sharer(), self.set_sharer(), self.set_sharer()
        share = self.share_set
        for claim in claims:
            share_claim(claim)
            d = claim.__dict__
            d["speaker"] = v(claim.speaker, claim.speaker)
            d["kind"] = v(claim.kind, claim.kind)
            if claim.said_on is not None:
                d["said_on"] = v(claim.said_on, claim.said_on)
            topics = claim.topics
            for i, t in enumerate(topics):
                topics[i] = v(t, t)
            d["topics"] = same(tuple(topics), topics)
            for att in claim.attributions:
                share_att(att)
                a = att.__dict__
                a["source"] = v(att.source, att.source)
                via = att.via
                if via:
                    for i, link in enumerate(via):
                        via[i] = v(link, link)
                else:
                    a["via"] = empty
                if att.said_on is not None:
                    a["said_on"] = v(att.said_on, att.said_on)
            ev = claim.evidence
            share_ev(ev)
            e = ev.__dict__
            e["rationale"] = v(ev.rationale, ev.rationale)
            for q in ev.basis:
                share(q)
                q.__dict__["source"] = v(q.source, q.source)
            if not ev.basis:
                e["basis"] = empty
            if not ev.supported_by:
                e["supported_by"] = empty
            if not ev.disputed_by:
                e["disputed_by"] = empty

    def figures(self, figures: list[Figure]) -> None:
        v = self.values.setdefault
        for fig in figures:
            self.share_set(fig)
            d = fig.__dict__
            for key in ("topic", "scope", "qualifier", "words", "unit", "speaker", "source"):
                value = d[key]
                if value is not None:
                    d[key] = v(value, value)
            if fig.as_of is not None:
                d["as_of"] = v(fig.as_of, fig.as_of)
            via = fig.via
            for i, link in enumerate(via):
                via[i] = v(link, link)
            if not via:
                d["via"] = self.lists.setdefault((), [])

    def compact(self, array: str, models: list[Any]) -> None:
        if array == "claims":
            self.claims(models)
        elif array == "figures":
            self.figures(models)


@dataclass(slots=True)
class _Loader:
    path: Path
    problems: list[tuple[_File | str, _At, str, str | None, str | None, str]] = field(
        default_factory=list
    )
    current_file: Path | None = None
    records: dict[str, list[_Record]] = field(default_factory=dict)
    chunks: dict[str, list[tuple[_File, int]]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # source id -> text
    _normalized: dict[str, str] = field(default_factory=dict)
    _written: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    _choices: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    _compactor: _Compactor = field(default_factory=_Compactor)

    # -- reporting ---------------------------------------------------------------------
    def report(
        self,
        file: _File | str,
        at: _At,
        kind: str,
        rid: str | None,
        fld: str | None,
        message: str,
    ) -> None:
        """Note a problem; ``at`` is its line, or a key path whose line is found later."""
        self.problems.append((file, at, kind, rid, fld, _one_line(message)))

    def report_at(self, rec: _Record, loc: tuple[str | int, ...], message: str) -> None:
        self.report(rec.file, rec.at(*loc), rec.kind, rec.label, _field_label(loc) or None, message)

    def resolved_problems(self) -> list[Problem]:
        """Every problem with its line: each file with a problem is scanned once, now."""
        out: list[Problem] = []
        for file, at, kind, rid, fld, message in self.problems:
            if isinstance(file, _File):
                line = file.lines.line(at) if isinstance(at, tuple) else at
                shown = file.shown
            else:
                line = at if not isinstance(at, tuple) else None
                shown = file
            out.append(Problem(shown, line, kind, rid, fld, message))
        return _sorted(out)

    # -- reading -----------------------------------------------------------------------
    def read_toml(self, path: Path) -> _File:
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
        return _File(path, shown, _digest(raw), _parse_toml(text, shown))

    def read_text(self, path: Path) -> str:
        self.current_file = path
        shown = display_path(path)
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ClaimSetUnreadable(shown, f"source text is not UTF-8 ({exc.reason})") from None
        except (OSError, ValueError) as exc:
            raise ClaimSetUnreadable(shown, f"cannot read: {_os_error(exc)}") from None

    def manifest_path(self) -> Path:
        path = self.path
        if path.is_dir():
            path = path / MANIFEST_NAME
            if not path.exists():
                raise ClaimSetUnreadable(
                    display_path(self.path), f"no {MANIFEST_NAME} in this directory"
                )
        return path

    def read_records(self, file: _File, array: str) -> list[_Record]:
        """The file's records, validated (in bulk while every table is good); the parsed
        tables are dropped once validated, but for the tables that did not validate."""
        kind, model = _ARRAYS[array]
        data = file.data or {}
        file.data = None
        out: list[_Record] = []
        for key in data:
            if key != array:
                self.report(
                    file,
                    (key,),
                    kind,
                    None,
                    key,
                    f"unknown top-level key; this file holds [[{array}]] tables",
                )
        items = data.get(array)
        if items is None:
            return out
        if not isinstance(items, list):
            self.report(
                file,
                (array,),
                kind,
                None,
                array,
                f"must be an array of tables, written [[{array}]]",
            )
            return out
        self.chunks.setdefault(kind, []).append((file, len(items)))
        models: list[Any] | None = None
        if all(type(raw) is dict for raw in items):
            try:
                models = _adapter(array).validate_python(items)
            except ValidationError:
                models = None  # find which tables, one by one, with their own messages
        if models is not None:
            self._compactor.compact(array, models)
            return [_Record(array, kind, i, file, m) for i, m in enumerate(models)]
        for index, raw in enumerate(items):
            rec = _Record(array, kind, index, file, raw=raw)
            if not isinstance(raw, dict):
                self.report(
                    file,
                    rec.at(),
                    kind,
                    rec.label,
                    None,
                    f"must be a table, written [[{array}]], not {type(raw).__name__}",
                )
                continue
            self.validate(rec, model)
            out.append(rec)
        self._compactor.compact(array, [r.model for r in out if r.model is not None])
        return out

    # -- loading -----------------------------------------------------------------------
    def load(self) -> ClaimSet:
        manifest_file = self.read_toml(self.manifest_path())
        root = manifest_file.path.parent
        data = manifest_file.data or {}
        if not {"id", "title", "version"} & data.keys():
            raise ClaimSetUnreadable(
                manifest_file.shown,
                f"not a claim-set manifest (no id, title or version): give {MANIFEST_NAME} "
                "or the directory holding it",
            )
        manifest = self.validate_manifest(manifest_file)
        lists = self.file_lists(manifest_file)
        manifest_id = _manifest_id(manifest_file)

        sources_file = self.read_toml(root / lists["sources"][0])
        self.records["sources"] = self.read_records(sources_file, "sources")
        for array in _FILE_LISTS:
            self.records[array] = []
            seen: set[Path] = set()
            for pattern in lists[array]:
                matches = sorted(glob.glob(pattern, root_dir=root))
                if not matches:
                    self.report(
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
                    self.records[array].extend(self.read_records(self.read_toml(path), array))
        self.current_file = None

        self.check_source_files(sources_file)
        self.check_unique_ids()
        self.check_spellings()
        self.check_references()
        self.check_quotes()
        self.check_figures()
        claimset = self.build(manifest, root)
        self.check_status(claimset)

        if self.problems or claimset is None:
            counts = {a: sum(r.model is not None for r in rs) for a, rs in self.records.items()}
            raise ClaimSetInvalid(self.resolved_problems(), counts)
        return claimset

    def validate_manifest(self, file: _File) -> Manifest | None:
        data = file.data or {}
        try:
            return Manifest.model_validate(data)
        except ValidationError as exc:
            rid = data.get("id") if isinstance(data.get("id"), str) else None
            for err in exc.errors():
                loc = tuple(err["loc"])
                self.report(
                    file, loc[:1], "manifest", rid, _field_label(loc) or None, _message(err)
                )
            return None

    def file_lists(self, file: _File) -> dict[str, list[str]]:
        return _file_lists(file.data or {})

    def validate(self, rec: _Record, model: type[BaseModel]) -> None:
        try:
            rec.model = model.model_validate(rec.raw)
            rec.raw = None
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                if not loc:  # a whole-record check: point at the field it names
                    loc = _field_named(err, model)
                self.report_at(rec, loc, _message(err))

    def valid(self, array: str) -> Iterator[_Record]:
        return (r for r in self.records.get(array, []) if r.model is not None)

    # -- cross-checks ------------------------------------------------------------------
    def check_source_files(self, sources_file: _File) -> None:
        folder = sources_file.path.parent
        # every file named, by valid entries or not: an invalid entry is reported already
        listed = {
            r.model.file if r.model is not None else r.raw.get("file")
            for r in self.records.get("sources", [])
        }
        for rec in self.valid("sources"):
            src: Source = rec.model
            path = folder / src.file
            if not path.is_file():
                self.report_at(rec, ("file",), f"no file {src.file!r} in {display_path(folder)}")
                continue
            if src.id not in self.texts:
                self.texts[src.id] = self.read_text(path)
        self.current_file = None
        for path in sorted(folder.glob("*.txt")):
            if path.name not in listed:
                self.report(
                    sources_file,
                    None,
                    "source",
                    path.name,
                    "file",
                    f"text file {path.name!r} has no entry in {sources_file.path.name}",
                )

    def check_unique_ids(self) -> None:
        for array in _ARRAYS:
            first: dict[str, _Record] = {}
            for rec in self.valid(array):
                rid = rec.model.id
                if first.setdefault(rid, rec) is not rec:
                    self.report_at(
                        rec, ("id",), f"duplicate id; first used at {self.where(first[rid])}"
                    )
        files: dict[str, _Record] = {}
        for rec in self.valid("sources"):
            name = rec.model.file
            if name in files:
                self.report_at(rec, ("file",), f"file also listed by source {files[name].label}")
            else:
                files[name] = rec
        claims = {r.model.id: r for r in self.valid("claims")} if self.records["figures"] else {}
        for rec in self.valid("figures"):
            other = claims.get(rec.model.id)
            if other is not None:
                self.report_at(
                    rec,
                    ("id",),
                    f"id also used by claim at {self.where(other)}; claims and figures share "
                    "one id space (disputed_by names either)",
                )

    def where(self, rec: _Record) -> str:
        """FILE:LINE of a record's id, for a message about another record (rare)."""
        line = rec.file.lines.line(rec.at("id"))
        return f"{rec.file.shown}:{line}" if line else rec.file.shown

    def check_spellings(self) -> None:
        seen: dict[str, tuple[str, str]] = {}  # casefolded spelling -> (speaker id, spelling)
        for rec in self.valid("speakers"):
            speaker: Speaker = rec.model
            for i, spelling in enumerate(speaker.spellings):
                loc: tuple[str | int, ...] = ("name",) if i == 0 else ("aliases", i - 1)
                key = " ".join(spelling.split()).casefold()
                if key in seen:
                    owner, as_written = seen[key]
                    if owner == speaker.id:
                        self.report_at(rec, loc, f"{spelling!r} is listed twice (case aside)")
                    else:
                        self.report_at(
                            rec,
                            loc,
                            f"{spelling!r} is also a spelling of speaker {owner} "
                            f"({as_written!r}); spellings must be unique, case aside",
                        )
                else:
                    seen[key] = (speaker.id, spelling)

    def written(self, arrays: tuple[str, ...]) -> set[str]:
        """Every id written in these arrays, valid record or not (computed once)."""
        if arrays not in self._written:
            ids: set[str] = set()
            for array in arrays:
                for r in self.records.get(array, []):
                    rid = r.rid
                    if rid:
                        ids.add(rid)
            self._written[arrays] = ids
        return self._written[arrays]

    def check_ref(
        self,
        rec: _Record,
        loc: tuple[str | int, ...],
        value: str | None,
        what: str,
        arrays: tuple[str, ...],
    ) -> None:
        if value is None:
            return
        written = self.written(arrays)
        if value in written:
            if value == rec.model.id and rec.array in arrays:
                self.report_at(rec, loc, f"a {rec.kind} cannot refer to itself")
            return
        choices = self._choices.setdefault(arrays, sorted(written))
        hint = process.extractOne(value, choices, score_cutoff=70) if choices else None
        suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
        self.report_at(rec, loc, f"unknown {what} {value!r}{suggestion}")

    def check_references(self) -> None:
        speakers = self.written(("speakers",))
        topics = self.written(("topics",))
        sources = self.written(("sources",))
        claims = self.written(("claims",))
        either = self.written(("claims", "figures"))
        if self.claim_references_resolve(speakers, topics, sources, claims, either):
            claim_records: Iterable[_Record] = ()
        else:
            claim_records = self.valid("claims")
        for rec in claim_records:
            claim: Claim = rec.model
            ev = claim.evidence
            # the common case at once: every reference resolves and none is the claim itself
            if (
                claim.speaker in speakers
                and all(t in topics for t in claim.topics)
                and all(a.source in sources for a in claim.attributions)
                and all(q.source in sources for q in ev.basis)
                and all(c in claims and c != claim.id for c in ev.supported_by)
                and all(c in either and c != claim.id for c in ev.disputed_by)
            ):
                continue
            self.check_ref(rec, ("speaker",), claim.speaker, "speaker", ("speakers",))
            for i, topic in enumerate(claim.topics):
                self.check_ref(rec, ("topics", i), topic, "topic", ("topics",))
            for i, att in enumerate(claim.attributions):
                self.check_ref(
                    rec, ("attributions", i, "source"), att.source, "source", ("sources",)
                )
            for i, q in enumerate(ev.basis):
                self.check_ref(
                    rec, ("evidence", "basis", i, "source"), q.source, "source", ("sources",)
                )
            for i, cid in enumerate(ev.supported_by):
                self.check_ref(rec, ("evidence", "supported_by", i), cid, "claim", ("claims",))
            for i, cid in enumerate(ev.disputed_by):
                self.check_ref(
                    rec,
                    ("evidence", "disputed_by", i),
                    cid,
                    "claim or figure",
                    ("claims", "figures"),
                )
        for rec in self.valid("figures"):
            fig: Figure = rec.model
            if (
                fig.topic in topics
                and (fig.speaker is None or fig.speaker in speakers)
                and fig.source in sources
            ):
                continue
            self.check_ref(rec, ("topic",), fig.topic, "topic", ("topics",))
            self.check_ref(rec, ("speaker",), fig.speaker, "speaker", ("speakers",))
            self.check_ref(rec, ("source",), fig.source, "source", ("sources",))

    def claim_references_resolve(
        self,
        speakers: set[str],
        topics: set[str],
        sources: set[str],
        claims: set[str],
        either: set[str],
    ) -> bool:
        """Whether every reference of every valid claim resolves, none to the claim
        itself: the whole set at once, in a few set operations (nearly always true)."""
        models: list[Claim] = [r.model for r in self.valid("claims")]
        if not {c.speaker for c in models} <= speakers:
            return False
        if not set(chain.from_iterable([c.topics for c in models])) <= topics:
            return False
        if not {a.source for c in models for a in c.attributions} <= sources:
            return False
        evidence = [c.evidence for c in models]
        if not {q.source for ev in evidence for q in ev.basis} <= sources:
            return False
        for claim, ev in zip(models, evidence, strict=True):
            if ev.supported_by and (
                claim.id in ev.supported_by or not claims.issuperset(ev.supported_by)
            ):
                return False
            if ev.disputed_by and (
                claim.id in ev.disputed_by or not either.issuperset(ev.disputed_by)
            ):
                return False
        return True

    def normalized(self, source_id: str) -> str | None:
        if source_id not in self.texts:
            return None
        if source_id not in self._normalized:
            self._normalized[source_id] = normalize_quote(self.texts[source_id])
        return self._normalized[source_id]

    def check_quote(
        self, rec: _Record, loc: tuple[str | int, ...], source_id: str, quote: str
    ) -> None:
        text = self._normalized.get(source_id) or self.normalized(source_id)
        if text is None:  # unknown source or missing file: reported elsewhere
            return
        wanted = normalize_quote(quote)
        if wanted in text:
            return
        if wanted.casefold() in text.casefold():
            self.report_at(
                rec,
                loc,
                f"not in source {source_id} as written: the words are "
                "there but the capitalisation differs",
            )
            return
        n = matching_prefix(text, wanted)
        if n == 0:
            detail = f"no part of it is in the text (it starts {wanted[:30]!r})"
        else:
            detail = (
                f"the text matches up to {wanted[max(0, n - 30) : n]!r} "
                f"and then differs at {wanted[n : n + 30]!r}"
            )
        self.report_at(rec, loc, f"not in source {source_id}: {detail}")

    def check_quotes(self) -> None:
        texts = {sid: self.normalized(sid) for sid in self.texts}
        for rec in self.valid("claims"):
            claim: Claim = rec.model
            for i, att in enumerate(claim.attributions):
                text = texts.get(att.source)
                if text is not None and normalize_quote(att.quote) in text:
                    continue  # the common case, without a call per quote
                self.check_quote(rec, ("attributions", i, "quote"), att.source, att.quote)
            for i, q in enumerate(claim.evidence.basis):
                self.check_quote(rec, ("evidence", "basis", i, "quote"), q.source, q.quote)
        for rec in self.valid("figures"):
            self.check_quote(rec, ("quote",), rec.model.source, rec.model.quote)

    def check_figures(self) -> None:
        for rec in self.valid("figures"):
            fig: Figure = rec.model
            words = normalize_quote(fig.words)
            if words.casefold() not in normalize_quote(fig.quote).casefold():
                self.report_at(
                    rec, ("words",), f"{_short(fig.words)!r} is not in the figure's quote"
                )
            try:
                low, high = _interval(fig.qualifier, fig.words, fig.unit)
            except NumberError as exc:
                self.report_at(rec, ("words",), str(exc))
                continue
            bad_low = not same_bound(low, fig.low)
            bad_high = not same_bound(high, fig.high)
            if not (bad_low or bad_high):
                continue
            loc = (
                ("low",)
                if bad_low and not bad_high
                else ("high",)
                if bad_high and not bad_low
                else ()
            )
            self.report(
                rec.file,
                rec.at(*loc),
                rec.kind,
                rec.label,
                "low" if loc == ("low",) else "high" if loc == ("high",) else "low/high",
                f"words {fig.words!r} with qualifier {fig.qualifier} give "
                f"{format_interval(low, high)}, the file says {format_interval(fig.low, fig.high)}"
                " (leave a key out for an open end)",
            )

    def build(self, manifest: Manifest | None, root: Path) -> ClaimSet | None:
        if manifest is None:
            return None

        def by_id(array: str) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for rec in self.valid(array):
                out.setdefault(rec.model.id, rec.model)
            return out

        sources = by_id("sources")
        ids = {
            "source": sources,
            "speaker": by_id("speakers"),
            "topic": by_id("topics"),
            "claim": by_id("claims"),
            "figure": by_id("figures"),
        }
        return ClaimSet(
            manifest=manifest,
            root=root,
            sources=sources,
            texts={sid: self.texts[sid] for sid in sources if sid in self.texts},
            speakers=ids["speaker"],
            topics=ids["topic"],
            claims=ids["claim"],
            figures=ids["figure"],
            locations=_Locations(self.chunks, ids),
        )

    def check_status(self, claimset: ClaimSet | None) -> None:
        if claimset is None:
            return
        claims = claimset.claims
        # the origin of an attribution without via, by source id: its outlet, else its file
        by_source = {sid: _origin_key(s.outlet or s.file) for sid, s in claimset.sources.items()}
        keys: dict[str, str] = {}
        for rec in self.valid("claims"):
            claim: Claim = rec.model
            if claims.get(claim.id) is not claim:
                continue  # a duplicate id, reported already
            ev = claim.evidence
            status = ev.status
            # a backer that is unknown or invalid is reported already: count no origins short
            complete = all(cid in claims for cid in ev.supported_by)
            if status == EvidenceStatus.NO_EVIDENCE and not ev.basis:
                self.report_at(
                    rec,
                    ("evidence", "basis"),
                    "status no_evidence needs a basis: the sentence in which a "
                    "source says no evidence was presented",
                )
            elif status == EvidenceStatus.DISPUTED and not ev.disputed_by:
                self.report_at(
                    rec,
                    ("evidence", "disputed_by"),
                    "status disputed needs disputed_by: the claims or figures that contradict it",
                )
            elif status == EvidenceStatus.CORROBORATED:
                if ev.disputed_by:
                    self.report_at(
                        rec,
                        ("evidence", "disputed_by"),
                        "a corroborated claim has nothing contradicting it; with "
                        "disputed_by set, the status is disputed",
                    )
                if complete and _count_origins(claim, by_source, keys, claimset) < 2:
                    origins = content_origins(claim, claimset)
                    self.report_at(
                        rec,
                        ("evidence", "status"),
                        f"corroborated needs two or more independent origins, the "
                        f"content has {_origins(origins)}",
                    )
            elif status == EvidenceStatus.SINGLE_SOURCE:
                n = _count_origins(claim, by_source, keys, claimset)
                if n > 1 or (complete and not n):
                    origins = content_origins(claim, claimset)
                    self.report_at(
                        rec,
                        ("evidence", "status"),
                        f"single_source needs exactly one independent origin, the "
                        f"content has {_origins(origins)}",
                    )


def _file_lists(data: dict[str, Any]) -> dict[str, list[str]]:
    """The file globs of a manifest, falling back on the defaults where it is bad."""
    defaults = {
        name: f.get_default(call_default_factory=True) for name, f in Manifest.model_fields.items()
    }
    out: dict[str, list[str]] = {}
    value = data.get("sources", defaults["sources"])
    out["sources"] = [value if isinstance(value, str) and value.strip() else defaults["sources"]]
    for name in _FILE_LISTS:
        value = data.get(name, defaults[name])
        ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
        out[name] = list(value) if ok else list(defaults[name])
    return out


def _origin_key(origin: str) -> str:
    return " ".join(origin.split()).casefold()


def _count_origins(
    claim: Claim, by_source: dict[str, str], keys: dict[str, str], claimset: ClaimSet
) -> int:
    """``len(content_origins(claim, claimset))``, without building the names when the
    claim has no backers (nearly every claim)."""
    if claim.evidence.supported_by:
        return len(content_origins(claim, claimset))
    found: set[str] = set()
    for att in claim.attributions:
        if att.via:
            link = att.via[0]
            key = keys.get(link)
            if key is None:
                key = keys[link] = _origin_key(link.strip())
        else:
            key = by_source.get(att.source) or _origin_key(f"source {att.source}")
        found.add(key)
    return len(found)


@functools.lru_cache(maxsize=4096)
def _interval(qualifier: str, words: str, unit: str) -> tuple[float | None, float | None]:
    """:func:`interval_from_words`, once per distinct wording (many figures share one)."""
    low, high = interval_from_words(qualifier, words, unit)
    return low, high


def _parse_toml(text: str, shown: str) -> dict[str, Any]:
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


def _os_error(exc: Exception) -> str:
    return str(getattr(exc, "strerror", None) or exc)


def _origins(origins: list[str]) -> str:
    n = len(origins)
    return f"{n} ({', '.join(origins)})" if n else "none"


def _manifest_id(file: _File) -> str | None:
    rid = (file.data or {}).get("id")
    return rid if isinstance(rid, str) else None


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.kind != "manifest", p.file, p.line or 0))


def _field_named(err: Any, model: type[BaseModel]) -> tuple[str, ...]:
    """For a whole-record error, the most specific field of the model its message names."""
    named = [w for w in re.findall(r"[a-z_]+", str(err.get("msg", ""))) if w in model.model_fields]
    specific = [w for w in named if "_" in w]  # "outlet_note" over "outlet"
    return ((specific or named)[0],) if named else ()


_DATE_ERRORS = re.compile(r"^(date|datetime)_")


def _message(err: Any) -> str:
    """Pydantic's message for one error, made one line and plain."""
    kind = err.get("type", "")
    msg = str(err.get("msg", "invalid"))
    value = err.get("input")
    if msg.startswith(("Value error, ", "Assertion failed, ")):
        msg = msg.split(", ", 1)[1]
    if kind == "missing":
        return f"{msg}: the key is missing"
    if kind == "extra_forbidden":
        return f"{msg}: unknown key (a typo?)"
    if _DATE_ERRORS.match(kind):
        detail = err.get("ctx", {}).get("error") or msg
        return f"{_short(value)!r} is not a real date ({detail}); write a TOML date: 2022-01-09"
    if kind == "string_pattern_mismatch":
        return f"{_short(value)!r} does not match the pattern {err['ctx']['pattern']}"
    if kind in ("literal_error", "enum") or kind.endswith("_type") or kind.endswith("_parsing"):
        return f"{msg}, got {_short(repr(value))}"
    return msg
