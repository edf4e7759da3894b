"""A reporter's words: stems, question words, synonyms, typos, other scripts, "no match".

Each test builds a tiny index whose right answer is plain from its documents, and
asserts the behaviour that breaks if the feature does.
"""

from __future__ import annotations

from bot.answers.search_index import SearchIndex, stem

WEIGHTS = {"speaker": 1.0, "statement": 1.0, "topics": 0.7}


def _index(docs: list[tuple[str, str]], **kw: object) -> SearchIndex:
    return SearchIndex([(i, {"statement": text}) for i, text in docs], WEIGHTS, **kw)  # type: ignore[arg-type]


STORY = [
    ("halt", "Flights into the country were halted"),
    ("arrest", "Police arrested 7,939 people"),
    ("troops", "Russian troops arrived in Almaty"),
    ("tokayev", "Tokayev called the unrest a coup"),
    ("coup-word", "Armed groups tried to seize power"),
    ("filler1", "The president spoke on Monday"),
    ("filler2", "Government buildings burned in Almaty"),
    *[(f"other{i}", f"a statement about subject {i}" + (" in Almaty" if i % 5 == 0 else ""))
      for i in range(40)],
]


def test_an_inflection_finds_its_stem() -> None:
    idx = _index(STORY)
    assert idx.search("flights halts", 1)[0].id == "halt"
    assert idx.search("arresting", 1)[0].id == "arrest"


def test_question_words_do_not_outweigh_the_subject() -> None:
    idx = _index(STORY)
    hits = idx.search("how many people did the police arrest?", 3)
    assert hits and hits[0].id == "arrest"
    assert hits[0].confidence == 1.0  # nothing of the question is left unexplained


def test_a_synonym_finds_at_a_lower_weight_and_never_changes_document_frequency() -> None:
    plain = _index(STORY)
    synonyms = {"soldiers": [("troops", 0.7)], "coup": [("seize power", 0.7)]}
    idx = _index(STORY, expansions=synonyms)
    assert idx.df == plain.df and idx.idf == plain.idf
    hit = idx.search("soldiers", 1)[0]
    assert hit.id == "troops" and abs(hit.confidence - 0.7) < 1e-6
    # the word typed outranks its synonym, however rare the synonym is
    assert [h.id for h in idx.search("coup", 2)] == ["tokayev", "coup-word"]


def test_typos_are_corrected_only_for_words_the_vocabulary_lacks() -> None:
    idx = _index([("a", "the coup failed"), ("b", "a coop shop opened")])
    assert [h.id for h in idx.search("coop", 5)] == ["b"]  # a known word is taken as typed
    assert idx.search("tokaeyv", 5) == []
    idx = _index([("a", "Tokayev spoke"), ("b", "nothing else")])
    assert idx.search("tokaeyv", 1)[0].id == "a"


def test_a_likelier_correction_weighs_more() -> None:
    # "tokaev" is one edit from both; "tokayev" is in many documents, "tokajev" in one
    docs = [(f"c{i}", f"tokayev spoke, number {i}") for i in range(6)] + [("odd", "tokajev")]
    idx = _index(docs)
    corrections = dict(idx.corrections("tokaev"))
    assert corrections[idx.vocab[stem("tokayev")]] > corrections[idx.vocab[stem("tokajev")]]


def test_a_name_in_cyrillic_finds_the_speaker() -> None:
    idx = SearchIndex([("t", {"speaker": "Kassym-Jomart Tokayev Tokaev", "statement": "a coup"}),
                       ("l", {"speaker": "Alexander Lukashenko", "statement": "NATO gift"})],
                      WEIGHTS)
    assert idx.search("Токаев", 1)[0].id == "t"
    assert idx.search("Лукашенко НАТО", 1)[0].id == "l"


def test_no_match_when_the_query_is_about_something_absent() -> None:
    idx = _index(STORY)
    # "Almaty", in a fifth of the documents, explains too little of the query
    assert idx.search("earthquake in Almaty", 5) == []
    assert idx.search("Almaty", 5)  # ... but is itself a match
    hits, total = idx.search_page("almaty", 1)
    assert total == 10 and len(hits) == 1  # the count is of matches, not of the page


def test_a_number_typed_without_separators_finds_it() -> None:
    assert _index(STORY).search("7939 arrested", 1)[0].id == "arrest"
