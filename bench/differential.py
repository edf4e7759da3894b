"""Differential check of the loader: two code trees on the same mutated copies of claim sets.

    .venv/bin/python -m bench.differential --old /tmp/base --new . --copies 2500 \
        tests/data/mini seeds tests/data/wording

Each copy is one of the given sets with one to three random edits to its TOML files
(a line deleted, a table repeated, a word replaced, a hedge, a day, a number or a joining
clause put into a string, a status changed, a digit changed), made the same way from the
copy's number for both trees. A worker process per tree (``PYTHONPATH`` = the tree)
loads every copy and writes what the load gave: the problems and warnings, each as
printed (file, line, kind, id, field, message), or the unreadable file's line, and for
a valid set its counts. The check fails on the first copy where the two differ.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

STATUSES = ("single_source", "corroborated", "disputed", "no_evidence", "unverified")
INSERTS = (
    " estimated", " reportedly", " believed", " said to be", " on 10 January",
    " on Monday", " 2,000", " and armoured vehicles", ", which was torched", " 7 January",
    " allegedly", " Tokayev", " police", " killed", " it is thought",
)
_STRING = re.compile(r'"([^"\\]*)"')


def mutate(root: Path, rng: random.Random) -> None:
    """One to three random edits to the TOML files under ``root``."""
    files = sorted(p for p in root.rglob("*.toml") if p.name != "claimset.toml")
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(files)
        lines = path.read_text(encoding="utf-8").split("\n")
        if not lines:
            continue
        i = rng.randrange(len(lines))
        kind = rng.choice((0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 5, 6, 7))
        if kind == 0:
            del lines[i]
        elif kind == 1:  # a whole table again, at the end (a duplicate id)
            heads = [j for j, x in enumerate(lines) if x.startswith("[[")]
            if heads:
                h = rng.randrange(len(heads))
                end = heads[h + 1] if h + 1 < len(heads) else len(lines)
                lines.extend(["", *lines[heads[h] : end]])
        elif kind == 2 and "status" in "".join(lines):
            at = [j for j, x in enumerate(lines) if x.startswith("status")]
            if at:
                j = rng.choice(at)
                lines[j] = f'status = "{rng.choice(STATUSES)}"'
        elif kind in (3, 4, 5):
            strings = [j for j, x in enumerate(lines) if _STRING.search(x)]
            if strings:
                j = rng.choice(strings)
                m = list(_STRING.finditer(lines[j]))[-1]
                text = m.group(1)
                if kind == 3:
                    cut = rng.randint(0, len(text))
                    text = text[:cut] + rng.choice(INSERTS) + text[cut:]
                elif kind == 4:
                    words = text.split(" ")
                    others = " ".join(lines).split()
                    if words and others:
                        words[rng.randrange(len(words))] = rng.choice(others).strip('",[]=')
                    text = " ".join(words)
                else:
                    text = text + rng.choice(INSERTS)
                lines[j] = lines[j][: m.start(1)] + text + lines[j][m.end(1) :]
        elif kind == 6:
            digits = [j for j, x in enumerate(lines) if re.search(r"\d", x)]
            if digits:
                j = rng.choice(digits)
                lines[j] = re.sub(r"\d", lambda m: str(rng.randrange(10)), lines[j], count=1)
        else:
            a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[a], lines[b] = lines[b], lines[a]
        path.write_text("\n".join(lines), encoding="utf-8")


def outcome(root: Path) -> dict[str, object]:
    """What loading ``root`` gave, as plain data."""
    from bot.claimset.loader import ClaimSetInvalid, ClaimSetUnreadable, load_claimset

    try:
        claimset = load_claimset(root)
    except ClaimSetInvalid as exc:
        return {"invalid": [str(p) for p in exc.problems],
                "warnings": [str(p) for p in exc.warnings]}
    except ClaimSetUnreadable as exc:
        return {"unreadable": str(exc)}
    return {"valid": claimset.counts(), "warnings": [str(w) for w in claimset.warnings]}


def worker(sets: list[Path], copies: int, seed: int, out: Path) -> None:
    import bot

    print(f"worker: bot from {Path(bot.__file__).parent}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="factdesk-diff-") as tmp, out.open("w") as fh:
        for n in range(copies):
            rng = random.Random(seed * 1_000_003 + n)
            src = sets[n % len(sets)]
            root = Path(tmp) / f"copy{n}"
            shutil.copytree(src, root)
            if n >= len(sets):  # the first copy of each set is unchanged
                mutate(root, rng)
            cwd = os.getcwd()
            os.chdir(root)  # problems name files relative to the working directory
            try:
                got = outcome(root)
            finally:
                os.chdir(cwd)
            fh.write(json.dumps({"n": n, "set": str(src), **got}) + "\n")
            shutil.rmtree(root)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--old", type=Path, required=True, help="the tree before")
    parser.add_argument("--new", type=Path, required=True, help="the tree after")
    parser.add_argument("--copies", type=int, default=2500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sets = [s.absolute() for s in args.sets]
    if args.worker_out:
        worker(sets, args.copies, args.seed, args.worker_out)
        return 0
    with tempfile.TemporaryDirectory(prefix="factdesk-diffout-") as tmp:
        outs = {}
        procs = []
        for name, tree in (("old", args.old), ("new", args.new)):
            outs[name] = Path(tmp) / f"{name}.jsonl"
            env = {**os.environ, "PYTHONPATH": str(tree.absolute())}
            cmd = [sys.executable, str(Path(__file__).absolute()), *map(str, sets),
                   "--old", str(args.old), "--new", str(args.new), "--copies",
                   str(args.copies), "--seed", str(args.seed), "--worker-out",
                   str(outs[name])]
            procs.append(subprocess.Popen(cmd, env=env, cwd=tmp))
        if any(p.wait() for p in procs):
            print("a worker failed", file=sys.stderr)
            return 2
        old = outs["old"].read_text().splitlines()
        new = outs["new"].read_text().splitlines()
        kinds: dict[str, int] = {}
        for a, b in zip(old, new, strict=True):
            if a != b:
                print(f"DIFFERENT:\nold {a}\nnew {b}")
                return 1
            got = json.loads(a)
            key = next(k for k in ("invalid", "unreadable", "valid") if k in got)
            kinds[key] = kinds.get(key, 0) + 1
            if got.get("warnings"):
                kinds["with warnings"] = kinds.get("with warnings", 0) + 1
        print(f"{len(old)} copies, identical outcomes: {kinds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
