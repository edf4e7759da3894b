"""The claim set Factdesk ships validates: every quote, figure, reference and status."""

from __future__ import annotations

from bot.claimset.loader import ClaimSetInvalid, load_claimset
from bot.paths import DEFAULT_CLAIMSET, SEEDS_DIR


def test_shipped_claimset_validates() -> None:
    try:
        claimset = load_claimset()
    except ClaimSetInvalid as exc:  # list every problem, not only the first
        raise AssertionError("\n".join(str(p) for p in exc.problems)) from None
    assert claimset.manifest.id == "kazakhstan-2022-01"
    seeds = sorted(p.name for p in (SEEDS_DIR / "sources").glob("*.txt"))
    assert sorted(s.file for s in claimset.sources.values()) == seeds
    assert len(seeds) == 5
    for kind, n in claimset.counts().items():
        assert n > 0, f"the shipped set has no {kind}"
    assert load_claimset(DEFAULT_CLAIMSET.parent).counts() == claimset.counts()
