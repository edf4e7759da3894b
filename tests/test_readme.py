"""Every example in README.md runs: its TOML blocks validate, its commands do what it says.

The examples are read from README.md itself, so an edit there is tested as written:

- the ```toml blocks (a new source, claim, figure) are added to a copy of the shipped
  claim set, with the article they quote (tests/data/readme/), and checked by the real
  ``python -m bot validate``;
- every command in a shell block, and every inline ``python -m bot ...`` / ``make ...``
  in the prose, is run as a subprocess through bash, as a reader would type it, against a
  copy of the claim set and a temporary database (``[--opt]`` runs once without and once
  with the optional parts; ``ID`` and ``PATH`` become a guild id and the copy). It must
  exit 0; with ``--json`` print JSON; with ``--out FILE`` write FILE. ``run`` and ``sync``
  without ``--dry-run`` need a Discord token: only their ``--help`` is run, and must
  name every flag the README gives them. ``make`` targets are dry-run (``make -n``), except
  ``make demo``, which is run.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.paths import PROJECT_ROOT, SEEDS_DIR
from tests.story_sets import five_article_story

README = PROJECT_ROOT / "README.md"
ARTICLES = PROJECT_ROOT / "tests" / "data" / "readme"
GUILD_ID = "123456789012345678"
TIMEOUT = 120

# Commands a reader types: the bot, make, a pipe into the bot, pytest.
COMMAND = re.compile(r"^(?:\.venv/bin/)?(?:python3?|make|printf|pytest|export)\b")
# The same in inline code, where a lone word (`export`, `run`) names a command, not an example.
INLINE_COMMAND = re.compile(r"^(?:(?:\.venv/bin/)?python3? -m |make |printf .*\| |pytest )")
# Where each kind of TOML example goes in a claim set (file appended to, or a new file).
TOML_TARGETS = {
    "sources": "sources/sources.toml",
    "speakers": "speakers.toml",
    "topics": "topics.toml",
    "claims": "claims/zz_readme.toml",
    "figures": "figures/zz_readme.toml",
}


@dataclass(frozen=True)
class Block:
    lang: str
    line: int  # 1-based line of the opening fence
    text: str


def fenced_blocks(markdown: str) -> list[Block]:
    """The fenced code blocks, dedented by their fence's indentation."""
    blocks: list[Block] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        opening = re.match(r"^(\s*)```([\w-]*)\s*$", lines[i])
        if not opening:
            i += 1
            continue
        indent, lang = len(opening.group(1)), opening.group(2)
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not re.match(r"^\s*```\s*$", lines[j]):
            body.append(lines[j][indent:] if lines[j][:indent].isspace() else lines[j])
            j += 1
        assert j < len(lines), f"README.md:{i + 1}: unclosed code block"
        blocks.append(Block(lang, i + 1, "\n".join(body) + "\n"))
        i = j + 1
    return blocks


def prose(markdown: str) -> str:
    """README.md without its fenced blocks, each line kept where it was (blank instead)."""
    out: list[str] = []
    inside = False
    for line in markdown.splitlines():
        if re.match(r"^\s*```", line):
            inside = not inside
            out.append("")
        else:
            out.append("" if inside else line)
    return "\n".join(out)


def inline_commands(markdown: str) -> list[tuple[int, str]]:
    """``python -m bot ...``, ``make ...`` and the like in inline code, with their line."""
    text = prose(markdown)
    found: list[tuple[int, str]] = []
    # Inline code may wrap onto the next line; its line is where it starts.
    for match in re.finditer(r"`([^`]+)`", text):
        code = " ".join(match.group(1).split())
        if INLINE_COMMAND.match(code):
            found.append((text.count("\n", 0, match.start()) + 1, code))
    return found


def is_command_block(block: Block) -> bool:
    first = next((ln for ln in block.text.splitlines() if ln.strip()), "")
    return block.lang in {"sh", "bash", "shell", "console"} or bool(COMMAND.match(first))


def command_lines(text: str) -> list[str]:
    """Logical lines: continuations joined, blank lines dropped."""
    joined = text.replace("\\\n", " ")
    return [" ".join(line.split()) for line in joined.splitlines() if line.strip()]


def strip_comment(command: str) -> tuple[str, str]:
    """(command, comment): a ``#`` after whitespace, outside quotes, starts a comment."""
    quote = ""
    for i, ch in enumerate(command):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or command[i - 1].isspace()):
            return command[:i].rstrip(), command[i + 1 :].strip()
    return command, ""


OPTIONAL = re.compile(r"\s*\[([^\[\]]*)\]")


def variants(command: str) -> list[str]:
    """``[--opt]`` parts left out, then all put in (one run when there are none)."""
    bare = OPTIONAL.sub("", command)
    full = OPTIONAL.sub(lambda m: " " + m.group(1), command)
    return [bare] if bare == full else [bare, full]


def _shim(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    path.chmod(0o755)


@dataclass
class Sandbox:
    """A working folder with a copy of the claim set, its own database and HOME."""

    root: Path
    cwd: Path
    claimset: Path
    env: dict[str, str]

    def bash(self, command: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-c", command],
            cwd=cwd or self.cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    """The README's commands run over a copy of the shipped seeds."""
    claimset = tmp_path / "work" / "seeds"
    shutil.copytree(SEEDS_DIR, claimset)
    return _sandbox(tmp_path, claimset)


@pytest.fixture
def story_sandbox(tmp_path: Path) -> Sandbox:
    """The README's TOML examples are added to the five-article story, not to the seeds:
    a desk's own article 005 in seeds/ must not collide with the example's 005."""
    return _sandbox(tmp_path, five_article_story(tmp_path / "work" / "seeds"))


def _sandbox(tmp_path: Path, claimset: Path) -> Sandbox:
    cwd = tmp_path / "work"
    # `python ...` and `.venv/bin/python ...` as typed in the README run this interpreter.
    _shim(tmp_path / "bin" / "python")
    _shim(tmp_path / "bin" / "python3")
    _shim(cwd / ".venv" / "bin" / "python")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("FACTDESK_") and k not in {"DISCORD_TOKEN", "PYTHONPATH"}
    }
    (tmp_path / "home").mkdir()
    env.update(
        PATH=f"{tmp_path / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        PYTHONPATH=str(PROJECT_ROOT),
        HOME=str(tmp_path / "home"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        FACTDESK_CLAIMSET_PATH=str(claimset / "claimset.toml"),
        FACTDESK_DATABASE_PATH=str(cwd / "factdesk.sqlite3"),
    )
    return Sandbox(tmp_path, cwd, claimset, env)


def _report(command: str, done: subprocess.CompletedProcess[str]) -> str:
    return (
        f"$ {command}\nexit {done.returncode}\n"
        f"--- stdout ---\n{done.stdout[-3000:]}\n--- stderr ---\n{done.stderr[-3000:]}"
    )


def needs_token(command: str) -> bool:
    words = command.split()
    if "bot" not in words:
        return False
    sub = words[words.index("bot") + 1 : words.index("bot") + 2]
    return sub == ["run"] or (sub == ["sync"] and "--dry-run" not in words)


def check_help_only(box: Sandbox, line: str) -> None:
    """A command that needs a token: its --help runs and names every flag given."""
    command, comment = strip_comment(line)
    words = command.split()
    sub = words[words.index("bot") + 1]
    done = box.bash(f"python -m bot {sub} --help")
    assert done.returncode == 0, _report(f"python -m bot {sub} --help", done)
    for flag in re.findall(r"(?<![\w-])--[a-z][a-z-]*", f"{command} {comment}"):
        assert flag in done.stdout, f"README: `{line}`: `{sub} --help` has no {flag}"


def check_make(box: Sandbox, line: str) -> None:
    """``make demo ...`` runs (the venv taken as built); other targets are dry-run."""
    command, _ = strip_comment(line)
    args = shlex.split(command)[1:]
    dry = [] if args and args[0] == "demo" else ["-n"]
    argv = ["make", *dry, "-o", ".venv/.installed", *args]
    done = box.bash(shlex.join(argv), cwd=PROJECT_ROOT)
    assert done.returncode == 0, _report(shlex.join(argv), done)


def check_pytest(box: Sandbox, line: str) -> None:
    """``pytest -m "not e2e"`` selects the suite without the end-to-end tests."""
    command, _ = strip_comment(line)
    args = shlex.split(command)[1:]
    argv = [sys.executable, "-m", "pytest", *args, "--collect-only", "-q", "-p", "no:cacheprovider"]
    done = box.bash(shlex.join(argv), cwd=PROJECT_ROOT)
    assert done.returncode == 0, _report(shlex.join(argv), done)
    if "not e2e" in args:
        assert "tests/e2e/" not in done.stdout, _report(shlex.join(argv), done)


def run_command(box: Sandbox, line: str) -> None:
    command, _ = strip_comment(line)
    if not command or command.startswith("export "):
        return  # environment set-up (the token): the sandbox never has a real one
    if needs_token(command):
        check_help_only(box, line)
        return
    if command.startswith("make "):
        check_make(box, line)
        return
    if command.startswith("pytest "):
        check_pytest(box, line)
        return
    command = re.sub(r"\bPATH\b", shlex.quote(str(box.claimset)), command)
    command = re.sub(r"\bID\b", GUILD_ID, command)
    for variant in variants(command):
        done = box.bash(variant)
        assert done.returncode == 0, _report(variant, done)
        words = variant.split()
        if "--json" in words and "|" not in words:
            try:
                json.loads(done.stdout)
            except ValueError:
                pytest.fail(f"--json printed no JSON\n{_report(variant, done)}")
        if "--out" in words:
            out = box.cwd / words[words.index("--out") + 1]
            assert out.is_file() and out.stat().st_size > 0, _report(variant, done)


MARKDOWN = README.read_text(encoding="utf-8")
BLOCKS = fenced_blocks(MARKDOWN)
COMMAND_BLOCKS = [b for b in BLOCKS if b.lang != "toml" and is_command_block(b)]
# A TOML block of settings (config.toml: [[stories]], [claimset]...), not of claim-set records.
CONFIG_BLOCKS = [b for b in BLOCKS if b.lang == "toml"
                 and not set(tomllib.loads(b.text)) & set(TOML_TARGETS)]
TOML_BLOCKS = [b for b in BLOCKS if b.lang == "toml" and b not in CONFIG_BLOCKS]
UNIT_BLOCKS = [b for b in BLOCKS if b.lang == "ini"]  # systemd units
INLINE = inline_commands(MARKDOWN)


def test_the_readme_has_examples_of_each_kind() -> None:
    assert len(TOML_BLOCKS) >= 3
    assert len(COMMAND_BLOCKS) >= 4
    assert len(INLINE) >= 10
    # A block that is neither TOML nor commands is the map of the tree, nothing else.
    others = [b for b in BLOCKS if b not in TOML_BLOCKS and b not in COMMAND_BLOCKS
              and b not in UNIT_BLOCKS and b not in CONFIG_BLOCKS]
    for block in others:
        assert block.text.lstrip().startswith("seeds/"), (
            f"README.md:{block.line}: a code block this test does not know how to run"
        )


@pytest.mark.parametrize("block", COMMAND_BLOCKS, ids=lambda b: f"README.md:{b.line}")
def test_command_block_runs(block: Block, sandbox: Sandbox) -> None:
    """The commands of one block run in order, in one sandbox (status set, then history)."""
    for line in command_lines(block.text):
        run_command(sandbox, line)


@pytest.mark.parametrize(
    "command", [c for _, c in INLINE], ids=[f"README.md:{n}: {c}" for n, c in INLINE]
)
def test_inline_command_runs(command: str, sandbox: Sandbox) -> None:
    run_command(sandbox, command)


def _add_toml_examples(claimset: Path) -> list[str]:
    """Add every TOML example to the claim set copy, and the articles they quote."""
    kinds: list[str] = []
    for block in TOML_BLOCKS:
        parsed = tomllib.loads(block.text)
        assert len(parsed) == 1, f"README.md:{block.line}: one kind of record per example"
        (kind,) = parsed
        assert kind in TOML_TARGETS, f"README.md:{block.line}: unknown example [[{kind}]]"
        target = claimset / TOML_TARGETS[kind]
        before = target.read_text(encoding="utf-8") if target.exists() else ""
        target.write_text(before + "\n" + block.text, encoding="utf-8")
        kinds.append(kind)
        for source in parsed.get("sources", []):
            shutil.copy(ARTICLES / source["file"], claimset / "sources" / source["file"])
    return kinds


def test_toml_examples_pass_validate(story_sandbox: Sandbox) -> None:
    """The new source, claim and figure of "Editing the claim set", together, are valid."""
    sandbox = story_sandbox
    kinds = _add_toml_examples(sandbox.claimset)
    assert {"sources", "claims", "figures"} <= set(kinds)
    command = f"python -m bot validate {shlex.quote(str(sandbox.claimset))}"
    done = sandbox.bash(command)
    assert done.returncode == 0, _report(command, done)


def test_toml_examples_are_answered(story_sandbox: Sandbox) -> None:
    """Once valid, the new claim and figure are what the bot answers with."""
    sandbox = story_sandbox
    _add_toml_examples(sandbox.claimset)
    claims = [c for b in TOML_BLOCKS for c in tomllib.loads(b.text).get("claims", [])]
    figures = [f for b in TOML_BLOCKS for f in tomllib.loads(b.text).get("figures", [])]
    for claim in claims:
        command = f"python -m bot claim {shlex.quote(claim['statement'])} --json"
        done = sandbox.bash(command)
        assert done.returncode == 0, _report(command, done)
        ids = [r["id"] for r in json.loads(done.stdout)["results"]]
        assert claim["id"] in ids, _report(command, done)
    for figure in figures:
        command = f"python -m bot figures {figure['topic']} --json"
        done = sandbox.bash(command)
        assert done.returncode == 0, _report(command, done)
        answer = json.loads(done.stdout)
        mine = [f for f in answer["figures"] if f["id"] == figure["id"]]
        assert mine, _report(command, done)
        assert mine[0]["as_of"] == figure["as_of"].isoformat()


@pytest.mark.parametrize("block", CONFIG_BLOCKS, ids=lambda b: f"README.md:{b.line}")
def test_config_examples_are_settings_the_bot_runs_with(block: Block, sandbox: Sandbox) -> None:
    """A config.toml example, in a folder beside the checkout's seeds/ and tests/ (its
    relative paths are the checkout's): `python -m bot stories` loads every story of it."""
    folder = sandbox.root / "config-example"
    folder.mkdir()
    for name in ("seeds", "tests"):
        (folder / name).symlink_to(PROJECT_ROOT / name)
    (folder / "config.toml").write_text(block.text, encoding="utf-8")
    command = f"python -m bot stories --json --config {shlex.quote(str(folder / 'config.toml'))}"
    done = sandbox.bash(command)
    assert done.returncode == 0, _report(command, done)
    listed = [s["id"] for s in json.loads(done.stdout)["stories"]]
    assert listed == [s["id"] for s in tomllib.loads(block.text).get("stories", [])]


@pytest.mark.parametrize("block", UNIT_BLOCKS, ids=lambda b: f"line{b.line}")
def test_unit_examples_name_real_flags_and_settings(block: Block, sandbox: Sandbox) -> None:
    """A systemd unit: ``ExecStart`` runs ``python -m bot run`` with flags it has, and
    every variable of ``Environment`` is a setting the bot reads."""
    import configparser

    from bot.settings import _env_names

    unit = configparser.ConfigParser(interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string(block.text)
    start = unit["Service"]["ExecStart"]
    assert " -m bot run" in start, f"README.md:{block.line}: ExecStart does not run the bot"
    check_help_only(sandbox, start[start.index("python"):])
    names = [pair.split("=", 1)[0] for pair in unit["Service"]["Environment"].split()]
    unknown = [n for n in names if n not in _env_names()]
    assert names and not unknown, f"README.md:{block.line}: unknown settings {unknown}"
