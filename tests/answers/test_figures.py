"""Figure reasoning on hand-built figures: the relation between two numbers for one topic."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answers.engine import Factdesk
from bot.answers.figures import answer, compare, envelope, place, reads, scope_group
from bot.claimset.model import ClaimSet
from bot.claimset.schema import Figure
from bot.rendering.text import render
from tests.conftest import build_tiny_claimset

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


def test_intervals_read_as_words() -> None:
    assert reads(167, None, "people", "at_least") == "167 or more people"
    assert reads(16, 16, "people", "exact") == "exactly 16 people"
    assert reads(2000, 2000, "people", "about") == "about 2,000 people"
    assert reads(2e9, 3e9, "USD", "between") == "between 2 and 3 billion USD"
    assert reads(5e5, 2e6, "USD", "between") == "between 500,000 and 2 million USD"
    assert reads(None, 50, "people", "at_most") == "up to 50 people"


TINY = build_tiny_claimset()  # read-only here: answer() never changes the set
scoped = st.sampled_from(["all", "security forces", "police", "demonstrators", "civilians"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(intervals(), scoped, st.integers(min_value=0, max_value=5)),
                min_size=1, max_size=6))
def test_groups_partition_the_figures_and_supersede_only_within_one(specs) -> None:
    tiny_claimset = TINY
    figs = [
        fig(f"f{i}", *bounds_, scope=scope, day=DAY - dt.timedelta(days=age)).model_copy(
            update={"source": "100"}
        )
        for i, (bounds_, scope, age) in enumerate(specs)
    ]
    result = answer("q", tiny_claimset.topics["deaths"], figs, tiny_claimset)
    by_id = {f.id: f for f in figs}
    seen = [fid for g in result.groups for fid in g.figures]
    assert sorted(seen) == sorted(by_id)  # every figure in exactly one group
    for g in result.groups:
        assert {scope_group(by_id[i].scope) for i in g.figures} == {g.scope}
        assert not set(g.current) & set(g.superseded)
        assert set(g.current) | set(g.superseded) == set(g.figures)
        assert g.current  # the latest count of a group is never superseded
        for old in g.superseded:  # by a later count of the same group
            assert any(
                by_id[new].as_of > by_id[old].as_of for new in g.figures if new != old
            )
        assert g.summary in result.explanation
    for c in result.comparisons:
        if c.relation == "date":
            assert scope_group(by_id[c.a].scope) == scope_group(by_id[c.b].scope)
    assert result.groups[0].scope == "all" or all(g.scope != "all" for g in result.groups)


def test_figures_of_another_topic_are_left_out(tiny_claimset: ClaimSet) -> None:
    deaths = list(tiny_claimset.figures.values())
    stray = deaths[0].model_copy(update={"id": "stray", "topic": "arrests", "low": 9000.0})
    result = answer("q", tiny_claimset.topics["deaths"], [*deaths, stray], tiny_claimset)
    assert "stray" not in {f.id for f in result.figures}
    assert all("stray" not in (c.a, c.b) for c in result.comparisons)


def test_seed_deaths_verdict_goes_scope_by_scope(story_desk: Factdesk) -> None:
    desk = story_desk  # the five-article story: what it says is pinned here
    deaths = desk.figures("death toll")
    rows = {f.id: f for f in deaths.figures}
    assert deaths.groups[0].scope == "all"
    assert len(deaths.groups) == len({f.group for f in deaths.figures}) >= 3
    security = next(g for g in deaths.groups if g.scope == "security forces")
    (latest,) = security.current
    (older,) = security.superseded
    assert rows[latest].as_of > rows[older].as_of and rows[latest].source_id == "003"
    assert security.summary.index("supersedes") > security.summary.index(f"“{rows[latest].words}”")
    assert security.summary.index(f"“{rows[older].words}”") > security.summary.index("supersedes")
    everyone = next(g for g in deaths.groups if g.scope == "all")
    assert not everyone.superseded and "precision" in everyone.summary
    # One verdict per group, in order, then the assessment and the caveats by source.
    text = deaths.explanation
    positions = [text.index(g.summary) for g in deaths.groups]
    assert positions == sorted(positions)
    assert "range from" not in text and "No figures contradict" in text
    assert deaths.assessment and deaths.assessment in text
    for caveat in deaths.caveats:
        assert caveat in text


def test_seed_figure_rows_name_the_speaker_once(story_desk: Factdesk) -> None:
    desk = story_desk
    deaths = desk.figures("death toll")
    by_words = {f.words: f for f in deaths.figures}
    assert by_words["Dozens"].own_voice and not by_words["dozens"].own_voice
    assert by_words["At least 167"].own_voice  # Morning Star in its own article
    assert not by_words["16"].own_voice
    text = render(deaths)
    assert "Unknown outlet" not in text and "unknown outlet" not in text
    assert "the article itself, in source 004 (outlet unknown)" in text
    assert "- Dozens  → 12 or more people (coded: vague)" in text
    assert "- 16  → exactly 16 people (coded: exact)" in text
    assert "[12, open)" not in text
    # Pairs that only count different groups are summed up per group, not listed.
    assert "scope: Different scope" not in text
    for g in deaths.groups:
        assert f"- {g.summary}"[:60] in text
    for f in deaths.figures:
        who = next(line for line in text.splitlines() if f.file in line)
        assert who.count(f.source_id) == 2, who  # "source 004" and the file name only


def test_a_count_for_one_place_never_supersedes_the_whole() -> None:
    nationwide = fig("n", 12, None, scope="demonstrators", day=DAY - dt.timedelta(days=4))
    almaty = fig("a", 30, 30, scope="attackers killed by police in Almaty")
    assert place(almaty.scope) == "Almaty" and place(nationwide.scope) is None
    assert scope_group(almaty.scope) == scope_group(nationwide.scope)
    assert compare(nationwide, almaty).relation == "scope"  # not "date"
    figs = [f.model_copy(update={"source": "100"}) for f in (nationwide, almaty)]
    result = answer("q", TINY.topics["deaths"], figs, TINY)
    (demonstrators,) = result.groups
    assert demonstrators.superseded == [] and set(demonstrators.current) == {"n", "a"}
    assert "in Almaty, “words a”" in demonstrators.summary
    assert "supersede" not in demonstrators.summary
    # The same place later does supersede; a part larger than the whole the same day clashes.
    later = fig("b", 40, 40, scope="demonstrators in Almaty", day=DAY + dt.timedelta(days=1))
    assert compare(almaty, later).relation == "date"
    same_day = fig("w", 10, 20, scope="demonstrators")
    assert compare(same_day, almaty).relation == "contradiction"


def _relayed(fid: str, source: str, via: list[str]) -> Figure:
    return Figure(id=fid, topic="deaths", scope="all", low=40, high=None,
                  qualifier="at_least", words="At least 40", unit="people", as_of=DAY,
                  source=source, quote="At least 40 people were killed on Monday", via=via)


def test_one_origin_never_agrees_with_itself(tiny_claimset: ClaimSet) -> None:
    import dataclasses

    figures = {  # 100 and 101 both relay TASS: one origin; 102 reports it itself
        "tass-100": _relayed("tass-100", "100", ["TASS"]),
        "tass-101": _relayed("tass-101", "101", ["TASS"]),
        "own-102": _relayed("own-102", "102", []),
    }
    cs = dataclasses.replace(tiny_claimset, figures=figures)
    got = answer("deaths", cs.topics["deaths"], list(figures.values()), cs,
                 relations_wanted=True)
    relation = {frozenset((c.a, c.b)): c for c in got.comparisons}
    same = relation[frozenset(("tass-100", "tass-101"))]
    assert same.relation == "same_report" and "TASS" in same.explanation
    assert relation[frozenset(("tass-100", "own-102"))].relation == "agree"
    assert "one report counted once" in got.groups[0].summary


def test_the_two_translations_of_one_post_are_one_report(claimset: ClaimSet) -> None:
    jihadists = Factdesk(claimset).figures("jihadists", relations=True)
    posts = [f for f in jihadists.figures if f.via and f.via[0].startswith("Facebook")]
    assert len({f.source_id for f in posts}) >= 2
    pairs = [c for c in jihadists.comparisons
             if {c.a, c.b} <= {f.id for f in posts}]
    assert pairs and {c.relation for c in pairs} == {"same_report"}
