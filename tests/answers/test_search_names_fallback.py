"""Issue 16, second pass: names lead common words, the two-stage "no match" rule, and
unfinished words completed ahead of typo corrections."""

from __future__ import annotations

from bot.answers.search_index import SearchIndex

WEIGHTS = {"speaker": 1.0, "statement": 1.0, "quotes": 0.7}

FILLER = [
    (f"f{i}", {"speaker": "Desk", "statement": f"The report number {i} on the city and the region"})
    for i in range(20)
]
LPG = ("lpg", {"speaker": "Desk",
               "statement": "Protests erupted over the gas price rise in Zhanaozen"})


def _index(docs: list[tuple[str, dict[str, str]]]) -> SearchIndex:
    idx = SearchIndex(docs, WEIGHTS)
    texts = [f", {fields['speaker']}. {fields['statement']}" for _id, fields in docs]
    idx.set_name_source(texts.__getitem__)
    return idx


def test_a_name_outweighs_a_rare_common_word() -> None:
    docs = [
        *FILLER,
        ("n1", {"speaker": "Desk", "statement": "Protesters chanted at Nazarbayev in the square"}),
        ("n2", {"speaker": "Desk", "statement": "Nazarbayev was stripped of his post"}),
        ("n3", {"speaker": "Desk", "statement": "Nazarbayev ruled for three decades"}),
        ("rare", {"speaker": "Desk", "statement": "All this sealed the fate of the withdrawal"}),
    ]
    idx = _index(docs)
    assert idx.is_name(idx.vocab["nazarbayev"]) and not idx.is_name(idx.vocab["fate"])
    # the rare word never wins over the name; with no claim holding both, the
    # names-only rule (fourth pass) makes it "no match" rather than the name's claims
    fate, name = idx._groups("what was the fate of nazarbayev", False)
    assert name.name and name.mass > fate.mass  # the name leads the rare word
    assert idx.search("what was the fate of nazarbayev", 5) == []
    # without the names it reads, the rare word wins: the lead is what changed it
    plain = SearchIndex(docs, WEIGHTS)
    assert plain.search("what was the fate of nazarbayev", 1)[0].id == "rare"
    # "happened" is a question word: "what happened to nazarbayev" is the name alone
    assert {h.id for h in idx.search("what happened to nazarbayev", 5)} == {"n1", "n2", "n3"}


def test_a_word_half_the_set_holds_is_no_name() -> None:
    russian = [(f"r{i}", {"speaker": "Desk", "statement": f"Russian troops moved {i}"})
               for i in range(6)]
    docs = [*FILLER[:4], *russian]
    idx = _index(docs)
    assert not idx.is_name(idx.vocab["russian"])


def test_second_stage_shows_a_paraphrase_with_words_the_set_lacks() -> None:
    docs = [
        *FILLER,
        LPG,
        ("other", {"speaker": "Desk", "statement": "Troops arrived in the capital"}),
    ]
    idx = _index(docs)
    query = "zhanaozen gas protests sparked by furious angry drivers honking loudly"
    hits = idx.search(query, 5)
    assert [h.id for h in hits] == ["lpg"]
    assert hits[0].confidence < 0.5  # shown by the second stage, not as a confident match
    # the second stage runs only for a search whose bar is above its own
    assert idx.search(query, 5, min_confidence=hits[0].confidence + 0.01) != []
    assert idx.search(query, 5, prefix=True, min_confidence=hits[0].confidence + 0.01) == []


def test_second_stage_refuses_one_idea_or_only_common_words() -> None:
    docs = [
        *FILLER,
        LPG,
    ]
    idx = _index(docs)
    assert idx.search("zhanaozen uranium vaccination football", 5) == []  # one idea
    assert idx.search("biden report city region", 5) == []  # only words the filler holds


def test_completion_of_an_unfinished_word_ranks_above_a_common_typo() -> None:
    docs = [
        *[(f"s{i}", {"speaker": "Desk", "statement": f"Shyms market {i}"}) for i in range(30)],
        ("city", {"speaker": "Desk", "statement": "Shymkent airport closed"}),
    ]
    idx = SearchIndex(docs, WEIGHTS)
    ranked = idx.corrections("shymk")
    assert idx.terms[ranked[0][0]] == "shymkent"  # not "shyms", one edit and 30 times commoner


def test_a_searchs_last_word_is_also_completed_when_it_is_a_word() -> None:
    docs = [
        *FILLER,
        ("alma", {"speaker": "Galymov", "statement": "Peacekeepers landed in Almaty"}),
        ("word", {"speaker": "Desk", "statement": "Alma wrote a letter"}),
    ]
    idx = SearchIndex(docs, WEIGHTS)
    unfinished = {h.id: h.confidence for h in idx.search("galymov peacekeepers alma", 3)}
    assert unfinished["alma"] > 0.9
    # a finished last word (a space after it) is taken as typed: "Almaty" does not explain it
    finished = {h.id: h.confidence for h in idx.search("galymov peacekeepers alma ", 3)}
    assert finished.get("alma", 0.0) < 0.8


def test_second_stage_fills_a_page_the_first_leaves_short() -> None:
    """One document passing the first stage on a stray word no longer hides a
    paraphrase that explains two of the query's ideas through synonyms (a little under
    half the query): it follows, below, with a lower score."""
    docs = [
        *FILLER,
        ("stray", {"speaker": "Desk", "statement": "The departing envoy praised the peacekeepers"}),
        ("para", {"speaker": "Desk",
                  "statement": "The troops stay only for a limited period of time"}),
    ]
    expansions = {
        "peacekeepers": [("troops", 0.7)],
        "leave": [("depart", 0.7)],
        "soon": [("limited period", 0.7)],
    }
    idx = SearchIndex(docs, WEIGHTS, expansions=expansions)
    hits, total = idx.search_page("peacekeepers will leave soon", 5)
    assert [h.id for h in hits] == ["stray", "para"] and total == 2
    assert hits[0].confidence >= 0.5 > hits[1].confidence >= 0.3
    assert hits[0].score >= hits[1].score
    # the first stage alone (as autocomplete asks) shows only the stray match
    assert [h.id for h in idx.search("peacekeepers will leave soon", 5, prefix=True)] == ["stray"]


def test_an_unfinished_word_keeps_its_rarer_completions() -> None:
    """A word begun many ways ("shym": a common place and many rare ones) keeps up to
    ten completions, however many likely typo corrections there are: the rare place
    meant is still found beside the name typed in full."""
    places = ["Shymbay", "Shymtal", "Shymzhar", "Shymkala", "Shymsu", "Shymtob"]
    docs = [
        *FILLER,
        *[(f"k{i}", {"speaker": "Desk", "statement": f"Crowds gathered in Shymkent {i}"})
          for i in range(12)],
        *[(f"t{i}", {"speaker": "Desk", "statement": f"Word {w} here"})
          for i, w in enumerate(["shim", "sham", "shy", "shum", "shay", "whym"] * 3)],
        *[(p.lower(), {"speaker": "Desk", "statement": f"Rain fell on {p}"}) for p in places],
        ("meant", {"speaker": "Orsanov", "statement": "Orsanov says roads to Shymozen closed"}),
    ]
    idx = SearchIndex(docs, WEIGHTS)
    completions = {idx.terms[t] for t, _w in idx.corrections("shym")}
    assert {"shymkent", "shymozen"} <= completions  # the rarest and longest kept too
    assert idx.search("orsanov shym", 3)[0].id == "meant"
    # the typo corrections are still there, each kind its own few
    assert {"shim", "sham"} <= {idx.terms[t] for t, _w in idx.corrections("shym")}
