"""Figure reasoning on hand-built figures: the relation between two numbers for one topic."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.figures import compare, envelope, scope_group
from bot.schema import Figure

DAY = dt.date(2022, 1, 10)


def fig(fid: str, low: float | None, high: float | None, *, scope: str = "all",
        day: dt.date | None = DAY, unit: str = "people") -> Figure:
    return Figure(
        id=fid, topic="deaths", scope=scope, low=low, high=high,
        qualifier="exact" if low == high else "at_least", words=f"words {fid}", unit=unit,
        as_of=day, source="000", quote="q",
    )


bounds = st.one_of(st.none(), st.integers(min_value=0, max_value=500).map(float))


@st.composite
def intervals(draw: st.DrawFn) -> tuple[float | None, float | None]:
    low, high = draw(bounds), draw(bounds)
    if low is None and high is None:
        low = 0.0
    if low is not None and high is not None and low > high:
        low, high = high, low
    return low, high


def _disjoint(a: tuple[float | None, float | None], b: tuple[float | None, float | None]) -> bool:
    lo = lambda v: float("-inf") if v is None else v  # noqa: E731
    hi = lambda v: float("inf") if v is None else v  # noqa: E731
    return hi(a[1]) < lo(b[0]) or hi(b[1]) < lo(a[0])


@settings(max_examples=80, deadline=None)
@given(intervals(), intervals())
def test_same_group_same_day_contradicts_exactly_when_disjoint(a, b) -> None:
    first, second = fig("a", *a), fig("b", *b)
    relation = compare(first, second).relation
    assert (relation == "contradiction") == _disjoint(a, b)
    assert compare(second, first).relation == relation


@settings(max_examples=80, deadline=None)
@given(intervals(), intervals())
def test_different_groups_never_contradict(a, b) -> None:
    police = fig("a", *a, scope="security forces")
    protesters = fig("b", *b, scope="demonstrators")
    assert compare(police, protesters).relation == "scope"


@settings(max_examples=80, deadline=None)
@given(intervals(), intervals())
def test_a_later_count_is_never_a_contradiction(a, b) -> None:
    early = fig("a", *a, day=DAY - dt.timedelta(days=4))
    late = fig("b", *b)
    assert compare(early, late).relation != "contradiction"


def test_the_desk_cases() -> None:
    at_least_167 = fig("ms", 167, None)
    more_than_150 = fig("o2", 151, None, scope="all, including officials")
    security_16 = fig("tn", 16, 16, scope="security forces")
    assert compare(at_least_167, more_than_150).relation == "precision"
    assert compare(security_16, at_least_167).relation == "scope"
    arrests_early = fig("o4", 2000, None, day=DAY - dt.timedelta(days=4))
    arrests_late = fig("mvd", 7939, 7939)
    comparison = compare(arrests_early, arrests_late)
    assert comparison.relation == "date"
    assert comparison.explanation.index("words mvd") < comparison.explanation.index("words o4")
    assert compare(fig("x", 12, 12), fig("y", 12, 12)).relation == "agree"
    assert compare(fig("x", 12, 12), fig("y", 12, 12, unit="dollars")).relation == "unit"
    # A part counted above the whole at the same time cannot both be right.
    assert compare(fig("p", 50, 50, scope="police"), fig("w", 10, 20)).relation == "contradiction"


def test_scope_groups_and_envelope() -> None:
    assert scope_group("All, including officials") == "all"
    assert scope_group("law enforcement") == scope_group("security forces")
    assert scope_group("attackers (demonstrators) killed by police in Almaty") == "demonstrators"
    env = envelope([fig("a", 16, 16), fig("b", 167, None)])
    assert env is not None and env.low == 16 and env.high is None
    env = envelope([fig("a", 16, 16), fig("b", 10, 20)])
    assert env is not None and (env.low, env.high) == (10, 20)
