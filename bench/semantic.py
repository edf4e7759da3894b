"""``python -m bench.semantic``: would a semantic tier pay for itself? (issue 16)

Measures a static-embedding model whose weights ship inside its PyPI wheel (WordLlama
``l2_supercat``, 256 dimensions, loaded from the package with downloads disabled) beside
Factdesk's ranking, on every query of ``bench/real_queries.toml``. Not a dependency of
the project: install it into the venv first (``.venv/bin/pip install
wordllama==0.4.0.post1``); without it this prints one line and exits 2.

A claim's vector is the best cosine of its statement or any quote with the query. Two
uses are scored against Factdesk alone (found in the top 5 / honest "no match"):

- *veto*: Factdesk's answer is dropped ("no match") when no claim of it is within
  ``tau`` of the query;
- *fill*: when Factdesk says "no match", the claims within ``tau`` are shown instead.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.real import SEEDS, Query, load_queries
from bench.real import score as real_score

log = logging.getLogger(__name__)

VETO = (0.3, 0.35, 0.4, 0.45, 0.5)
FILL = (0.5, 0.6, 0.7, 0.8)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.semantic",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--claimset", type=Path, default=SEEDS)
    args = parser.parse_args(argv)
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError:
        print("bench.semantic: wordllama is not installed "
              "(.venv/bin/pip install wordllama==0.4.0.post1)", file=sys.stderr)
        return 2
    logging.disable(logging.WARNING)
    from bot.answers.engine import Factdesk
    from bot.claimset.loader import load_claimset

    # the weights and tokenizer inside the wheel; never a download
    model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    claimset = load_claimset(args.claimset)
    desk = Factdesk(claimset)
    texts = [(cid, t) for cid, c in claimset.claims.items()
             for t in [c.statement, *(a.quote for a in c.attributions)]]
    vectors = model.embed([t for _cid, t in texts], norm=True)
    rows: list[tuple[Query, list[str], dict[str, float]]] = []
    for query in load_queries():
        got = [r.id for r in desk.claim(query.text, limit=5).results]
        sims = vectors @ model.embed([query.text], norm=True)[0]
        best: dict[str, float] = {}
        for (cid, _t), sim in zip(texts, sims, strict=True):
            best[cid] = max(best.get(cid, -1.0), float(sim))
        rows.append((query, got, best))

    def shown(got: list[str], best: dict[str, float], veto: float | None,
              fill: float | None) -> list[str]:
        if got and veto is not None and max(best[c] for c in got) < veto:
            got = []
        if not got and fill is not None:
            got = [c for c in sorted(best, key=best.__getitem__, reverse=True)[:5]
                   if best[c] >= fill]
        return got

    def score(veto: float | None, fill: float | None) -> str:
        s = real_score([q for q, _got, _best in rows],
                       [shown(got, best, veto, fill) for _q, got, best in rows])
        return f"{s['overall']:.2f} | {s['none']} of {s['none_of']}"

    print("| Factdesk and the semantic tier | found in top 5 | honest \"no match\" |")
    print("|---|---:|---:|")
    print(f"| Factdesk alone | {score(None, None)} |")
    for tau in VETO:
        print(f"| veto below {tau} | {score(tau, None)} |")
    for tau in FILL:
        print(f"| fill from {tau} | {score(None, tau)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
