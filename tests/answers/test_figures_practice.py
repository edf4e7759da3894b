"""The figure reasoning against the practice key (../shared/practice/README.md).

Expected answers were judged from the key and the article texts before the reasoning ran:
deaths (the 164 withdrawn, the 225 the latest all-deaths count, 18 -> 16 down -> 19 up for
the security forces, the 26 under four labels, no contradiction), injured (4,353 and 3,393
latest; the one real clash: 18 vs 26 injured rioters, same ministry, same day), detained
(2,298 ... about 12,000, every move up; the Almaty increment apart from the totals) and
damage (40 -> 78 -> 92.3 -> more than 93.7 bln tenge, with the dollar equivalents and
Tokayev's $2-3 billion set beside them).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.answers.engine import Factdesk
from bot.answers.figures import MAX_VERDICT_LINES
from bot.answers.models import FiguresAnswer
from bot.claimset.loader import load_claimset
from bot.claimset.model import ClaimSet
from bot.claimset.schema import Figure
from bot.rendering.text import render
from tests.story_sets import PRACTICE


@pytest.fixture(scope="module")
def practice() -> ClaimSet:
    return load_claimset(PRACTICE)


@pytest.fixture(scope="module")
def desk(practice: ClaimSet) -> Factdesk:
    return Factdesk(practice)


def _group(answer: FiguresAnswer, scope: str):
    return next(g for g in answer.groups if g.scope == scope)


def _verdict_lines(text: str) -> list[str]:
    """The printed verdict: the lines between "by scope:" and what follows it."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.endswith(", by scope:")) + 1
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("- "))
    return lines[start:end]


def test_death_toll(desk: Factdesk) -> None:
    deaths = desk.figures("death toll")
    assert deaths.topic == "deaths"
    assert not deaths.conflict and deaths.contradictions == []
    assert 1 <= len(deaths.verdict) <= MAX_VERDICT_LINES
    assert len(_verdict_lines(render(deaths))) == len(deaths.verdict)
    rows = {f.id: f for f in deaths.figures}
    # the withdrawn 164: both tellings and the four parts of the deleted post
    withdrawn = {"p105-1-deaths-164", "p108-4-deaths-164", "p105-3-almaty-103",
                 "p105-4-kyzylorda-21", "p105-5-zhambyl-10", "p105-6-almaty-region-8"}
    assert withdrawn <= set(deaths.withdrawn)
    assert all(rows[i].withdrawn for i in withdrawn)
    assert rows["p105-1-deaths-164"].status == "retracted"
    everyone = _group(deaths, "all")
    assert everyone.latest == ["p108-1-deaths-225"]
    assert everyone.best is not None and (everyone.best.low, everyone.best.high) == (225, 225)
    assert not withdrawn & set(everyone.current)
    assert "p108-5-deaths-fewer-than-50" in everyone.superseded  # the undated earlier count
    assert "p108-11-died-in-hospital-175" in everyone.breakdowns  # a cut of the 225
    assert "“225”" in everyone.summary and "15 Jan" in everyone.summary
    lines = " ".join(deaths.verdict)
    assert "Withdrawn" in lines and "“164”" in lines and "retracted" in lines
    # security forces: 18, down to 16 on 9 Jan, up to 19 on 15 Jan
    security = _group(deaths, "security forces")
    assert security.latest == ["p108-3-security-dead-19"]
    moves = [(s.direction, s.as_of) for s in security.timeline if s.direction in ("up", "down")]
    assert ("down", dt.date(2022, 1, 9)) in moves and ("up", dt.date(2022, 1, 15)) in moves
    # the 26 told under four labels is one contested count, not four groups
    others = next(g for g in deaths.groups if "p102-2-demonstrators-26" in g.figures)
    assert {"p103-1-armed-criminals-26", "p105-15-civilians-26", "p108-6-armed-criminals-26"} \
        <= set(others.figures)
    assert {"armed criminals", "demonstrators", "rioters", "civilian"} <= set(others.labels)
    assert others.best is not None and (others.best.low, others.best.high) == (26, 26)
    assert "contested" in others.summary


def test_injured(desk: Factdesk) -> None:
    injured = desk.figures("injured")
    assert len(injured.verdict) <= MAX_VERDICT_LINES
    assert [{c.a, c.b} for c in injured.contradictions] == [
        {"p103-2-armed-criminals-wounded-18", "p103-9-rioters-injured-26"}]
    assert injured.conflict and "7 Jan" in injured.contradictions[0].explanation
    assert injured.contradictions[0].explanation in " ".join(injured.verdict)
    everyone = _group(injured, "all")
    # the latest count, told twice (the AP's "more than 4,300" is the same count)
    assert set(everyone.latest) == {"p108-8-injured-4353", "p108-10-injured-more-than-4300"}
    assert everyone.best is not None and (everyone.best.low, everyone.best.high) == (4353, 4353)
    security = _group(injured, "security forces")
    assert security.latest == ["p108-9-law-enforcement-injured-3393"]
    assert all(s.direction != "down" for s in security.timeline)


def test_detained(desk: Factdesk) -> None:
    arrests = desk.figures("detained")
    assert arrests.topic == "arrests"
    assert not arrests.conflict and len(arrests.verdict) <= MAX_VERDICT_LINES
    totals = _group(arrests, "all")
    increments = next(g for g in arrests.groups if g.kind == "increment")
    assert "p107-9-almaty-detained-1678-more" in increments.figures
    assert not set(increments.figures) & set(totals.figures)  # increments apart
    assert "p107-11-held-about-12000" in totals.latest
    assert totals.best is not None and totals.best.low is not None
    assert totals.best.low <= 12000 <= (totals.best.high or float("inf"))
    assert {s.direction for s in totals.timeline} <= {"first", "up", "same"}
    assert {"p101-3-detained-2298", "p105-17-detained-7939"} <= set(totals.superseded)


def test_damage(desk: Factdesk) -> None:
    damage = desk.figures("damage")
    assert damage.topic == "economic-damage"
    assert not damage.conflict and len(damage.verdict) <= MAX_VERDICT_LINES
    money = next(g for g in damage.groups if "p106-12-damage-more-than-93-7bln" in g.figures)
    assert money.latest and "p106-12-damage-more-than-93-7bln" in money.latest
    assert money.best is not None and money.best.low == 93.7e9 and money.unit == "KZT"
    assert "economic-damage-002" in money.figures  # Tokayev's $2-3 billion set beside it
    assert "2 and 3 billion USD" in money.summary
    ratio = next(g for g in damage.groups if "p106-8-damage-more-than-doubled" in g.figures)
    assert ratio is not money
    row = next(f for f in damage.figures if f.id == "p106-12-damage-more-than-93-7bln")
    assert row.equivalent == "over $213 million" and "213" in (row.equivalent_reads or "")
    assert [s.direction for s in money.timeline] == ["first", "up", "up", "up"]


@pytest.mark.parametrize("topic", ["deaths", "injured", "arrests", "economic-damage", "troops",
                                   "treated", "criminal-cases", "businesses-affected"])
def test_invariants_on_every_practice_topic(desk: Factdesk, topic: str) -> None:
    answer = desk.figures(topic)
    assert len(answer.verdict) <= MAX_VERDICT_LINES
    gone = set(answer.withdrawn)
    rows = {f.id: f for f in answer.figures}
    for g in answer.groups:
        assert not gone & (set(g.current) | set(g.latest))  # withdrawn: in no range
    for c in answer.contradictions:  # only concurrent, live counts of one place
        a, b = rows[c.a], rows[c.b]
        assert not a.withdrawn and not b.withdrawn
        assert a.earlier_than is None and b.earlier_than is None
    assert answer.comparisons == [] and not answer.relations  # pairs only on request


def test_relations_on_request(desk: Factdesk) -> None:
    deaths = desk.figures("death toll", relations=True)
    assert deaths.relations and deaths.comparisons
    pairs = {frozenset((c.a, c.b)): c.relation for c in deaths.comparisons}
    # one withdrawn report told twice never "agrees" with itself
    assert pairs[frozenset(("p105-1-deaths-164", "p108-4-deaths-164"))] == "withdrawn"
    assert pairs[frozenset(("p102-2-demonstrators-26", "p103-1-armed-criminals-26"))] == "agree"
    assert "how they relate" in render(deaths)
    assert "how they relate" not in render(desk.figures("death toll"))


def _with(cs: ClaimSet, *figs: Figure) -> ClaimSet:
    return dataclasses.replace(cs, figures={**cs.figures, **{f.id: f for f in figs}})


def _fig(fid: str, low: float, place: str, **kw) -> Figure:
    quote = "A death toll of 164 for Kazakhstan's week of unrest"
    fields = dict(id=fid, topic="deaths", scope="test", group="all", place=place, low=low,
                  high=low, qualifier="exact", words="164", unit="people",
                  as_of=dt.date(2022, 1, 8), source="105", quote=quote)
    fields.update(kw)
    return Figure(**fields)  # type: ignore[arg-type]


def test_parts_are_summed_against_their_whole(practice: ClaimSet) -> None:
    whole = _fig("t-whole", 100, "kazakhstan")
    city = _fig("t-city", 70, "almaty", part_of="t-whole")
    region = _fig("t-region", 40, "almaty-region", part_of="t-whole")
    answer = Factdesk(_with(practice, whole, city, region)).figures("deaths")
    clash = [c for c in answer.contradictions if c.b == "t-whole"]
    assert clash and "Parts exceed the whole" in clash[0].explanation
    assert "110" in clash[0].explanation
    # parts that fit are no contradiction, and one place never contradicts another
    fits = _fig("t-region", 20, "almaty-region", part_of="t-whole")
    answer = Factdesk(_with(practice, whole, city, fits)).figures("deaths")
    assert not [c for c in answer.contradictions if "t-" in c.a + c.b]


def test_a_subgroup_never_contradicts_another_place(practice: ClaimSet) -> None:
    nationwide = _fig("t-nation", 20, "kazakhstan", group="security-forces")
    oblast = _fig("t-oblast", 80, "almaty-region")  # everyone in one region: not a part
    answer = Factdesk(_with(practice, nationwide, oblast)).figures("deaths")
    assert not [c for c in answer.contradictions if {c.a, c.b} & {"t-nation", "t-oblast"}]
