"""Issue 16, fourth pass: a typed word that is itself a word, and answers that hold only
the query's names.

Tiny hand-made indexes (the right answer plain from their documents) and invariants on
the seed story; no counts of a query set.
"""

from __future__ import annotations

from bot.answers.engine import Factdesk
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


# -- (b) the names-only rule ------------------------------------------------------------

STORY = [
    ("uzbek", "Lukashenko says Uzbekistan could be the next country hit by unrest"),
    ("toll", "The death toll is unclear"),
    ("nazarbayev", "In 2019 Nazarbayev stepped down but kept the security council post"),
]


def test_a_name_plus_an_idea_no_claim_of_the_name_holds_is_no_match() -> None:
    idx = _index(STORY)
    # an event the set never reports, beside a name it holds
    assert idx.search("earthquake in Uzbekistan", 5) == []
    assert idx.search("Nazarbayev fled", 5) == []
    # a name and an idea the set holds, but never together
    assert idx.search("Uzbekistan toll", 5) == []
    # each half alone is answered
    assert idx.search("Uzbekistan", 1)[0].id == "uzbek"
    assert idx.search("death toll", 1)[0].id == "toll"


def test_a_claim_holding_the_name_and_the_idea_is_still_found() -> None:
    idx = _index([*STORY, ("both", "The death toll in Uzbekistan is rising")])
    assert idx.search("death toll in Uzbekistan", 1)[0].id == "both"


def test_names_alone_and_names_with_an_idea_of_their_claims_are_answered() -> None:
    idx = _index(STORY)
    assert idx.search("Nazarbayev Uzbekistan", 2)  # only names: the rule does not apply
    assert idx.search("Nazarbayev security council", 1)[0].id == "nazarbayev"
    assert idx.search("what happened to Nazarbayev", 1)[0].id == "nazarbayev"


def test_names_only_on_the_seed_story(desk: Factdesk) -> None:
    for query in ("Tokayev resigns", "death toll in Uzbekistan"):
        assert desk.claim(query).results == [], query
    for query in ("Tokayev", "Tokayev coup", "Uzbekistan", "Lukashenko Uzbekistan",
                  "what happened to Nazarbayev"):
        assert desk.claim(query).results, query
