"""The search index on its own: typos, prefixes, field weights, ranking, no full scans."""

from __future__ import annotations

import random
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answers.search_index import (
    SearchIndex,
    english_frequency,
    max_typos,
    normalize,
    query_tokens,
    tokenize,
)

WEIGHTS = {"speaker": 1.0, "statement": 1.0, "quotes": 0.7}


def _index(docs: list[tuple[str, dict[str, str]]], **kw: object) -> SearchIndex:
    return SearchIndex(docs, WEIGHTS, **kw)  # type: ignore[arg-type]


def test_normalize_and_tokenize() -> None:
    assert normalize("Kassym-Jomart TOKAYEV’s 7,939") == "kassym-jomart tokayev's 7939"
    # other scripts are transliterated: a name pasted in Russian or Kazakh is searchable
    assert normalize("Токаев, Тоқаев, Лукашенко") == "tokaev, toqaev, lukashenko"
    assert tokenize("Kazakhstan’s Président, 7,939 arrested in the city") == [
        "kazakhstan", "presid", "7939", "arrest", "citi",  # Snowball stems
    ]
    assert query_tokens("the of") == ["the", "of"]  # stopwords kept when nothing else is left
    assert [max_typos(w) for w in ("coup", "dead", "tokaev", "abc", "2022")] == [1, 1, 2, 0, 0]


def test_typos_and_spelling_variants_find_the_document() -> None:
    idx = _index([
        ("coup", {"speaker": "Kassym-Jomart Tokayev", "statement": "It was an attempted coup"}),
        ("other", {"speaker": "Anatoly Antonov", "statement": "Thousands of jihadists"}),
    ])
    for query in ("Tokaev coup", "tokayev cuop", "TOKAYEV", "jomart"):
        assert idx.search(query, 1)[0].id == "coup", query
    assert idx.search("jihadsts", 1)[0].id == "other"
    assert idx.search("zzzzqqq", 5) == []
    assert idx.search("", 5) == []


def test_prefixes_complete_words() -> None:
    idx = _index([("a", {"statement": "arrests in almaty"}), ("b", {"statement": "army units"})])
    assert [h.id for h in idx.search("arr", 5, prefix=True)] == ["a"]
    assert idx.search("arrest", 5)[0].id == "a"  # a whole word finds its plural


def test_speaker_field_outweighs_a_quote() -> None:
    idx = _index([
        ("quoted", {"speaker": "Someone Else", "statement": "x", "quotes": "Tokayev said so"}),
        ("said", {"speaker": "Tokayev", "statement": "y", "quotes": "nothing"}),
    ])
    assert [h.id for h in idx.search("tokayev", 2)] == ["said", "quoted"]


def test_importance_breaks_ties() -> None:
    docs = [(f"d{i}", {"statement": "same words here"}) for i in range(3)]
    idx = _index(docs, importance=[0.0, 1.0, 0.5])
    assert [h.id for h in idx.search("same words", 3)] == ["d1", "d2", "d0"]


def test_all_but_one_token_still_matches() -> None:
    idx = _index([("a", {"statement": "security forces restored order in almaty"})])
    assert idx.search("security almaty qqqqqqqqq", 1)[0].id == "a"


def _typo(word: str, rnd: random.Random) -> str:
    if max_typos(word) == 0:
        return word
    i = rnd.randrange(len(word) - 1)
    slip = word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # swap two letters
    # a slip that lands on an English word ("gaep" -> "gape") is taken as meant, by
    # design (SearchIndex.corrections): no typo to find then
    return word if english_frequency(slip) else slip


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_a_documents_own_words_with_typos_find_it_in_the_top_three(seed: int) -> None:
    rnd = random.Random(seed)
    vocab = sorted({"".join(rnd.choices(string.ascii_lowercase, k=rnd.randint(4, 9)))
                    for _ in range(400)})
    docs = [
        (f"d{i}", {"speaker": " ".join(rnd.sample(vocab, 2)),
                   "statement": " ".join(rnd.sample(vocab, 8))})
        for i in range(300)
    ]
    idx = _index(docs)
    target = rnd.randrange(len(docs))
    words = docs[target][1]["statement"].split()
    query = " ".join(_typo(w, rnd) for w in rnd.sample(words, 3))
    assert f"d{target}" in [h.id for h in idx.search(query, 3)], query
