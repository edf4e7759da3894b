"""`python -m bot claim|figures|evidence|speaker|source QUERY [--json] [--limit N] [--full]`.

``figures ... --chart FILE.png`` also writes the answer's chart (:mod:`bot.rendering.chart`).

Readable text by default (:mod:`bot.rendering.text`); ``--json`` prints
``answer.model_dump(mode="json")``, the documented contract (README, "JSON contract").
Answers come from the desk (:mod:`bot.desk`): the editors' rulings and notes from the
configured database show exactly as in Discord. Exit codes: :mod:`bot.cli`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bot.answers.engine import STATUSES, Factdesk
from bot.answers.models import ClaimList, EvidenceAnswer, FiguresAnswer
from bot.cli import UsageError
from bot.cli.common import add_desk_options, emit, with_desk
from bot.desk import Desk, StoreMode
from bot.errors import QueryError
from bot.rendering.text import LISTINGS, render

log = logging.getLogger(__name__)

Answer = ClaimList | FiguresAnswer | EvidenceAnswer

COMMANDS: dict[str, str] = {
    "claim": "search claims: statements, quotes, speakers (any spelling), outlets, topics",
    "figures": "every figure for a topic: the verdict per scope, then the figures",
    "evidence": "status, independent origins and attribution of the best-matching claim",
    "speaker": "every claim by a speaker (any spelling, typos forgiven)",
    "source": "every claim from a source (id 003, file name, outlet or headline words)",
}
DEFAULT_LIMITS = {"claim": 5, "speaker": 25, "source": 25}


def ask(engine: Factdesk, command: str, query: str, limit: int | None = None, *,
        via: str | None = None, status: str | None = None, relations: bool = False) -> Answer:
    """Run one command on the engine. Raises QueryError for an empty query (a /claim
    with a ``via`` or ``status`` filter may have no words: every claim that passes);
    ``relations``: /figures relates every pair too."""
    if command == "figures":
        return engine.figures(query, relations=relations)
    if command == "evidence":
        return engine.evidence(query)
    n = DEFAULT_LIMITS[command] if limit is None else limit
    if command == "claim":
        return engine.claim(query, limit=n, via=via, status=status)
    if command == "speaker":
        return engine.speaker(query, limit=n)
    if command == "source":
        return engine.source(query, limit=n)
    raise QueryError(f"unknown command {command!r}: one of {', '.join(COMMANDS)}")


def limit_arg(text: str) -> int:
    """--limit N: a whole number from 1 to 100 (argparse reports anything else, exit 2)."""
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
        parser.add_argument("query", nargs="*" if command == "claim" else "+", metavar="QUERY",
                            help="words to look for")
        if command == "claim":
            parser.add_argument("--via", default=None, metavar="NAME",
                                help="only claims resting on this relay or outlet (Reuters, TASS)")
            parser.add_argument("--status", default=None, metavar="STATUS",
                                help=f"only claims with this status: {', '.join(STATUSES)}")
        if command in LISTINGS:
            parser.add_argument("--full", action="store_true",
                                help="every claim in full (default: one line per claim)")
        if command in DEFAULT_LIMITS:
            parser.add_argument(
                "--limit",
                type=limit_arg,
                default=None,
                help=f"at most N claims (default {DEFAULT_LIMITS[command]})",
            )
        if command == "figures":
            parser.add_argument("--chart", type=Path, metavar="FILE.png", default=None,
                                help="also write the chart of the figures as a PNG")
            parser.add_argument("--relations", action="store_true",
                                help="also say how each pair of figures relates")
        add_desk_options(parser)
        parser.set_defaults(handler=run, answer_command=command)


def run(args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    via, status = getattr(args, "via", None), getattr(args, "status", None)
    if not query.strip() and not (via or status):
        raise UsageError(f"{args.answer_command}: empty query: type a few words")

    async def work(desk: Desk) -> Answer:
        try:
            return ask(desk.engine, args.answer_command, query, getattr(args, "limit", None),
                       via=via, status=status, relations=getattr(args, "relations", False))
        except QueryError as exc:
            raise UsageError(f"{args.answer_command}: {exc}") from None

    answer = with_desk(args, work, store=StoreMode.IF_EXISTS)
    emit(args, answer, render(answer, full=getattr(args, "full", False)))
    chart_to = getattr(args, "chart", None)
    if chart_to is not None and isinstance(answer, FiguresAnswer):
        write_chart(answer, chart_to)
    return 0


def write_chart(answer: FiguresAnswer, path: Path) -> None:
    """Write the answer's chart to ``path``; no figures: a note on stderr, nothing written."""
    from bot.rendering.chart import render_png

    if not answer.figures:
        print(f"figures: no chart written: no figures for {answer.query!r}", file=sys.stderr)
        return
    png = render_png(answer)
    try:
        path.write_bytes(png)
    except OSError as exc:
        raise UsageError(f"figures: --chart {path}: cannot write: {exc.strerror}") from None
    log.info("chart written to %s (%d bytes)", path, len(png))
