"""bench/real_queries.toml: every query well formed, every right answer a real claim."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.real import KINDS, found, in_slice, load_queries, score
from bot.claimset.model import ClaimSet


def test_the_query_set_is_complete_and_names_real_claims(claimset: ClaimSet) -> None:
    queries = load_queries()
    kinds = Counter(q.kind for q in queries)
    assert set(kinds) == {*KINDS, "none"}
    assert sum(n for k, n in kinds.items() if k != "none") >= 80 and kinds["none"] >= 8
    for q in queries:
        assert q.text.strip() and q.why.strip(), q
        assert (q.kind == "none") == (not q.answers), q
        assert set(q.answers) <= set(claimset.claims), q
    halves = Counter(q.half for q in queries)
    assert abs(halves["tune"] - halves["held"]) <= len(KINDS) + 1
    fresh = [q for q in queries if q.half == "fresh"]
    assert len(fresh) >= 30 and {q.kind for q in fresh} == {*KINDS, "none"}
    fresh2 = [q for q in queries if q.half == "fresh2"]  # the third pass's check
    assert len(fresh2) >= 20 and "none" in {q.kind for q in fresh2}
    assert not any(in_slice(q, "first") or in_slice(q, "fresh") for q in fresh2)
    fresh3 = [q for q in queries if q.half == "fresh3"]  # the fourth pass's check
    assert len(fresh3) >= 24 and sum(q.kind == "none" for q in fresh3) >= 6
    assert not any(in_slice(q, "first") or in_slice(q, "fresh2") for q in fresh3)


def test_a_named_slice_stays_out_of_the_alternation(tmp_path) -> None:
    path = tmp_path / "q.toml"
    row = 'kind = "name"\ntext = "{t}"\nanswers = ["a"]\nwhy = "w"\n'
    path.write_text("".join(
        "[[queries]]\n" + row.format(t=t) + ('half = "fresh"\n' if t == "f" else "")
        for t in ("a", "f", "b", "c")), encoding="utf-8")
    got = [(q.text, q.half) for q in load_queries(path)]
    assert got == [("a", "tune"), ("f", "fresh"), ("b", "held"), ("c", "tune")]
    assert [in_slice(q, "first") for q in load_queries(path)] == [True, False, True, True]
    path.write_text("[[queries]]\n" + row.format(t="x") + 'half = "later"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="half must be one of"):
        load_queries(path)


def test_scoring_counts_found_and_honest_no_match() -> None:
    queries = load_queries()
    q_found = next(q for q in queries if q.kind == "exact")
    q_none = next(q for q in queries if q.kind == "none")
    assert found(q_found, [q_found.answers[0]]) and not found(q_found, [])
    assert found(q_none, []) and not found(q_none, ["anything"])
    s = score([q_found, q_none], [[q_found.answers[0]], ["x"]])
    assert s["exact"] == 1.0 and s["none"] == 0 and s["overall"] == 1.0
