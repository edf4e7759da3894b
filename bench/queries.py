"""The query set: what reporters type, each with the claims that answer it.

Six kinds, the same number of each, interleaved so that any prefix of the list is
balanced: ``exact`` (a phrase of the statement), ``partial`` (word prefixes),
``typo`` (one or two slips: a neighbouring key, a dropped, doubled or extra letter),
``transposed`` (two letters swapped), ``alias`` (the speaker under another spelling)
and ``synonym`` (a topic word the statement does not use).

A query's right answers are worked out from the generated world, not from any
engine: for ``exact``, the claims whose statement holds the phrase; for the others, the
claims whose speaker and place match what the query names and whose statement or
topic holds its topic word — the query the reporter meant, typos undone. Queries with
more than three right answers are not kept, so top-1 means something.
"""

from __future__ import annotations

import logging
import math
import random
from bisect import bisect_right
from collections import defaultdict

from bench import vocab
from bench.generate import World, words_of

log = logging.getLogger(__name__)

KINDS = ("exact", "partial", "typo", "transposed", "alias", "synonym")
MAX_ANSWERS = 3

_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
_POS = {c: (r, i) for r, row in enumerate(_ROWS) for i, c in enumerate(row)}


def _neighbours(c: str) -> str:
    if c not in _POS:
        return "aeiou"
    r, i = _POS[c]
    out = []
    for dr, di in ((0, -1), (0, 1), (-1, 0), (-1, 1), (1, 0), (1, -1)):
        rr, ii = r + dr, i + di
        if 0 <= rr < 3 and 0 <= ii < len(_ROWS[rr]):
            out.append(_ROWS[rr][ii])
    return "".join(out)


def typo(word: str, rng: random.Random) -> str:
    """One slip of the fingers, never on the first letter."""
    for _ in range(20):
        pos = rng.randrange(1, len(word))
        c = word[pos].lower()
        op = rng.randrange(4)
        if op == 0:
            new = word[:pos] + rng.choice(_neighbours(c)) + word[pos + 1 :]
        elif op == 1:
            new = word[:pos] + word[pos + 1 :]
        elif op == 2:
            new = word[:pos] + rng.choice(_neighbours(c)) + word[pos:]
        else:
            new = word[:pos] + word[pos] + word[pos:]
        if new.lower() != word.lower():
            return new
    return word + "x"


def transpose(word: str, rng: random.Random) -> str:
    """Two neighbouring letters swapped, not the first."""
    spots = [i for i in range(1, len(word) - 1) if word[i].lower() != word[i + 1].lower()]
    if not spots:
        return typo(word, rng)
    i = rng.choice(spots)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


class Oracle:
    """Right answers for a query, from the world the files were written from."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.by_sp_pl: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i in range(world.size):
            self.by_sp_pl[(world.claim_speaker[i], world.claim_place[i])].append(i)
        self.topic_words = [
            frozenset(w for syn in (label, *syns) for w in words_of(syn))
            for _tid, label, syns, _r, _t in vocab.TOPICS
        ]
        self.place_words = [frozenset(words_of(p)) for p in world.places]
        self._blob: str | None = None
        self._starts: list[int] = []

    @staticmethod
    def _match(tokens: list[str], words: frozenset[str], prefix: bool) -> bool:
        if prefix:
            return all(any(w.startswith(t) for w in words) for t in tokens)
        return all(t in words for t in tokens)

    def answers(self, sp: list[str], tp: list[str], pl: list[str], prefix: bool) -> list[int]:
        w = self.world
        speakers = [i for i, s in enumerate(w.speakers) if self._match(sp, s.words, prefix)]
        places = [i for i, ws in enumerate(self.place_words) if self._match(pl, ws, prefix)]
        out = []
        for s in speakers:
            for p in places:
                for c in self.by_sp_pl.get((s, p), ()):
                    words = frozenset(words_of(w.statements[c])) | self.topic_words[
                        w.claim_topic[c]
                    ]
                    if self._match(tp, words, prefix):
                        out.append(c)
        return sorted(out)

    def phrase(self, text: str) -> list[int]:
        """Claims whose statement holds ``text``, case aside."""
        if self._blob is None:
            pos = 0
            for s in self.world.statements:
                self._starts.append(pos)
                pos += len(s) + 1
            self._blob = "\n".join(s.lower() for s in self.world.statements)
        needle = text.lower()
        out = []
        at = self._blob.find(needle)
        while at >= 0:
            out.append(bisect_right(self._starts, at) - 1)
            at = self._blob.find(needle, at + 1)
        return sorted(set(out))


def _styled(parts: list[str], rng: random.Random) -> str:
    if rng.random() < 0.3:
        parts = [parts[2], parts[0], parts[1]]
    text = " ".join(parts)
    return text.lower() if rng.random() < 0.6 else text


def _make(kind: str, c: int, world: World, oracle: Oracle, rng: random.Random
          ) -> tuple[str, list[int]] | None:
    sp = world.speakers[world.claim_speaker[c]]
    _tid, _label, synonyms, _r, templates = vocab.TOPICS[world.claim_topic[c]]
    place = world.places[world.claim_place[c]]
    statement = world.statements[c]
    st_words = set(words_of(statement))
    keywords = [t[2] for t in templates if t[2].lower() in st_words]
    if not keywords:
        return None
    kw = keywords[0]
    sp_tokens = words_of(sp.word)
    if kind == "exact":
        text = statement
        if rng.random() < 0.4 and statement.startswith(sp.word):
            text = statement[len(sp.word) :].lstrip(" :")
            text = " ".join(text.split()[1:]) if text.startswith(("says", "reports")) else text
        text = text.lower() if rng.random() < 0.5 else text
        return text, oracle.phrase(text)
    if kind == "partial":
        def cut(word: str) -> str:
            return word[: max(3, math.ceil(0.6 * len(word)))]
        parts = [" ".join(cut(w) for w in sp.word.split()), cut(kw), cut(place)]
        toks = [words_of(p) for p in parts]
        return _styled(parts, rng), oracle.answers(toks[0], toks[1], toks[2], prefix=True)
    if kind in ("typo", "transposed"):
        if sp.kind != "person":
            return None
        slots = [w for w in (sp.word, kw, place) if len(w) >= 5]
        if not slots:
            return None
        broken = {rng.choice(slots)}
        if kind == "typo" and len(slots) > 1 and rng.random() < 0.35:
            broken.add(rng.choice(slots))
        fn = typo if kind == "typo" else transpose
        parts = [fn(w, rng) if w in broken else w for w in (sp.word, kw, place)]
        return _styled(parts, rng), oracle.answers(sp_tokens, words_of(kw), words_of(place),
                                                   prefix=False)
    if kind == "alias":
        if sp.alias_word is None:
            return None
        parts = [sp.alias_word, kw, place]
        return _styled(parts, rng), oracle.answers(words_of(sp.alias_word), words_of(kw),
                                                   words_of(place), prefix=False)
    if kind == "synonym":
        options = [s for s in synonyms if not set(words_of(s)) & st_words]
        if not options:
            return None
        syn = rng.choice(options)
        parts = [sp.word, syn, place]
        return _styled(parts, rng), oracle.answers(sp_tokens, words_of(syn), words_of(place),
                                                   prefix=False)
    raise ValueError(f"unknown query kind {kind!r}")


def build_queries(world: World, per_kind: int, seed: int, complete_inputs: int = 1000
                  ) -> dict[str, object]:
    """The query set for ``world``: search queries and autocomplete keystrokes."""
    rng = random.Random(f"factdesk-bench-queries:{seed}:{world.size}")
    oracle = Oracle(world)
    by_kind: dict[str, list[dict[str, object]]] = {k: [] for k in KINDS}
    for kind in KINDS:
        tries = 0
        while len(by_kind[kind]) < per_kind and tries < per_kind * 50:
            tries += 1
            c = rng.randrange(world.size)
            made = _make(kind, c, world, oracle, rng)
            if made is None:
                continue
            text, answers = made
            if c not in answers and kind != "exact":
                raise AssertionError(f"oracle lost the target of {kind} query {text!r}")
            if not answers or len(answers) > MAX_ANSWERS:
                continue
            by_kind[kind].append({
                "kind": kind,
                "text": text,
                "target": world.claim_ids[c],
                "answers": [world.claim_ids[a] for a in answers],
            })
    queries = []
    for i in range(per_kind):
        for kind in KINDS:
            if i < len(by_kind[kind]):
                q = dict(by_kind[kind][i])
                q["id"] = f"q{len(queries):05d}"
                queries.append(q)
    keystrokes = []
    for _ in range(complete_inputs):
        text = str(rng.choice(queries)["text"])
        keystrokes.append(text[: rng.randint(1, len(text))])
    return {"size": world.size, "seed": seed, "queries": queries, "complete_inputs": keystrokes}
