"""`python -m bot validate`: exit 0 valid, 1 invalid (every problem on stdout), 2 unreadable."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.paths import PROJECT_ROOT

MINI = Path(__file__).parents[1] / "data" / "mini"


def validate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "bot", "validate", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def sets(tmp_path: Path) -> Path:
    """good/ is the mini claim set; bad/ has two problems; broken/ has bad TOML."""
    shutil.copytree(MINI, tmp_path / "good")
    shutil.copytree(MINI, tmp_path / "bad")
    claims = tmp_path / "bad/claims/main.toml"
    claims.write_text(
        claims.read_text(encoding="utf-8")
        .replace('speaker = "ambassador"', 'speaker = "nobody"')
        .replace("No evidence of this has been presented.", "No evidence."),
        encoding="utf-8",
    )
    shutil.copytree(MINI, tmp_path / "broken")
    topics = tmp_path / "broken/topics.toml"
    topics.write_text(topics.read_text(encoding="utf-8") + "\nlabel = \n", encoding="utf-8")
    return tmp_path


def test_valid_set_exits_0_with_counts(sets: Path) -> None:
    done = validate("good", cwd=sets)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "good: valid, version 1: 3 sources, 4 speakers, 4 topics, 4 claims, 5 figures"
    )
    assert done.stderr == ""


def test_manifest_path_works_like_the_directory(sets: Path) -> None:
    done = validate("good/claimset.toml", cwd=sets)
    assert done.returncode == 0
    assert "4 claims, 5 figures" in done.stdout


def test_invalid_set_exits_1_listing_every_problem(sets: Path) -> None:
    done = validate("bad", cwd=sets)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[-1] == "bad: 2 problems"
    assert lines[0].startswith("bad/claims/main.toml:4: claim fighters-crossed: speaker: ")
    assert lines[1].startswith(
        "bad/claims/main.toml:15: claim fighters-crossed: evidence.basis[0].quote: not in source"
    )
    assert "Traceback" not in done.stdout + done.stderr


def test_unreadable_set_exits_2_with_one_line_on_stderr(sets: Path) -> None:
    done = validate("broken", cwd=sets)
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("error: broken/topics.toml:")
    assert "bad TOML" in line
    missing = validate("nowhere", cwd=sets)
    assert missing.returncode == 2
    assert missing.stderr.strip() == "error: nowhere: no such file"


def test_json_output(sets: Path) -> None:
    done = validate("bad", "--json", cwd=sets)
    assert done.returncode == 1
    result = json.loads(done.stdout)
    assert result["path"] == "bad"
    assert result["valid"] is False
    assert result["counts"]["claims"] == 4
    first = result["problems"][0]
    assert first == {
        "file": "bad/claims/main.toml",
        "line": 4,
        "kind": "claim",
        "id": "fighters-crossed",
        "field": "speaker",
        "message": "unknown speaker 'nobody'",
        "severity": "error",
    }
    assert result["warnings"] == []


def test_several_paths_give_a_list_and_the_worst_exit_code(sets: Path) -> None:
    done = validate("good", "bad", "--json", cwd=sets)
    assert done.returncode == 1
    results = json.loads(done.stdout)
    assert [(r["path"], r["valid"]) for r in results] == [("good", True), ("bad", False)]
    assert results[0]["counts"] == {
        "sources": 3,
        "speakers": 4,
        "topics": 4,
        "claims": 4,
        "figures": 5,
    }
    assert results[0]["version"] == "1"
    done = validate("good", "broken", "bad", cwd=sets)
    assert done.returncode == 2
    assert "good: valid" in done.stdout
    assert "bad: 2 problems" in done.stdout


def test_no_path_checks_the_shipped_set(tmp_path: Path) -> None:
    default = validate("--json", cwd=PROJECT_ROOT)
    explicit = validate("seeds/claimset.toml", "--json", cwd=PROJECT_ROOT)
    assert default.returncode == explicit.returncode
    assert json.loads(default.stdout) == json.loads(explicit.stdout)
    assert json.loads(default.stdout)["path"] == "seeds/claimset.toml"
