"""A typo-forgiving full-text index over documents of named fields.

Pure and independent of the claim set: a document is ``(id, {field: text})``, so the
bench can feed it synthetic data. Built once; every query then touches only the
vocabulary and the postings of the words it matches, never every document.

How a query is answered:

1. The query is normalised and split into tokens, as the documents were.
2. Each token is matched against the vocabulary: exactly, within a small edit distance
   (optimal string alignment, so a swap of two letters counts as one typo), and, for the
   last token of an autocomplete query, as a prefix. Each match has a similarity 0..1.
3. The postings (sorted arrays of document numbers) of the matched words give the
   candidates: documents that hold every token, or all but one when that is empty.
4. Candidates are scored by coverage: the idf-weighted share of query tokens they hold,
   each counted at its best similarity and field weight (a speaker alias outweighs a
   word in a quote). The best are re-ranked with rapidfuzz on a short per-document
   string (``rerank_fields``) and a small importance boost (at most 2 points) breaks
   ties; the score reported is that ranking score, capped at 100.
"""

from __future__ import annotations

import heapq
import logging
import math
import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import islice, repeat
from operator import itemgetter
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

log = logging.getLogger(__name__)

_DIGIT_SEP = re.compile(r"\d[,.]\d")  # a cheap test before the slower substitution
_THOUSANDS = re.compile(r"(?<=\d)[,.](?=\d{3}\b)")
_TOKEN = re.compile(r"[a-z0-9]+")
# Index words: two or more letters or digits, or a single digit ("7", not the "s" of "it's").
_WORD = re.compile(r"[a-z0-9]{2,}|[0-9]")

STOPWORDS: frozenset[str] = frozenset(
    """a an and are as at be by for from had has have he her his in is it its of on or
    she than that the their they this to was were which who with""".split()  # noqa: SIM905
)

consume: Callable[[Iterable[object]], deque[object]] = partial(deque, maxlen=0)

# At most this many of a query's rarest tokens choose the candidates.
_DECIDING_MAX = 3
# A token whose matches cover more documents than this is too common to seed candidates.
_SEED_MAX = 40_000
# At most this many candidates are scored by coverage, and this many re-ranked.
_POOL_MAX = 3_000
_RERANK = 60


def normalize(text: str) -> str:
    """Lowercase, accents off, thousands separators out ("7,939" -> "7939")."""
    text = text.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _THOUSANDS.sub("", text) if _DIGIT_SEP.search(text) else text


def tokenize(text: str) -> list[str]:
    """The index words of a text, in order, stopwords and single letters dropped."""
    return [t for t in _WORD.findall(normalize(text)) if t not in STOPWORDS]


def words(text: str) -> frozenset[str]:
    """The distinct index words of a text, for a ``word_fields`` field of SearchIndex."""
    return frozenset(tokenize(text))


def query_tokens(text: str) -> list[str]:
    """Tokens of a query, in order, each once; stopwords kept if nothing else is left."""
    words = _TOKEN.findall(normalize(text))
    kept = [t for t in words if (len(t) > 1 or t.isdigit()) and t not in STOPWORDS]
    return list(dict.fromkeys(kept or words))


def max_typos(token: str) -> int:
    """Edit distance forgiven for a token: none up to 3 letters, 1 up to 5, then 2."""
    n = len(token)
    if n <= 3 or token.isdigit():
        return 0
    return 1 if n <= 5 else 2


@dataclass(frozen=True, slots=True)
class Hit:
    index: int  # document number, in build order
    id: str
    score: float  # 0..100, the ranking score (importance included), capped at 100
    coverage: float  # 0..1: the weighted share of query tokens the document holds


@dataclass(slots=True)
class _Match:
    tid: int
    sim: float


class SearchIndex:
    """Vocabulary -> postings per field weight, built once from ``documents``."""

    def __init__(
        self,
        documents: Iterable[tuple[str, Mapping[str, Any]]],  # str, or a word set
        weights: Mapping[str, float],
        *,
        rerank_fields: Sequence[str] = (),
        importance: Sequence[float] | None = None,
        expansions: Mapping[str, Sequence[str]] | None = None,
        word_fields: Collection[str] = (),
    ) -> None:
        """``word_fields`` are given as sets of index words (:func:`words`), not text:
        a caller whose field repeats a few distinct strings tokenises each once."""
        if not weights:
            raise ValueError("weights must name at least one field")
        if set(word_fields) & set(rerank_fields):
            raise ValueError("a rerank field must be text, not a word set")
        # Fields with equal weight share postings: class 0 is the heaviest.
        self.class_weights: list[float] = sorted(set(weights.values()), reverse=True)
        class_of = {name: self.class_weights.index(w) for name, w in weights.items()}
        field_order = sorted(weights, key=lambda name: class_of[name])
        rerank = tuple(rerank_fields) or tuple(n for n in field_order if class_of[n] == 0)
        n_classes = len(self.class_weights)

        self.ids: list[str] = []
        self.rerank_text: list[str] = []
        # postings[class][word] -> sorted array of document numbers
        by_word: list[defaultdict[str, list[int]]] = [defaultdict(list) for _ in range(n_classes)]
        # Text fields of one class are tokenised together and word-set fields merged in;
        # the rerank string is kept aside.
        word_set = set(word_fields)
        class_all = [[n for n in field_order if class_of[n] == c] for c in range(n_classes)]
        class_words = [[n for n in group if n in word_set] for group in class_all]
        class_fields = [[n for n in group if n not in word_set] for group in class_all]
        names = [n for group in class_fields for n in group]
        spans: list[tuple[int, int]] = []
        start = 0
        for group in class_fields:
            spans.append((start, start + len(group)))
            start += len(group)
        rerank_at = [names.index(n) for n in rerank if n in names]
        find, ids, rerank_text = _WORD.findall, self.ids, self.rerank_text
        single = [hi - lo == 1 for lo, hi in spans]
        empty: frozenset[str] = frozenset()
        for doc, (doc_id, fields) in enumerate(documents):
            ids.append(doc_id)
            parts = normalize("\x00".join([fields.get(n) or "" for n in names])).split("\x00")
            rerank_text.append(" ".join([parts[i] for i in rerank_at]))
            for cls, (lo, hi) in enumerate(spans):
                text = parts[lo] if single[cls] else " ".join(parts[lo:hi])
                found = set(find(text)) if text else set()
                for n in class_words[cls]:
                    found.update(fields.get(n) or empty)
                if not found:
                    continue
                # C-level loop: by_word[cls][word].append(doc) for every distinct word.
                # A word in two classes is posted in both; lookups take the heavier.
                postings = map(by_word[cls].__getitem__, found)
                consume(map(list.append, postings, repeat(doc)))
        for bucket in by_word:
            for word in STOPWORDS & bucket.keys():
                del bucket[word]
        # Words -> ids, document frequency, postings by id.
        self.vocab: dict[str, int] = {}
        self.terms: list[str] = []
        for bucket in by_word:
            for word in bucket:
                if word not in self.vocab:
                    self.vocab[word] = len(self.terms)
                    self.terms.append(word)
        self.df: list[int] = [0] * len(self.terms)
        self.postings: list[dict[int, array]] = []
        for bucket in by_word:
            by_tid: dict[int, array] = {}
            for word, plist in bucket.items():
                tid = self.vocab[word]
                self.df[tid] += len(plist)
                by_tid[tid] = array("I", plist)
            self.postings.append(by_tid)
        by_word.clear()
        self.size = len(self.ids)
        self.position = {doc_id: i for i, doc_id in enumerate(self.ids)}
        if importance is not None and len(importance) != self.size:
            raise ValueError(f"importance has {len(importance)} values for {self.size} documents")
        self.importance: Sequence[float] = importance or [0.0] * self.size
        # Query word -> index words it also means ("servicemen" -> "troops").
        self.expansions: dict[str, list[str]] = {
            k: [w for w in ws if w != k] for k, ws in (expansions or {}).items()
        }
        # Vocabulary by length, for the edit-distance scan, and sorted, for prefixes.
        self._by_len: dict[int, tuple[list[str], list[int]]] = {}
        for tid, term in enumerate(self.terms):
            words_l, tids_l = self._by_len.setdefault(len(term), ([], []))
            words_l.append(term)
            tids_l.append(tid)
        self._sorted_terms = sorted(self.terms)
        log.debug("index: %d documents, %d words", self.size, len(self.terms))

    # -- vocabulary ------------------------------------------------------------------

    def match_token(self, token: str, *, prefix: bool = False, limit: int = 8) -> list[_Match]:
        """Vocabulary words for one query token, best first, with similarity 0..1.

        Exact word; else words within :func:`max_typos` edits; words the token begins
        (any length with ``prefix``, else a few letters longer: "arrest" -> "arrests");
        and the words of ``expansions`` (a topic synonym -> the topic's label).
        """
        found: dict[int, float] = {}
        exact = self.vocab.get(token)
        if exact is not None:
            found[exact] = 1.0
        k = max_typos(token)
        if k and exact is None:
            fuzzy: dict[int, float] = {}
            n = len(token)
            for length in range(max(1, n - k), n + k + 1):
                bucket = self._by_len.get(length)
                if not bucket:
                    continue
                words, tids = bucket
                for _word, dist, i in process.extract(
                    token, words, scorer=OSA.distance, score_cutoff=k, limit=None
                ):
                    fuzzy[tids[i]] = 1.0 - 0.8 * dist / max(n, length)
            # The closest few: typos and prefixes each get ``limit`` places.
            found.update(sorted(fuzzy.items(), key=lambda kv: (-kv[1], -self.df[kv[0]]))[:limit])
        if len(token) >= (2 if prefix else 3) and not token.isdigit():
            lo = bisect_left(self._sorted_terms, token)
            hi = bisect_right(self._sorted_terms, token + "\x7f", lo)
            window = self._sorted_terms[lo : min(hi, lo + 400)]
            cands = [self.vocab[w] for w in window if w != token]
            cands.sort(key=lambda t: -self.df[t])
            top = 0.95 if prefix else 0.85
            for tid in cands[: 3 * limit]:
                sim = top - 0.25 * (1 - len(token) / len(self.terms[tid]))
                if found.get(tid, 0.0) < sim:
                    found[tid] = sim
        for word in self.expansions.get(token, ()):
            alt = self.vocab.get(word)
            if alt is not None and found.get(alt, 0.0) < 0.9:
                found[alt] = 0.9
        best = sorted(found.items(), key=lambda kv: (-kv[1], -self.df[kv[0]]))
        return [_Match(tid, sim) for tid, sim in best]

    def nearest_terms(self, text: str, limit: int = 5) -> list[str]:
        """Vocabulary words closest to the query's tokens, for "did you mean"."""
        out: list[str] = []
        for token in query_tokens(text):
            for term, _score, _i in process.extract(
                token, self.terms, scorer=fuzz.ratio, score_cutoff=60, limit=3
            ):
                if term not in out:
                    out.append(term)
        return out[:limit]

    # -- search ----------------------------------------------------------------------

    def search(
        self,
        query: str,
        limit: int = 10,
        *,
        prefix: bool = False,
        min_coverage: float = 0.5,
        rerank: bool = True,
    ) -> list[Hit]:
        """Best documents for ``query``, best first. ``prefix``: the last token is partial."""
        tokens = query_tokens(query)
        if not tokens or limit <= 0:
            return []
        lookups = [
            _TokenLookup(self, self.match_token(t, prefix=prefix and i == len(tokens) - 1))
            for i, t in enumerate(tokens)
        ]
        n = self.size or 1
        weights = [math.log(1.0 + n / (1.0 + lk.df)) if lk.df else math.log(1.0 + n)
                   for lk in lookups]
        total_w = sum(weights) or 1.0
        pool_max = _POOL_MAX if rerank else _POOL_MAX // 3
        pool = self._candidates(lookups, weights, total_w, min_coverage, pool_max)
        if not pool:
            return []
        acc = dict.fromkeys(pool, 0.0)
        for lk, w in zip(lookups, weights, strict=True):
            if lk.df:
                lk.accumulate(pool, acc, w)
        floor = min_coverage * total_w
        best = sorted(
            (kv for kv in acc.items() if kv[1] >= floor), key=itemgetter(1), reverse=True
        )[: max(limit, _RERANK) if rerank else limit]
        top = [(doc, cov / total_w) for doc, cov in best]
        if not top:
            return []
        norm_query = " ".join(tokens)
        ranked: list[tuple[float, int, float]] = []
        for doc, cov in top:
            text_score = (
                fuzz.token_set_ratio(norm_query, self.rerank_text[doc]) if rerank else 0.0
            )
            score = 100.0 * cov * (0.8 if rerank else 1.0) + 0.2 * text_score
            ranked.append((-(score + 2.0 * self.importance[doc]), doc, cov))
        ranked.sort()
        # The score reported is the one ranked by (importance included), capped at 100:
        # a list's scores never rise down the list.
        return [
            Hit(doc, self.ids[doc], round(min(100.0, -key), 2), round(cov, 4))
            for key, doc, cov in ranked[:limit]
        ]

    def _candidates(
        self, lookups: list[_TokenLookup], weights: list[float], total_w: float,
        min_coverage: float, pool_max: int,
    ) -> set[int]:
        """Documents that can reach ``min_coverage``: those holding at least one of the
        rarest tokens whose weight, missing, would already sink a document below it."""
        order = sorted((i for i, lk in enumerate(lookups) if lk.df), key=lambda i: lookups[i].df)
        if not order:
            return set()
        need = (1.0 - min_coverage) * total_w
        chosen: list[int] = []
        got = 0.0
        for i in order:
            chosen.append(i)
            got += weights[i]
            if got > need or len(chosen) == _DECIDING_MAX:
                break
        small = [lookups[i] for i in chosen if lookups[i].df <= _SEED_MAX]
        if not small:
            # Every deciding token is common: the rarest one's documents, in order.
            return set(lookups[order[0]].iter_docs(limit=pool_max))
        base = small[0].doc_set()
        others = small[1:]
        if len(base) > pool_max:
            # Too many: first the documents that also hold the other deciding tokens.
            held = [lk.hits_in(base) for lk in others]
            pool: set[int] = set.intersection(*held) if held else set()
            for docs in [*held, base]:
                if len(pool) >= pool_max:
                    break
                pool.update(islice(docs - pool, pool_max - len(pool)))
            return set(islice(pool, pool_max))
        # Room left: documents holding another deciding token but not the rarest.
        for lk in others:
            if len(base) >= pool_max or lk.df > 4 * pool_max:
                break
            base.update(islice(lk.doc_set() - base, pool_max - len(base)))
        return base


class _TokenLookup:
    """One query token's matches: which documents hold them, and how well."""

    __slots__ = ("_groups", "df", "index", "matches")

    def __init__(self, index: SearchIndex, matches: list[_Match]) -> None:
        self.index = index
        self.matches = matches
        self.df = sum(index.df[m.tid] for m in matches)
        # (score, postings) best first.
        groups: list[tuple[float, array]] = []
        for m in matches:
            for cls, bucket in enumerate(index.postings):
                plist = bucket.get(m.tid)
                if plist is None:
                    continue
                score = m.sim * index.class_weights[cls]
                groups.append((score, plist))
        groups.sort(key=lambda g: -g[0])
        self._groups = groups

    def accumulate(self, pool: set[int], acc: dict[int, float], weight: float) -> None:
        """Add ``weight`` x this token's best score to every pool document holding it."""
        done: set[int] = set()
        for score, docs in self._groups:
            if len(docs) <= 8 * len(pool):
                hits = pool.intersection(docs)
            else:  # a long postings array: look each pool document up instead
                hits = set()
                size = len(docs)
                for doc in pool:
                    i = bisect_left(docs, doc)
                    if i < size and docs[i] == doc:
                        hits.add(doc)
            hits -= done
            if not hits:
                continue
            done |= hits
            value = weight * score
            for doc in hits:
                acc[doc] += value

    def hits_in(self, docs: set[int]) -> set[int]:
        """Which of ``docs`` hold one of this token's matches."""
        out: set[int] = set()
        for _score, plist in self._groups:
            out |= docs.intersection(plist)
        return out

    def doc_set(self, limit: int | None = None) -> set[int]:
        """Documents holding a match; with ``limit``, the best-matching ones first."""
        out: set[int] = set()
        for _score, docs in self._groups:
            if limit is None:
                out.update(docs)
                continue
            out.update(islice(docs, limit - len(out)))
            if len(out) >= limit:
                break
        return out

    def iter_docs(self, limit: int | None = None) -> Iterable[int]:
        """Documents in order (merged postings), at most ``limit``."""
        arrays = [docs for _s, docs in self._groups]
        seen = -1
        count = 0
        for doc in heapq.merge(*arrays):
            if doc != seen:
                seen = doc
                yield doc
                count += 1
                if limit is not None and count >= limit:
                    return
