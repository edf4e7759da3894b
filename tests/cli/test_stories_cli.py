"""The CLI and the console with several stories: --story on every command that answers or
records, --guild for a server's record, `stories` listing each one loaded on its own."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE, main

MINI = Path(__file__).resolve().parents[1] / "data" / "mini"
CLAIM = "fighters-crossed"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for key in [k for k in __import__("os").environ if k.startswith("FACTDESK_")]:
        monkeypatch.delenv(key)
    for name in ("alpha", "beta"):
        shutil.copytree(MINI, tmp_path / name)
        manifest = tmp_path / name / "claimset.toml"
        manifest.write_text(manifest.read_text().replace('title = "Mini claim set"',
                                                         f'title = "The {name} set"'))
    path = tmp_path / "config.toml"
    path.write_text(
        '[database]\npath = "desk.sqlite3"\n'
        '[[stories]]\nid = "alpha"\ntitle = "Alpha"\npath = "alpha"\n'
        '[[stories]]\nid = "beta"\npath = "beta"\n'
    )
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_stories_lists_each_story_and_an_unknown_one_is_one_line(config: Path, capsys):
    code, out, _ = run(capsys, "stories")
    assert code == EXIT_OK
    lines = out.splitlines()
    assert lines[0].startswith("* alpha: Alpha (4 claims")
    assert lines[1].startswith("  beta: The beta set (4 claims")
    code, out, _ = run(capsys, "stories", "--json")
    assert [s["id"] for s in json.loads(out)["stories"]] == ["alpha", "beta"]
    code, _, err = run(capsys, "claim", "fighters", "--story", "gamma")
    assert code == EXIT_USAGE
    assert err.strip() == "error: unknown story 'gamma'; the stories are: alpha, beta"


def test_a_broken_story_is_listed_with_why_and_exit_1(config: Path, capsys):
    claims = config.parent / "beta" / "claims" / "main.toml"
    claims.write_text(claims.read_text().replace('speaker = "ambassador"', 'speaker = "x-nobody"'))
    code, out, _ = run(capsys, "stories")
    assert code == EXIT_INVALID
    assert "alpha: Alpha (4 claims" in out
    assert "beta: beta (not loaded: story beta could not be loaded:" in out and "x-nobody" in out
    code, out, _ = run(capsys, "claim", "fighters", "--story", "alpha")  # the other answers
    assert code == EXIT_OK and CLAIM in out


def test_rulings_belong_to_their_story_and_server(config: Path, capsys):
    ruled = ("status", "set", CLAIM, "false", "made up", "--by", "Ed")
    assert run(capsys, *ruled, "--story", "beta", "--guild", "111")[0] == EXIT_OK

    def status_in(*where: str) -> str:
        code, out, err = run(capsys, "claim", "fighters", "--json", *where)
        assert code == EXIT_OK, err
        return json.loads(out)["results"][0]["status"]

    assert status_in("--story", "beta", "--guild", "111") == "false"
    assert status_in("--story", "beta", "--guild", "222") != "false"
    assert status_in("--story", "beta") != "false"  # the desk-wide record
    assert status_in("--story", "alpha", "--guild", "111") != "false"
    assert status_in() != "false"
    # The desk-wide record of a story is seen by every server of that story.
    assert run(capsys, *ruled, "--story", "alpha")[0] == EXIT_OK
    assert status_in("--story", "alpha", "--guild", "222") == "false"
    assert status_in("--story", "beta", "--guild", "222") != "false"
    with pytest.raises(SystemExit) as exit_:
        main(["claim", "x", "--guild", "minus"])
    assert exit_.value.code == EXIT_USAGE and "not a server id" in capsys.readouterr().err


def test_the_console_switches_story_and_takes_story_per_line(
    config: Path, capsys, monkeypatch: pytest.MonkeyPatch
):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(
        "/story list\n/story use beta\n/story list --json\n/claim fighters --story alpha\n"
        "/story use nope\n"
    ))
    code = main(["demo"])
    out = capsys.readouterr()
    assert code == EXIT_USAGE  # the unknown story, in one line
    assert "* alpha: Alpha" in out.out
    assert "Answering from story beta: The beta set (4 claims)." in out.out
    listing = out.out.split("> /story list --json\n")[1].split("\n\n")[0]
    assert [s["id"] for s in json.loads(listing)["stories"] if s["default"]] == ["beta"]
    assert "error: story: unknown story 'nope'; the stories are: alpha, beta" in out.out
