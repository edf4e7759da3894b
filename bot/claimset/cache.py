"""A verified cache of loaded claim sets: a hit means these exact bytes were validated.

The key is a hash of every input the loader reads (:func:`bot.claimset.reading.input_files`),
each file by its content (never its modification time): the manifest, the sources
manifest, every file its globs match (in load order, by path), every ``*.txt`` in the
sources folder, plus the absolute root, the source code of every module of
:mod:`bot.claimset` (its subpackages included: they decide validity) and the versions of
Python, pydantic and rtoml. Any changed byte, added or removed file, or code change is a
miss, and the loader validates everything again.

Only claim sets that validated are written. An entry is pickled, and unpickling runs
code, so nothing is unpickled unless all of this holds (else one warning line, and the
claim set is loaded from its files):

- the folder is a directory owned by the bot's user and not writable by group or others
  (created 0700 when missing);
- it holds the secret ``key`` (32 random bytes, created 0600 on first use, owned by the
  bot's user, readable by no one else);
- the entry is a regular file (not a symlink) owned by the bot's user;
- the entry's MAC, HMAC-SHA256 with that secret over its key line and its bytes,
  matches: a file planted by anyone who does not hold the secret is never unpickled.

An unusable folder (cannot be created, not writable, refused) costs only time: one warning,
and the bot runs without the cache. The cache can only save time, never change an answer.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import importlib.metadata
import logging
import os
import pickle
import platform
import secrets
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from pydantic import BaseModel

from bot.claimset.model import ClaimSet
from bot.claimset.reading import input_files, read_regular

log = logging.getLogger(__name__)

_FORMAT = b"factdesk-claimset-cache 3\n"
SECRET_NAME = "key"
_SECRET_BYTES = 32
_warned: set[str] = set()  # each refusal is logged once per process
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
    data = read_regular(path, str(path))
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


def input_key(manifest: Path) -> str:
    """The key of the claim set whose manifest is ``manifest``: every byte it loads.

    Raises ClaimSetUnreadable, OSError or ValueError when an input cannot be read or
    parsed (no caching then: the full load says what is wrong).
    """
    h = hashlib.blake2b(code_key(), digest_size=32)
    for path in input_files(manifest):
        _hash_file(h, path)
    return h.hexdigest()


# -- the folder and its secret ------------------------------------------------------------


def folder_secret(cache_dir: Path) -> bytes | None:
    """The folder's MAC secret, creating the folder (0700) and the secret (0600) when
    missing; None, with one warning, when the folder cannot be used safely."""
    try:
        cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        _check_private(cache_dir, folder=True)
        return _read_or_create_secret(cache_dir / SECRET_NAME)
    except (OSError, _Refused) as exc:
        _warn(f"claim-set cache {cache_dir} not used ({_reason(exc)}); loading from the files")
        return None


class _Refused(Exception):
    """A cache folder or file that must not be trusted (message: why)."""


def _check_private(path: Path, *, folder: bool) -> os.stat_result:
    """``path`` belongs to this user and no one else can change it; else _Refused."""
    st = os.stat(path) if folder else os.lstat(path)
    if folder and not stat.S_ISDIR(st.st_mode):
        raise _Refused(f"{path} is not a directory")
    if not folder and not stat.S_ISREG(st.st_mode):
        raise _Refused(f"{path} is not a regular file")
    if st.st_uid != os.geteuid():
        raise _Refused(f"{path} is owned by uid {st.st_uid}, not this user ({os.geteuid()})")
    if st.st_mode & 0o022:
        raise _Refused(f"{path} is writable by group or others "
                       f"(mode {stat.S_IMODE(st.st_mode):04o})")
    return st


def _read_or_create_secret(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        st = _check_private(path, folder=False)
        if st.st_mode & 0o077:
            raise _Refused(f"{path} is readable by others (mode {stat.S_IMODE(st.st_mode):04o})"
                           ) from None
        secret = path.read_bytes()
        if len(secret) != _SECRET_BYTES:
            raise _Refused(f"{path} is not a cache secret ({len(secret)} bytes)") from None
        return secret
    secret = secrets.token_bytes(_SECRET_BYTES)
    with os.fdopen(fd, "wb") as f:
        f.write(secret)
    log.info("claim-set cache: new secret %s", path)
    return secret


def _mac_hash(secret: bytes, key: str) -> Any:
    """The MAC of an entry: HMAC-SHA256 with the folder's secret over its key line, then
    its pickled bytes (fed by the caller); 64 hex digits."""
    return hmac.new(secret, key.encode() + b"\n", "sha256")


def _warn(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        log.warning("%s", message)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
    return str(exc)


# -- entries -------------------------------------------------------------------------------


def cache_file(cache_dir: Path, manifest: Path) -> Path:
    where = hashlib.blake2b(str(manifest).encode("utf-8", "surrogateescape"), digest_size=8)
    return cache_dir / f"claimset-{where.hexdigest()}.pickle"


def read(path: Path, key: str) -> ClaimSet | None:
    """The cached claim set when its key is ``key`` and it is authentic, else None."""
    value = read_entry(path, key)
    return value if isinstance(value, ClaimSet) else None


def read_entry(path: Path, key: str) -> object | None:
    """What the entry at ``path`` holds, when it is for ``key`` and passes every check of
    the module docstring; None otherwise (a refusal is logged, one line).

    The file is read twice through one descriptor: once for the MAC, then unpickled. It is
    this user's and no one else may write it (checked first), so it cannot change between.
    """
    secret = folder_secret(path.parent)
    if secret is None:
        return None
    try:
        f = _open_own_file(path)
    except FileNotFoundError:
        return None
    except (OSError, _Refused) as exc:
        _warn(f"claim-set cache entry refused ({_reason(exc)}); loading from the files")
        return None
    with f:
        if f.readline() != _FORMAT or f.readline().rstrip(b"\n") != key.encode():
            return None  # an older format or another key: stale, rebuilt and replaced
        mac = f.readline().rstrip(b"\n")
        start = f.tell()
        h = _mac_hash(secret, key)
        while chunk := f.read(1 << 20):
            h.update(chunk)
        if not hmac.compare_digest(mac, h.hexdigest().encode()):
            _warn(f"claim-set cache entry {path} refused (not signed with this folder's "
                  "secret); loading from the files")
            return None
        f.seek(start)
        try:
            return pickle.load(f)
        except Exception as exc:  # signed by us, yet unreadable (another Python?): rebuild
            _warn(f"claim-set cache entry {path} unreadable ({type(exc).__name__}: {exc}); "
                  "loading from the files")
            return None


def _open_own_file(path: Path) -> BinaryIO:
    """A regular file owned by this user that no one else can write, opened without
    following a symlink (and without blocking on a FIFO); _Refused otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _Refused(f"{path} is a symlink") from None
        raise
    f = os.fdopen(fd, "rb")
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _Refused(f"{path} is not a regular file")
        if st.st_uid != os.geteuid():
            raise _Refused(f"{path} is owned by uid {st.st_uid}, not this user")
        if st.st_mode & 0o022:
            raise _Refused(f"{path} is writable by group or others")
    except BaseException:
        f.close()
        raise
    return f


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
    """Pickle ``value`` under ``key``, signed with the folder's secret, atomically;
    an unusable folder or a failed write is one warning, never raised."""
    secret = folder_secret(path.parent)
    if secret is None:
        return
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                head = _FORMAT + key.encode() + b"\n"
                f.write(head + b"0" * _MAC_HEX + b"\n")
                signed = _Signing(f, _mac_hash(secret, key))
                _Pickler(signed, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
                f.seek(len(head))
                f.write(signed.mac.hexdigest().encode())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except Exception as exc:
        _warn(f"claim-set cache {path} not written ({_reason(exc)})")
        log.debug("cache write failed", exc_info=True)


_MAC_HEX = 64


class _Signing:
    """A file the pickler writes to that feeds every byte to the MAC on the way."""

    def __init__(self, f: BinaryIO, mac: Any) -> None:
        self._f = f
        self.mac = mac

    def write(self, chunk: bytes) -> int:
        self.mac.update(chunk)
        return self._f.write(chunk)


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
    value = read_entry(path, key)
    if isinstance(value, kind):
        return value
    value = build()
    _write_pickle(path, key, value)
    return value
