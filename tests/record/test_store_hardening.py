"""The store under a hostile file system: a database deleted or replaced while open, another
writer holding the lock, read-only files and folders, paths that are no database file."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.paths import PROJECT_ROOT
from bot.record.store import Store, StoreError

CLAIM = "o2-more-than-150-killed"
NOBODY = 65534


async def create_database(path: Path) -> Path:
    async with Store.open(path):
        pass
    return path


def rows(db: Path, table: str = "rulings") -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


async def test_a_write_to_a_deleted_database_is_refused_not_acknowledged(tmp_path: Path, caplog):
    db = tmp_path / "desk.sqlite3"
    async with Store.open(db) as store:
        await store.set_status("a", "false", reason="r", by="ann")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        with caplog.at_level(logging.ERROR), pytest.raises(StoreError) as refused:
            await store.set_status("a", "confirmed", reason="r", by="bob")
    assert str(refused.value) == (
        f"{db}: the database file was deleted while open; nothing was written "
        "(restore it, or restart to open a new one)"
    )
    assert str(refused.value) in caplog.text
    assert not db.exists()


async def test_a_write_to_a_replaced_database_is_refused(tmp_path: Path):
    db = tmp_path / "desk.sqlite3"
    other = await create_database(tmp_path / "other.sqlite3")
    async with Store.open(db) as store:
        await store.add_note("a", "first", by="ann")
        os.replace(other, db)  # what a restore from backup or a careless `mv` does
        with pytest.raises(StoreError, match="was replaced while open; nothing was written"):
            await store.add_note("a", "second", by="ann")
    with sqlite3.connect(db) as conn:  # nothing acknowledged went anywhere
        assert "second" not in {r[0] for r in conn.execute("SELECT text FROM notes")}


async def test_a_locked_database_is_refused_within_the_bounded_wait(tmp_path: Path):
    db = await create_database(tmp_path / "desk.sqlite3")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing, for longer than we wait
    try:
        async with Store.open(db) as store:
            started = time.monotonic()
            writes = [store.set_status("a", "false", reason="r", by=f"ed{i}") for i in range(3)]
            results = await asyncio.gather(*writes, return_exceptions=True)
            elapsed = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert elapsed < 3.0  # three queued writes, each bounded: all answered within 3 s
    for result in results:
        assert isinstance(result, StoreError)
        assert "the database is busy; try again" in str(result) and str(db) in str(result)
    assert rows(db) == 0


async def test_readonly_open_switches_nothing_and_refuses_writes(tmp_path: Path):
    db = tmp_path / "plain.sqlite3"
    await create_database(db)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
    async with Store.open(db, readonly=True) as store:
        assert store.read_only == "opened for reading"
        assert await store.current_rulings() == {}
        with pytest.raises(StoreError, match=r"read-only \(opened for reading\); nothing was"):
            await store.set_status("a", "false", reason="r", by="ann")
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def run_cli(*argv: str, cwd: Path, as_nobody: bool = False) -> subprocess.CompletedProcess[str]:
    """``python -m bot ...`` as a user runs it; as an unprivileged user when root (root
    writes through any file mode, so a read-only file is only read-only for someone else)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACTDESK_")}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    drop: list[str] = []
    if as_nobody and os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: cannot drop to another user")
        drop = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    return subprocess.run([*drop, sys.executable, "-m", "bot", *argv], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder another user can reach (pytest's own is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="factdesk-ro-"))
    path.chmod(0o755)
    yield path
    for p in path.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    shutil.rmtree(path)


@pytest.fixture
def ruled_db(shared_tmp: Path) -> Path:
    tmp_path = shared_tmp
    folder = tmp_path / "desk"
    folder.mkdir()
    db = folder / "desk.sqlite3"
    done = run_cli("status", "set", CLAIM, "false", "why", "--by", "Ed", "--db", str(db),
                   "--create-db", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    tmp_path.chmod(0o755)
    return db


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_readonly_database_is_read_and_a_write_refused_in_one_line(ruled_db: Path, what: str):
    folder = ruled_db.parent
    if what == "file":
        ruled_db.chmod(0o444)
        folder.chmod(0o777)  # the folder is writable: only the file is read-only
    else:
        for p in folder.iterdir():
            if p != ruled_db:
                p.unlink()  # a copy handed over read-only: no -wal or -shm beside it
        ruled_db.chmod(0o644)
        if os.geteuid() == 0:
            os.chown(ruled_db, NOBODY, NOBODY)  # the reader's own file, in a folder it cannot write
        folder.chmod(0o555)
    try:
        for argv in (["claim", CLAIM, "--json"], ["status", "history", CLAIM],
                     ["export", "--format", "csv"]):
            done = run_cli(*argv, "--db", str(ruled_db), cwd=folder.parent, as_nobody=True)
            assert done.returncode == 0, (argv, done.stderr)
            assert "false" in done.stdout.lower() and "Traceback" not in done.stderr
        done = run_cli("status", "set", CLAIM, "confirmed", "ok", "--by", "Ed", "--db",
                       str(ruled_db), cwd=folder.parent, as_nobody=True)
        reason = "file mode 0444" if what == "file" else f"folder {folder} is not writable"
        assert done.returncode == 2
        assert done.stderr == (f"error: {ruled_db}: the database is read-only ({reason}); "
                               "nothing was written\n")
    finally:
        folder.chmod(0o755)
        ruled_db.chmod(0o644)
    assert rows(ruled_db) == 1


@pytest.mark.parametrize("path", ["", "."])
def test_a_directory_as_the_database_is_one_line(tmp_path: Path, path: str):
    shutil.copytree(PROJECT_ROOT / "seeds", tmp_path / "seeds")
    for argv in (["status", "set", CLAIM, "false", "why", "--by", "Ed", "--create-db"],
                 ["claim", CLAIM]):
        done = run_cli(*argv, "--db", path, "--claimset", "seeds", cwd=tmp_path)
        assert done.returncode == 2
        assert done.stderr == "error: '.': is a directory, not a database file\n", done.stderr
    sub = tmp_path / "sub"
    sub.mkdir()
    done = run_cli("claim", CLAIM, "--db", str(sub), "--claimset", "seeds", cwd=tmp_path)
    assert done.stderr == f"error: {sub}: is a directory, not a database file\n"


async def test_an_older_database_opened_for_reading_is_migrated_first_when_writable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import bot.record.sqlite.migrations as migrations_mod
    from bot.record.store import MIGRATIONS, schema_version

    db = tmp_path / "old.sqlite3"
    monkeypatch.setattr(migrations_mod, "MIGRATIONS", MIGRATIONS[:1])
    await create_database(db)
    monkeypatch.setattr(migrations_mod, "MIGRATIONS", MIGRATIONS)
    async with Store.open(db, readonly=True) as store:
        assert store.read_only == "opened for reading"
        assert await store.user_version() == schema_version()
