"""A speaker's or a source's listing: one line per claim first, every detail with --full."""

from __future__ import annotations

from bot.answers.engine import Factdesk
from bot.cli import main


def test_source_listing_is_one_line_per_claim_and_full_on_request(desk: Factdesk, capsys):
    answer = desk.source("003", limit=25)
    assert main(["source", "003"]) == 0
    out = capsys.readouterr().out
    for claim in answer.results:
        assert sum(f"[{claim.id}]" in line for line in out.splitlines()) == 1
    assert not any(line.lstrip().startswith("“") for line in out.splitlines())  # no quotes
    assert len(out.splitlines()) <= len(answer.results) + 5
    assert main(["source", "003", "--full"]) == 0
    full = capsys.readouterr().out
    first = answer.results[0]
    assert f"id: {first.id}" in full and " ".join(first.sources[0].quote.split())[:30] in (
        " ".join(full.split()))


def test_the_console_takes_full_too(capsys):
    assert main(["demo", "speaker", "Tokayev", "--full", "--limit", "2"]) == 0
    assert "who: " in capsys.readouterr().out
