"""One exit-code table for every subcommand: 0 done, 1 invalid data, 2 bad input or unusable file.

Each subcommand the parser knows must appear in ``INVOCATIONS`` (a new subcommand
without an entry fails here), and each is run in-process through :func:`bot.cli.main`
against a valid claim set, an invalid one, a missing one, a bad flag and a bad config.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from bot.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE, build_parser, main
from tests.conftest import create_database

MINI = Path(__file__).resolve().parents[1] / "data" / "mini"
ARTICLE = Path(__file__).resolve().parents[1] / "data" / "ingest" / "article.txt"

# argv of each subcommand that reaches its handler; "{claim}" is a claim id of the set.
INVOCATIONS: dict[str, list[str]] = {
    "validate": ["validate"],
    "claim": ["claim", "ministry"],
    "figures": ["figures", "deaths"],
    "evidence": ["evidence", "ministry"],
    "speaker": ["speaker", "president"],
    "source": ["source", "001"],
    "demo": ["demo", "figures", "deaths"],
    "status set": ["status", "set", "{claim}", "false", "a reason", "--by", "Ed"],
    "status clear": ["status", "clear", "{claim}", "--by", "Ed"],
    "status history": ["status", "history", "{claim}"],
    "status orphans": ["status", "orphans"],
    "note add": ["note", "add", "{claim}", "a note", "--by", "Ed"],
    "note list": ["note", "list", "{claim}"],
    "feedback": ["feedback"],
    "export": ["export", "--format", "csv"],
    "digest": ["digest"],
    "run": ["run"],
    "sync": ["sync", "--dry-run"],
    "ingest": ["ingest", str(ARTICLE)],
    "drafts list": ["drafts", "list"],
    "drafts show": ["drafts", "show", "d1"],
    "drafts accept": ["drafts", "accept", "d1", "--all", "--by", "Ed"],
    "drafts reject": ["drafts", "reject", "d1", "--all", "--by", "Ed"],
    "stories": ["stories"],
    "drafts edit": ["drafts", "edit", "d1", "{figure}", "--topic", "arrests", "--by", "Ed"],
}
# Commands that review a draft: the article is ingested first.
NEEDS_DRAFT = {"drafts show", "drafts accept", "drafts reject", "drafts edit"}
# Commands that never read the claim set (or, for run, only after the token check).
NO_CLAIMSET = {"sync"}
NEEDS_TOKEN = {"run"}


def subcommands(parser: argparse.ArgumentParser, prefix: str = "") -> list[str]:
    """Every leaf subcommand of ``parser``, as "status set"."""
    found: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                full = f"{prefix} {name}".strip()
                found.extend(subcommands(sub, full) or [full])
    return found


def first_figure_id() -> str:
    """The id of the first figure drafted from ARTICLE against the mini set."""
    from bot.claimset.loader import load_claimset
    from bot.ingest.drafting import draft_article

    text = ARTICLE.read_text(encoding="utf-8")
    return draft_article(text, load_claimset(MINI)).figures[0].id


def first_claim_id(root: Path) -> str:
    text = (root / "claims" / "main.toml").read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("id = "))
    return line.split('"')[1]


@pytest.fixture()
def sets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.chdir(tmp_path)  # no ./config.toml from the checkout
    for key in [k for k in __import__("os").environ if k.startswith("FACTDESK_")]:
        monkeypatch.delenv(key)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    good = tmp_path / "good"
    shutil.copytree(MINI, good)
    bad = tmp_path / "bad"
    shutil.copytree(MINI, bad)
    claims = bad / "claims" / "main.toml"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(text.replace('speaker = "president"', 'speaker = "nobody-at-all"'),
                      encoding="utf-8")
    config = tmp_path / "bad-config.toml"
    config.write_text("[discord]\nguild_ids = \"not a list\"\n", encoding="utf-8")
    return {"good": good, "bad": bad, "missing": tmp_path / "nowhere", "config": config}


def argv(name: str, claimset: Path, db: Path, claim: str) -> list[str]:
    args = [a.replace("{claim}", claim).replace("{figure}", first_figure_id())
            for a in INVOCATIONS[name]]
    if name == "validate":
        return [*args, str(claimset)]
    if name in NO_CLAIMSET:
        return args
    if name == "demo":  # the command's own words come last (they take the rest)
        return ["demo", "--claimset", str(claimset), "--db", str(db), *args[1:]]
    return [*args, "--claimset", str(claimset), "--db", str(db)]


def test_every_subcommand_is_in_the_table():
    assert sorted(subcommands(build_parser())) == sorted(INVOCATIONS)


@pytest.mark.parametrize("name", sorted(INVOCATIONS))
def test_exit_codes(name: str, sets: dict[str, Path], tmp_path: Path,
                    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    claim = first_claim_id(sets["good"])
    db = create_database(tmp_path / "desk.sqlite3")
    if name in NEEDS_TOKEN:
        assert main(argv(name, sets["good"], db, claim)) == EXIT_USAGE  # no token
        assert "DISCORD_TOKEN" in capsys.readouterr().err
        monkeypatch.setenv("DISCORD_TOKEN", "not-a-real-token")
        monkeypatch.setenv("FACTDESK_CLAIMSET_PATH", str(sets["bad"]))
        assert main(["run"]) == EXIT_INVALID
        monkeypatch.setenv("FACTDESK_CLAIMSET_PATH", str(sets["missing"]))
        assert main(["run"]) == EXIT_USAGE
        return
    if name in NEEDS_DRAFT:
        assert main(argv("ingest", sets["good"], db, claim)) == EXIT_OK
    if name not in NO_CLAIMSET:
        assert main(argv(name, sets["good"], db, claim)) == EXIT_OK, capsys.readouterr().err
        capsys.readouterr()
        assert main(argv(name, sets["bad"], db, claim)) == EXIT_INVALID
        err = capsys.readouterr()
        assert "nobody-at-all" in err.err + err.out and "Traceback" not in err.err
        assert main(argv(name, sets["missing"], db, claim)) == EXIT_USAGE
        err = capsys.readouterr().err
        assert err.startswith("error: ") and "Traceback" not in err
    else:
        assert main(argv(name, sets["good"], db, claim)) == EXIT_OK
    with pytest.raises(SystemExit) as bad_flag:
        main([*argv(name, sets["good"], db, claim)[:1], "--no-such-flag"])
    assert bad_flag.value.code == EXIT_USAGE
    capsys.readouterr()
    args = argv(name, sets["good"], db, claim)
    config = ["--config", str(sets["config"])]
    code = main([args[0], *config, *args[1:]] if name == "demo" else [*args, *config])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE and "guild_ids" in err and "Traceback" not in err


def test_an_unexpected_error_names_the_command_and_what_never_only_a_class():
    from bot.cli import _unexpected

    args = build_parser().parse_args(["export", "--format", "csv"])
    assert _unexpected(args, IsADirectoryError(21, "Is a directory", "out")) == (
        "export: unexpected IsADirectoryError (out): Is a directory")
    assert _unexpected(args, OverflowError()) == "export: unexpected OverflowError: no details"


def test_a_limit_sqlite_cannot_hold_is_a_usage_error_not_an_overflow(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["feedback", "--limit", str(10**20)])
    assert exit_.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert "--limit must be between 1 and 100" in err and "OverflowError" not in err
