"""TOML tables into schema models: each table that does not validate is reported in plain words.

A file's array is validated in bulk while every table in it is good (the common case);
otherwise table by table, each with its own messages, pointed at the field they name.
The models that validated are compacted (:mod:`bot.claimset.compaction`).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from bot.claimset.compaction import Compactor
from bot.claimset.problems import field_label, short
from bot.claimset.records import ARRAYS, LoadState, Record, TomlFile
from bot.claimset.schema import Manifest

log = logging.getLogger(__name__)

_ADAPTERS: dict[str, TypeAdapter[list[Any]]] = {}
_DATE_ERRORS = re.compile(r"^(date|datetime)_")


def read_records(
    state: LoadState, compactor: Compactor, file: TomlFile, array: str
) -> list[Record]:
    """The file's records, validated (in bulk while every table is good); the parsed
    tables are dropped once validated, but for the tables that did not validate."""
    kind, model = ARRAYS[array]
    data = file.data or {}
    file.data = None
    out: list[Record] = []
    for key in data:
        if key != array:
            state.report(
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
        state.report(
            file,
            (array,),
            kind,
            None,
            array,
            f"must be an array of tables, written [[{array}]]",
        )
        return out
    state.chunks.setdefault(kind, []).append((file, len(items)))
    models: list[Any] | None = None
    if all(type(raw) is dict for raw in items):
        try:
            models = _adapter(array).validate_python(items)
        except ValidationError:
            models = None  # find which tables, one by one, with their own messages
    if models is not None:
        compactor.compact(array, models)
        return [Record(array, kind, i, file, m) for i, m in enumerate(models)]
    for index, raw in enumerate(items):
        rec = Record(array, kind, index, file, raw=raw)
        if not isinstance(raw, dict):
            state.report(
                file,
                rec.at(),
                kind,
                rec.label,
                None,
                f"must be a table, written [[{array}]], not {type(raw).__name__}",
            )
            continue
        _validate(state, rec, model)
        out.append(rec)
    compactor.compact(array, [r.model for r in out if r.model is not None])
    return out


def validate_manifest(state: LoadState, file: TomlFile) -> Manifest | None:
    """The manifest's model, or None with each of its problems reported."""
    data = file.data or {}
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        rid = data.get("id") if isinstance(data.get("id"), str) else None
        for err in exc.errors():
            loc = tuple(err["loc"])
            state.report(file, loc[:1], "manifest", rid, field_label(loc) or None, _message(err))
        return None


def _adapter(array: str) -> TypeAdapter[list[Any]]:
    if array not in _ADAPTERS:
        model = ARRAYS[array][1]
        _ADAPTERS[array] = TypeAdapter(list[model])  # type: ignore[valid-type]
    return _ADAPTERS[array]


def _validate(state: LoadState, rec: Record, model: type[BaseModel]) -> None:
    try:
        rec.model = model.model_validate(rec.raw)
        rec.raw = None
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            if not loc:  # a whole-record check: point at the field it names
                loc = _field_named(err, model)
            state.report_at(rec, loc, _message(err))


def _field_named(err: Any, model: type[BaseModel]) -> tuple[str, ...]:
    """For a whole-record error, the most specific field of the model its message names."""
    named = [w for w in re.findall(r"[a-z_]+", str(err.get("msg", ""))) if w in model.model_fields]
    specific = [w for w in named if "_" in w]  # "outlet_note" over "outlet"
    return ((specific or named)[0],) if named else ()


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
        return f"{short(value)!r} is not a real date ({detail}); write a TOML date: 2022-01-09"
    if kind == "string_pattern_mismatch":
        return f"{short(value)!r} does not match the pattern {err['ctx']['pattern']}"
    if kind in ("literal_error", "enum") or kind.endswith("_type") or kind.endswith("_parsing"):
        return f"{msg}, got {short(repr(value))}"
    return msg
