"""Caveats apply to what they are about (topic and scope group), not to shared words."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.answers.caveats import caveat_sentences, names_topic
from bot.answers.engine import Factdesk
from bot.claimset.model import ClaimSet
from bot.claimset.schema import Figure
from tests.conftest import build_tiny_claimset

AFP = "“The balance of the dead is unclear, according to AFP.” (003)"
CIVILIANS = "“The number of civilian deaths is “currently under review”.” (003)"
WITNESSES = "“There was no immediate confirmation of the fatalities, however.” (004)"


@pytest.fixture(scope="module")
def deaths(claimset: ClaimSet):
    return Factdesk(claimset).figures("deaths")


def test_the_balance_of_the_dead_is_about_the_death_toll_not_the_taliban(claimset) -> None:
    engine = Factdesk(claimset)
    border = engine.figures("border casualties")
    assert border.topic == "border-casualties" and border.figures
    assert AFP not in border.caveats  # "Taliban dead" shares only the word "dead"
    deaths = engine.figures("deaths")
    assert AFP in deaths.caveats
    concerned = {f.id for f in deaths.figures if AFP in f.caveats}
    assert concerned == {f.id for f in deaths.figures if f.group == "all"}
    assert concerned  # the all-deaths counts (000, 002), whoever gives them


def test_civilians_under_review_is_not_about_the_security_forces_16(deaths) -> None:
    assert CIVILIANS in deaths.caveats  # the civilian count is unsettled: said
    sixteen = next(f for f in deaths.figures if f.source_id == "003")
    assert sixteen.group == "security forces" and CIVILIANS not in sixteen.caveats
    assert not any(CIVILIANS in f.caveats for f in deaths.figures)  # no civilians figure


def test_no_immediate_confirmation_is_about_the_witness_deaths_not_dozens(deaths) -> None:
    dozens = [f for f in deaths.figures if f.source_id == "004"]
    assert dozens and not any(f.caveats for f in dozens)
    assert WITNESSES not in deaths.caveats  # refers back to a report with no figure


def test_the_digest_no_longer_sees_a_border_conflict(claimset) -> None:
    from bot.record.digest import open_conflicts

    topics = [c.topic for c in open_conflicts(Factdesk(claimset))]
    assert "border-casualties" not in topics and "deaths" in topics


# -- a fixture of its own --------------------------------------------------------------

TEXT = (
    "Officials said 12 police officers died. The number of police dead is unclear.\n\n"
    "At least 40 people were killed on Monday. The deaths could not be verified.\n\n"
    "Witnesses reported more deaths in the square. The deaths are unconfirmed.\n\n"
    "The deadline is unclear. The number of detained is unclear."
)


def _figure(fid: str, scope: str, low: float, quote: str, source: str = "100") -> Figure:
    return Figure(id=fid, topic="deaths", scope=scope, low=low, high=low, qualifier="exact",
                  words=str(int(low)), unit="people", as_of=dt.date(2022, 1, 10),
                  source=source, quote=quote)


@pytest.fixture
def caveated() -> ClaimSet:
    tiny = build_tiny_claimset()
    figures = {
        "police-12": _figure("police-12", "police officers", 12,
                             "Officials said 12 police officers died"),
        "all-40": _figure("all-40", "all", 40, "At least 40 people were killed on Monday"),
        "all-35": _figure("all-35", "all", 35, "Exactly 35 people were killed", "102"),
    }
    return dataclasses.replace(tiny, texts={**tiny.texts, "100": TEXT}, figures=figures)


def test_a_named_group_concerns_that_group_only(caveated) -> None:
    answer = Factdesk(caveated).figures("deaths")
    police = "“The number of police dead is unclear.” (100)"
    assert {f.id for f in answer.figures if police in f.caveats} == {"police-12"}


def test_a_caveat_referring_back_concerns_the_figure_quoted_before_it(caveated) -> None:
    answer = Factdesk(caveated).figures("deaths")
    verified = "“The deaths could not be verified.” (100)"
    assert {f.id for f in answer.figures if verified in f.caveats} == {"all-40"}
    # refers back to witnesses, who give no figure: about no figure, so not listed
    assert not any("unconfirmed" in c for c in answer.caveats)


def test_shared_words_and_other_topics_are_not_caveats(caveated) -> None:
    answer = Factdesk(caveated).figures("deaths")
    assert not any("deadline" in c or "detained" in c for c in answer.caveats)
    topic = caveated.topics["deaths"]
    assert names_topic("The death toll is unclear", topic)
    assert not names_topic("The deadline is unclear", topic)
    assert [s for _, s in caveat_sentences(TEXT)][-2:] == [
        "The deadline is unclear.", "The number of detained is unclear."]
