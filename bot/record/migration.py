"""A schema migration, and the rules every database's list of migrations keeps."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Migration:
    version: int  # the schema version this migration brings the database to
    name: str
    sql: str  # one or more statements; no BEGIN/COMMIT (the runner wraps it)


def latest_version(migrations: Sequence[Migration]) -> int:
    """The schema version a database is at once every migration has run."""
    return migrations[-1].version if migrations else 0


def check_order(migrations: Sequence[Migration]) -> None:
    """Migration N is at index N-1, with no gap: raise AssertionError otherwise."""
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise AssertionError(f"MIGRATIONS[{expected - 1}] has version {migration.version}")
