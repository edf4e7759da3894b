"""The database: migrations, the append-only audit log, notes, feedback, and that nothing
committed is ever lost (concurrent editors, two writer processes, a writer killed with
SIGKILL). Each test runs on SQLite and on PostgreSQL (``backend``, tests/store_backends.py);
the few about one database's own behaviour say so in their name."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.claimset.status import EvidenceStatus
from bot.record.records import Scope
from bot.record.store import Migration, Store, StoreError
from tests.store_backends import Backend

WRITER = Path(__file__).parents[1] / "store_burst_writer.py"


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def assert_chained(history) -> None:
    """Every row's "from" is the row before's "to": no change was lost or reordered."""
    previous = None
    for change in history:
        assert change.previous == previous
        previous = None if change.status == "clear" else change.status


async def test_sqlite_fresh_database_is_wal_with_foreign_keys(tmp_path: Path):
    db = tmp_path / "f.sqlite3"
    async with Store.open(db) as store:
        assert (await store._fetchone("PRAGMA journal_mode"))[0] == "wal"
        assert (await store._fetchone("PRAGMA foreign_keys"))[0] == 1


async def test_a_fresh_database_has_the_current_schema(backend: Backend):
    async with backend.open() as store:
        assert await store.user_version() == backend.migrations.schema_version()
        assert await store.user_version() == len(backend.migrations.MIGRATIONS)
        assert await store.integrity_check() == "ok"
    assert {"rulings", "notes", "feedback", "digest_runs"} <= await backend.tables()


async def test_reopening_applies_nothing_twice(backend: Backend):
    async with backend.open() as store:
        await store.set_status("a", "confirmed", reason="r", by="ann")
    async with backend.open() as store:
        assert await store.user_version() == backend.migrations.schema_version()
        assert len(await store.history("a")) == 1


async def test_two_processes_starting_at_once_migrate_once(backend: Backend):
    """Two stores opened together on a fresh database: one migrates, the other waits."""
    async def start(name: str) -> int:
        async with backend.open() as store:
            await store.add_note("a", f"from {name}", by=name)
            return await store.user_version()

    versions = await asyncio.gather(start("ann"), start("bob"))
    assert versions == [backend.migrations.schema_version()] * 2
    async with backend.open() as store:
        assert sorted(n.text for n in await store.notes("a")) == ["from ann", "from bob"]


async def test_older_database_upgrades_in_place_keeping_its_rows(backend: Backend, monkeypatch):
    migrations = backend.migrations.MIGRATIONS
    # Build a database as the first release wrote it: only migration 1.
    monkeypatch.setattr(backend.migrations, "MIGRATIONS", migrations[:1])
    async with backend.open() as store:
        assert await store.user_version() == 1
    # Rows as that release wrote them (its own columns only).
    await backend.execute(
        "INSERT INTO rulings (claim_id, status, reason, by_name, at)"
        " VALUES ('a', 'false', 'fabricated', 'ann', '2022-01-10T00:00:00+00:00')"
    )
    await backend.execute(
        "INSERT INTO notes (claim_id, text, by_name, at)"
        " VALUES ('a', 'see AFP', 'ann', '2022-01-10T00:00:00+00:00')"
    )
    # A newer release with one more migration opens it.
    extra = Migration(len(migrations) + 1, "test: extra table", "CREATE TABLE extra (x INTEGER);")
    monkeypatch.setattr(backend.migrations, "MIGRATIONS", [*migrations, extra])
    async with backend.open() as store:
        assert await store.user_version() == extra.version
        assert [c.status for c in await store.history("a")] == [EvidenceStatus.FALSE]
        assert [n.text for n in await store.notes("a")] == ["see AFP"]
    assert await backend.fetchval("SELECT count(*) FROM extra") == 0


async def test_a_failing_migration_leaves_the_database_as_it_was(backend: Backend, monkeypatch):
    migrations = backend.migrations.MIGRATIONS
    async with backend.open() as store:
        await store.set_status("a", "confirmed", reason="r", by="ann")
    tables = await backend.tables()
    broken = Migration(
        len(migrations) + 1, "broken",
        "CREATE TABLE half (x INTEGER);\nINSERT INTO nowhere VALUES (1);",
    )
    monkeypatch.setattr(backend.migrations, "MIGRATIONS", [*migrations, broken])
    with pytest.raises(StoreError, match=r"migration .* failed") as err:
        async with backend.open():
            pass
    assert "\n" not in str(err.value)
    monkeypatch.setattr(backend.migrations, "MIGRATIONS", migrations)
    assert await backend.tables() == tables  # no "half"
    assert await backend.fetchval("SELECT count(*) FROM rulings") == 1
    async with backend.open() as store:
        assert await store.user_version() == len(migrations)


async def test_newer_database_is_refused_and_left_untouched(backend: Backend):
    await backend.make_future(999)
    tables = await backend.tables()
    with pytest.raises(StoreError) as err:
        async with backend.open():
            pass
    message = str(err.value)
    assert "\n" not in message
    assert "999" in message and "newer" in message
    assert str(backend.target).split("://")[-1].split("@")[-1] in message  # names the database
    assert await backend.tables() == tables  # nothing created


async def test_sqlite_a_file_that_is_not_a_database_is_one_line_error(tmp_path: Path):
    db = tmp_path / "junk.sqlite3"
    db.write_bytes(b"this is not sqlite at all, just some text " * 50)
    with pytest.raises(StoreError) as err:
        async with Store.open(db):
            pass
    assert str(db) in str(err.value) and "\n" not in str(err.value)


async def test_sqlite_missing_directory_is_one_line_error(tmp_path: Path):
    with pytest.raises(StoreError, match="does not exist"):
        async with Store.open(tmp_path / "nope" / "x.sqlite3"):
            pass


async def test_status_set_clear_and_history(backend: Backend):
    times = iter(dt.datetime(2026, 1, 1, 12, m, tzinfo=dt.UTC) for m in range(10))
    async with backend.open(clock=lambda: next(times)) as store:
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
async def test_bad_status_changes_write_nothing(backend: Backend, status, reason, by, match):
    async with backend.open() as store:
        with pytest.raises(StoreError, match=match):
            await store.set_status("a", status, reason=reason, by=by)
        assert await store.history("a") == []


async def test_audit_log_is_append_only(backend: Backend):
    async with backend.open() as store:
        await store.set_status("a", "confirmed", reason="r", by="ann")
    with pytest.raises(backend.errors, match="append-only"):
        await backend.execute("UPDATE rulings SET status = 'false'")
    with pytest.raises(backend.errors, match="append-only"):
        await backend.execute("DELETE FROM rulings")
    if backend.name == "postgres":  # SQLite has no TRUNCATE; PostgreSQL's is refused too
        with pytest.raises(backend.errors, match="append-only"):
            await backend.execute("TRUNCATE rulings")
    with pytest.raises(backend.errors):
        await backend.execute(
            "INSERT INTO rulings (claim_id, status, reason, by_name, at)"
            " VALUES ('a', 'corroborated', '', 'x', '2026-01-01')"
        )
    assert await backend.fetchval("SELECT count(*) FROM rulings") == 1


async def test_notes_in_order(backend: Backend):
    async with backend.open() as store:
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


async def test_feedback_latest_first_with_limit(backend: Backend):
    async with backend.open() as opened:
        store = opened.scoped(Scope(guild=10))  # feedback belongs to the server it came from
        for n in range(5):
            await store.add_feedback(
                command="claim", query=f"q{n}", claim_id=f"c{n}", user_id=n, user_name=f"u{n}",
                guild_id=10, channel_id=20,
            )
        latest = await store.latest_feedback(limit=3)
        assert [f.query for f in latest] == ["q4", "q3", "q2"]
        assert latest[0].kind == "wrong_match" and latest[0].user_name == "u4"
        assert len(await store.latest_feedback()) == 5


async def test_two_editors_on_two_connections_both_land_in_order(backend: Backend):
    """Two stores (two connections; on PostgreSQL two pools) change one claim at the same
    time, many times."""
    async with backend.open() as first, backend.open() as second:

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
    assert_chained(history)
    assert [c.id for c in history] == sorted(c.id for c in history)
    assert history == sorted(history, key=lambda c: c.at)


async def test_many_concurrent_writes_on_one_store(backend: Backend):
    async with backend.open() as store:
        await asyncio.gather(
            *(store.set_status("x", "confirmed", reason=str(n), by=f"e{n}") for n in range(30)),
            *(store.add_note("x", f"note {n}", by="ann") for n in range(30)),
        )
        history = await store.history("x")
        assert len(history) == 30 and len(await store.notes("x")) == 30
        assert [c.previous for c in history] == [None] + [EvidenceStatus.CONFIRMED] * 29


def start_writer(target: str, name: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), target, name, str(count)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


async def test_two_writer_processes_on_one_claim_set_leave_a_chained_history(backend: Backend):
    """Two real processes change the same claims' statuses at the same time."""
    async with backend.open():
        pass  # the schema, before both start (each would also migrate it, once)
    count = 60
    procs = [start_writer(str(backend.target), name, count) for name in ("ann", "bob")]
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        assert out.count("committed ruling") == count
    async with backend.open() as store:
        histories = [await store.history(f"claim-{n}") for n in range(7)]
        assert sum(len(h) for h in histories) == 2 * count
        for history in histories:
            assert_chained(history)
            for name in ("ann", "bob"):
                mine = [int(c.reason.split()[-1]) for c in history if c.by == name]
                assert mine == sorted(mine)
        assert {c.by for h in histories for c in h} == {"ann", "bob"}
        assert len([n for k in range(7) for n in await store.notes(f"claim-{k}")]) == 2 * count


async def test_sigkill_mid_burst_loses_no_committed_write(backend: Backend):
    """A real process writes a burst; we SIGKILL it mid-way; every committed row is there."""
    async with backend.open():
        pass
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(backend.target), "killed", "100000"],
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

    async with backend.open() as store:
        assert await store.integrity_check() == "ok"
        history = [c for n in range(7) for c in await store.history(f"claim-{n}")]
        notes = [n for k in range(7) for n in await store.notes(f"claim-{k}")]
        assert committed["ruling"] <= {c.id for c in history}
        assert committed["note"] <= {n.id for n in notes}
        # At most the one write in flight may be beyond what was reported.
        assert len(history) - len(committed["ruling"]) <= 1
        for n in range(7):
            assert_chained(await store.history(f"claim-{n}"))
        # And the database still takes writes.
        await store.set_status("claim-0", "confirmed", reason="after crash", by="ann")


STATUS_VALUES = ["in_review", "confirmed", "misleading", "false", "clear"]


# The examples share one database (the fixture), each on claim ids of its own.
@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(STATUS_VALUES)),
                max_size=25))
def test_any_sequence_of_changes_keeps_a_chained_trail_and_the_right_current_ruling(
    backend: Backend, changes
):
    prefix = uuid.uuid4().hex[:8]

    async def check() -> None:
        async with backend.open() as store:
            for claim_id, status in changes:
                await store.set_status(f"{prefix}-{claim_id}", status, reason="r", by="ann")
            current = await store.current_rulings()
            for claim_id in "abc":
                mine = [s for c, s in changes if c == claim_id]
                expected = mine[-1] if mine and mine[-1] != "clear" else None
                got = current.get(f"{prefix}-{claim_id}")
                assert (got.status.value if got else None) == expected
                history = await store.history(f"{prefix}-{claim_id}")
                assert [c.status for c in history] == mine
                assert_chained(history)

    asyncio.run(check())
