"""A ruling or a note written from the CLI shows in the CLI's and the console's answers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main

MINI = Path(__file__).resolve().parents[1] / "data" / "mini"
CLAIM = "fighters-crossed"


@pytest.fixture()
def desk_args(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(MINI, tmp_path / "set")
    return ["--claimset", str(tmp_path / "set"), "--db", str(tmp_path / "desk.sqlite3")]


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(list(argv)) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_status_set_shows_in_claim_and_evidence_json(desk_args, capsys):
    before = run_json(capsys, "claim", CLAIM, "--json", *desk_args)
    assert before["results"][0]["id"] == CLAIM and before["results"][0]["editorial"] is None
    assert main(["status", "set", CLAIM, "false", "No", "source", "--by", "Ed", *desk_args]) == 0
    capsys.readouterr()
    claim = run_json(capsys, "claim", CLAIM, "--json", *desk_args)["results"][0]
    assert claim["status"] == "false" and claim["editorial"]["by"] == "Ed"
    assert claim["editorial"]["reason"] == "No source"
    evidence = run_json(capsys, "evidence", CLAIM, "--json", *desk_args)
    assert evidence["claim"]["editorial"]["status"] == "false"


def test_note_add_shows_in_cli_and_console_evidence(desk_args, capsys):
    note = "Checked against the ministry's own site"
    assert main(["note", "add", CLAIM, note, "--by", "Ann", *desk_args]) == 0
    capsys.readouterr()
    evidence = run_json(capsys, "evidence", CLAIM, "--json", *desk_args)
    assert any(note in n for n in evidence["notes"])
    assert main(["evidence", CLAIM, *desk_args]) == 0
    assert note in capsys.readouterr().out
    assert main(["demo", *desk_args, "evidence", CLAIM]) == 0
    assert note in capsys.readouterr().out
    assert main(["demo", *desk_args, "notes", CLAIM]) == 0
    out = capsys.readouterr().out
    assert note in out and "Ann" in out
    listed = run_json(capsys, "note", "list", CLAIM, "--json", *desk_args)
    assert [n["text"] for n in listed["notes"]] == [note]


def test_answers_never_create_a_database(desk_args, capsys, tmp_path: Path):
    assert main(["claim", CLAIM, *desk_args]) == 0
    assert not (tmp_path / "desk.sqlite3").exists()
