"""The index is built in bulk (texts normalised and split together, documents given as
columns): it holds exactly what each document's own words say, one text at a time."""

from __future__ import annotations

import re
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answers import search_index
from bot.answers.engine import Factdesk
from bot.answers.search_index import (
    STOPWORDS,
    TAG,
    Columns,
    SearchIndex,
    normalize,
    normalize_many,
    stem,
    word_sets,
    words,
)

_WORD = re.compile(r"[a-z0-9]{2,}|[0-9]")
# Letters and marks that change under lower(), NFKD or transliteration, digits with
# separators, and the separator the bulk path joins texts with.
PIECES = ["Tokayev", "ТОКАЕВ", "Токаев", "ΑΣ", "σ", "é", "ℌ", "ﬀ", "Ⅻ", "½", "İ", "ß", "7,939",
          "2.000.000", "1,5", "U.S.", "it's", " ", "\x00", "\n", "—", "x", "7", "a1", "日本"]
texts = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=8).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, max_size=8))
def test_bulk_normalising_is_normalising_each_text(batch: list[str]) -> None:
    assert normalize_many(batch) == [normalize(t) for t in batch]
    assert word_sets(batch) == [set(_WORD.findall(normalize(t))) for t in batch]


WEIGHTS = {"speaker": 1.0, "statement": 1.0, "topics": 0.7, "quotes": 0.7, "context": 0.7}
FIELD_TEXT = st.lists(st.sampled_from(
    ["Tokayev", "coup", "Almaty", "7,939", "détenus", "the", "troops", "Антонов", "a", ""]),
    max_size=4).map(" ".join)


def _snapshot(idx: SearchIndex) -> tuple[object, ...]:
    postings = [{idx.terms[t]: list(p) for t, p in by.items()} for by in idx.postings]
    return idx.ids, postings, list(idx.norm), idx.idf


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "speaker": FIELD_TEXT, "statement": FIELD_TEXT, "quotes": FIELD_TEXT,
    "topics": FIELD_TEXT, "context": st.lists(FIELD_TEXT, max_size=3)}), min_size=1, max_size=9))
def test_columns_index_as_documents(docs: list[dict[str, object]]) -> None:
    """Columns (with a field as a tuple of word sets, their union) and documents given one
    by one build the same index, whatever the chunk the build works in."""
    with patch.object(search_index, "_BUILD_CHUNK", 4):
        _check_columns_index_as_documents(docs)


def _check_columns_index_as_documents(docs: list[dict[str, object]]) -> None:
    one_by_one = SearchIndex(
        [(str(i), {**d, "topics": words(str(d["topics"])),
                   "context": " ".join(d["context"])})  # type: ignore[arg-type]
         for i, d in enumerate(docs)],
        WEIGHTS, word_fields=("topics",),
    )
    columns = Columns([str(i) for i in range(len(docs))], {
        "speaker": [d["speaker"] for d in docs],
        "statement": [d["statement"] for d in docs],
        "quotes": [d["quotes"] or None for d in docs],
        "topics": [words(str(d["topics"])) for d in docs],
        "context": [tuple(words(t) for t in d["context"]) for d in docs],  # type: ignore[attr-defined]
    })
    as_columns = SearchIndex(columns, WEIGHTS, word_fields=("topics", "context"))
    assert _snapshot(as_columns) == _snapshot(one_by_one)


def test_the_engine_indexes_each_claim_by_its_own_words(desk: Factdesk) -> None:
    """Over the seed set: a claim is in a term's postings of a field weight exactly when
    one of its fields of that weight holds a word with that stem (its statement and
    speaker's names; its quotes, topics, outlets, its own relays (via: not every relay
    its article cites) and speaker's role)."""
    cs, index = desk.claimset, desk.index
    held: dict[tuple[int, str], set[int]] = {}
    for cls, bucket in enumerate(index.postings):
        for tid, docs in bucket.items():
            for doc in docs:
                held.setdefault((cls, index.terms[tid]), set()).add(doc)
    expected: dict[tuple[int, str], set[int]] = {}
    for doc, claim in enumerate(cs.claims.values()):
        speaker = cs.speakers[claim.speaker]
        sources = [cs.sources[a.source] for a in claim.attributions]
        heavy = [claim.statement, *speaker.spellings]
        light = [*(a.quote for a in claim.attributions), speaker.role,
                 *(cs.topics[t].label for t in claim.topics),
                 *(s.outlet or "" for s in sources),
                 *(v for a in claim.attributions for v in a.via)]  # its own relays only
        for cls, texts in enumerate((heavy, light)):
            found = {w for t in texts for w in _WORD.findall(normalize(t))} - STOPWORDS
            terms = {stem(w) for w in found}
            if cls == 1:
                terms |= {TAG + t for t in claim.topics}
            for term in terms:
                expected.setdefault((cls, term), set()).add(doc)
    assert held == expected
    assert index.ids == list(cs.claims)
