"""Fixtures for the end-to-end tests: the fake Discord and the checks it makes.

``fake``: a fresh fake Discord for one test; at teardown, every request must have
passed the spec checks and every interaction must have been answered in time.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from tests.e2e.fake_discord import FakeDiscord

log = logging.getLogger(__name__)

def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


def assert_clean(fake: FakeDiscord, since: int = 0, *, old: frozenset[str] = frozenset(),
                 ) -> None:
    """Fail with every reason when a request broke a rule or an interaction went unanswered.

    ``since``: violations before that index belong to earlier tests; ``old``: ids of
    interactions sent by earlier tests (a shared fake).
    """
    problems = list(fake.violations[since:])
    problems += [
        f"interaction {i.id} ({fake.describe(i)}) never got a first response"
        for i in fake.unanswered() if i.id not in old
    ]
    assert not problems, "requests to the fake Discord broke the rules:\n  " + "\n  ".join(
        problems
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        yield server
        assert_clean(server)
