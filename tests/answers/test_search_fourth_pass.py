"""Issue 16, fourth pass: a typed word that is itself a word.

Tiny hand-made indexes (the right answer plain from their documents) and invariants on
the seed story; no counts of a query set.
"""

from __future__ import annotations

from bot.answers.search_index import SearchIndex, english_frequency

WEIGHTS = {"speaker": 1.0, "statement": 1.0, "topics": 0.7}
FILLER = [(f"other{i}", f"a statement about subject {i}") for i in range(30)]


def _index(docs: list[tuple[str, str]], **kw: object) -> SearchIndex:
    texts = [text for _i, text in [*docs, *FILLER]]
    idx = SearchIndex([(i, {"statement": text}) for i, text in [*docs, *FILLER]],
                      WEIGHTS, **kw)  # type: ignore[arg-type]
    idx.set_name_source(texts.__getitem__)  # names: words the texts capitalise
    return idx


# -- (a) a typed word that is a plausible word by itself ------------------------------


def test_the_english_word_list_knows_common_words_and_not_typos_or_names() -> None:
    assert english_frequency("nuclear") > english_frequency("resigns") > 0
    for typo_or_name in ("airprot", "revolushion", "tokaev", "zzqx"):
        assert english_frequency(typo_or_name) == 0


def test_a_common_word_the_set_lacks_is_not_corrected_into_another_word() -> None:
    idx = _index([("unclear", "The death toll is unclear"), ("plan", "a plan to leave")])
    # one transposition from "unclear", one letter from "plan": both words on their own
    assert idx.search("nuclear", 5) == []
    assert all(w < 0.2 for _tid, w in idx.corrections("nuclear"))
    assert idx.search("plant", 5) == []


def test_a_typo_that_is_no_word_is_still_corrected() -> None:
    idx = _index([("unclear", "The death toll is unclear"),
                  ("airport", "protesters took the airport")])
    assert idx.search("uncleer", 1)[0].id == "unclear"
    assert idx.search("airprot", 1)[0].id == "airport"
