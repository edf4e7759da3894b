"""``python -m bench.real``: reporter queries over the seed claim set, engines side by side.

The queries (``bench/real_queries.toml``) were judged by hand from the articles before
any engine ran. Each engine gets every query and answers its top 5 (``search``); a
query is *found* when one of its right answers is among them, and a ``none`` query is
answered right when the engine returns nothing ("no match"). Engines: Factdesk (the
real loader and engine), SQLite FTS5 (porter tokenizer, words ORed, bm25) and a plain
rapidfuzz scan (``WRatio``), the adapters of :mod:`bench.engines`.

Slices: within each kind the queries alternate ``tune``, ``held``, ``tune``...; the
held half is the one not looked at while tuning. A query may name its slice
(``half = "fresh"`` to ``"fresh7"``: written later, judged before any
engine ran, never tuned on);
those do not take part in the alternation. ``--misses`` lists what an engine got wrong
(for the tune half only, unless ``--half`` says otherwise).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tomllib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.engines import Engine, make

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "bench" / "real_queries.toml"
SEEDS = ROOT / "seeds"
KINDS = ("exact", "paraphrase", "question", "typo", "name", "number", "multi")
KIND_LABELS = {
    "exact": "exact words of a quote",
    "paraphrase": "paraphrase, synonyms",
    "question": "questions in plain words",
    "typo": "typos, transliterations",
    "name": "a name alone",
    "number": "numbers",
    "multi": "several ideas in one phrase",
}
ENGINES = ("factdesk", "fts5-porter", "naive")
ENGINE_LABELS = {"factdesk": "Factdesk", "fts5-porter": "FTS5 (porter, OR, bm25)",
                 "naive": "rapidfuzz scan"}
TOP = 5
SLICES = ("tune", "held", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7")
TITLES = {"all": "all queries", "tune": "tune half", "held": "held-out half",
          "fresh": "fresh slice", "fresh2": "fresh2 slice (third pass)",
          "fresh3": "fresh3 slice (fourth pass)",
          "fresh4": "fresh4 slice (fifth pass)",
          "fresh5": "fresh5 slice (sixth check)",
          "fresh6": "fresh6 slice (seventh check)",
          "fresh7": "fresh7 slice (eighth check)",
          "first": "tune + held (the first pass's 107)"}


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    answers: tuple[str, ...]
    why: str
    half: str  # "tune", "held" or a later slice ("fresh" ... "fresh7")


def load_queries(path: Path = QUERIES) -> list[Query]:
    """The query set, each with its slice: the one it names, else tune and held
    alternating within its kind."""
    rows = tomllib.loads(path.read_text(encoding="utf-8"))["queries"]
    seen: dict[str, int] = defaultdict(int)
    out = []
    for row in rows:
        half = row.get("half")
        if half is None:
            n = seen[row["kind"]]
            seen[row["kind"]] += 1
            half = "tune" if n % 2 == 0 else "held"
        elif half not in SLICES:
            raise ValueError(f"{path.name}: {row['text']!r}: half must be one of {SLICES}")
        out.append(Query(row["kind"], row["text"], tuple(row["answers"]), row["why"], half))
    return out


def run_engine(engine: Engine, queries: Sequence[Query]) -> list[list[str]]:
    """The engine's top 5 for every query, in order."""
    return [engine.search(q.text, TOP) for q in queries]


def found(query: Query, got: Sequence[str]) -> bool:
    """A right answer in the top 5; for a ``none`` query, nothing returned."""
    if query.kind == "none":
        return not got
    return bool(set(query.answers) & set(got[:TOP]))


def score(queries: Sequence[Query], results: Sequence[Sequence[str]]) -> dict[str, float]:
    """Per kind the share found; ``overall``; ``none`` as a count; and the answerable
    queries answered "no match" (``false_none``) or with a wrong first answer."""
    by_kind: dict[str, list[bool]] = defaultdict(list)
    false_none = wrong_first = 0
    for q, got in zip(queries, results, strict=True):
        by_kind[q.kind].append(found(q, got))
        if q.kind != "none":
            false_none += not got
            wrong_first += bool(got) and got[0] not in q.answers
    out: dict[str, float] = {k: sum(v) / len(v) for k, v in by_kind.items() if k != "none"}
    answerable = [ok for k, v in by_kind.items() if k != "none" for ok in v]
    out["overall"] = sum(answerable) / max(1, len(answerable))
    out["none"] = sum(by_kind.get("none", []))
    out["none_of"] = len(by_kind.get("none", []))
    out["false_none"] = false_none
    out["wrong_first"] = wrong_first
    return out


def table(scores: dict[str, dict[str, float]], title: str) -> str:
    """One markdown table: kinds down, engines across."""
    names = list(scores)
    lines = [f"**{title}**", "",
             "| kind of query | " + " | ".join(ENGINE_LABELS.get(n, n) for n in names) + " |",
             "|---|" + "---:|" * len(names)]
    for kind in (*KINDS, "overall"):
        label = KIND_LABELS.get(kind, kind)
        lines.append(f"| {label} | " + " | ".join(
            f"{scores[n][kind]:.2f}" if kind in scores[n] else "—" for n in names) + " |")
    lines.append('| honest "no match" | ' + " | ".join(
        f"{scores[n]['none']:.0f} of {scores[n]['none_of']:.0f}" for n in names) + " |")
    lines.append('| answerable, answered "no match" | ' + " | ".join(
        f"{scores[n]['false_none']:.0f}" for n in names) + " |")
    lines.append("| answerable, wrong first answer | " + " | ".join(
        f"{scores[n]['wrong_first']:.0f}" for n in names) + " |")
    return "\n".join(lines)


def report(queries: Sequence[Query], results: dict[str, list[list[str]]],
           halves: Sequence[str]) -> str:
    """Tables for each requested half, then for all queries."""
    parts = []
    for half in halves:
        pick = [i for i, q in enumerate(queries) if in_slice(q, half)]
        sub = [queries[i] for i in pick]
        scores = {name: score(sub, [res[i] for i in pick]) for name, res in results.items()}
        n = sum(q.kind != "none" for q in sub)
        parts.append(table(scores, f"{TITLES[half]} ({n} answerable, found in top {TOP})"))
    return "\n\n".join(parts)


def in_slice(query: Query, half: str) -> bool:
    """Whether ``query`` belongs to ``half``: a slice, ``first`` (tune and held) or ``all``."""
    if half == "all":
        return True
    if half == "first":
        return query.half in ("tune", "held")
    return query.half == half


def misses(queries: Sequence[Query], results: list[list[str]], half: str) -> str:
    """What one engine got wrong, one line each."""
    lines = []
    for q, got in zip(queries, results, strict=True):
        if in_slice(q, half) and not found(q, got):
            lines.append(f"[{q.kind}] {q.text!r}: got {got[:3]} want {list(q.answers)[:3]}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.real",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--half", choices=(*SLICES, "first", "all", "every"), default="every",
                        help="which slice to report (every: tune, held, fresh, the first "
                             "pass's tune + held, and all)")
    parser.add_argument("--misses", metavar="ENGINE", default=None,
                        help="also list the queries ENGINE got wrong")
    parser.add_argument("--claimset", type=Path, default=SEEDS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    queries = load_queries()
    results: dict[str, list[list[str]]] = {}
    for name in [e.strip() for e in args.engines.split(",") if e.strip()]:
        engine = make(name)
        engine.load(args.claimset)
        engine.build()
        results[name] = run_engine(engine, queries)
    halves = (*SLICES, "first", "all") if args.half == "every" else (args.half,)
    print(report(queries, results, halves))
    if args.misses:
        print()
        print(misses(queries, results[args.misses], "tune" if args.half == "every" else args.half))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
