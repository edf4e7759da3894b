"""The digest: what is new (by dates, by snapshots), the answer, its renderings, the CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.claimset.schema import Figure
from bot.cli import main
from bot.record.digest import (
    DigestAnswer,
    build_digest,
    changes_from_snapshot,
    changes_since_date,
    first_seen,
    open_conflicts,
    record_hashes,
)
from bot.rendering.digest import render_digest_text
from cogs.utils.digest_rendering import MESSAGE_MAX, render_digest_messages
from cogs.utils.limits import message_problems
from tests.digest_support import MINI, engine_for, mini, new_claim, with_claims

NOW = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


def digest(claimset, changes, **kw) -> DigestAnswer:
    return build_digest(
        engine_for(claimset), changes, mode=kw.pop("mode", "snapshot"), since=None,
        since_label=kw.pop("since_label", "the beginning"), now=NOW, **kw,
    )


def test_first_seen_is_the_earliest_cited_publication_date():
    seen = first_seen(mini())
    # 001 published 9 Jan, 003 on 10 Jan, 002 unknown.
    assert seen["source:001"] == dt.date(2022, 1, 9)
    assert seen["source:002"] is None
    assert seen["claim:arrests-7939"] == dt.date(2022, 1, 9)  # cites 001 and 003
    assert seen["claim:damage-billions"] is None  # only 002, undated
    assert seen["figure:arrests-7939-fig"] == dt.date(2022, 1, 10)  # its as_of
    assert seen["figure:deaths-167"] == dt.date(2022, 1, 9)  # no as_of: its source's date


def test_since_dates_select_what_is_new():
    cs = mini()
    everything = set(record_hashes(cs))
    assert changes_since_date(cs, None).new == everything
    # Before the first source: everything, undated records included.
    assert changes_since_date(cs, dt.date(2022, 1, 1)).new == everything
    later = changes_since_date(cs, dt.date(2022, 1, 10)).new
    assert later == {"source:003", "figure:arrests-7939-fig", "figure:deaths-dozens"}
    assert changes_since_date(cs, dt.date(2022, 2, 1)).new == set()


def test_snapshot_diff_finds_new_revised_and_removed():
    cs = mini()
    old = record_hashes(cs)
    revised = cs.claims["toll-167"].model_copy(update={"statement": "At least 167 died."})
    changed = with_claims(cs, revised, new_claim("arrests-new", "More arrests."))
    del changed.claims["damage-billions"]
    diff = changes_from_snapshot(old, record_hashes(changed))
    assert diff.new == {"claim:arrests-new"}
    assert diff.revised == {"claim:toll-167"}
    assert diff.removed == {"claim:damage-billions"}
    assert changes_from_snapshot(old, old).new == set()


def test_digest_lists_items_with_the_command_that_shows_them():
    cs = mini()
    answer = digest(cs, changes_since_date(cs, None))
    assert [i.id for i in answer.sources] == list(cs.sources)
    assert [i.id for i in answer.claims] == list(cs.claims)  # file order
    assert {i.command for i in answer.claims} == {f"/claim query:{c}" for c in cs.claims}
    fig = next(i for i in answer.figures if i.id == "deaths-167")
    assert fig.command == "/figures topic:deaths" and "At least 167" in fig.summary
    assert answer.counts.claims == len(cs.claims) and answer.counts.new_claims == len(cs.claims)
    assert sum(answer.counts.by_status.values()) == len(cs.claims)
    assert not answer.nothing_new
    text = render_digest_text(answer)
    assert "/claim query:fighters-crossed" in text and "Counts" in text


def test_open_conflicts_come_most_important_topic_first():
    cs = mini()
    low_deaths = Figure(
        id="deaths-90", topic="deaths", scope="all", low=90, high=90, qualifier="exact",
        words="90", unit="people", source="003",
        quote="Dozens of demonstrators were reported dead.",
    )
    low_arrests = Figure(
        id="arrests-10", topic="arrests", scope="all", low=10, high=10, qualifier="exact",
        words="10", unit="people", source="003", as_of=dt.date(2022, 1, 10),
        quote="A total of 7,939 people were arrested",
    )
    figures = {**cs.figures, "arrests-10": low_arrests, "deaths-90": low_deaths}
    conflicted = dataclasses.replace(cs, figures=figures)
    answer = digest(conflicted, changes_from_snapshot(record_hashes(cs),
                                                      record_hashes(conflicted)))
    topics = [c.topic for c in answer.conflicts]
    assert topics[:1] == ["deaths"]  # rank 1 before the default rank
    assert "arrests" in topics
    deaths = answer.conflicts[0]
    assert deaths.kind == "contradiction" and "deaths-90" in deaths.figures
    assert deaths.command == "/figures topic:deaths"
    assert answer.counts.open_conflicts == len(answer.conflicts)


def test_nothing_new_is_one_line():
    cs = mini()
    hashes = record_hashes(cs)
    answer = digest(cs, changes_from_snapshot(hashes, hashes), since_label="22 Nov 2026 08:00")
    assert answer.nothing_new
    parts = render_digest_messages(answer, footer="Factdesk digest for 23 Nov · ref fd1")
    assert len(parts) == 1 and "\n" not in parts[0]
    assert parts[0].startswith("**Factdesk digest** · nothing new since 22 Nov 2026 08:00")
    assert render_digest_text(answer).startswith("Nothing new since 22 Nov 2026 08:00.")


def test_a_big_digest_splits_into_messages_that_fit_and_lose_nothing():
    cs = mini()
    many = [new_claim(f"claim-{n:03d}", f"Claim number {n} " + "x" * 150) for n in range(14)]
    big = with_claims(cs, *many)
    answer = digest(big, changes_from_snapshot(record_hashes(cs), record_hashes(big)))
    parts = render_digest_messages(answer, footer="Factdesk digest for 23 Nov 2026 · ref fd1")
    assert len(parts) >= 2
    for i, part in enumerate(parts, start=1):
        assert len(part) <= MESSAGE_MAX
        assert message_problems({"content": part}) == []
        assert part.endswith(f"ref fd1 · {i}/{len(parts)}")
    joined = "\n".join(parts)
    for claim in many:
        assert joined.count(f"/claim query:{claim.id}`") == 1
    assert "(continued)" in joined


def test_a_huge_update_is_capped_per_section():
    cs = mini()
    many = [new_claim(f"c-{n:04d}", f"Claim {n}") for n in range(400)]
    big = with_claims(cs, *many)
    answer = digest(big, changes_from_snapshot(record_hashes(cs), record_hashes(big)))
    parts = render_digest_messages(answer)
    assert len(parts) <= 3
    assert "and 385 more" in "\n".join(parts)
    assert answer.counts.new_claims == 400  # the answer itself keeps everything
    text = render_digest_text(answer)  # the console shows every item
    assert all(f"/claim query:{c.id}\n" in text + "\n" for c in many) and "more:" not in text


def test_markdown_and_mentions_in_the_data_are_shown_literally():
    cs = mini()
    sneaky = with_claims(cs, new_claim("sneaky", "Ping @everyone and **shout** `now`"))
    answer = digest(sneaky, changes_from_snapshot(record_hashes(cs), record_hashes(sneaky)))
    (part,) = render_digest_messages(answer)
    assert "@everyone" not in part and "@\u200beveryone" in part
    assert r"\*\*shout\*\*" in part


def test_links_in_the_data_do_not_render_in_the_digest():
    from tests.cogs.test_escape import live

    cs = mini()
    links = "[a](https://u.example)[b](https://v.example) see https://w.example"
    linky = with_claims(cs, new_claim("linky", links))
    answer = digest(linky, changes_from_snapshot(record_hashes(cs), record_hashes(linky)))
    (part,) = render_digest_messages(answer)
    line = next(x for x in part.splitlines() if "u.example" in x)
    assert live(line.split(" → ")[0]) == [], line  # the command after the arrow is a code span


def test_cli_json_since_before_the_first_source_is_everything(capsys):
    code = main(["digest", "--claimset", str(MINI), "--since", "2000-01-01", "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["command"] == "digest" and data["mode"] == "dates"
    cs = mini()
    assert {c["id"] for c in data["claims"]} == set(cs.claims)
    assert data["counts"]["new_figures"] == len(cs.figures)
    DigestAnswer.model_validate(data)  # the JSON is the answer object


def test_cli_text_after_the_story_is_nothing_new(capsys):
    assert main(["digest", "--claimset", str(MINI), "--since", "2030-01-01"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("Nothing new since 1 Jan 2030")


def test_cli_bad_date_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["digest", "--since", "yesterday"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "'yesterday' is not a date; expected YYYY-MM-DD" in err and "Traceback" not in err


def test_cli_unreadable_claimset_is_one_line_exit_2(capsys):
    assert main(["digest", "--claimset", "/nonexistent/claimset.toml"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "nonexistent" in err


def test_the_seed_story_everything_new_before_the_first_source_and_the_toll_unsettled(
    capsys, story_path
):
    from bot.claimset.loader import load_claimset

    seeds = load_claimset(story_path)  # the five-article story: its content is pinned here
    assert main(["digest", "--since", "2021-12-31", "--json", "--claimset", str(story_path)]) == 0
    data = DigestAnswer.model_validate_json(capsys.readouterr().out)
    assert {i.id for i in data.claims} == set(seeds.claims)
    assert {i.id for i in data.figures} == set(seeds.figures)
    assert {i.id for i in data.sources} == set(seeds.sources)
    # The death toll is the desk's first open question: the figures differ and the
    # sources themselves call it unclear. Ranked topics come first.
    first = data.conflicts[0]
    assert (first.topic, first.kind) == ("deaths", "unsettled") and first.caveats
    ranks = [c.rank for c in data.conflicts]
    assert ranks == sorted(ranks)


async def test_the_commands_items_link_to_exist_in_the_bot_with_those_options():
    """A digest line says `/claim query:<id>`: that command and option must exist."""
    import re

    from bot.client import EXTENSIONS, FactdeskBot
    from bot.desk import Desk
    from bot.record.digest import claim_command, figures_command, source_command
    from bot.settings import Settings

    bot = FactdeskBot(Settings(), Desk(Settings(), engine_for(mini())))
    try:
        for name in EXTENSIONS:
            await bot.load_extension(name)
        tree = {c.qualified_name: c for c in bot.tree.walk_commands()}
        for link in (claim_command("x"), source_command("000"), figures_command("deaths")):
            command, option = re.fullmatch(r"/(\S+) (\w+):\S+", link).groups()
            assert command in tree, f"{link}: no /{command} in the tree"
            assert option in {p.name for p in tree[command].parameters}, link
    finally:
        for name in list(bot.extensions):
            await bot.unload_extension(name)
        await bot.close()


@settings(max_examples=60, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 2500), min_size=1, max_size=60),
    footer=st.sampled_from(["", "Factdesk digest for 23 Nov 2026 (Europe/Paris) · ref fd1.2"]),
)
def test_packing_fits_every_message_and_keeps_every_line_in_order(lengths, footer):
    from cogs.utils.digest_rendering import pack, with_footers

    lines = [f"**Section {i}**" if n % 7 == 0 else f"{i}:" + "x" * n
             for i, n in enumerate(lengths)]
    parts = with_footers(pack(lines), footer)
    assert all(len(p) <= MESSAGE_MAX for p in parts)
    seen = [line for p in parts for line in p.split("\n")
            if not line.startswith("-# ") and not line.endswith("(continued)**")]
    assert len(seen) == len(lines)
    for got, want in zip(seen, lines, strict=True):
        assert got == want or (got.endswith("…") and want.startswith(got[:-1]))


def test_a_topic_headline_is_the_range_of_the_all_people_scope():
    from bot.answers.engine import Factdesk
    from bot.claimset.loader import load_claimset

    engine = Factdesk(load_claimset())
    deaths = next(c for c in open_conflicts(engine) if c.topic == "deaths")
    whole = next(g for g in engine.figures("deaths").groups if g.scope == "all")
    # not the envelope over every scope (12 demonstrators or more): the all-deaths range
    assert deaths.envelope_scope == "all" and deaths.envelope == whole.envelope
    assert deaths.envelope is not None and deaths.envelope.low == min(
        f.low for f in engine.figures("deaths").figures if f.id in whole.current
    )
    answer = digest(engine.claimset, changes_since_date(engine.claimset, None))
    text = render_digest_text(answer)
    low = int(deaths.envelope.low)
    assert f"Deaths (all: {low} or more)" in text and "Deaths (12 or more)" not in text


def test_a_headline_never_mixes_scopes():
    from bot.answers.models import FigureGroup, FiguresAnswer, Interval
    from bot.record.digest import headline_range

    groups = [FigureGroup(scope="security forces", figures=["a"], current=["a"],
                          envelope=Interval(low=16, high=16)),
              FigureGroup(scope="demonstrators", figures=["b"], current=["b"],
                          envelope=Interval(low=12, high=None))]
    both = FiguresAnswer(query="q", topic="deaths", groups=groups)
    assert headline_range(both) == (None, None)
    one = FiguresAnswer(query="q", topic="deaths", groups=groups[:1])
    assert headline_range(one) == ("security forces", Interval(low=16, high=16))
