"""The engines compared, behind one small interface.

- ``factdesk``: the real loader (``bot.claimset.loader.load_claimset``, with validation) and the
  real engine (``bot.answers.engine.Factdesk``): ``claim()`` for search, ``complete("claim")``
  for autocomplete.
- ``fts5``: SQLite FTS5 with the trigram tokenizer, ranked by bm25 — the embedded
  full-text search a user would reach for. Columns: statement, speaker (name and
  aliases), topics (label and synonyms), quotes. Query words of three letters or more
  are ANDed; when that finds nothing, ORed.
- ``fts5-porter``: SQLite FTS5 with the porter tokenizer (over unicode61), the query's
  words ORed and ranked by bm25: the full-text search issue 16 compares real reporter
  queries against (:mod:`bench.real`). Not in the synthetic default run.
- ``naive``: a rapidfuzz ``WRatio`` scan over one string per claim (statement, speaker
  spellings, topic label and synonyms): no index at all.

The two baselines read the claim files with ``tomllib`` and validate nothing: their
``load_s`` is a floor, not a like-for-like figure with Factdesk's.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ENGINES = ("factdesk", "factdesk-warm", "fts5", "naive")
EXTRA_ENGINES = ("fts5-porter",)


class Engine:
    name = ""
    complete_is_search = False  # complete(text) is search(text) with a larger limit

    def prepare(self, data_dir: Path) -> None:
        """Untimed set-up before the load is timed (nothing, for most engines)."""

    def load(self, data_dir: Path) -> None:
        raise NotImplementedError

    def build(self) -> None:
        raise NotImplementedError

    def search(self, query: str, limit: int = 5) -> list[str]:
        raise NotImplementedError

    def complete(self, text: str, limit: int = 25) -> list[str]:
        raise NotImplementedError

    def handler(self) -> Callable[[str], object] | None:
        """The full /claim handler (search + rendering), where the engine has one."""
        return None


def read_raw(data_dir: Path) -> list[tuple[str, str, str, str, str]]:
    """(id, statement, speaker spellings, topic words, quotes) per claim, via tomllib."""
    def load(path: Path) -> dict[str, Any]:
        with path.open("rb") as fh:
            return tomllib.load(fh)

    speakers = {
        s["id"]: " ".join([s["name"], *s.get("aliases", [])])
        for s in load(data_dir / "speakers.toml").get("speakers", [])
    }
    topics = {
        t["id"]: " ".join([t["label"], *t.get("synonyms", [])])
        for t in load(data_dir / "topics.toml").get("topics", [])
    }
    docs = []
    for path in sorted((data_dir / "claims").glob("*.toml")):
        for c in load(path).get("claims", []):
            docs.append((
                c["id"],
                c["statement"],
                speakers.get(c["speaker"], ""),
                " ".join(topics.get(t, "") for t in c.get("topics", [])),
                " ".join(a["quote"] for a in c.get("attributions", [])),
            ))
    return docs


_TOKEN = re.compile(r"\w+")


class Fts5Engine(Engine):
    name = "fts5"
    complete_is_search = True

    def __init__(self) -> None:
        self.docs: list[tuple[str, str, str, str, str]] = []
        self.db = sqlite3.connect(":memory:")

    def load(self, data_dir: Path) -> None:
        self.docs = read_raw(data_dir)

    def build(self) -> None:
        self.db.execute(
            "CREATE VIRTUAL TABLE claims USING fts5("
            "cid UNINDEXED, statement, speaker, topics, quotes, tokenize='trigram')"
        )
        self.db.executemany("INSERT INTO claims VALUES (?, ?, ?, ?, ?)", self.docs)
        self.db.commit()
        self.docs = []

    def _match(self, expr: str, limit: int) -> list[str]:
        rows = self.db.execute(
            "SELECT cid FROM claims WHERE claims MATCH ? "
            "ORDER BY bm25(claims, 0.0, 4.0, 2.0, 1.0, 1.0) LIMIT ?",
            (expr, limit),
        ).fetchall()
        return [r[0] for r in rows]

    def search(self, query: str, limit: int = 5) -> list[str]:
        # trigram matching needs three characters; quoting makes every token a literal
        tokens = [t for t in _TOKEN.findall(query.lower()) if len(t) >= 3]
        if not tokens:
            return []
        quoted = [f'"{t}"' for t in tokens]
        return self._match(" AND ".join(quoted), limit) or (
            self._match(" OR ".join(quoted), limit) if len(quoted) > 1 else []
        )

    def complete(self, text: str, limit: int = 25) -> list[str]:
        return self.search(text, limit)


class Fts5PorterEngine(Fts5Engine):
    """FTS5, porter stemming, every query word ORed, bm25: no typo tolerance at all."""

    name = "fts5-porter"

    def build(self) -> None:
        self.db.execute(
            "CREATE VIRTUAL TABLE claims USING fts5("
            "cid UNINDEXED, statement, speaker, topics, quotes, "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        self.db.executemany("INSERT INTO claims VALUES (?, ?, ?, ?, ?)", self.docs)
        self.db.commit()
        self.docs = []

    def search(self, query: str, limit: int = 5) -> list[str]:
        tokens = list(dict.fromkeys(_TOKEN.findall(query.lower())))
        if not tokens:
            return []
        return self._match(" OR ".join(f'"{t}"' for t in tokens), limit)


class NaiveEngine(Engine):
    name = "naive"
    complete_is_search = True

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.choices: list[str] = []

    def load(self, data_dir: Path) -> None:
        docs = read_raw(data_dir)
        self.ids = [d[0] for d in docs]
        self.choices = [f"{d[1]} | {d[2]} | {d[3]}" for d in docs]

    def build(self) -> None:
        from rapidfuzz import utils

        self.choices = [utils.default_process(c) for c in self.choices]

    def search(self, query: str, limit: int = 5) -> list[str]:
        from rapidfuzz import fuzz, process, utils

        q = utils.default_process(query)
        if not q:
            return []
        hits = process.extract(q, self.choices, scorer=fuzz.WRatio, processor=None, limit=limit)
        return [self.ids[i] for _choice, _score, i in hits]

    def complete(self, text: str, limit: int = 25) -> list[str]:
        return self.search(text, limit)


class FactdeskEngine(Engine):
    name = "factdesk"

    def __init__(self) -> None:
        from bot.answers.engine import Factdesk  # noqa: F401 - fail early when not there yet
        from bot.claimset.loader import load_claimset  # noqa: F401

        self.claimset: Any = None
        self.engine: Any = None

    def load(self, data_dir: Path) -> None:
        from bot.claimset.loader import load_claimset

        self.claimset = load_claimset(data_dir)

    def build(self) -> None:
        from bot.answers.engine import Factdesk

        self.engine = Factdesk(self.claimset)

    def search(self, query: str, limit: int = 5) -> list[str]:
        from bot.errors import QueryError

        try:
            answer = self.engine.claim(query, limit=limit)
        except QueryError:
            return []
        return [r.id for r in answer.results]

    def complete(self, text: str, limit: int = 25) -> list[str]:
        from bot.errors import QueryError

        try:
            return [value for _name, value in self.engine.complete("claim", text, limit)]
        except QueryError:
            return []

    def handler(self) -> Callable[[str], object] | None:
        from bot.rendering.text import render

        embed = _embed_renderer(self.claimset.version)
        engine = self.engine

        def run(query: str) -> object:
            answer = engine.claim(query, limit=5)
            text = render(answer)
            return embed(answer) if embed is not None else text

        return run


class FactdeskWarmEngine(FactdeskEngine):
    """Factdesk restarted over an unchanged claim set: the loader's verified cache and the
    cached search index (``cache_dir``), filled first by another process."""

    name = "factdesk-warm"

    def __init__(self) -> None:
        super().__init__()
        import tempfile

        self._tmp = tempfile.TemporaryDirectory(prefix="factdesk-bench-cache-")
        self.cache_dir = Path(self._tmp.name)

    def prepare(self, data_dir: Path) -> None:
        import subprocess
        import sys

        code = (
            "import sys; from pathlib import Path; "
            "from bot.claimset.loader import load_claimset; "
            "from bot.answers.engine import Factdesk; "
            "Factdesk(load_claimset(Path(sys.argv[1]), cache_dir=Path(sys.argv[2])))"
        )
        subprocess.run([sys.executable, "-c", code, str(data_dir), str(self.cache_dir)],
                       check=True)

    def load(self, data_dir: Path) -> None:
        from bot.claimset.loader import load_claimset

        self.claimset = load_claimset(data_dir, cache_dir=self.cache_dir)


def _embed_renderer(version: str) -> Callable[[Any], object] | None:
    """cogs.utils.rendering's pages for an answer, serialised as the cog sends them; None when
    that module is not importable."""
    try:
        from cogs.utils import rendering
    except Exception:
        log.info("cogs.utils.rendering is not importable; /claim handler timed without embeds")
        return None
    fn = getattr(rendering, "render", None) or getattr(rendering, "render_claim_list", None)
    if not callable(fn):
        return None

    def run(answer: Any) -> object:
        pages = fn(answer, version=version)
        return [[e.to_dict() for e in page.embeds] for page in pages]

    return run


def make(name: str) -> Engine:
    if name == "factdesk":
        return FactdeskEngine()
    if name == "factdesk-warm":
        return FactdeskWarmEngine()
    if name == "fts5":
        return Fts5Engine()
    if name == "fts5-porter":
        return Fts5PorterEngine()
    if name == "naive":
        return NaiveEngine()
    known = ", ".join((*ENGINES, *EXTRA_ENGINES))
    raise ValueError(f"unknown engine {name!r}; known: {known}")


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t
