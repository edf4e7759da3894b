"""`python -m bot claim|figures|evidence|speaker|source QUERY [--json] [--limit N]`.

Readable text by default (:mod:`bot.rendering.text`); ``--json`` prints
``answer.model_dump(mode="json")``, the documented contract (README, "JSON contract").
Exit 0 with an answer (also "no match", which lists the nearest suggestions); 2 for an
empty query or an unreadable claim set; 1 for an invalid claim set.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from bot.answers.engine import Factdesk
from bot.answers.models import ClaimList, EvidenceAnswer, FiguresAnswer
from bot.claimset.loader import ClaimSetInvalid, load_claimset
from bot.cli import UsageError
from bot.errors import FactdeskError, QueryError
from bot.paths import DEFAULT_CLAIMSET
from bot.rendering.text import render

log = logging.getLogger(__name__)

Answer = ClaimList | FiguresAnswer | EvidenceAnswer

COMMANDS: dict[str, str] = {
    "claim": "search claims: statements, quotes, speakers (any spelling), outlets, topics",
    "figures": "every figure for a topic, side by side, and how they relate",
    "evidence": "status, independent origins and attribution of the best-matching claim",
    "speaker": "every claim by a speaker (any spelling, typos forgiven)",
    "source": "every claim from a source (id 003, file name, outlet or headline words)",
}
DEFAULT_LIMITS = {"claim": 5, "speaker": 25, "source": 25}


def ask(engine: Factdesk, command: str, query: str, limit: int | None = None) -> Answer:
    """Run one command on the engine. Raises QueryError for an empty query."""
    if command == "figures":
        return engine.figures(query)
    if command == "evidence":
        return engine.evidence(query)
    n = DEFAULT_LIMITS[command] if limit is None else limit
    if command == "claim":
        return engine.claim(query, limit=n)
    if command == "speaker":
        return engine.speaker(query, limit=n)
    if command == "source":
        return engine.source(query, limit=n)
    raise QueryError(f"unknown command {command!r}: one of {', '.join(COMMANDS)}")


def load_engine(path: Path | None) -> Factdesk:
    """The engine over the claim set at ``path``; invalid or unreadable -> one-line error."""
    try:
        return Factdesk(load_claimset(path or DEFAULT_CLAIMSET))
    except ClaimSetInvalid as exc:
        first = exc.problems[0] if exc.problems else exc
        raise UsageError(
            f"the claim set is invalid ({len(exc.problems)} problems, see `python -m bot "
            f"validate`): {first}"
        ) from None
    except FactdeskError as exc:  # unreadable: one line naming the file
        raise UsageError(str(exc)) from None


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--limit must be a whole number, not {text!r}") from None
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError(f"--limit must be between 1 and 100, not {value}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    for command, help_text in COMMANDS.items():
        parser = subparsers.add_parser(command, help=help_text, description=help_text)
        parser.add_argument("query", nargs="+", metavar="QUERY", help="words to look for")
        parser.add_argument("--json", action="store_true", help="print the answer as JSON")
        if command in DEFAULT_LIMITS:
            parser.add_argument(
                "--limit",
                type=_limit,
                default=None,
                help=f"at most N claims (default {DEFAULT_LIMITS[command]})",
            )
        parser.add_argument(
            "--claimset",
            type=Path,
            default=None,
            metavar="PATH",
            help="claimset.toml or its directory (default: the shipped claim set)",
        )
        parser.set_defaults(handler=run, answer_command=command)


def run(args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    if not query.strip():
        raise UsageError(f"{args.answer_command}: empty query: type a few words")
    engine = load_engine(args.claimset)
    try:
        answer = ask(engine, args.answer_command, query, getattr(args, "limit", None))
    except QueryError as exc:
        raise UsageError(f"{args.answer_command}: {exc}") from None
    if args.json:
        json.dump(answer.model_dump(mode="json"), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(render(answer))
    return 0
