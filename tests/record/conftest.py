"""The store fixtures: every store test runs against SQLite and against PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.store_backends import (
    Backend,
    backend_for,
    postgres_unavailable,
    skip_or_fail_without_postgres,
)

log = logging.getLogger(__name__)


@pytest.fixture(scope="session")
def postgres_reason() -> str | None:
    """Why PostgreSQL is not available (None when it is), asked once per session."""
    return postgres_unavailable()


@pytest.fixture(params=["sqlite", "postgres"])
def backend_name(request: pytest.FixtureRequest, postgres_reason: str | None) -> str:
    if request.param == "postgres":
        skip_or_fail_without_postgres(postgres_reason)
    return str(request.param)


@pytest.fixture
async def backend(backend_name: str, tmp_path: Path) -> AsyncIterator[Backend]:
    """A fresh database on each backend, for this test alone."""
    async with backend_for(backend_name, tmp_path) as made:
        yield made
