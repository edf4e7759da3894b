"""A ruling or a note written from the CLI shows in the CLI's and the console's answers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import create_database

MINI = Path(__file__).resolve().parents[1] / "data" / "mini"
CLAIM = "fighters-crossed"


@pytest.fixture()
def desk_args(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(MINI, tmp_path / "set")
    create_database(tmp_path / "desk.sqlite3")
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


def test_answers_never_create_a_database(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(MINI, tmp_path / "set")
    configured = tmp_path / "configured.sqlite3"
    monkeypatch.setenv("FACTDESK_DATABASE_PATH", str(configured))
    # The configured database, not there yet: answered without the record, nothing created.
    assert main(["claim", CLAIM, "--claimset", str(tmp_path / "set")]) == 0
    assert not configured.exists()


def test_a_mistyped_db_is_refused_in_one_line_and_never_created(tmp_path: Path, monkeypatch,
                                                                 capsys):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(MINI, tmp_path / "set")
    typo = tmp_path / "dsek.sqlite3"
    cs = ["--claimset", str(tmp_path / "set"), "--db", str(typo)]
    for argv in (["claim", CLAIM], ["status", "history", CLAIM], ["export", "--format", "csv"],
                 ["status", "set", CLAIM, "false", "why", "--by", "Ed"],
                 ["note", "add", CLAIM, "n", "--by", "Ed"], ["demo", *cs, "claim", CLAIM]):
        assert main(argv if argv[0] == "demo" else [*argv, *cs]) == 2, argv
        err = capsys.readouterr().err
        assert err == (f"error: {typo}: no database there (a mistyped path?); a command that "
                       "writes creates one with --create-db\n"), argv
        assert not typo.exists()
    # Asked for: created, and then read like any other.
    assert main(["status", "set", CLAIM, "false", "why", "--by", "Ed", *cs, "--create-db"]) == 0
    assert typo.is_file()
    capsys.readouterr()
    assert run_json(capsys, "claim", CLAIM, "--json", *cs)["results"][0]["status"] == "false"
