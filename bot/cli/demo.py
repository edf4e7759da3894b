"""`python -m bot demo [COMMAND QUERY...]`: the bot's commands in a local console.

A reporter types what they would type in Discord: ``/figures death toll``,
``/claim tokaev coup`` (the slash is optional), ``help``, ``quit``; ``--json`` after any
command prints the answer object. Besides the answering commands it reads the desk's
record: ``/notes CLAIM``, ``/status history CLAIM``, ``/digest [--since DATE]``. Answers
are the same text the CLI prints (:mod:`bot.rendering.text`), from the same desk
(:mod:`bot.desk`), so the editors' rulings and notes show as in Discord.

- With arguments (``python -m bot demo figures arrests``) it runs that one command and
  exits with its code.
- Interactive (stdin is a terminal): a prompt with readline history kept in
  ``~/.factdesk_history`` (none when that file cannot be written).
- Otherwise it reads commands from stdin, one per line, and exits at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from bot.cli.answers import COMMANDS, ask
from bot.cli.common import (
    DeskSession,
    add_desk_options,
    db_must_exist,
    scope_of,
    settings_from,
)
from bot.cli.digest import digest_since
from bot.cli.terminal import printable
from bot.desk import Desk, StoreMode
from bot.errors import FactdeskError
from bot.record.editorial import StatusHistory, claim_notes, unknown_claim
from bot.rendering.digest import render_digest_text
from bot.rendering.editorial import render_history, render_notes
from bot.rendering.text import render

log = logging.getLogger(__name__)

HISTORY_FILE = Path("~/.factdesk_history")
QUIT = {"quit", "exit", "q", ":q"}
EXAMPLES = (
    "/figures death toll",
    "/figures arrests",
    "/claim tokaev coup",
    "/evidence thousands of jihadists",
    "/speaker Qasim Jomart Tokayev",
    "/source 003",
    "/claim coup --status disputed",
    "how many people were arrested",
)


CONSOLE_COMMANDS: dict[str, str] = {
    **COMMANDS,
    "notes": "the editors' notes on a claim (claim id)",
    "status": "status history CLAIM: the audit trail of a claim's editorial status",
    "digest": "the digest: what is new [--since YYYY-MM-DD]",
    "story": "story list: the stories; story use ID: answer from that story from now on",
}


def help_text() -> str:
    lines = ["commands (the slash is optional; --limit N on claim/speaker/source, "
             "--full on speaker/source, --json and --story ID on any):"]
    lines += [f"  /{name:<9} {what}" for name, what in CONSOLE_COMMANDS.items()]
    lines += ["  help       this list", "  quit       leave (also Ctrl-D)",
              "  a plain question without a command goes to the command that answers it",
              "  (how many people died -> /figures; is there evidence ... -> /evidence;",
              "  anything else -> /claim; /claim takes --via NAME and --status STATUS)",
              "examples:"]
    lines += [f"  {e}" for e in EXAMPLES]
    return "\n".join(lines)


class ConsoleError(FactdeskError):
    """A line the console cannot run: printed as one line, exit code 2."""


def _take_flag(words: list[str], flag: str) -> bool:
    if flag in words:
        words.remove(flag)
        return True
    return False


def _take_value(words: list[str], flag: str) -> str | None:
    if flag not in words:
        return None
    i = words.index(flag)
    if i + 1 >= len(words):
        raise ConsoleError(f"{flag} needs a value")
    value = words[i + 1]
    del words[i : i + 2]
    return value


def _limit(words: list[str]) -> int | None:
    value = _take_value(words, "--limit")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise ConsoleError("--limit needs a whole number") from None


def answer_line(session: DeskSession, command: str, rest: list[str]) -> tuple[Any, str]:
    """Run one console command on the desk: (the answer object, its text)."""
    desk = session.desk
    story = _take_value(rest, "--story")
    if story is not None:  # this line only
        assert desk.stories is not None
        desk = session.run(desk.stories.desk(story, desk.scope.guild))
    if command == "story":
        return story_command(session, desk, rest)
    if command in COMMANDS:
        limit = _limit(rest)
        full = _take_flag(rest, "--full")
        via = _take_value(rest, "--via")
        status = _take_value(rest, "--status")
        relations = _take_flag(rest, "--relations")
        answer = ask(desk.engine, command, " ".join(rest), limit, via=via, status=status,
                     relations=relations)
        return answer, render(answer, full=full)
    if command in {"notes", "note"}:
        if len(rest) != 1:
            raise ConsoleError("notes needs one claim id: /notes CLAIM")
        notes = session.run(claim_notes(desk.editorial, desk.claimset, rest[0]))
        return notes, render_notes(notes)
    if command == "status":
        if len(rest) != 2 or rest[0] != "history":
            raise ConsoleError("usage: /status history CLAIM (editors set statuses in "
                               "Discord or with `python -m bot status set`)")
        history = session.run(status_history(desk, rest[1]))
        return history, render_history(history)
    if command == "digest":
        since_text = _take_value(rest, "--since")
        if rest:
            raise ConsoleError("usage: /digest [--since YYYY-MM-DD]")
        try:
            since = dt.date.fromisoformat(since_text) if since_text else None
        except ValueError:
            raise ConsoleError(f"--since {since_text!r} is not a date (YYYY-MM-DD)") from None
        digest = session.run(digest_since(desk, since))
        return digest, render_digest_text(digest)
    raise ConsoleError(f"unknown command {command!r}; type help")


def story_command(session: DeskSession, desk: Desk, rest: list[str]) -> tuple[Any, str]:
    """``/story list`` and ``/story use ID`` (the console's story from now on)."""
    stories = desk.stories
    assert stories is not None
    if rest == ["list"] or not rest:
        listing = session.run(stories.listing())
        for info in listing.stories:
            info.default = info.id == desk.scope.story
        return listing, stories.text(listing)
    if len(rest) == 2 and rest[0] == "use":
        session.desk = session.run(stories.desk(rest[1], desk.scope.guild))
        listing = session.run(stories.listing())
        info = next(i for i in listing.stories if i.id == session.desk.scope.story)
        return info, f"Answering from story {info.id}: {info.title} ({info.claims} claims)."
    raise ConsoleError("usage: /story list, or /story use ID")


# A line that starts with none of the commands is a question: how it is routed.
_FIGURE_WORDS = ("how many", "how much", "death toll", "number of", "toll")
_EVIDENCE_WORDS = ("evidence", "proof", "is it true", "backed", "confirmed")


def route(line: str) -> str:
    """The command a plain question goes to: figures for a count ("how many people
    died", "7,939"), evidence for "is there evidence ...", else claim."""
    text = " ".join(line.lower().split())
    if text.startswith(_FIGURE_WORDS) or any(f" {w}" in f" {text}" for w in _FIGURE_WORDS[2:]):
        return "figures"
    if any(w.isdigit() for w in text.replace(",", "").split()) and len(text.split()) <= 3:
        return "figures"
    if any(w in text for w in _EVIDENCE_WORDS):
        return "evidence"
    return "claim"


def execute(session: DeskSession, line: str, out: TextIO, err: TextIO | None = None) -> int | None:
    """Run one typed line; returns its exit code, or None to quit. Errors go to ``err``."""
    err = err or out
    words = line.strip().split()
    if not words:
        return 0
    command = words[0].lstrip("/").lower()
    if command in QUIT:
        return None
    if command in {"help", "?", "h"}:
        print(help_text(), file=out)
        return 0
    rest = words[1:]
    if command not in CONSOLE_COMMANDS and command not in {"note"} and not words[0].startswith("/"):
        command = route(line)
        rest = words[:]
        print(f"(as /{command} {' '.join(w for w in rest if not w.startswith('--'))})",
              file=err)
    as_json = _take_flag(rest, "--json")
    try:
        answer, text = answer_line(session, command, rest)
    except FactdeskError as exc:
        print(printable(f"error: {command}: {exc}"), file=err)
        return 2
    if as_json:
        print(json.dumps(answer.model_dump(mode="json"), ensure_ascii=False, indent=2), file=out)
    else:
        print(printable(text), file=out)
    return 0


async def status_history(desk: Desk, claim_id: str) -> StatusHistory:
    """A claim's audit trail; no database means an empty one (nothing was ever ruled)."""
    if desk.editorial is not None:
        return await desk.editorial.history(claim_id)
    claim = desk.claimset.claims.get(claim_id.strip())
    if claim is None:
        raise unknown_claim(claim_id.strip(), desk.claimset.claims)
    return StatusHistory(claim_id=claim.id, statement=claim.statement,
                         derived_status=claim.evidence.status, editorial=None)


def _setup_history() -> str | None:
    """readline history in ~/.factdesk_history; None when readline or the file is unusable."""
    try:
        import readline
    except ImportError:  # pragma: no cover - platform without readline
        return None
    path = HISTORY_FILE.expanduser()
    try:
        if path.exists():
            readline.read_history_file(path)
        else:
            path.touch()
        if not os.access(path, os.W_OK):
            return None
    except OSError:
        return None
    readline.set_history_length(1000)
    return str(path)


def _save_history(path: str | None) -> None:
    if path is None:
        return
    try:
        import readline

        readline.write_history_file(path)
    except OSError:
        log.debug("history not saved", exc_info=True)


def banner(session: DeskSession) -> str:
    claimset = session.desk.claimset
    counts = claimset.counts()
    return (
        f"Factdesk demo: {claimset.manifest.title} ({counts['claims']} claims, "
        f"{counts['figures']} figures, {counts['sources']} sources)."
    )


def interactive(session: DeskSession) -> int:
    history = _setup_history()
    print(printable(f"{banner(session)} Type help, or quit."))
    try:
        while True:
            try:
                line = input("factdesk> ")
            except EOFError:
                print()
                return 0
            except KeyboardInterrupt:
                print()
                continue
            if execute(session, line, sys.stdout) is None:
                return 0
    finally:
        _save_history(history)


def batch(session: DeskSession, lines: Iterable[str], out: TextIO) -> int:
    """Commands line by line (stdin not a terminal); the worst exit code wins.

    No command at all (``make demo </dev/null``) prints what the console is and how
    to give it commands, instead of nothing.
    """
    worst = 0
    ran = False
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        ran = True
        print(printable(f"> {line.strip()}"), file=out)
        code = execute(session, line, out)
        if code is None:
            break
        worst = max(worst, code)
        print(file=out)
    if not ran:
        print(f"{printable(banner(session))}\nNo commands on standard input. Run `make demo` in a "
              "terminal for the prompt, give one command (`python -m bot demo figures "
              "arrests`), or pipe commands one per line "
              "(`printf '/figures arrests\\n' | python -m bot demo`).\n", file=out)
        print(help_text(), file=out)
    return worst


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="the bot's commands in a local console over the seed claim set",
        description="Type commands as in Discord (/figures death toll, /claim tokaev coup), "
        "or give one command as arguments to run it and exit.",
    )
    parser.add_argument("words", nargs=argparse.REMAINDER, metavar="COMMAND QUERY ...",
                        help="run one command (its own flags, --limit, --json, after it)")
    add_desk_options(parser, json_flag=False)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with DeskSession(
        settings_from(args), StoreMode.IF_EXISTS, must_exist=db_must_exist(args),
        **scope_of(args),
    ) as session:
        if args.words:
            return execute(session, " ".join(args.words), sys.stdout, sys.stderr) or 0
        if sys.stdin.isatty():
            return interactive(session)
        return batch(session, sys.stdin, sys.stdout)
