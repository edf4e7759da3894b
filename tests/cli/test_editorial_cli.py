"""The editors' CLI and the exports, run as a user runs them (python -m bot ...)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from bot.cli import main
from tests.conftest import create_database

CLAIM = "ms-others-claim-foreign-interference"
OTHER = "o2-more-than-150-killed"

# What a ClaimReview consumer relies on (schema.org ClaimReview, Google's fact-check fields).
CLAIM_REVIEW = {
    "type": "object",
    "required": ["@context", "@type", "claimReviewed", "author", "datePublished",
                 "itemReviewed", "reviewRating"],
    "properties": {
        "@context": {"const": "https://schema.org"},
        "@type": {"const": "ClaimReview"},
        "claimReviewed": {"type": "string", "minLength": 1},
        "author": {"type": "object", "required": ["@type", "name"]},
        "datePublished": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "itemReviewed": {
            "type": "object",
            "required": ["@type", "author", "appearance"],
            "properties": {
                "@type": {"const": "Claim"},
                "appearance": {
                    "type": "array", "minItems": 1,
                    "items": {"type": "object", "required": ["@type", "headline"]},
                },
            },
        },
        "reviewRating": {
            "type": "object",
            "required": ["@type", "ratingValue", "bestRating", "worstRating", "alternateName"],
            "properties": {"@type": {"const": "Rating"}},
        },
    },
}


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *argv], capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return create_database(tmp_path / "desk.sqlite3")


def test_status_set_history_clear_and_export_end_to_end(db: Path):
    r = run("status", "set", CLAIM, "false", "No", "Chinese", "statement", "--by", "ann",
            "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert "False" in r.stdout and "ann" in r.stdout
    r = run("status", "set", CLAIM, "misleading", "context", "--by", "bob", "--db", str(db),
            "--json")
    change = json.loads(r.stdout)["change"]
    assert (change["previous"], change["status"], change["by"]) == ("false", "misleading", "bob")
    r = run("status", "history", CLAIM, "--db", str(db), "--json")
    history = json.loads(r.stdout)
    assert [(c["previous"], c["status"]) for c in history["changes"]] == [
        (None, "false"), ("false", "misleading")]
    assert history["editorial"]["status"] == "misleading"
    assert history["derived_status"] == "single_source"

    r = run("export", "--format", "claimreview", "--db", str(db))
    assert r.returncode == 0, r.stderr
    [review] = json.loads(r.stdout)
    jsonschema.validate(review, CLAIM_REVIEW)
    assert review["reviewRating"]["alternateName"] == "Misleading"
    assert review["claimReviewed"].startswith("China, Armenia and Cuba")

    r = run("status", "clear", CLAIM, "--by", "cy", "--db", str(db))
    assert r.returncode == 0 and "cleared" in r.stdout
    r = run("export", "--format", "claimreview", "--db", str(db))
    assert json.loads(r.stdout) == []


def test_bad_input_is_one_line_and_writes_nothing(db: Path, capsys):
    assert main(["status", "set", CLAIM[:-1], "false", "x", "--by", "ann", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"did you mean {CLAIM}" in err
    assert main(["status", "set", CLAIM, "false", " ", "--by", "ann", "--db", str(db)]) == 2
    assert "reason" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["status", "set", CLAIM, "corroborated", "x", "--by", "ann", "--db", str(db)])
    assert main(["status", "history", CLAIM, "--db", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["changes"] == []


def test_newer_database_is_refused_in_one_line(db: Path, capsys):
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 4242")
    assert main(["status", "history", CLAIM, "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "4242" in err and "newer" in err and err.count("\n") == 1


def test_notes_feedback_and_csv(db: Path, tmp_path: Path, capsys):
    import asyncio

    from bot.record.store import Store

    assert main(["note", "add", CLAIM, "See", "the", "Lavrov", "readout", "--by", "ann",
                 "--db", str(db)]) == 0
    assert main(["status", "set", OTHER, "confirmed", "two origins", "--by", "bob",
                 "--db", str(db)]) == 0

    async def feedback() -> None:
        async with Store.open(db) as store:
            await store.add_feedback(command="claim", query="jihadists", claim_id=CLAIM,
                                     user_id=7, user_name="reader")
    asyncio.run(feedback())
    capsys.readouterr()
    assert main(["feedback", "--db", str(db), "--json"]) == 0
    [item] = json.loads(capsys.readouterr().out)["feedback"]
    assert (item["query"], item["claim_id"], item["user_name"]) == ("jihadists", CLAIM, "reader")

    out = tmp_path / "claims.csv"
    assert main(["export", "--format", "csv", "--db", str(db), "--out", str(out)]) == 0
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}
    from bot.claimset.loader import load_claimset

    assert set(rows) == set(load_claimset().claims)
    assert (rows[OTHER]["status"], rows[OTHER]["derived_status"],
            rows[OTHER]["editorial_status"], rows[OTHER]["editorial_by"]) == (
        "confirmed", "single_source", "confirmed", "bob")
    assert rows[CLAIM]["editorial_status"] == "" and rows[CLAIM]["status"] == "single_source"
    assert not list(tmp_path.glob(".claims.csv.*"))


def test_export_out_replaces_only_a_regular_file_and_keeps_its_mode(db: Path, tmp_path: Path,
                                                                    capsys):
    import os
    import stat

    published = tmp_path / "published.csv"
    published.write_text("old\n")
    published.chmod(0o644)
    assert main(["export", "--format", "csv", "--db", str(db), "--out", str(published)]) == 0
    assert stat.S_IMODE(published.stat().st_mode) == 0o644
    assert published.read_text(encoding="utf-8").startswith("id,")

    target = tmp_path / "target.csv"
    target.write_text("untouched\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    capsys.readouterr()
    for out, what in ((link, "symbolic link"), (fifo, "FIFO"), (tmp_path, "folder")):
        assert main(["export", "--format", "csv", "--db", str(db), "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and what in err and str(out) in err, err
    assert link.is_symlink() and target.read_text() == "untouched\n"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    # a device is refused by the same check, before anything is written (not run through
    # main: were it ever to regress, the test would replace /dev/null)
    from bot.cli import UsageError
    from bot.cli.export import _existing_mode

    with pytest.raises(UsageError, match="character device"):
        _existing_mode(Path(os.devnull))


def test_control_sequences_are_shown_not_obeyed(db: Path, capsys):
    """Queries echoed and reasons replayed reach the terminal with escapes written out."""
    hostile = "pwned\x1b]0;title\x07\x1b[2J\r\u202e\x9b31m"
    assert main(["status", "set", CLAIM, "false", hostile, "--by", "ann\x1b[5m",
                 "--db", str(db)]) == 0
    assert main(["status", "history", CLAIM, "--db", str(db)]) == 0
    assert main(["claim", hostile]) == 0
    assert main(["status", "history", CLAIM + "\x1b[2J", "--db", str(db)]) == 2
    out, err = capsys.readouterr()
    for text in (out, err):
        assert not any(ch in text for ch in "\x1b\x07\r\u202e\x9b"), text
    assert "pwned\\x1b]0;title\\x07\\x1b[2J \\u202e\\x9b31m" in out  # \r is whitespace
    assert "ann\\x1b[5m" in out and "\\x1b[2J" in err
    assert main(["status", "history", CLAIM, "--db", str(db), "--json"]) == 0
    history = json.loads(capsys.readouterr().out)  # JSON keeps the exact text, escaped by json
    assert history["editorial"]["reason"] == " ".join(hostile.split())


@pytest.mark.parametrize(
    ("by", "fragment"),
    [("x" * 101, "who is acting (--by) is 101 characters; at most 100"),
     ("caf\udce9", "who is acting (--by) is not valid UTF-8 text"),
     ("   ", "who is acting (--by) is empty")],
)
def test_by_is_checked_in_one_line(db: Path, capsys, by: str, fragment: str):
    assert main(["status", "set", CLAIM, "false", "why", "--by", by, "--db", str(db)]) == 2
    assert main(["note", "add", CLAIM, "text", "--by", by, "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and err.count(fragment) == 2, err
    assert main(["status", "set", CLAIM, "false", "caf\udce9", "--by", "ann",
                 "--db", str(db)]) == 2
    assert "the reason is not valid UTF-8 text" in capsys.readouterr().err


def test_invalid_utf8_by_from_a_real_command_line(db: Path):
    r = subprocess.run([sys.executable, "-m", "bot", "note", "add", CLAIM, "hello", "--by",
                        b"caf\xe9", "--db", str(db)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr == "error: who is acting (--by) is not valid UTF-8 text; retype it\n"


def test_printable_keeps_lines_and_tabs_and_writes_out_the_rest():
    from bot.cli.terminal import printable

    assert printable("a\tb\nc") == "a\tb\nc"
    assert printable("\x1b[2J\r\x00\x7f\x85\u2066\udcff") == (
        "\\x1b[2J\\x0d\\x00\\x7f\\x85\\u2066\\udcff")
