"""A verified cache of loaded claim sets: a hit means these exact bytes were validated.

The key is a hash of every input the loader reads, each file by its content (never its
modification time): the manifest, every file its globs match (in load order, by path),
the sources manifest, every ``*.txt`` in the sources folder, plus the absolute root, the
source code of every module of :mod:`bot.claimset` (its subpackages included: they decide
validity) and the versions of Python, pydantic and rtoml. Any changed byte, added or
removed file, or code change is a miss, and the loader validates everything again.

Only claim sets that validated are written. The cache file holds the key first and the
pickled :class:`~bot.claimset.ClaimSet` after it; a file whose key differs is not
unpickled. Pickle runs code of the classes it names: the cache directory must be as
private as the code itself (by default ``~/.cache/factdesk``). Any failure to read or
write the cache is logged and ignored: the cache can only save time, never change an
answer.
"""

from __future__ import annotations

import glob
import hashlib
import importlib.metadata
import logging
import os
import pickle
import platform
import tempfile
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from bot.claimset.model import ClaimSet

log = logging.getLogger(__name__)

_FORMAT = b"factdesk-claimset-cache 2\n"
# Modules whose code decides what a valid claim set is and what it loads into.
_code_key: bytes | None = None
T = TypeVar("T")


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "factdesk"


def _hash_file(h: hashlib.blake2b, path: Path) -> None:
    h.update(str(path).encode("utf-8", "surrogateescape") + b"\0")
    if path.is_dir():
        h.update(b"<dir>\0")
        return
    data = path.read_bytes()
    h.update(len(data).to_bytes(8, "little"))
    h.update(hashlib.blake2b(data, digest_size=16).digest())


def code_key() -> bytes:
    """The loader's code and the libraries it validates with, as one digest."""
    global _code_key
    if _code_key is None:
        h = hashlib.blake2b(_FORMAT, digest_size=16)
        here = Path(__file__).parent  # every module of the claim-set package, rules/ too
        for path in sorted(here.rglob("*.py")):
            _hash_file(h, path)
        for dist in ("pydantic", "pydantic_core", "rtoml"):
            try:
                version = importlib.metadata.version(dist)
            except importlib.metadata.PackageNotFoundError:
                version = "?"
            h.update(f"{dist}={version}\0".encode())
        h.update(platform.python_version().encode())
        _code_key = h.digest()
    return _code_key


def input_key(
    manifest: Path, file_lists: Callable[[dict[str, object]], dict[str, list[str]]]
) -> str:
    """The key of the claim set whose manifest is ``manifest``: every byte it loads.

    ``file_lists`` turns the parsed manifest into its globs, as the loader reads them.
    Raises OSError or ValueError when an input cannot be read or parsed (no caching then).
    """
    h = hashlib.blake2b(code_key(), digest_size=32)
    root = manifest.parent
    raw = manifest.read_bytes()
    _hash_file(h, manifest)
    lists = file_lists(tomllib.loads(raw.decode("utf-8")))
    sources = root / lists["sources"][0]
    _hash_file(h, sources)
    for name, patterns in lists.items():
        if name == "sources":
            continue
        h.update(f"[{name}]\0".encode())
        for pattern in patterns:
            h.update(pattern.encode("utf-8", "surrogateescape") + b"\0")
            for match in sorted(glob.glob(pattern, root_dir=root)):
                _hash_file(h, root / match)
    h.update(b"[texts]\0")
    for path in sorted(sources.parent.glob("*.txt")):
        _hash_file(h, path)
    return h.hexdigest()


def cache_file(cache_dir: Path, manifest: Path) -> Path:
    where = hashlib.blake2b(str(manifest).encode("utf-8", "surrogateescape"), digest_size=8)
    return cache_dir / f"claimset-{where.hexdigest()}.pickle"


def read(path: Path, key: str) -> ClaimSet | None:
    """The cached claim set when its key is ``key``, else None."""
    try:
        with path.open("rb") as f:
            if f.readline() != _FORMAT or f.readline().decode().strip() != key:
                return None
            claimset = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception:  # a damaged or foreign file: validate instead
        log.warning("claim-set cache %s unreadable; loading from the files", path, exc_info=True)
        return None
    if not isinstance(claimset, ClaimSet):
        return None
    return claimset


def write(path: Path, key: str, claimset: ClaimSet) -> None:
    """Store a claim set that validated, atomically; failures are logged, not raised."""
    _write_pickle(path, key, claimset)


_FIELDS_SET = BaseModel.__dict__["__pydantic_fields_set__"]
_EXTRA = BaseModel.__dict__["__pydantic_extra__"]
_PRIVATE = BaseModel.__dict__["__pydantic_private__"]


def _model(cls: type[BaseModel], values: dict[str, Any], given: set[str]) -> BaseModel:
    """A model as pickled by :class:`_Pickler`: its values, as validated, put back."""
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", values)
    _FIELDS_SET.__set__(model, given)
    _EXTRA.__set__(model, None)
    _PRIVATE.__set__(model, None)
    return model


class _Pickler(pickle.Pickler):
    """Pickles a model as (class, values, given fields), not pydantic's state dict: the
    unpickler keeps every pickled container until it is done, and a 3-tuple per model
    costs a third of a 4-key dict (about 50 MB less at the peak at 100,000 claims)."""

    def reducer_override(self, obj: Any) -> Any:
        if (
            isinstance(obj, BaseModel)
            and _EXTRA.__get__(obj) is None
            and _PRIVATE.__get__(obj) is None
        ):
            return _model, (type(obj), obj.__dict__, _FIELDS_SET.__get__(obj))
        return NotImplemented


def _write_pickle(path: Path, key: str, value: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(_FORMAT + key.encode() + b"\n")
                _Pickler(f, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except Exception:
        log.warning("claim-set cache %s not written", path, exc_info=True)


def derived(
    claimset: ClaimSet, name: str, code: Iterable[Path], build: Callable[[], T], kind: type[T]
) -> T:
    """What ``build()`` makes from ``claimset``, cached beside it under its key.

    Only for a structure that is a function of the claim set's content and of the
    ``code`` files alone. Without a cache key (no cache given to the loader) it is built.
    The key is the claim set's (every input byte, the loader's code) plus the bytes of
    ``code``; a file with another key is rebuilt and replaced.
    """
    if claimset.cache_key is None or claimset.cache_dir is None:
        return build()
    h = hashlib.blake2b(claimset.cache_key.encode(), digest_size=32)
    for path in code:
        _hash_file(h, path)
    key = h.hexdigest()
    where = hashlib.blake2b(str(claimset.root).encode("utf-8", "surrogateescape"), digest_size=8)
    path = claimset.cache_dir / f"{name}-{where.hexdigest()}.pickle"
    try:
        with path.open("rb") as f:
            if f.readline() == _FORMAT and f.readline().decode().strip() == key:
                value = pickle.load(f)
                if isinstance(value, kind):
                    return value
    except FileNotFoundError:
        pass
    except Exception:
        log.warning("cache %s unreadable; building it again", path, exc_info=True)
    value = build()
    _write_pickle(path, key, value)
    return value
