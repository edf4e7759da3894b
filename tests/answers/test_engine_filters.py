"""/claim filters (via, status), the match count, /figures by number, topics from words.

Expected answers are read from the seed claim set, never typed in.
"""

from __future__ import annotations

import pytest

from bot.answers.engine import STATUSES, Factdesk, split_filters
from bot.claimset.model import ClaimSet
from bot.errors import QueryError


def _via(claimset: ClaimSet, name: str) -> set[str]:
    return {c.id for c in claimset.claims.values()
            if any(name in v for a in c.attributions for v in a.via)}


def test_via_keeps_only_claims_resting_on_that_relay(desk: Factdesk, claimset: ClaimSet) -> None:
    want = _via(claimset, "Reuters")
    assert want
    answer = desk.claim("", limit=25, via="reuters")
    assert {r.id for r in answer.results} == want and answer.total == len(want)
    inline = desk.claim("via:Reuters", limit=25)
    assert [r.id for r in inline.results] == [r.id for r in answer.results]


def test_status_filter_with_words(desk: Factdesk, claimset: ClaimSet) -> None:
    answer = desk.claim("troops status:disputed", limit=25)
    assert answer.results
    assert all(claimset.claims[r.id].evidence.status == "disputed" for r in answer.results)
    assert split_filters('coup via:"Facebook: Maria" status:disputed') == (
        "coup", "Facebook: Maria", "disputed")
    with pytest.raises(QueryError, match="unknown status"):
        desk.claim("troops", status="wrong")


def test_the_count_is_of_matches_not_of_claims_sharing_a_word(desk: Factdesk,
                                                              claimset: ClaimSet) -> None:
    antonov = [c for c in claimset.claims.values() if c.speaker == "antonov"]
    assert desk.claim("Antonov", limit=1).total >= len(antonov)
    # "Kazakhstan" is in most claims; with a precise subject the count is small
    assert desk.claim("Rahmon safety belt", limit=1).total < 5


def test_no_match_is_said_for_an_absent_subject(desk: Factdesk) -> None:
    answer = desk.claim("covid vaccination campaign")
    assert answer.results == [] and answer.total == 0 and answer.suggestions is not None


def test_figures_finds_a_figure_by_its_number(desk: Factdesk, claimset: ClaimSet) -> None:
    for fig in claimset.figures.values():
        if fig.low is not None and fig.low == fig.high and fig.low >= 100:
            answer = desk.figures(f"{int(fig.low):,}")
            # a number several figures share ("2,000" arrested, "2,000" soldiers) finds one
            same = {f.topic for f in claimset.figures.values() if fig.low in (f.low, f.high)}
            assert answer.topic in same, fig.id
            assert any(fig.low in (f.low, f.high) for f in answer.figures)
    assert desk.figures("2,000 soldiers").topic == "troops"  # the words decide between them


def test_figures_finds_the_topic_of_a_plain_question(desk: Factdesk) -> None:
    assert desk.figures("how many people died").topic == "deaths"
    assert desk.figures("how many were arrested").topic == "arrests"


def test_via_and_status_autocomplete(desk: Factdesk) -> None:
    assert [v for _n, v in desk.complete("status", "disp")] == ["disputed"]
    assert [v for _n, v in desk.complete("status", "")] == list(STATUSES)
    names = [v for _n, v in desk.complete("via", "reut")]
    assert names and names[0] == "Reuters"


def test_query_words_that_only_name_the_relay_ask_for_the_filter_alone(desk: Factdesk) -> None:
    alone = desk.claim("via:TASS", limit=25)
    assert alone.results
    for query in ("what rests on TASS via:TASS", "claims according to TASS via:TASS",
                  "TASS via:TASS"):
        answer = desk.claim(query, limit=25)
        assert [r.id for r in answer.results] == [r.id for r in alone.results], query
    # a word beyond the relay still narrows: only TASS claims about deaths
    narrowed = desk.claim("killed via:TASS", limit=25)
    assert 0 < narrowed.total < alone.total
