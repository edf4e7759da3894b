"""SearchIndex ``word_fields``: a field given as a word set indexes exactly as its text."""

from __future__ import annotations

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
    return postings, list(idx.norm), sorted(idx.terms)


@settings(max_examples=60, deadline=None)
@given(st.lists(doc, min_size=1, max_size=6))
def test_word_fields_index_as_their_text(docs: list[dict[str, str]]) -> None:
    as_text = SearchIndex(
        [(str(i), d) for i, d in enumerate(docs)], WEIGHTS)
    as_words = SearchIndex(
        [(str(i), {**d, "topics": words(d["topics"]), "context": words(d["context"])})
         for i, d in enumerate(docs)],
        WEIGHTS, word_fields=("topics", "context"),
    )
    assert _snapshot(as_words) == _snapshot(as_text)
    for query in ("tokayev", "almaty coup", "7939", "antonov troops"):
        assert as_words.search(query, 5) == as_text.search(query, 5)


def test_a_tag_in_a_word_set_is_found_only_through_an_expansion() -> None:
    idx = SearchIndex(
        [("a", {"statement": "troops arrived", "topics": frozenset({"#troops"})}),
         ("b", {"statement": "nothing here", "topics": frozenset()})],
        {"statement": 1.0, "topics": 0.7}, word_fields=("topics",),
        expansions={"servicemen": [("#troops", 0.6)]},
    )
    assert "#troops" in idx.vocab
    assert [h.id for h in idx.search("servicemen", 5)] == ["a"]
    assert idx.search("troops", 5)[0].id == "a"
