"""The database: PRAGMAs, migrations, the append-only audit log, notes, feedback, and
that nothing committed is ever lost (concurrent editors, a writer killed with SIGKILL)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bot.record.sqlite.migrations as migrations_mod
from bot.claimset.status import EvidenceStatus
from bot.record.store import MIGRATIONS, Migration, Store, StoreError, schema_version

WRITER = Path(__file__).parents[1] / "store_burst_writer.py"


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


async def test_fresh_database_is_wal_with_foreign_keys_and_current_schema(tmp_path: Path):
    db = tmp_path / "f.sqlite3"
    async with Store.open(db) as store:
        assert await store.user_version() == schema_version() == len(MIGRATIONS)
        assert (await store._fetchone("PRAGMA journal_mode"))[0] == "wal"
        assert (await store._fetchone("PRAGMA foreign_keys"))[0] == 1
    with raw(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"rulings", "notes", "feedback"} <= tables


async def test_reopening_applies_nothing_twice(tmp_path: Path):
    db = tmp_path / "f.sqlite3"
    async with Store.open(db) as store:
        await store.set_status("a", "confirmed", reason="r", by="ann")
    async with Store.open(db) as store:
        assert await store.user_version() == schema_version()
        assert len(await store.history("a")) == 1


async def test_older_database_upgrades_in_place_keeping_its_rows(tmp_path, monkeypatch):
    db = tmp_path / "old.sqlite3"
    # Build a database as the first release wrote it: only migration 1.
    monkeypatch.setattr(migrations_mod, "MIGRATIONS", MIGRATIONS[:1])
    async with Store.open(db) as store:
        assert await store.user_version() == 1
        await store.set_status("a", "false", reason="fabricated", by="ann")
        await store.add_note("a", "see AFP", by="ann")
    # A newer release with one more migration opens it.
    extra = Migration(len(MIGRATIONS) + 1, "test: extra table", "CREATE TABLE extra (x INTEGER);")
    monkeypatch.setattr(migrations_mod, "MIGRATIONS", [*MIGRATIONS, extra])
    async with Store.open(db) as store:
        assert await store.user_version() == extra.version
        assert [c.status for c in await store.history("a")] == [EvidenceStatus.FALSE]
        assert [n.text for n in await store.notes("a")] == ["see AFP"]
    with raw(db) as conn:
        assert conn.execute("SELECT count(*) FROM extra").fetchone() == (0,)


async def test_a_failing_migration_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    db = tmp_path / "f.sqlite3"
    async with Store.open(db) as store:
        await store.set_status("a", "confirmed", reason="r", by="ann")
    broken = Migration(
        len(MIGRATIONS) + 1, "broken", "CREATE TABLE half (x);\nINSERT INTO nowhere VALUES (1);"
    )
    monkeypatch.setattr(migrations_mod, "MIGRATIONS", [*MIGRATIONS, broken])
    with pytest.raises(StoreError, match=r"migration .* failed") as err:
        async with Store.open(db):
            pass
    assert "\n" not in str(err.value)
    with raw(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "half" not in names
        assert conn.execute("SELECT count(*) FROM rulings").fetchone() == (1,)


async def test_newer_database_is_refused_and_left_untouched(tmp_path: Path):
    db = tmp_path / "new.sqlite3"
    with raw(db) as conn:
        conn.execute("CREATE TABLE future (x)")
        conn.execute("PRAGMA user_version = 999")
    with pytest.raises(StoreError) as err:
        async with Store.open(db):
            pass
    message = str(err.value)
    assert "\n" not in message
    assert "999" in message and "newer" in message and str(db) in message
    with raw(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 999
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert names == {"future"}


async def test_a_file_that_is_not_a_database_is_one_line_error(tmp_path: Path):
    db = tmp_path / "junk.sqlite3"
    db.write_bytes(b"this is not sqlite at all, just some text " * 50)
    with pytest.raises(StoreError) as err:
        async with Store.open(db):
            pass
    assert str(db) in str(err.value) and "\n" not in str(err.value)


async def test_missing_directory_is_one_line_error(tmp_path: Path):
    with pytest.raises(StoreError, match="does not exist"):
        async with Store.open(tmp_path / "nope" / "x.sqlite3"):
            pass


async def test_status_set_clear_and_history(tmp_path: Path):
    times = iter(dt.datetime(2026, 1, 1, 12, m, tzinfo=dt.UTC) for m in range(10))
    async with Store.open(tmp_path / "f.sqlite3", clock=lambda: next(times)) as store:
        assert await store.ruling("a") is None
        await store.set_status("a", "in_review", reason="checking", by="ann", by_id=1)
        await store.set_status("a", EvidenceStatus.FALSE, reason="no basis", by="bob", by_id=2)
        ruling = await store.ruling("a")
        assert ruling is not None
        assert (ruling.status, ruling.by) == (EvidenceStatus.FALSE, "bob")
        assert ruling.reason == "no basis"
        assert ruling.at == dt.datetime(2026, 1, 1, 12, 1, tzinfo=dt.UTC)
        await store.set_status("b", "confirmed", reason="ok", by="ann")
        assert set(await store.current_rulings()) == {"a", "b"}

        await store.set_status("a", "clear", reason="", by="cy")
        assert await store.ruling("a") is None
        assert set(await store.current_rulings()) == {"b"}
        history = await store.history("a")
        assert [(c.previous, c.status, c.by) for c in history] == [
            (None, EvidenceStatus.IN_REVIEW, "ann"),
            (EvidenceStatus.IN_REVIEW, EvidenceStatus.FALSE, "bob"),
            (EvidenceStatus.FALSE, "clear", "cy"),
        ]
        assert history[0].by_id == 1 and history[2].by_id is None
        await store.set_status("a", "misleading", reason="cut context", by="ann")
        assert (await store.history("a"))[-1].previous is None  # from the derived status


@pytest.mark.parametrize(
    ("status", "reason", "by", "match"),
    [
        ("corroborated", "r", "ann", "not an editorial status"),
        ("bogus", "r", "ann", "not an editorial status"),
        ("confirmed", "   ", "ann", "reason is empty"),
        ("confirmed", "r", " ", "empty"),
    ],
)
async def test_bad_status_changes_write_nothing(tmp_path, status, reason, by, match):
    async with Store.open(tmp_path / "f.sqlite3") as store:
        with pytest.raises(StoreError, match=match):
            await store.set_status("a", status, reason=reason, by=by)
        assert await store.history("a") == []


async def test_audit_log_is_append_only(tmp_path: Path):
    db = tmp_path / "f.sqlite3"
    async with Store.open(db) as store:
        await store.set_status("a", "confirmed", reason="r", by="ann")
    with raw(db) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE rulings SET status = 'false'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM rulings")
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "INSERT INTO rulings (claim_id, status, reason, by_name, at)"
                " VALUES ('a', 'corroborated', '', 'x', '')"
            )


async def test_notes_in_order(tmp_path: Path):
    async with Store.open(tmp_path / "f.sqlite3") as store:
        await store.add_note("a", "first", by="ann")
        await store.add_note("b", "other", by="bob")
        await store.add_note("a", "  second  ", by="bob", by_id=5)
        assert [n.text for n in await store.notes("a")] == ["first", "second"]
        assert {k: [n.text for n in v] for k, v in (await store.all_notes()).items()} == {
            "a": ["first", "second"],
            "b": ["other"],
        }
        with pytest.raises(StoreError, match="empty"):
            await store.add_note("a", "  ", by="ann")
        assert len(await store.notes("a")) == 2
        await store.set_status("c", "confirmed", reason="r", by="ann")
        assert await store.editorial_claim_ids() == {"a", "b", "c"}


async def test_feedback_latest_first_with_limit(tmp_path: Path):
    async with Store.open(tmp_path / "f.sqlite3") as store:
        for n in range(5):
            await store.add_feedback(
                command="claim", query=f"q{n}", claim_id=f"c{n}", user_id=n, user_name=f"u{n}",
                guild_id=10, channel_id=20,
            )
        latest = await store.latest_feedback(limit=3)
        assert [f.query for f in latest] == ["q4", "q3", "q2"]
        assert latest[0].kind == "wrong_match" and latest[0].user_name == "u4"
        assert len(await store.latest_feedback()) == 5


async def test_two_editors_on_two_connections_both_land_in_order(tmp_path: Path):
    """Two connections (two writers) change one claim at the same time, many times."""
    db = tmp_path / "f.sqlite3"
    async with Store.open(db) as first, Store.open(db) as second:

        async def editor(store: Store, name: str, statuses: list[str]) -> None:
            for n, status in enumerate(statuses):
                await store.set_status("same", status, reason=f"{name} {n}", by=name)

        plan = ["in_review", "confirmed", "clear", "false", "misleading"] * 8
        await asyncio.gather(editor(first, "ann", plan), editor(second, "bob", plan[::-1]))
        history = await first.history("same")
    assert len(history) == 2 * len(plan)
    assert {c.by for c in history} == {"ann", "bob"}
    # Each editor's own changes keep their order...
    for name in ("ann", "bob"):
        mine = [int(c.reason.split()[1]) for c in history if c.by == name]
        assert mine == sorted(mine)
    # ...and every row's "from" is the row before's "to": no change was lost or reordered.
    previous = None
    for change in history:
        assert change.previous == previous
        previous = None if change.status == "clear" else change.status
    assert [c.id for c in history] == sorted(c.id for c in history)
    assert history == sorted(history, key=lambda c: c.at)


async def test_many_concurrent_writes_on_one_connection(tmp_path: Path):
    async with Store.open(tmp_path / "f.sqlite3") as store:
        await asyncio.gather(
            *(store.set_status("x", "confirmed", reason=str(n), by=f"e{n}") for n in range(30)),
            *(store.add_note("x", f"note {n}", by="ann") for n in range(30)),
        )
        history = await store.history("x")
        assert len(history) == 30 and len(await store.notes("x")) == 30
        assert [c.previous for c in history] == [None] + [EvidenceStatus.CONFIRMED] * 29


def test_sigkill_mid_burst_loses_no_committed_write(tmp_path: Path):
    """A real process writes a burst; we SIGKILL it mid-way; every committed row is there."""
    db = tmp_path / "burst.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(db), "killed", "100000"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    committed: dict[str, set[int]] = {"ruling": set(), "note": set()}
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        while len(committed["ruling"]) < 150:
            line = proc.stdout.readline()
            assert line, "the writer stopped early"
            _, kind, row_id = line.split()
            committed[kind].add(int(row_id))
        os.kill(proc.pid, signal.SIGKILL)
        # Lines already written to the pipe before the kill are committed writes too.
        for line in proc.stdout:
            _, kind, row_id = line.split()
            committed[kind].add(int(row_id))
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    async def check() -> None:
        async with Store.open(db) as store:
            assert await store.integrity_check() == "ok"
            history = [c for n in range(7) for c in await store.history(f"claim-{n}")]
            notes = [n for k in range(7) for n in await store.notes(f"claim-{k}")]
            assert committed["ruling"] <= {c.id for c in history}
            assert committed["note"] <= {n.id for n in notes}
            # At most the one write in flight may be beyond what was reported.
            assert len(history) - len(committed["ruling"]) <= 1
            for n in range(7):
                previous = None
                for change in await store.history(f"claim-{n}"):
                    assert change.previous == previous
                    previous = None if change.status == "clear" else change.status
            # And the database still takes writes.
            await store.set_status("claim-0", "confirmed", reason="after crash", by="ann")

    asyncio.run(check())


STATUS_VALUES = ["in_review", "confirmed", "misleading", "false", "clear"]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(STATUS_VALUES)),
                max_size=25))
def test_any_sequence_of_changes_keeps_a_chained_trail_and_the_right_current_ruling(changes):
    async def check(db: Path) -> None:
        async with Store.open(db) as store:
            for claim_id, status in changes:
                await store.set_status(claim_id, status, reason="r", by="ann")
            current = await store.current_rulings()
            for claim_id in "abc":
                mine = [s for c, s in changes if c == claim_id]
                expected = mine[-1] if mine and mine[-1] != "clear" else None
                got = current.get(claim_id)
                assert (got.status.value if got else None) == expected
                history = await store.history(claim_id)
                assert [c.status for c in history] == mine
                previous = None
                for change in history:
                    assert change.previous == previous
                    previous = None if change.status == "clear" else change.status

    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(check(Path(tmp) / "h.sqlite3"))
