"""The loader's fast paths give what the plain ways give: compaction changes no value,
the valid-record lists follow the records, the rules' memos emptied after a load change
no answer, and vague phrases are found as by comparing every phrase at every word."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest
import rtoml
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.generate import generate
from bot.claimset.loader import ClaimSetInvalid, load_claimset
from bot.claimset.numbers import _VAGUE_PHRASES, VAGUE_CODING, _tokens, _vague_at
from bot.claimset.records import LoadState, Record, TomlFile
from bot.claimset.rules import MEMOS
from bot.claimset.schema import Claim


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("generated")
    generate(400, 5, root)
    return root


def test_compaction_shares_values_and_changes_none(generated: Path) -> None:
    cs = load_claimset(generated)
    raw = [c for f in sorted(glob.glob(str(generated / "claims" / "*.toml")))
           for c in rtoml.loads(Path(f).read_text(encoding="utf-8"))["claims"]]
    plain = {c.id: c for c in map(Claim.model_validate, raw)}  # never compacted
    assert list(cs.claims) == list(plain)
    for cid, claim in cs.claims.items():
        assert claim == plain[cid] and claim.model_fields_set == plain[cid].model_fields_set
    claims = list(cs.claims.values())
    by_speaker: dict[str, set[int]] = {}
    for c in claims:
        by_speaker.setdefault(c.speaker, set()).add(id(c.speaker))
    assert all(len(ids) == 1 for ids in by_speaker.values())  # one string a speaker
    empty_vias = {id(a.via) for c in claims for a in c.attributions if not a.via}
    assert len(empty_vias) == 1
    assert len({id(c.model_fields_set) for c in claims if c.model_fields_set ==
                claims[0].model_fields_set}) == 1


def test_the_rules_memos_are_empty_after_a_load_and_change_no_answer(generated: Path) -> None:
    first = load_claimset(generated)
    assert all(memo.cache_info().currsize == 0 for memo in MEMOS)
    again = load_claimset(generated)
    assert again.claims == first.claims and again.warnings == first.warnings


def test_problems_are_the_same_on_a_second_load(generated: Path, tmp_path: Path) -> None:
    import shutil
    root = tmp_path / "broken"
    shutil.copytree(generated, root)
    path = sorted((root / "claims").glob("*.toml"))[0]
    text = path.read_text(encoding="utf-8")
    at = text.index('quote = "') + len('quote = "')
    path.write_text(text[:at] + "Nobody said " + text[at:], encoding="utf-8")
    found = []
    for _ in range(2):
        with pytest.raises(ClaimSetInvalid) as caught:
            load_claimset(root)
        found.append([str(p) for p in caught.value.problems])
    assert found[0] and found[0] == found[1]


def test_valid_records_follow_the_records() -> None:
    state = LoadState()
    file = TomlFile(Path("x.toml"), "x.toml", b"", None)
    good = Record("claims", "claim", 0, file, model="a")
    bad = Record("claims", "claim", 1, file, raw={})
    state.records["claims"] = [good, bad]
    assert list(state.valid("claims")) == [good]
    late = Record("claims", "claim", 2, file, model="b")
    state.records["claims"].append(late)
    assert list(state.valid("claims")) == [good, late]
    state.records["claims"] = [late]
    assert list(state.valid("claims")) == [late]
    assert list(state.valid("figures")) == []


def _vague_at_every_phrase(toks: list, i: int) -> tuple[str, int] | None:
    """The plain way: each phrase, longest first, compared at word ``i``."""
    for phrase in _VAGUE_PHRASES:
        parts = phrase.split()
        if [t.text for t in toks[i : i + len(parts)]] == parts:
            return phrase, i + len(parts)
    return None


PIECES = sorted({w for p in VAGUE_CODING for w in p.split()} | {"people", "20", "of", "a"})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(sorted(VAGUE_CODING)), st.sampled_from(PIECES)),
                max_size=6))
def test_vague_phrases_found_as_by_comparing_every_phrase(words: list[str]) -> None:
    toks = _tokens(" ".join(words))
    for i in range(len(toks)):
        assert _vague_at(toks, i) == _vague_at_every_phrase(toks, i)
