"""`python -m bot claim|figures|evidence|speaker|source` and `python -m bot demo`, as processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.answers.engine import Factdesk

ROOT = Path(__file__).resolve().parents[2]
CLAIM_KEYS = {"id", "statement", "speaker", "status", "rationale", "sources"}
SOURCE_KEYS = {"file", "outlet", "published", "quote", "via"}
FIGURE_KEYS = {"low", "high", "qualifier", "words", "scope", "as_of", "speaker", "file",
               "outlet", "quote"}


def bot(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=ROOT, input=stdin, text=True,
        capture_output=True, timeout=60, env=env,
    )


def _check_claim(claim: dict, files: set[str]) -> None:
    assert claim.keys() >= CLAIM_KEYS
    assert claim["speaker"]["name"]
    for src in claim["sources"]:
        assert src.keys() >= SOURCE_KEYS and src["file"] in files


@pytest.mark.parametrize(
    ("command", "query"),
    [("claim", "tokaev coup"), ("speaker", "Qasim Jomart"), ("source", "003")],
)
def test_claim_lists_json_contract(desk: Factdesk, command: str, query: str) -> None:
    result = bot(command, *query.split(), "--json", "--limit", "3")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["query"] == query and 1 <= len(data["results"]) <= 3
    files = {s.file for s in desk.claimset.sources.values()}
    for claim in data["results"]:
        _check_claim(claim, files)
    expected = getattr(desk, command)(query, limit=3).model_dump(mode="json")
    assert data == expected  # the CLI prints the engine's own answer


def test_figures_json_contract(story_path: Path) -> None:
    result = bot("figures", "death", "toll", "--json", "--claimset", str(story_path))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"topic", "figures", "envelope", "conflict", "explanation"} <= data.keys()
    assert data["figures"] and all(f.keys() >= FIGURE_KEYS for f in data["figures"])
    assert data["conflict"] is False


def test_evidence_json_contract(desk: Factdesk) -> None:
    result = bot("evidence", "thousands", "of", "jihadists", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"query", "claim", "status", "rationale", "independent_origins"} <= data.keys()
    _check_claim(data["claim"], {s.file for s in desk.claimset.sources.values()})
    assert isinstance(data["independent_origins"], int) and data["independent_origins"] >= 1


def test_text_output_is_readable(story_path: Path) -> None:
    result = bot("figures", "arrests", "--claimset", str(story_path))
    assert result.returncode == 0
    assert "7,939" in result.stdout and "supersedes" in result.stdout
    assert "{" not in result.stdout.splitlines()[0]


@pytest.mark.parametrize("command", ["claim", "figures", "evidence", "speaker", "source"])
def test_empty_query_exits_2_with_one_line(command: str) -> None:
    result = bot(command, "   ")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "empty query" in lines[0]


@pytest.mark.parametrize("command", ["claim", "figures", "evidence", "speaker", "source"])
def test_no_match_exits_0_with_suggestions(command: str) -> None:
    result = bot(command, "qqxqq", "zzvzz")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("no match")


def test_bad_limit_and_unreadable_claimset_are_one_line_errors(tmp_path: Path) -> None:
    result = bot("claim", "coup", "--limit", "lots")
    assert result.returncode == 2 and "--limit" in result.stderr
    assert "Traceback" not in result.stderr
    result = bot("claim", "coup", "--claimset", str(tmp_path / "missing.toml"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_demo_one_shot_matches_the_cli() -> None:
    demo = bot("demo", "figures", "arrests")
    cli = bot("figures", "arrests")
    assert demo.returncode == 0 and demo.stdout == cli.stdout
    slash = bot("demo", "/figures", "arrests")
    assert slash.stdout == cli.stdout


def test_demo_reads_commands_from_stdin() -> None:
    result = bot("demo", stdin="/claim tokaev coup --limit 1\nhelp\nfigures dead\nquit\nclaim x\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "> /claim tokaev coup --limit 1" in out and "coup" in out
    assert "/figures" in out  # help text
    assert "Deaths, by scope:\n- in all, " in out and "no figure is confirmed" in out
    assert "> claim x" not in out  # nothing after quit


def test_demo_errors_do_not_stop_the_session() -> None:
    result = bot("demo", stdin="/claim\n/bogus words\n/figures arrests\n")
    assert result.returncode == 2
    assert "empty query" in result.stdout and "unknown command" in result.stdout
    assert "7,939" in result.stdout and "Traceback" not in result.stdout + result.stderr


def test_demo_history_file_or_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli import demo

    monkeypatch.setenv("HOME", str(tmp_path))
    assert demo._setup_history() == str(tmp_path / ".factdesk_history")
    monkeypatch.setenv("HOME", str(tmp_path / "missing" / "dir"))
    assert demo._setup_history() is None  # cannot be written: no history, no error


def test_a_reader_that_stops_early_is_not_an_error() -> None:
    # `python -m bot demo | head -1`: far more output than a pipe buffer holds, and the
    # reader closes after one line. No "BrokenPipeError" on stderr, no traceback.
    commands = "/figures death toll\n" * 200
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "demo"], cwd=ROOT, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.write(commands.encode())
    proc.stdin.close()
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert first.startswith(b"> /figures")
    assert err == "", err


def test_claim_text_names_each_source_once_and_evidence_says_why_once(desk: Factdesk) -> None:
    answer = desk.claim("tokaev coup", limit=1).results[0]
    out = bot("claim", "tokaev coup", "--limit", "1").stdout
    assert "unknown outlet" not in out and f"who: {answer.speaker.name} — " in out
    for sid in {ref.source_id for ref in answer.sources}:  # one line per source, all quotes
        refs = [r for r in answer.sources if r.source_id == sid]
        assert sum(line.lstrip().startswith(f"- {sid} ") for line in out.splitlines()) == 1
        for ref in refs:
            assert " ".join(ref.quote.split())[:40] in " ".join(out.split())
    evidence = desk.evidence("jihadists")
    assert evidence.claim is not None
    text = " ".join(bot("evidence", "jihadists").stdout.split())
    rationale = " ".join(evidence.claim.rationale.split())
    assert text.count(rationale[:60]) == 1  # under "content:", not again under "why:"


def test_an_inferred_outlet_and_date_are_never_shown_as_stated(desk: Factdesk) -> None:
    cs = desk.claimset
    inferred = [s for s in cs.sources.values() if s.outlet_basis == "inferred"]
    assert inferred, "the seed set has inferred outlets (000's footer, 003's byline)"
    for src in inferred:
        out = bot("source", src.id, "--limit", "1").stdout
        assert f"{src.outlet} (inferred)" in out.splitlines()[0]
    digest = bot("digest", "--since", "2021-12-31").stdout
    for src in cs.sources.values():
        line = next(ln for ln in digest.splitlines() if src.headline_label in ln)
        assert src.label in line
        assert (", inferred)" in line) == (src.published_basis == "inferred")


def test_claim_filters_from_the_command_line(desk: Factdesk) -> None:
    want = [r.id for r in desk.claim("", limit=25, via="Reuters").results]
    done = bot("claim", "--via", "Reuters", "--json")
    assert done.returncode == 0, done.stderr
    assert [c["id"] for c in json.loads(done.stdout)["results"]] == want
    bad = bot("claim", "troops", "--status", "nonsense")
    assert bad.returncode == 2 and "unknown status" in bad.stderr


def test_the_console_routes_a_plain_question() -> None:
    from bot.cli.demo import route

    assert route("how many people died") == "figures"
    assert route("7,939") == "figures"
    assert route("is there any evidence of jihadists") == "evidence"
    assert route("Tokaev coup") == "claim"
    done = bot("demo", stdin="how many people were arrested\n")
    assert done.returncode == 0, done.stderr
    assert "(as /figures" in done.stdout and "Arrests" in done.stdout
