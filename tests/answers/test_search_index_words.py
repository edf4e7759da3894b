"""SearchIndex ``word_fields``: a field given as a word set indexes exactly as its text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answers.search_index import SearchIndex, words

WEIGHTS = {"speaker": 1.0, "statement": 1.0, "topics": 1.0, "quotes": 0.7, "context": 0.7}
WORDS = ["Tokayev", "coup", "Almaty", "7,939", "détenus", "the", "of", "troops", "CSTO",
         "Antonov", "arrested", "a", "x1", "Jomart-Kassym", "Akorda"]
text = st.lists(st.sampled_from(WORDS), max_size=5).map(" ".join)
doc = st.fixed_dictionaries(dict.fromkeys(WEIGHTS, text))


def _snapshot(idx: SearchIndex) -> tuple[object, ...]:
    postings = [{idx.terms[t]: list(p) for t, p in by.items()} for by in idx.postings]
    return postings, idx.rerank_text, sorted(idx.terms)


@settings(max_examples=60, deadline=None)
@given(st.lists(doc, min_size=1, max_size=6))
def test_word_fields_index_as_their_text(docs: list[dict[str, str]]) -> None:
    as_text = SearchIndex(
        [(str(i), d) for i, d in enumerate(docs)], WEIGHTS, rerank_fields=("speaker",)
    )
    as_words = SearchIndex(
        [(str(i), {**d, "topics": words(d["topics"]), "context": words(d["context"])})
         for i, d in enumerate(docs)],
        WEIGHTS, rerank_fields=("speaker",), word_fields=("topics", "context"),
    )
    assert _snapshot(as_words) == _snapshot(as_text)
    for query in ("tokayev", "almaty coup", "7939", "antonov troops"):
        assert as_words.search(query, 5) == as_text.search(query, 5)


def test_a_rerank_field_cannot_be_a_word_set() -> None:
    with pytest.raises(ValueError, match="rerank field"):
        SearchIndex([], WEIGHTS, rerank_fields=("speaker",), word_fields=("speaker",))
