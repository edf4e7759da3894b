"""Embeds from answer objects: every page fits Discord's limits, user text stays inert.

The seed-claim-set sweep (every claim, topic, speaker and source) is in
tests/cogs/test_discord_seed_answers.py; here, hand-built and hypothesis-built answers.
"""

from __future__ import annotations

import datetime as dt

import discord
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answers.models import (
    ClaimAnswer,
    ClaimList,
    EditorialRuling,
    EvidenceAnswer,
    FigureComparison,
    FigureRow,
    FiguresAnswer,
    Interval,
    SourceRef,
    SpeakerRef,
)
from bot.claimset.status import EvidenceStatus, style
from cogs.utils.limits import command_problems, embed_length, message_problems, valid_command_name
from cogs.utils.rendering import Page, render

VERSION = "2026.11.23-1"


def payload(page: Page) -> dict:
    return {"content": page.content, "embeds": [e.to_dict() for e in page.embeds]}


def assert_fits(pages: list[Page]) -> None:
    assert pages
    for page in pages:
        problems = message_problems(payload(page))
        assert not problems, problems
        for embed in page.embeds:
            text = " ".join(
                [embed.title or "", embed.description or "", embed.footer.text or ""]
                + [f"{f.name} {f.value}" for f in embed.fields]
            )
            assert "@everyone" not in text and "@here" not in text
            assert (embed.description or "").count("```") % 2 == 0


def ref(quote: str = "We have no evidence.", outlet: str | None = "Reuters", **kw) -> SourceRef:
    return SourceRef(
        file="001_83a8cdcdfa473060.txt",
        source_id="001",
        outlet=outlet,
        outlet_basis="stated" if outlet else "unknown",
        published=dt.date(2022, 1, 6),
        published_basis="stated",
        quote=quote,
        via=kw.pop("via", ["Facebook: Russian embassy in the US", "TASS"]),
        **kw,
    )


def claim(statement: str = "Antonov says thousands of jihadists came", **kw) -> ClaimAnswer:
    fields = {
        "id": "antonov-thousands-of-jihadists",
        "statement": statement,
        "speaker": SpeakerRef(id="antonov", name="Anatoly Antonov", role="Russian ambassador"),
        "kind": "allegation",
        "status": EvidenceStatus.NO_EVIDENCE,
        "derived_status": EvidenceStatus.NO_EVIDENCE,
        "rationale": "001 says no evidence of this has been presented",
        "sources": [ref()],
    }
    fields.update(kw)
    return ClaimAnswer(**fields)


def figure(i: int = 0, **kw) -> FigureRow:
    fields = {
        "id": f"deaths-{i}",
        "low": 164.0,
        "high": None,
        "qualifier": "at_least",
        "words": "at least 164",
        "scope": "all",
        "unit": "people",
        "as_of": dt.date(2022, 1, 9),
        "speaker": "Health ministry",
        "file": "000_13e75bf2dc6328a4.txt",
        "source_id": "000",
        "outlet": "Reuters",
        "quote": "at least 164 people were killed",
    }
    fields.update(kw)
    return FigureRow(**fields)


def test_claim_embed_has_status_colour_emoji_quotes_and_footer() -> None:
    pages = render(ClaimList(command="claim", query="antonov", results=[claim()], total=1),
                   version=VERSION)
    assert len(pages) == 1
    embed = pages[0].embeds[0]
    st = style(EvidenceStatus.NO_EVIDENCE)
    assert embed.colour == discord.Colour(st.colour)
    assert embed.title.startswith(st.emoji)
    assert "> We have no evidence." in embed.description
    assert "**Reuters**, 2022-01-06, via Facebook: Russian embassy in the US → TASS" in (
        embed.description
    )
    assert embed.footer.text.startswith("claim antonov-thousands-of-jihadists")
    assert VERSION in embed.footer.text
    assert embed.author.name == "Anatoly Antonov — Russian ambassador"
    assert pages[0].match_id == "antonov-thousands-of-jihadists"
    assert_fits(pages)


def test_editorial_ruling_leads_and_derived_status_is_kept() -> None:
    ruled = claim(
        status=EvidenceStatus.FALSE,
        editorial=EditorialRuling(
            status=EvidenceStatus.FALSE,
            by="desk-editor",
            at=dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC),
            reason="contradicted by the official count",
        ),
    )
    embed = render(ruled, version=VERSION)[0].embeds[0]
    assert embed.colour == discord.Colour(style(EvidenceStatus.FALSE).colour)
    fields = {f.name: f.value for f in embed.fields}
    assert "desk-editor" in fields["Editor's ruling"]
    assert style(EvidenceStatus.NO_EVIDENCE).label in fields["From the sources"]


def test_user_text_is_escaped() -> None:
    nasty = "**bold** @everyone <@&123456789012345678> ||spoiler|| `code` > quote"
    answer = ClaimList(command="claim", query=nasty, results=[], suggestions=[nasty])
    embed = render(answer, version=VERSION)[0].embeds[0]
    assert "\\*\\*bold\\*\\*" in embed.title
    assert "@everyone" not in embed.title
    assert "@\u200beveryone" in embed.description
    assert "\\|\\|spoiler\\|\\|" in embed.description


def test_adjacent_masked_links_in_user_text_do_not_render() -> None:
    from tests.cogs.test_escape import live

    nasty = "[a](https://u.example)[b](https://v.example) https://w.example\n# big"
    answer = ClaimList(command="claim", query=nasty, results=[], suggestions=[nasty])
    embed = render(answer, version=VERSION)[0].embeds[0]
    assert live(embed.title) == [] and live(embed.description) == [], embed.description


def test_figures_table_is_aligned_with_the_verdict_on_top() -> None:
    answer = FiguresAnswer(
        query="deaths",
        topic="deaths",
        topic_label="Deaths",
        figures=[
            figure(0),
            figure(1, low=225.0, high=225.0, words="225", qualifier="exact", outlet=None,
                   scope="all deaths"),
        ],
        envelope=Interval(low=164, high=None),
        conflict=False,
        comparisons=[FigureComparison(a="deaths-0", b="deaths-1", relation="date",
                                      explanation="counted on different days")],
        explanation="The figures differ by date, not a contradiction.",
    )
    pages = render(answer, version=VERSION)
    description = pages[0].embeds[0].description
    assert description.startswith("**The figures differ by date, not a contradiction.**")
    table = description.split("```\n")[1].split("\n```")[0].splitlines()
    assert table[0].split() == ["words", "range", "scope", "as", "of", "source"]
    # Aligned: every column starts at the same offset on every row.
    rule = table[1]
    starts = [i for i, ch in enumerate(rule) if ch == "-" and (i == 0 or rule[i - 1] == " ")]
    for row in table[2:]:
        for start in starts[1:]:
            assert row[start - 1] == " " and row[start] != " "
    assert "≥164" in table[2] and "225" in table[3] and "source 000" in table[3]
    assert pages[0].embeds[0].footer.text.startswith("topic deaths · claim set")
    assert_fits(pages)


def test_conflict_is_shown_in_the_disputed_colour() -> None:
    answer = FiguresAnswer(query="deaths", topic="deaths", figures=[figure()], conflict=True,
                           explanation="The sources contradict each other.")
    embed = render(answer, version=VERSION)[0].embeds[0]
    assert embed.colour == discord.Colour(style(EvidenceStatus.DISPUTED).colour)
    assert embed.title.startswith(style(EvidenceStatus.DISPUTED).emoji)
    calm = render(answer.model_copy(update={"conflict": False}), version=VERSION)[0].embeds[0]
    assert calm.colour != embed.colour  # differing figures are not "corroborated" either
    assert calm.colour != discord.Colour(style(EvidenceStatus.CORROBORATED).colour)


def test_no_match_shows_suggestions() -> None:
    for answer in (
        FiguresAnswer(query="deathz", topic=None, suggestions=["deaths", "arrests"]),
        EvidenceAnswer(query="antonof", claim=None, suggestions=["antonov-thousands"]),
        ClaimList(command="speaker", query="Tokaeff", suggestions=["Kassym-Jomart Tokayev"]),
    ):
        pages = render(answer, version=VERSION)
        assert len(pages) == 1 and pages[0].match_id is None
        assert "Did you mean" in pages[0].embeds[0].description
        assert answer.suggestions[0].replace("-", "") in (
            pages[0].embeds[0].description.replace("\\", "").replace("-", "")
        )


def test_evidence_embed() -> None:
    answer = EvidenceAnswer(
        query="jihadists",
        claim=claim(),
        status=EvidenceStatus.NO_EVIDENCE,
        rationale="001 says so",
        independent_origins=1,
        origins=["Russian embassy in the US (Facebook)"],
        attribution="Antonov said this, as reported by 3 outlets (1 origin)",
        content="No evidence has been presented.",
        basis=[ref("no evidence of this has been presented")],
        notes=["Checked with the embassy — desk, 2026-11-23 09:00 UTC"],
    )
    pages = render(answer, version=VERSION)
    embed = pages[0].embeds[0]
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Independent origins: 1"] == "• Russian embassy in the US (Facebook)"
    assert "Checked with the embassy" in fields["Editor's note"]
    assert "> no evidence of this has been presented" in embed.description
    assert_fits(pages)


def test_a_huge_answer_is_paged_and_every_page_fits() -> None:
    many = [ref("word " * 400 + str(i)) for i in range(30)]
    answer = ClaimList(
        command="speaker", query="x", resolved="Anatoly Antonov",
        results=[claim(sources=many, id=f"c-{i}") for i in range(25)], total=40,
    )
    pages = render(answer, version=VERSION)
    assert len(pages) > 25
    assert pages[0].content.startswith("Claims by **Anatoly Antonov**: 1 of 25 (of 40 found)")
    assert pages[-1].embeds[0].footer.text.endswith(f"page {len(pages)}/{len(pages)}")
    assert_fits(pages)
    assert max(embed_length(p.embeds[0].to_dict()) for p in pages) > 3000  # really packed


# -- hypothesis: long, odd and markdown-laden text ------------------------------------------

PIECES = [*"ab Z09*_~|`>#-@<>&:\\\n\t\u200b\u202e💥é漢字", "@everyone", "```", "||", "**", "@here"]
ODD = (
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=120)
    .map("".join)
    .map(lambda s: s if s.strip() else s + "x")
)
LONG = st.one_of(ODD, st.text(min_size=1, max_size=6000).filter(lambda s: s.strip()))


@st.composite
def claims(draw) -> ClaimAnswer:
    n = draw(st.integers(1, 8))
    return claim(
        statement=draw(LONG),
        rationale=draw(LONG),
        speaker=SpeakerRef(id="x", name=draw(ODD), role=draw(ODD)),
        sources=[
            ref(
                draw(LONG),
                outlet=draw(st.one_of(st.none(), ODD)),
                via=draw(st.lists(ODD, max_size=3)),
            )
            for _ in range(n)
        ],
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(results=st.lists(claims(), min_size=0, max_size=4), query=LONG,
       command=st.sampled_from(["claim", "speaker", "source"]))
def test_any_claim_list_fits(results, query, command) -> None:
    answer = ClaimList(command=command, query=query, resolved=query, results=results,
                       total=len(results), suggestions=[query] * 20)
    assert_fits(render(answer, version=VERSION))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    words=st.lists(ODD, min_size=1, max_size=30),
    quote=LONG,
    explanation=LONG,
    low=st.one_of(st.none(), st.floats(0, 1e12, allow_nan=False)),
)
def test_any_figures_answer_fits(words, quote, explanation, low) -> None:
    figures = [
        figure(i, words=w, scope=w, quote=quote, outlet=w, note=w, low=low,
               high=None if low is None else low * 2 + 1)
        for i, w in enumerate(words)
    ]
    comparisons = [
        FigureComparison(a=f"deaths-{i}", b=f"deaths-{i + 1}", relation="scope",
                         explanation=explanation)
        for i in range(len(figures) - 1)
    ]
    answer = FiguresAnswer(query=words[0], topic="deaths", topic_label=words[0], figures=figures,
                           comparisons=comparisons, explanation=explanation, conflict=True)
    assert_fits(render(answer, version=VERSION))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(c=claims(), text=LONG, notes=st.lists(LONG, max_size=30), origins=st.lists(ODD, max_size=40))
def test_any_evidence_answer_fits(c, text, notes, origins) -> None:
    answer = EvidenceAnswer(query=text, claim=c, status=c.status, rationale=text,
                            independent_origins=len(origins), origins=origins, attribution=text,
                            content=text, basis=c.sources, notes=notes)
    assert_fits(render(answer, version=VERSION))


# -- the checker itself ---------------------------------------------------------------------


def test_checker_catches_each_limit() -> None:
    big = {"title": "t" * 257, "description": "d" * 4097,
           "fields": [{"name": "n", "value": "v" * 1025}] * 26, "footer": {"text": "f" * 2049}}
    problems = message_problems({"content": "c" * 2001, "embeds": [big] * 11})
    text = "\n".join(problems)
    for fragment in ("content has 2001", "11 embeds", "title has 257", "description has 4097",
                     "26 fields", "value has 1025", "footer text has 2049", "embeds total"):
        assert fragment in text
    ok = {"embeds": [{"description": "d" * 4000}, {"description": "d" * 1999}]}
    assert message_problems(ok) == []
    assert "embeds total 6001" in "\n".join(
        message_problems({"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]})
    )
    assert message_problems({"type": 8, "data": {"choices": [{"name": "", "value": "x"}] * 26}})
    assert message_problems({"allowed_mentions": {"parse": ["users"], "users": ["1"]},
                             "content": "x"})
    assert message_problems({}) == ["empty message: no content, embeds or components"]


def test_command_name_rule() -> None:
    for good in ("claim", "factdesk", "über-fakt", "дата", "名前", "a_b'c", "x" * 32):
        assert valid_command_name(good), good
    for bad in ("", "Claim", "two words", "x" * 33, "emoji💥", "dot.name"):
        assert not valid_command_name(bad), bad
    assert command_problems({"name": "ok", "description": "", "type": 1})


def test_the_practice_figures_lead_with_their_whole_verdict_and_strike_the_withdrawn() -> None:
    from bot.answers.engine import Factdesk
    from bot.claimset.loader import load_claimset
    from cogs.utils.escape import escape, strike
    from cogs.utils.rendering import render_relations
    from tests.story_sets import PRACTICE

    engine = Factdesk(load_claimset(PRACTICE))
    for topic in ("deaths", "injured", "arrests", "economic-damage"):
        answer = engine.figures(topic)
        pages = render(answer, version="v")
        assert_fits(pages)
        first = pages[0].embeds[0].description or ""
        for line in answer.verdict:  # the whole verdict on page 1, each line whole or cut
            assert escape(line)[:200] in first, line
    deaths = engine.figures("deaths")
    text = "\n".join(e.description or "" for p in render(deaths, version="v") for e in p.embeds)
    assert strike("164") in text  # a withdrawn figure, struck
    assert "✗ 164" in text  # and marked in the table
    assert "How the figures relate" not in text  # pairs only on request
    related = render_relations(engine.figures("deaths", relations=True), version="v")
    assert_fits(related)
    assert "How the figures relate" in (related[0].embeds[0].description or "")


def test_strike_keeps_text_inert() -> None:
    from cogs.utils.escape import strike, unescape

    assert strike("164") == "~~164~~"
    assert strike("a ~~b~~ @everyone").startswith("~~") and "\\~\\~b" in strike("a ~~b~~")
    assert unescape(strike("x*y")[2:-2]) == "x*y"
    assert strike("") == ""
