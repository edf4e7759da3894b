"""Shared fixtures: the shipped claim set (loaded once), the five-article story (a fixture
set for tests that pin the story's content), a tiny hand-built one, and a fresh database
on each store backend (``backend``: SQLite, and PostgreSQL when a server is given)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.answers.engine import Factdesk
from bot.claimset.loader import load_claimset
from bot.claimset.model import ClaimSet
from bot.claimset.schema import (
    Attribution,
    Claim,
    Evidence,
    Figure,
    Manifest,
    Source,
    Speaker,
    Topic,
)
from tests.store_backends import (
    Backend,
    backend_for,
    postgres_unavailable,
    skip_or_fail_without_postgres,
)
from tests.story_sets import five_article_story

# Two articles: 100 and 101 both relay TASS; 102 reports the ministry directly.
TINY_TEXTS = {
    "100": (
        "Ivan Petrov said thousands of saboteurs crossed the border, TASS reported. "
        "At least 40 people were killed on Monday. No evidence of this has been presented."
    ),
    "101": (
        "According to TASS, Petrov said that thousands of saboteurs had crossed the border. "
        "Officials said 12 police officers died. The toll is unclear."
    ),
    "102": "The ministry said 300 people were detained by Tuesday. Exactly 35 people were killed.",
}


def _source(sid: str, outlet: str | None, relays: list[str]) -> Source:
    return Source(
        id=sid,
        file=f"{sid}_tiny.txt",
        outlet=outlet,
        outlet_basis="stated" if outlet else "unknown",
        headline=f"Headline of {sid} about the border",
        published=dt.date(2022, 1, 10),
        published_basis="stated",
        relays=relays,
    )


def build_tiny_claimset() -> ClaimSet:
    sources = {
        "100": _source("100", "Daily Wire", ["TASS"]),
        "101": _source("101", "Evening Post", ["TASS"]),
        "102": _source("102", None, []),
    }
    speakers = {
        "petrov": Speaker(
            id="petrov", name="Ivan Petrov", role="Deputy minister", aliases=["Iwan Petroff"]
        ),
        "ministry": Speaker(id="ministry", name="Interior Ministry", role="ministry", kind="body"),
    }
    topics = {
        "deaths": Topic(id="deaths", label="Deaths", synonyms=["killed", "dead", "death toll"]),
        "arrests": Topic(id="arrests", label="Arrests", synonyms=["detained", "arrested"]),
    }
    claims = {
        "petrov-saboteurs": Claim(
            id="petrov-saboteurs",
            statement="Thousands of saboteurs crossed the border.",
            speaker="petrov",
            kind="allegation",
            topics=["deaths"],
            attributions=[
                Attribution(
                    source="100",
                    quote="Ivan Petrov said thousands of saboteurs crossed the border",
                    via=["TASS"],
                ),
                Attribution(
                    source="101",
                    quote="Petrov said that thousands of saboteurs had crossed the border",
                    via=["TASS"],
                ),
            ],
            evidence=Evidence(status="no_evidence", rationale="100 says no evidence was shown"),
        ),
        "ministry-detained": Claim(
            id="ministry-detained",
            statement="300 people were detained by Tuesday.",
            speaker="ministry",
            topics=["arrests"],
            attributions=[
                Attribution(source="102", quote="300 people were detained by Tuesday")
            ],
            evidence=Evidence(status="single_source", rationale="only 102"),
        ),
    }

    def fig(fid: str, source: str, scope: str, low: float | None, high: float | None,
            qualifier: str, words: str, quote: str, day: int) -> Figure:
        return Figure(
            id=fid, topic="deaths", scope=scope, low=low, high=high, qualifier=qualifier,
            words=words, unit="people", as_of=dt.date(2022, 1, day), source=source,
            quote=quote,
        )

    figures = {
        "d-100": fig("d-100", "100", "all", 40, None, "at_least", "At least 40",
                     "At least 40 people were killed on Monday", 10),
        "d-101": fig("d-101", "101", "police officers", 12, 12, "exact", "12",
                     "Officials said 12 police officers died", 10),
        "d-102": fig("d-102", "102", "all", 35, 35, "exact", "35",
                     "Exactly 35 people were killed", 10),
    }
    return ClaimSet(
        manifest=Manifest(id="tiny", title="Tiny", version="1"),
        root=Path("."),
        sources=sources,
        texts=dict(TINY_TEXTS),
        speakers=speakers,
        topics=topics,
        claims=claims,
        figures=figures,
    )


@pytest.fixture(scope="session")
def claimset() -> ClaimSet:
    """The shipped seed claim set, loaded once."""
    return load_claimset()


@pytest.fixture(scope="session")
def desk(claimset: ClaimSet) -> Factdesk:
    """The answer engine over the shipped claim set, built once."""
    return Factdesk(claimset)


@pytest.fixture(scope="session")
def story_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five-article story's directory: the seed articles as issue 11 left them. Tests
    that pin what the story says use it, so an article added to seeds/ changes nothing."""
    return five_article_story(tmp_path_factory.mktemp("story") / "five-articles")


@pytest.fixture(scope="session")
def story_desk(story_path: Path) -> Factdesk:
    """The answer engine over the five-article story, built once."""
    return Factdesk(load_claimset(story_path))


@pytest.fixture()
def tiny_claimset() -> ClaimSet:
    return build_tiny_claimset()


def create_database(path: Path) -> Path:
    """An empty Factdesk database at ``path`` (schema current): an existing ``--db``."""
    import asyncio

    from bot.record.store import Store

    async def make() -> None:
        async with Store.open(path):
            pass

    asyncio.run(make())
    return path


@pytest.fixture(scope="session")
def postgres_reason() -> str | None:
    """Why PostgreSQL is not available (None when it is), asked once per session."""
    return postgres_unavailable()


@pytest.fixture(params=["sqlite", "postgres"])
def backend_name(request: pytest.FixtureRequest, postgres_reason: str | None) -> str:
    """Each store backend in turn; PostgreSQL is skipped, with the reason, without a server."""
    if request.param == "postgres":
        skip_or_fail_without_postgres(postgres_reason)
    return str(request.param)


@pytest.fixture
async def backend(backend_name: str, tmp_path: Path) -> AsyncIterator[Backend]:
    """A fresh database on each backend, for this test alone."""
    async with backend_for(backend_name, tmp_path) as made:
        yield made


@pytest.fixture
async def postgres(postgres_reason: str | None, tmp_path: Path) -> AsyncIterator[Backend]:
    """A fresh PostgreSQL database, for what only it does (several processes, one record);
    skipped with the reason without a server (a failure under TEST_POSTGRES_REQUIRED=1)."""
    skip_or_fail_without_postgres(postgres_reason)
    async with backend_for("postgres", tmp_path) as made:
        yield made
