"""A BM25F full-text index over documents of named fields, with stems, synonyms and typos.

Pure and independent of the claim set: a document is ``(id, {field: text})``, so the
bench can feed it synthetic data. Built once; every query then touches only the
vocabulary and the postings of the words it matches, never every document.

Analysis, the same for documents and queries: lowercase; accents off; any other script
transliterated to Latin letters (:mod:`anyascii`: "Токаев" -> "tokaev"); thousands
separators out ("7,939" -> "7939"); words of two or more letters or digits, or one digit;
stopwords and question words dropped (``STOPWORDS``); each word reduced to its Snowball
(Porter 2) stem (:mod:`Stemmer`: "halted", "halts" -> "halt").

How a query is answered:

1. Its words become *groups*, one per idea: a word, or a phrase the expansions know
   ("law enforcement"). A group's alternatives are the word's own stem (weight 1); for
   a word the vocabulary lacks, its likely corrections (edit distance, or completions
   of a prefix), each weighted by how likely it is (closeness times how common the
   corrected word is, relative to the best candidate); and the group's expansions
   (topic synonyms, the reporter's lexicon) at their lower weight. Expansions are
   looked up at query time only: no document frequency is changed by them.
2. Score (ranking): BM25F over the fields, each field's weight scaling the term
   frequency (k1 = 1.2, b = 0.75); a group counts once, at its best alternative.
3. Confidence (the "no match" rule): the share of the query's information that a
   document explains. Each group weighs its idf (a word the set has never seen weighs
   ``UNKNOWN_MASS`` of the rarest word's idf); a document explains a group by the
   weight of the best alternative it holds. A document is a match when its confidence
   is at least ``min_confidence`` (``MIN_CONFIDENCE``, 0.5, for a search). When fewer
   than ``FALLBACK_FILL`` are, a search's second stage (``FALLBACK_CONFIDENCE``) adds
   the documents it passes after them; with none from either, the answer is "no match".
4. Candidates: only documents holding one of the rarest groups whose weight, missing,
   would already keep a document below ``min_confidence`` are scored, at most
   ``_POOL_MAX`` of them.

The score reported (0..100) is the best match's confidence times each match's BM25
score relative to the best one's, so a list's scores never rise down the list.
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
from itertools import islice, pairwise, repeat
from typing import Any

import Stemmer
from anyascii import anyascii
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

log = logging.getLogger(__name__)

_DIGIT_SEP = re.compile(r"\d[,.]\d")  # a cheap test before the slower substitution
# A thousands separator: a comma or point between a digit and three digits ending a
# number. The separator is matched first, the digit before it checked after: the same
# matches as (?<=\d)[,.](?=\d{3}\b), about three times faster over a long text.
_THOUSANDS = re.compile(r"[,.](?<=\d[,.])(?=\d{3}\b)")
_TOKEN = re.compile(r"[a-z0-9]+")
_WORD_PART = re.compile(r"[^\W_]+")  # a word, or a part of a hyphenated one, as typed
# Magnitudes written stuck to a number, as headlines do ("$2-3bn", "40mln", "5k").
_SCALED = re.compile(r"([1-9][0-9]*)(bln|mln|bn|mn|tn|b|m|k)")
# A number typed in digits also finds it written as a word ("2-3bn": "between two and
# three billion"), at NUMBER_WORD: the numbers up to ninety only ("1,000" is no
# "thousands").
_NUMBER_WORDS = dict(enumerate(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen
    fourteen fifteen sixteen seventeen eighteen nineteen twenty""".split()))  # noqa: SIM905
_NUMBER_WORDS.update({30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy",
                      80: "eighty", 90: "ninety"})
# Month names: a day (1 to 31) or a year beside one is a date, not a count. "May" and
# "March" only when capitalised (not the verb, not a protest march).
_MONTHS = frozenset(
    """january february april june july august september october november december jan
    feb mar apr jun jul aug sep sept oct nov dec""".split())  # noqa: SIM905
_CAPITAL_MONTHS = frozenset({"May", "March"})
_ROUNDED_MAX = 8  # a round number finds at most this many numbers of the set, the nearest
# Index words: two or more letters or digits, or a single digit ("7", not the "s" of "it's").
_WORD = re.compile(r"[a-z0-9]{2,}|[0-9]")
_SEP = "\x00"  # between the texts normalised together (normalize_many)
# A normalised text is ASCII: what is not a letter or digit (nor _SEP) separates words.
_SPACES = {i: " " for i in range(128) if not re.fullmatch(r"[a-z0-9\x00]", chr(i))}
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")  # one letter alone is no index word

# Function words, and the words of a question ("how many", "what did ... say about"):
# they say what kind of answer is wanted, not what it is about.
STOPWORDS: frozenset[str] = frozenset(
    """a an and are as at be by for from had has have he her his in is it its of on or
    she than that the their they this to was were which who with
    how many much what when where whom whose why did does do done say says said tell
    about any there been being can could would should will into onto
    i me my we our you your him them these those too also very just so then if but
    while until because again once here both each such got get gets
    happen happens happened happening""".split()  # noqa: SIM905
)
TAG = "#"  # an index word that starts so is a tag (a topic id), never typed or stemmed

consume: Callable[[Iterable[object]], deque[object]] = partial(deque, maxlen=0)

K1 = 1.2
B = 0.75
MIN_CONFIDENCE = 0.5
# The second stage of the "no match" rule, for a search none of whose documents reaches
# MIN_CONFIDENCE (a paraphrase with words the set never uses): the best documents are
# still shown when they explain at least FALLBACK_CONFIDENCE of the query, at least
# FALLBACK_GROUPS of its ideas by the word typed, a synonym or a close correction (a
# weight of at least FALLBACK_STRONG), one of them specific (weighing at least
# FALLBACK_SPECIFIC of the rarest word's idf). Calibrated on the tune half: its "no
# match" queries explain one idea, or only words half the set holds ("statement",
# "Kazakhstan").
FALLBACK_CONFIDENCE = 0.3
FALLBACK_GROUPS = 2
FALLBACK_STRONG = 0.7
FALLBACK_SPECIFIC = 0.5
# An idea held by more than this share of the set ("Kazakhstan", "report" in a story
# about Kazakhstan's unrest) is not one of the FALLBACK_GROUPS ideas the second stage
# asks for: "journalists jailed for reporting" is not answered by an arrest count that
# also says "reported". (Measured, fifth pass: any share from 0.1 to 0.3 gives the same
# answers on every slice read; 0.25 is the middle.)
FALLBACK_COMMON_SHARE = 0.25
# The second stage also runs when the first finds fewer than this many documents (a
# page): its documents come after the first stage's, so a paraphrase explaining a little
# under half the query is not hidden by one document that passes on a stray word.
FALLBACK_FILL = 5
# The names-only rule (SearchIndex._names_only), after both stages: when every claim
# shown holds one of the query's names (a name of the set, or a word typed capitalised
# after the first) but explains less than NAMES_ONLY_REST of what the query asks beyond
# its names, and an idea beyond the names is explained by none of them, the answer is
# "no match": "death toll in Uzbekistan", "Tokayev resigns", "Nazarbayev fled the
# country" are about an event the set does not report, not about the name.
NAMES_ONLY_REST = 0.25
# A stranger: a word typed as a name (capitalised; first in the query only when it is no
# English word) that is no English word and has no correction or synonym of at least this
# weight, i.e. someone or something the set never names. Beside a name the set holds
# ("Mirziyoyev offers help to Tokayev") or a word it holds typed as one ("Borrell EU
# statement on Kazakhstan") the query asks about the stranger's part, which no claim can
# hold: "no match", not the known name's claims.
STRANGER_CLOSE = 0.7
# ...unless it is typed right before a name of the set and a correction of it weighs at
# least this: a first name in another spelling ("Anatolij Antonow": "anatoly" at 0.6).
FIRST_NAME_CLOSE = 0.5
# A number typed with trailing zeros ("8,000") also finds the numbers of the set it
# rounds ("7,939"), at this weight. A number no claim gives nor rounds ("225 killed")
# weighs as the rarest word: the most specific thing a reporter can ask for, so claims
# holding only the query's other words are no match.
NUMBER_ROUNDED = 0.8
NUMBER_WORD = 0.9  # a number typed in digits, found written as a word ("2": "two")
# A word typed in another script that, transliterated, is nothing the set holds (no
# correction, no synonym: "джихадисты" -> "dzhikhadisty") is unreadable to the index, not
# a sign that the claims lack it: it weighs this share of an unknown word, and the
# names-only rule does not ask for it ("Антонов джихадисты" is answered on Antonov).
UNREADABLE_MASS = 0.25
# A query word the set has never seen (no correction, no synonym) weighs this share of
# the idf of the rarest word: heavy enough that a query about something absent finds
# nothing, light enough that one stray word does not sink a paraphrase.
UNKNOWN_MASS = 0.6
# Corrections of a word the vocabulary lacks: at most this many, none below this weight.
_CORRECTIONS = 5
_COMPLETIONS = 10  # and completions of an unfinished word, each kind weighed apart
_CORRECTION_MIN = 0.2
_TYPO_ODDS = 0.05  # how much less likely each further edit is (the noisy channel)
# A typed word the set lacks but that is itself a plausible English word ("nuclear",
# "plant", "resigns") was most likely meant as typed: a correction of it is kept only at
# its odds against the word itself (see SearchIndex.corrections). The frequencies come
# from the English word list shipped in pyspellchecker (MIT); a word below
# _ENGLISH_MIN there ("liquified", "soke") counts as no word, and a candidate the list
# lacks (a name, a stem) counts as _ENGLISH_FLOOR, a modest word.
_ENGLISH_MIN = 100
_ENGLISH_FLOOR = 1_000
_ENGLISH_ENTRY = re.compile(r'"([^"\\]+)": ?(\d{3,})')  # "word": count, count >= 100
# At most this many of a query's rarest groups choose the candidates.
_DECIDING_MAX = 3
# A group whose matches cover more documents than this is too common to seed candidates.
_SEED_MAX = 40_000
_POOL_MAX = 3_000
_BUILD_CHUNK = 4_096  # documents whose texts are normalised and split together

# Names: a query word the set writes as a proper name (capitalised inside a sentence,
# never in lower case) and that at most this share of documents holds ("Nazarbayev",
# "Halko"; not "Russian", which half the set holds) weighs at least NAME_LEAD times the
# heaviest common word of the query: "what happened to Nazarbayev" is about him, not
# about the one quote that says "happened".
NAME_LEAD = 1.1
NAME_DF_SHARE = 0.15
_NAME_SAMPLE = 8  # documents read to tell a name from a word
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"'(\[\u2018\u201c]\s*)$")

_stemmer = Stemmer.Stemmer("english", 100_000)  # module-level: a Stemmer does not pickle


def normalize(text: str) -> str:
    """Lowercase, accents off, other scripts in Latin letters, "7,939" -> "7939"."""
    text = text.lower()
    if not text.isascii():
        text = _fold(text)
    return _THOUSANDS.sub("", text) if _DIGIT_SEP.search(text) else text


def _fold(text: str) -> str:
    """A lowercased text that is not ASCII: accents off, other scripts transliterated."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return anyascii(text).lower() if not text.isascii() else text


def normalize_many(texts: Sequence[str]) -> list[str]:
    """``[normalize(t) for t in texts]``, in a few passes over their concatenation (a
    text holding the separator itself is normalised on its own, the slow way)."""
    if not texts:
        return []
    joined = _SEP.join(texts)
    if joined.count(_SEP) != len(texts) - 1:
        return [normalize(t) for t in texts]
    joined = joined.lower()  # a separator ends a word: per text, lower() gives the same
    if not joined.isascii():
        joined = _SEP.join([t if t.isascii() else _fold(t) for t in joined.split(_SEP)])
    if _DIGIT_SEP.search(joined):
        joined = _THOUSANDS.sub("", joined)
    return joined.split(_SEP)


def word_sets(texts: Sequence[str]) -> list[set[str]]:
    """``[set(_WORD.findall(normalize(t))) for t in texts]``: the distinct index words
    of each text (before stopwords are dropped). A normalised text is ASCII: every
    other character becomes a space and the text is split, then single letters go."""
    normed = normalize_many(texts)
    joined = _SEP.join(normed)
    if joined.count(_SEP) == len(normed) - 1:
        parts = joined.translate(_SPACES).split(_SEP) if normed else []
    else:  # a text holds the separator: each on its own
        parts = [t.translate(_SPACES).replace(_SEP, " ") for t in normed]
    out = [set(t.split()) for t in parts]
    for found in out:
        if not found.isdisjoint(_LETTERS):
            found -= _LETTERS
    return out


def stem(word: str) -> str:
    """The Snowball stem of one normalised word; digits and tags unchanged."""
    if word.startswith(TAG) or word.isdigit():
        return word
    return str(_stemmer.stemWord(word))


def surface_words(text: str) -> list[str]:
    """The words of a text as typed (normalised), in order, stopwords dropped."""
    return [t for t in _WORD.findall(normalize(text)) if t not in STOPWORDS]


def tokenize(text: str) -> list[str]:
    """The index terms (stems) of a text, in order, stopwords dropped."""
    return [str(s) for s in _stemmer.stemWords(surface_words(text))]


def words(text: str) -> frozenset[str]:
    """The distinct words of a text, for a ``word_fields`` field of SearchIndex: exactly
    what the index takes from the same text (stopwords are dropped when it is built)."""
    return frozenset(_WORD.findall(normalize(text)))


def query_tokens(text: str) -> list[str]:
    """Words of a query, in order, each once; stopwords kept if nothing else is left. A
    number with a magnitude stuck to it is read as the number ("3bn": 3; the group of
    that number also finds "3bn" as written, see SearchIndex._groups)."""
    found: list[str] = []
    for token in _TOKEN.findall(normalize(text)):
        m = _SCALED.fullmatch(token)
        found.append(m[1] if m else token)
    kept = [t for t in found if (len(t) > 1 or t.isdigit()) and t not in STOPWORDS]
    return list(dict.fromkeys(kept or found))


_english: dict[str, int] | None = None


def english_frequency(word: str) -> float:
    """How common ``word`` (lower case, as typed) is in general English: its count in
    pyspellchecker's English list, to a power of two; 0 when the list lacks it, holds it
    below ``_ENGLISH_MIN``, or is not installed. Loaded once, on first use."""
    global _english
    if _english is None:
        _english = {}
        try:
            from importlib.resources import files

            raw = (files("spellchecker") / "resources" / "en.json.gz").read_bytes()
        except (ImportError, OSError):  # pragma: no cover - a dependency of the project
            log.warning("pyspellchecker's English word list is missing: typo odds off")
        else:
            import gzip

            # Read as text, not json.loads: the whole 160,000-word dict would add ~15 MB
            # to the peak RSS for a moment; only counts of three digits or more (>= 100,
            # _ENGLISH_MIN) are kept, as log2 buckets (small ints, shared).
            text = gzip.decompress(raw).decode("utf-8")
            _english = {m[1]: round(math.log2(int(m[2])))
                        for m in _ENGLISH_ENTRY.finditer(text)}
    bucket = _english.get(word)
    return 0.0 if bucket is None else float(2 ** bucket)


def _is_year(token: str) -> bool:
    """A four-digit token a reporter most likely means as a year: 1900 to 2099, but not
    a round hundred ("2010" is a year, "2,000" and "2000" a count)."""
    return len(token) == 4 and token[:2] in ("19", "20") and not token.endswith("00")


def max_typos(token: str) -> int:
    """Edit distance forgiven for a token: none up to 3 letters, 1 up to 5, then 2."""
    n = len(token)
    if n <= 3 or token.isdigit():
        return 0
    return 1 if n <= 5 else 2


def typo_weight(distance: int, length: int) -> float:
    """How much a correction at ``distance`` edits counts for a word of ``length``:
    one slip in a long word is nearly the word, one in a four-letter word much less."""
    return max(0.0, 1.0 - 1.6 * distance / max(length, 1))


@dataclass(frozen=True, slots=True)
class Hit:
    index: int  # document number, in build order
    id: str
    score: float  # 0..100: the best hit's confidence x this hit's BM25 relative to the best
    confidence: float  # 0..1: the weighted share of the query the document explains


@dataclass(slots=True)
class Columns:
    """Documents given field by field, for :class:`SearchIndex`: document ``i`` is
    ``ids[i]``, its field ``name`` is ``fields[name][i]`` (a text; for a ``word_fields``
    field a word set, or a tuple of word sets meaning their union; or None); a field
    left out is missing from every document."""

    ids: list[str]
    fields: dict[str, Sequence[Any]]

    @classmethod
    def of(cls, documents: Iterable[tuple[str, Mapping[str, Any]]],
           names: Iterable[str]) -> Columns:
        """The columns of ``(id, {field: value})`` documents, for the fields ``names``."""
        ids: list[str] = []
        fields: dict[str, list[Any]] = {name: [] for name in names}
        for doc_id, values in documents:
            ids.append(doc_id)
            for name, column in fields.items():
                column.append(values.get(name))
        return cls(ids, dict(fields))


@dataclass(frozen=True, slots=True)
class _Alt:
    """One way a document can satisfy a query group: every term, at this weight."""

    tids: tuple[int, ...]
    weight: float


class SearchIndex:
    """Vocabulary -> postings per field weight, built once from ``documents``."""

    def __init__(
        self,
        documents: Iterable[tuple[str, Mapping[str, Any]]] | Columns,  # str, or a word set
        weights: Mapping[str, float],
        *,
        importance: Sequence[float] | None = None,
        expansions: Mapping[str, Sequence[tuple[str, float]]] | None = None,
        word_fields: Collection[str] = (),
    ) -> None:
        """``word_fields`` are given as sets of words (:func:`words`, plus tags that
        start with ``#``), not text: a caller whose field repeats a few distinct strings
        tokenises each once. ``documents`` may be given as :class:`Columns` (faster to
        build from). ``expansions``: a word or phrase a reporter may type ->
        (text or tag, weight) it also means; looked up at query time only."""
        if not weights:
            raise ValueError("weights must name at least one field")
        # Fields with equal weight share postings: class 0 is the heaviest.
        self.class_weights: list[float] = sorted(set(weights.values()), reverse=True)
        class_of = {name: self.class_weights.index(w) for name, w in weights.items()}
        field_order = sorted(weights, key=lambda name: class_of[name])
        n_classes = len(self.class_weights)

        cols = documents if isinstance(documents, Columns) else Columns.of(documents, weights)
        self.ids: list[str] = list(cols.ids)
        n_docs = len(self.ids)
        lengths = array("d", bytes(8 * n_docs))  # zeros
        # by_word[class][surface word] -> document numbers (4 bytes each, in order)
        by_word: list[defaultdict[str, array]] = [
            defaultdict(partial(array, "I")) for _ in range(n_classes)]
        word_set = set(word_fields)
        missing: list[Any] = [None] * n_docs
        for cls in range(n_classes):
            group = [n for n in field_order if class_of[n] == cls]
            texts = [cols.fields.get(n, missing) for n in group if n not in word_set]
            extra = [cols.fields.get(n, missing) for n in group if n in word_set]
            bucket, weight = by_word[cls], self.class_weights[cls]
            # A chunk at a time: its texts normalised and split together, few sets alive.
            for lo in range(0, n_docs, _BUILD_CHUNK):
                hi = min(lo + _BUILD_CHUNK, n_docs)
                if len(texts) == 1:
                    found_sets = word_sets([t or "" for t in texts[0][lo:hi]])
                elif texts:
                    rows = zip(*[c[lo:hi] for c in texts], strict=True)
                    found_sets = word_sets([" ".join([t or "" for t in row]) for row in rows])
                else:
                    found_sets = [set() for _ in range(lo, hi)]
                for column in extra:
                    for found, more in zip(found_sets, column[lo:hi], strict=True):
                        if type(more) is tuple:  # several word sets: their union
                            found.update(*more)
                        elif more:
                            found.update(more)
                for doc, found in enumerate(found_sets, lo):
                    if found:
                        lengths[doc] += weight * len(found)
                        # C-level loop: bucket[word].append(doc) for every distinct word.
                        consume(map(array.append, map(bucket.__getitem__, found), repeat(doc)))
        for bucket in by_word:
            for word in STOPWORDS & bucket.keys():
                del bucket[word]
        self._build_vocabulary(by_word)
        self.size = len(self.ids)
        lengths_f = array("f", lengths)  # as stored: the average and norms from these
        avg = (sum(lengths_f) / self.size) if self.size else 1.0
        # BM25's length normalisation per document: k1 * (1 - b + b * length / average).
        self.norm = array("f", (K1 * (1 - B + B * ln / (avg or 1.0)) for ln in lengths_f))
        self.position = {doc_id: i for i, doc_id in enumerate(self.ids)}
        if importance is not None and len(importance) != self.size:
            raise ValueError(f"importance has {len(importance)} values for {self.size} documents")
        self.importance: Sequence[float] = importance or [0.0] * self.size
        size = self.size
        idf_at = self.idf_at
        self.idf: list[float] = [idf_at(df) for df in self.df]
        self.unknown_mass = UNKNOWN_MASS * math.log(1.0 + (size + 0.5) / 1.5)
        self.expansions: dict[tuple[str, ...], list[tuple[tuple[str, ...], float]]] = {}
        for key, targets in (expansions or {}).items():
            k = _terms(key)
            if not k:
                continue
            alts = self.expansions.setdefault(k, [])
            for target, weight in targets:
                t = _terms(target)
                if t and t != k and all(alt != t for alt, _w in alts):
                    alts.append((t, weight))
        self._longest_key = max((len(k) for k in self.expansions), default=1)
        log.debug("index: %d documents, %d terms, %d words", self.size, len(self.terms),
                  len(self._sorted_words))

    def _build_vocabulary(self, by_word: list[defaultdict[str, array]]) -> None:
        """Surface words -> stems; postings by stem and class; words for typos and prefixes."""
        surface = {w for bucket in by_word for w in bucket}
        typed = sorted(w for w in surface if not w.startswith(TAG))
        stems = dict(zip(typed, map(str, _stemmer.stemWords(typed)), strict=True))
        stems.update((w, w) for w in surface if w.startswith(TAG))
        for w in typed:
            if w.isdigit():
                stems[w] = w
        self.vocab: dict[str, int] = {}
        self.terms: list[str] = []
        for s in sorted(set(stems.values())):
            self.vocab[s] = len(self.terms)
            self.terms.append(s)
        self.df: list[int] = [0] * len(self.terms)
        self.postings: list[dict[int, array]] = []
        for bucket in by_word:
            by_tid: dict[int, array] = {}
            for word, plist in bucket.items():
                tid = self.vocab[stems[word]]
                have = by_tid.get(tid)
                by_tid[tid] = plist if have is None else array(
                    "I", sorted(set(have).union(plist)))
            bucket.clear()
            self.postings.append(by_tid)
        for tid in range(len(self.terms)):
            lists = [by_tid[tid] for by_tid in self.postings if tid in by_tid]
            self.df[tid] = len(lists[0]) if len(lists) == 1 else len(set().union(*lists))
        # Typed words by length, for the edit-distance scan, and sorted, for prefixes.
        self._word_tid: dict[str, int] = {w: self.vocab[stems[w]] for w in typed}
        self._by_len: dict[int, list[str]] = {}
        for w in typed:
            self._by_len.setdefault(len(w), []).append(w)
        self._sorted_words = typed

    def roundings(self, token: str) -> list[int]:
        """Term ids of the numbers of the set that ``token`` (digits, not in the set)
        rounds: to its own precision, its trailing zeros ("8000": 7939 and 8,040, to the
        thousand; "150": 146 to 154; "225": none but 225 itself)."""
        zeros = len(token) - len(token.rstrip("0"))
        if not zeros or len(token) > 15 or token[0] == "0" or _is_year(token):
            return []  # no trailing zero, no number at all ("000"), or a year ("2010")
        numbers = getattr(self, "_numbers", None)
        if numbers is None:  # (value, term id) of every number of the set, sorted
            numbers = self._numbers = sorted(
                (int(t), tid) for tid, t in enumerate(self.terms)
                if t.isdigit() and len(t) < 16 and (t[0] != "0" or t == "0"))
        value, step = int(token), 10 ** zeros
        lo = bisect_left(numbers, (value - step // 2, -1))
        hi = bisect_left(numbers, (value + (step + 1) // 2, -1))
        near = heapq.nsmallest(_ROUNDED_MAX, islice(numbers, lo, hi),
                               key=lambda vt: abs(vt[0] - value))
        return [tid for _v, tid in near]

    def idf_at(self, df: float) -> float:
        """The idf of a word held by ``df`` documents."""
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))

    # -- query groups ------------------------------------------------------------------

    def _tids(self, terms: tuple[str, ...]) -> tuple[int, ...] | None:
        """Term ids of every term, or None when one is not in the vocabulary."""
        out = []
        for t in terms:
            tid = self.vocab.get(t)
            if tid is None:
                return None
            out.append(tid)
        return tuple(out)

    def set_name_source(self, text_of: Callable[[int], str] | None) -> None:
        """Where :meth:`is_name` reads a document's own text (its speaker's names and
        statement, as written): given by the caller after the index is built or loaded,
        never pickled with it. None: no word is taken for a name."""
        self._name_source = text_of
        self._names: dict[int, bool] = {}

    def is_name(self, tid: int) -> bool:
        """Whether term ``tid`` is a proper name in the set: held by at most
        ``NAME_DF_SHARE`` of the documents, and written capitalised, never in lower
        case, in the first documents holding it (a sentence's first word is not told)."""
        text_of = getattr(self, "_name_source", None)
        if text_of is None or tid >= len(self.terms) or self.terms[tid].startswith(TAG):
            return False
        known = self._names.get(tid)
        if known is not None:
            return known
        term = self.terms[tid]
        answer = False
        if not term.isdigit() and self.df[tid] <= max(3.0, NAME_DF_SHARE * self.size):
            docs = self.postings[0].get(tid) or next(
                (b[tid] for b in self.postings if tid in b), array("I"))
            seen = False
            answer = True
            for doc in docs[:_NAME_SAMPLE]:
                text = text_of(doc)
                for m in re.finditer(r"[^\W\d_]+", text):
                    word = m.group()
                    if stem(normalize(word)) != term:
                        continue
                    if word[0].islower():
                        answer = False
                        break
                    if not _SENTENCE_START.search(text[: m.start()]):
                        seen = True
                if not answer:
                    break
            answer = answer and seen
        self._names[tid] = answer
        return answer

    def corrections(self, token: str, *, prefix: bool = False,
                    typos: bool = True) -> list[tuple[int, float]]:
        """Likely words meant by ``token``: (term id, weight), best first.

        Words within :func:`max_typos` edits (unless not ``typos``), and (``prefix``,
        or a token of three letters or more in a search) words that begin with it. A
        candidate's weight is its closeness (:func:`typo_weight`, or the share of the
        word typed) times its likelihood relative to the best candidate of its kind:
        how common the word is, times ``_TYPO_ODDS`` per edit (a noisy channel: common
        words are meant more often). Completions and corrections are weighed each
        among their own kind, so a common word one slip away never pushes the
        completion of an unfinished word below it ("shymk": Shymkent, not a
        five-letter word one edit off).
        """
        n = len(token)
        # tid -> (closeness, likelihood, kind: 0 a correction, 1 a completion)
        close: dict[int, tuple[float, float, int]] = {}
        # A typed word that is itself a common English word was probably meant: each
        # correction counts only at its odds against it (the same noisy channel, over
        # general English): P(meant c) / (P(meant c) + P(meant as typed)).
        as_typed = english_frequency(token) if typos else 0.0

        def offer(tid: int, closeness: float, edits: float, kind: int = 0,
                  word: str = "") -> None:
            like = (self.df[tid] + 1) * _TYPO_ODDS ** edits
            if as_typed and kind == 0:
                meant = max(english_frequency(word), _ENGLISH_FLOOR) \
                    * _TYPO_ODDS ** edits
                closeness *= meant / (meant + as_typed)
            if closeness > close.get(tid, (0.0, 0.0, 0))[0]:
                close[tid] = (closeness, like, kind)

        k = max_typos(token) if typos else 0
        if k:
            for length in range(max(1, n - k), n + k + 1):
                bucket = self._by_len.get(length)
                if not bucket:
                    continue
                for word, dist, _i in process.extract(
                    token, bucket, scorer=OSA.distance, score_cutoff=k, limit=None
                ):
                    if dist:
                        offer(self._word_tid[word], typo_weight(int(dist), max(n, length)),
                              dist, 0, word)
        if n >= (2 if prefix else 3) and not token.isdigit():
            lo = bisect_left(self._sorted_words, token)
            hi = bisect_right(self._sorted_words, token + "\x7f", lo)
            top = 0.95 if prefix else 0.85
            for word in self._sorted_words[lo : min(hi, lo + 400)]:
                if word != token:
                    # an unfinished word: its closeness is the share of it typed
                    offer(self._word_tid[word], top - 0.25 * (1 - n / len(word)), 0.0, 1)
        if not close:
            return []
        best_like = [0.0, 0.0]
        for _c, like, kind in close.values():
            best_like[kind] = max(best_like[kind], like)
        ranked = sorted(
            ((tid, c * math.sqrt(like / best_like[kind]), kind)
             for tid, (c, like, kind) in close.items()),
            key=lambda kv: -kv[1],
        )
        # Each kind keeps its best few: an unfinished word may begin many words of the
        # set, none of which a typo's few likely corrections should push out.
        cap = [_CORRECTIONS, _COMPLETIONS]
        kept: list[tuple[int, float]] = []
        for tid, w, kind in ranked:
            if w >= _CORRECTION_MIN and cap[kind] > 0:
                cap[kind] -= 1
                kept.append((tid, w))
        return kept

    def _groups(self, query: str, prefix: bool) -> list[_Group]:
        """The query's ideas, each with its alternatives and weight (mass)."""
        tokens = query_tokens(query)
        # words typed capitalised after the first: names, to the names-only rule
        # (each part of a hyphenated word on its own: "Moscow-led" names Moscow, not "led")
        parts = list(_WORD_PART.finditer(query))
        typed = [m.group() for m in parts]
        # what lies between a part and the one before it ("Kassym-Jomart": "-")
        gaps = [query[a.end() : b.start()] for a, b in pairwise(parts)]
        capitalised = {t for w in typed[1:] if w[:1].isupper() for t in query_tokens(w)}
        if typed and typed[0][:1].isupper():  # a first word: a name only if no English word
            capitalised.update(t for t in query_tokens(typed[0]) if not english_frequency(t))
        # Headline Case: capitals do not tell a name the set lacks from a typo
        worded = [w for w in typed if not w.isdigit()]
        headline = len(worded) >= 3 and all(w[:1].isupper() for w in worded)
        # each token's typed words (its position among them), and the tokens of a date:
        # a day or year beside a month ("31 Dec", "January 2022") is no count
        typed_tokens = [query_tokens(w) for w in typed]
        dates: set[str] = set()
        for n, toks in enumerate(typed_tokens):
            if typed[n] in _CAPITAL_MONTHS or any(t in _MONTHS for t in toks):
                for near in typed_tokens[max(0, n - 1) : n + 2]:
                    dates.update(t for t in near if t.isdigit()
                                 and (1 <= int(t) <= 31 or len(t) == 4))
        foreign = {t for w in typed if not w.isascii() for t in query_tokens(w)}  # other scripts
        scaled: dict[str, list[str]] = {}  # "3" -> ["3bn"]: as typed with its magnitude
        for token in _TOKEN.findall(normalize(query)):
            m = _SCALED.fullmatch(token)
            if m:
                scaled.setdefault(m[1], []).append(token)
        stems = [stem(t) for t in tokens]
        groups: list[_Group] = []
        i = 0
        while i < len(tokens):
            last = prefix and i == len(tokens) - 1
            span = 1
            for n in range(min(self._longest_key, len(tokens) - i), 1, -1):
                if tuple(stems[i : i + n]) in self.expansions:
                    span = n
                    break
            key = tuple(stems[i : i + span])
            unreadable = False
            alts: list[_Alt] = []
            own = self._tids(key)
            if own is not None:
                alts.append(_Alt(own, 1.0))
            if span == 1 and tokens[i].isdigit() and tokens[i] not in dates:
                for written in scaled.get(tokens[i], ()):  # "3bn" as typed, if the set has it
                    tid = self.vocab.get(written)
                    if tid is not None and (own is None or tid != own[0]):
                        alts.append(_Alt((tid,), 1.0))
                if own is None and not last:
                    alts += [_Alt((tid,), NUMBER_ROUNDED) for tid in self.roundings(tokens[i])]
                word = _NUMBER_WORDS.get(int(tokens[i])) if len(tokens[i]) < 12 else None
                spelt = self._tids((stem(word),)) if word else None
                if spelt is not None:
                    alts.append(_Alt(spelt, NUMBER_WORD))
            elif span == 1 and (own is None or last):
                alts += [_Alt((tid,), w) for tid, w in self.corrections(tokens[i], prefix=last)
                         if own is None or tid != own[0]]
            elif own is not None and span == 1 and i == len(tokens) - 1 \
                    and not query[-1:].isspace():
                # The last word of a search may be unfinished even when it is a word
                # ("alma" of "Almaty"): its completions too, below the word itself.
                alts += [_Alt((tid,), w) for tid, w in self.corrections(tokens[i], typos=False)
                         if tid != own[0]]
            for terms, weight in self.expansions.get(key, ()):
                tids = self._tids(terms)
                if tids is not None:
                    alts.append(_Alt(tids, weight))
            if own is not None:
                mass = sum(self.idf[t] for t in own) / len(own)
            elif alts:
                mass = max(sum(self.idf[t] for t in a.tids) / len(a.tids) for a in alts)
            elif tokens[i].isdigit() and len(tokens[i]) > 1 and tokens[i] not in dates:
                mass = self.unknown_mass / UNKNOWN_MASS  # a number no claim gives
            else:
                mass = self.unknown_mass
                if span == 1 and tokens[i] in foreign:  # see UNREADABLE_MASS
                    mass *= UNREADABLE_MASS
                    unreadable = True
            group = _Group(self, alts, mass)
            group.token = tokens[i] if span == 1 else ""
            group.unreadable = unreadable
            group.name = span == 1 and self._names_a_name(own, alts)
            group.typed_name = group.name or (span == 1 and tokens[i] in capitalised)
            # a name typed that the set never writes, nor anything close to it
            group.stranger = (group.typed_name and not group.name and not headline
                              and not english_frequency(tokens[i])
                              and all(a.weight < STRANGER_CLOSE for a in alts))
            groups.append(group)
            i += span
        # A stranger typed right before a name of the set (nothing but a space or a hyphen
        # between), with some likeness to a word of the set, is a first name in another
        # spelling ("Anatolij Antonow"), not someone else ("Mirziyoyev, Tokayev" is).
        named = {g.token for g in groups if g.name}
        for g in groups:
            if g.stranger and max((a.weight for a in g.alts), default=0.0) >= FIRST_NAME_CLOSE:
                g.stranger = not any(
                    g.token in typed_tokens[n] and named & set(typed_tokens[n + 1])
                    and gaps[n].strip(" -") == ""
                    for n in range(len(typed_tokens) - 1))
        self._lead_names(groups)
        return groups

    def _names_a_name(self, own: tuple[int, ...] | None, alts: list[_Alt]) -> bool:
        """Whether a one-word group is a name: its own word, or (a word the set lacks)
        its likeliest correction when that is close (at least 0.7)."""
        if own is not None:
            return self.is_name(own[0])
        best = max((a for a in alts if len(a.tids) == 1), key=lambda a: a.weight, default=None)
        return best is not None and best.weight >= 0.7 and self.is_name(best.tids[0])

    @staticmethod
    def _lead_names(groups: list[_Group]) -> None:
        """A name weighs at least ``NAME_LEAD`` times the heaviest common word the set
        holds, in confidence (its mass) and in the ranking (its boost). A word the set
        lacks may itself be a name (of someone the set never mentions): no lead over it."""
        common = max((g.mass for g in groups if not g.name and g.df), default=0.0)
        for g in groups:
            if g.name and g.mass < NAME_LEAD * common:
                g.boost = NAME_LEAD * common / g.mass
                g.mass = NAME_LEAD * common

    def names_in(self, query: str) -> list[str]:
        """The query's words that are names of the set (see :meth:`is_name`; a close
        misspelling of one too), as typed: what a "no match" can still offer claims on.
        Word by word, not through :meth:`_groups`: a name inside a phrase of the
        expansions ("Charles Michel", "Wang Yi") is one group there, never a name."""
        out: list[str] = []
        tokens = query_tokens(query)
        for part in _WORD_PART.findall(query):
            toks = query_tokens(part)
            if len(toks) != 1 or toks[0] not in tokens:
                continue
            own = self._tids((stem(toks[0]),))
            alts = [] if own is not None else [
                _Alt((tid,), w) for tid, w in self.corrections(toks[0])]
            if self._names_a_name(own, alts) and part not in out:
                out.append(part)
        return out

    def nearest_terms(self, text: str, limit: int = 5) -> list[str]:
        """Vocabulary words closest to the query's words, for "did you mean"."""
        out: list[str] = []
        for token in query_tokens(text):
            for word, _score, _i in process.extract(
                token, self._sorted_words, scorer=fuzz.ratio, score_cutoff=60, limit=3
            ):
                if word not in out:
                    out.append(word)
        return out[:limit]

    # -- search ----------------------------------------------------------------------

    def search(self, query: str, limit: int = 10, *, prefix: bool = False,
               min_confidence: float = MIN_CONFIDENCE) -> list[Hit]:
        """Best documents for ``query``, best first. ``prefix``: the last word is partial."""
        return self.search_page(query, limit, prefix=prefix, min_confidence=min_confidence)[0]

    def search_page(self, query: str, limit: int = 10, *, prefix: bool = False,
                    min_confidence: float = MIN_CONFIDENCE) -> tuple[list[Hit], int]:
        """The best ``limit`` matches and how many documents match in all (among the
        candidates scored: at most ``_POOL_MAX``)."""
        groups = self._groups(query, prefix)
        if not groups or limit <= 0:
            return [], 0
        if not prefix and any(g.stranger for g in groups) and any(
                (g.name or (g.typed_name and g.df)) and not g.stranger for g in groups):
            return [], 0  # a name the set lacks beside one it holds: see STRANGER_CLOSE
        total_mass = sum(g.mass for g in groups) or 1.0
        pool_max = _POOL_MAX // 3 if prefix else _POOL_MAX
        matches, score, conf = self._confident(groups, total_mass, min_confidence, pool_max)
        below: list[int] = []  # the second stage's, ranked after the first stage's
        if len(matches) < FALLBACK_FILL and not prefix and min_confidence > FALLBACK_CONFIDENCE:
            more, more_score, more_conf = self._fallback(groups, total_mass, pool_max)
            first = set(matches)
            below = [d for d in more if d not in first]
            score.update(more_score)
            conf.update(more_conf)
        if not matches and not below:
            return [], 0
        best = self._ranked(matches, score, limit)
        best += self._ranked(below, score, limit - len(best))
        if not prefix and self._names_only(groups, {d for _key, d in best}):
            return [], 0
        top_key = best[0][0] or 1.0
        top_conf = min(1.0, conf[best[0][1]] / total_mass)
        hits: list[Hit] = []
        for key, d in best:  # scores never rise down the list
            shown = 100.0 * top_conf * key / top_key
            if hits and shown > hits[-1].score:
                shown = hits[-1].score
            hits.append(Hit(d, self.ids[d], round(shown, 2),
                            round(min(1.0, conf[d] / total_mass), 4)))
        return hits, len(matches) + len(below)

    @staticmethod
    def _names_only(groups: list[_Group], shown: set[int]) -> bool:
        """Whether the claims ``shown`` answer only the query's names (see
        ``NAMES_ONLY_REST``): each holds a name but explains less than that share of the
        other ideas' mass, and one of those ideas is explained by none of them."""
        rest = [g for g in groups if not g.typed_name and not g.unreadable]
        if not shown or len(rest) == len(groups) or not rest:
            return False
        explained: list[dict[int, float]] = []
        for g in groups:
            e: dict[int, float] = {}
            if g.df:
                g.accumulate(shown, dict.fromkeys(shown, 0.0), dict.fromkeys(shown, 0.0), e)
            explained.append(e)
        by_group = list(zip(groups, explained, strict=True))
        if all(e for g, e in by_group if not g.typed_name):
            return False  # every idea beyond the names is in a claim shown
        rest_mass = sum(g.mass for g in rest)
        for doc in shown:
            if not any(doc in e for g, e in by_group if g.typed_name):
                return False  # a claim explained by other ideas than names
            beyond = sum(g.mass * e.get(doc, 0.0) for g, e in by_group if not g.typed_name)
            if beyond >= NAMES_ONLY_REST * rest_mass:
                return False
        return True

    def _ranked(self, docs: list[int], score: dict[int, float],
                limit: int) -> list[tuple[float, int]]:
        """The best ``limit`` of ``docs`` by score, a few spare looked at; importance (at
        most 2 %) breaks near ties: (ranking key, document), best first."""
        if limit <= 0 or not docs:
            return []
        imp = self.importance
        return sorted(((score[d] * (1.0 + 0.02 * imp[d]), d)
                       for d in heapq.nlargest(limit + 8, docs, key=score.__getitem__)),
                      reverse=True)[:limit]

    def _confident(self, groups: list[_Group], total_mass: float, min_confidence: float,
                   pool_max: int) -> tuple[list[int], dict[int, float], dict[int, float]]:
        """The first stage: documents explaining at least ``min_confidence`` of the
        query; with every candidate's score and confidence."""
        pool = self._candidates(groups, total_mass, min_confidence, pool_max)
        score = dict.fromkeys(pool, 0.0)
        conf = dict.fromkeys(pool, 0.0)
        for g in groups:
            if g.df:
                g.accumulate(pool, score, conf)
        floor = min_confidence * total_mass - 1e-9
        return [d for d, c in conf.items() if c >= floor], score, conf

    def _fallback(self, groups: list[_Group], total_mass: float,
                  pool_max: int) -> tuple[list[int], dict[int, float], dict[int, float]]:
        """The second stage (see ``FALLBACK_CONFIDENCE``): documents explaining less than
        the first stage asks, but enough of the query's ideas, one of them specific."""
        if sum(1 for g in groups if g.df) < FALLBACK_GROUPS:
            return [], {}, {}
        pool = self._candidates(groups, total_mass, FALLBACK_CONFIDENCE, pool_max,
                                deciding_max=len(groups))
        score = dict.fromkeys(pool, 0.0)
        conf = dict.fromkeys(pool, 0.0)
        strong: dict[int, int] = {}
        specific: set[int] = set()
        heavy = FALLBACK_SPECIFIC * self.unknown_mass / UNKNOWN_MASS
        common = self.idf_at(FALLBACK_COMMON_SHARE * self.size)
        for g in groups:
            if g.df:
                explained: dict[int, float] = {}
                g.accumulate(pool, score, conf, explained)
                if g.mass < common:
                    continue  # a quarter of the claims hold it: it says little of what is asked
                for doc, weight in explained.items():
                    if weight >= FALLBACK_STRONG:
                        strong[doc] = strong.get(doc, 0) + 1
                        if g.mass >= heavy:
                            specific.add(doc)
        floor = FALLBACK_CONFIDENCE * total_mass - 1e-9
        matches = [d for d in specific
                   if strong[d] >= FALLBACK_GROUPS and conf[d] >= floor]
        return matches, score, conf

    def _candidates(self, groups: list[_Group], total_mass: float,
                    min_confidence: float, pool_max: int,
                    deciding_max: int = _DECIDING_MAX) -> set[int]:
        """Documents that can reach ``min_confidence``: those holding at least one of the
        rarest groups whose weight, missing, would already sink a document below it."""
        order = sorted((i for i, g in enumerate(groups) if g.df), key=lambda i: groups[i].df)
        if not order:
            return set()
        need = (1.0 - min_confidence) * total_mass
        # Groups the set cannot match at all are already missing from every document.
        missing = sum(g.mass for g in groups if not g.df)
        chosen: list[int] = []
        for i in order:
            chosen.append(i)
            missing += groups[i].mass
            if missing > need or len(chosen) >= deciding_max:
                break
        small = [groups[i] for i in chosen if groups[i].df <= _SEED_MAX]
        if not small:
            # Every deciding group is common: the rarest one's documents, in order.
            return set(groups[order[0]].iter_docs(limit=pool_max))
        base = small[0].doc_set()
        others = small[1:]
        if len(base) > pool_max:
            # Too many: first the documents that also hold the other deciding groups.
            held = [g.hits_in(base) for g in others]
            pool: set[int] = set.intersection(*held) if held else set()
            for docs in [*held, base]:
                if len(pool) >= pool_max:
                    break
                pool.update(islice(docs - pool, pool_max - len(pool)))
            return set(islice(pool, pool_max))
        for g in others:
            if len(base) >= pool_max or g.df > 4 * pool_max:
                break
            base.update(islice(g.doc_set() - base, pool_max - len(base)))
        return base


def _terms(text: str) -> tuple[str, ...]:
    """Index terms of an expansion key or target: a tag as it is, else the text's stems."""
    text = text.strip()
    if text.startswith(TAG):
        return (text,)
    return tuple(tokenize(text))


class _Group:
    """One idea of a query: its alternatives, which documents hold them, and its mass."""

    __slots__ = ("alts", "boost", "df", "index", "mass", "name", "postings", "stranger",
                 "token", "typed_name", "unreadable")

    def __init__(self, index: SearchIndex, alts: list[_Alt], mass: float) -> None:
        self.index = index
        self.alts = alts
        self.mass = mass
        self.name = False  # a proper name of the set (SearchIndex.is_name)
        self.typed_name = False  # that, or a word typed capitalised after the first
        self.token = ""  # the query word of a one-word group ("" for a phrase)
        self.stranger = False  # a typed name the set lacks (no English word, nothing close)
        self.unreadable = False  # a word in another script the set cannot read at all
        self.boost = 1.0  # what its score is multiplied by (a name's lead)
        # (class weight, postings) of every term of every alternative, heaviest first.
        tids = {t for a in alts for t in a.tids}
        self.df = sum(index.df[t] for t in tids)
        postings: list[tuple[float, array]] = []
        for t in tids:
            for cls, bucket in enumerate(index.postings):
                plist = bucket.get(t)
                if plist is not None:
                    postings.append((index.class_weights[cls], plist))
        postings.sort(key=lambda p: (-p[0], len(p[1])))
        self.postings = postings

    def _tf(self, tid: int, pool: set[int]) -> dict[int, float]:
        """Pool documents holding ``tid`` -> its field-weighted term frequency."""
        out: dict[int, float] = {}
        index = self.index
        for cls, bucket in enumerate(index.postings):
            docs = bucket.get(tid)
            if docs is None:
                continue
            if len(docs) <= 8 * len(pool):
                hits = pool.intersection(docs)
            else:  # a long postings array: look each pool document up instead
                hits = set()
                size = len(docs)
                for doc in pool:
                    i = bisect_left(docs, doc)
                    if i < size and docs[i] == doc:
                        hits.add(doc)
            w = index.class_weights[cls]
            for doc in hits:
                out[doc] = out.get(doc, 0.0) + w
        return out

    def accumulate(self, pool: set[int], score: dict[int, float], conf: dict[int, float],
                   explained: dict[int, float] | None = None) -> None:
        """Add this group's BM25F score and confidence to every pool document it matches,
        each at the best alternative the document holds (whose weight goes to
        ``explained``, when given)."""
        idf, norm = self.index.idf, self.index.norm
        mass = self.mass
        k1p = K1 + 1.0
        if len(self.alts) == 1 and len(self.alts[0].tids) == 1:  # one word, as typed
            alt = self.alts[0]
            tid = alt.tids[0]
            w = alt.weight * min(idf[tid], mass) * k1p * self.boost
            c = mass * alt.weight
            held = self._tf(tid, pool)
            for doc, tf in held.items():
                score[doc] += w * tf / (tf + norm[doc])
                conf[doc] += c
            if explained is not None:
                explained.update(dict.fromkeys(held, alt.weight))
            return
        best_s: dict[int, float] = {}
        best_c: dict[int, float] = {}
        tf_cache: dict[int, dict[int, float]] = {}
        for alt in self.alts:
            n = len(alt.tids)
            total_idf = sum(idf[t] for t in alt.tids) or 1.0
            # A synonym never outweighs the word typed, however rare the synonym is.
            cap = min(1.0, mass * n / total_idf)
            part_s: dict[int, float] = {}
            part_c: dict[int, float] = {}
            for tid in alt.tids:
                tfs = tf_cache.get(tid)
                if tfs is None:
                    tfs = tf_cache[tid] = self._tf(tid, pool)
                w = alt.weight * cap * idf[tid] / n * k1p
                share = alt.weight * idf[tid] / total_idf
                if n == 1:
                    for doc, tf in tfs.items():
                        sc = w * tf / (tf + norm[doc])
                        if sc > best_s.get(doc, 0.0):
                            best_s[doc] = sc
                        if share > best_c.get(doc, 0.0):
                            best_c[doc] = share
                    continue
                for doc, tf in tfs.items():
                    part_s[doc] = part_s.get(doc, 0.0) + w * tf / (tf + norm[doc])
                    part_c[doc] = part_c.get(doc, 0.0) + share
            for doc, sc in part_s.items():
                if sc > best_s.get(doc, 0.0):
                    best_s[doc] = sc
                c = part_c[doc]
                if c > best_c.get(doc, 0.0):
                    best_c[doc] = c
        boost = self.boost
        for doc, sc in best_s.items():
            score[doc] += sc * boost
            conf[doc] += mass * best_c[doc]
        if explained is not None:
            explained.update(best_c)

    def hits_in(self, docs: set[int]) -> set[int]:
        """Which of ``docs`` hold one of this group's terms."""
        out: set[int] = set()
        for _w, plist in self.postings:
            out |= docs.intersection(plist)
        return out

    def doc_set(self) -> set[int]:
        """Documents holding one of this group's terms."""
        out: set[int] = set()
        for _w, docs in self.postings:
            out.update(docs)
        return out

    def iter_docs(self, limit: int | None = None) -> Iterable[int]:
        """Documents in order (merged postings), at most ``limit``."""
        seen = -1
        count = 0
        for doc in heapq.merge(*[docs for _w, docs in self.postings]):
            if doc != seen:
                seen = doc
                yield doc
                count += 1
                if limit is not None and count >= limit:
                    return
