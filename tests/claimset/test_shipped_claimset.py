"""The claim set Factdesk ships validates, and holds what every claim set a desk grows must:
invariants, never counts, so that adding an article to seeds/ keeps the suite green."""

from __future__ import annotations

import pytest

from bot.claimset.loader import ClaimSetInvalid, load_claimset
from bot.claimset.model import ClaimSet
from bot.claimset.numbers import coding_note, interval_from_words, same_bound
from bot.claimset.quotes import normalize_quote
from bot.paths import DEFAULT_CLAIMSET, SEEDS_DIR


@pytest.fixture(scope="module")
def shipped() -> ClaimSet:
    try:
        return load_claimset()
    except ClaimSetInvalid as exc:  # list every problem, not only the first
        raise AssertionError("\n".join(str(p) for p in exc.problems)) from None


def test_shipped_claimset_validates(shipped: ClaimSet) -> None:
    seeds = sorted(p.name for p in (SEEDS_DIR / "sources").glob("*.txt"))
    assert sorted(s.file for s in shipped.sources.values()) == seeds
    for kind, n in shipped.counts().items():
        assert n > 0, f"the shipped set has no {kind}"
    assert load_claimset(DEFAULT_CLAIMSET.parent).counts() == shipped.counts()


def test_every_quote_is_verbatim(shipped: ClaimSet) -> None:
    texts = {sid: normalize_quote(t) for sid, t in shipped.texts.items()}
    for claim in shipped.claims.values():
        for att in claim.attributions:
            assert normalize_quote(att.quote) in texts[att.source], claim.id
    for fig in shipped.figures.values():
        assert normalize_quote(fig.quote) in texts[fig.source], fig.id
        for event in fig.lifecycle:
            assert normalize_quote(event.quote) in texts[event.source], fig.id


def test_every_interval_is_what_its_words_say(shipped: ClaimSet) -> None:
    for fig in shipped.figures.values():
        unit = shipped.units.get(fig.unit)
        counted = None if unit is None else unit.measure == "count"
        low, high = interval_from_words(fig.qualifier, fig.words, fig.unit, counted)
        assert same_bound(low, fig.low) and same_bound(high, fig.high), fig.id


def test_every_vague_figure_shows_its_coding(shipped: ClaimSet) -> None:
    for fig in shipped.figures.values():
        if fig.qualifier == "vague":
            assert coding_note(fig.words), fig.id


def test_no_figure_is_dated_after_its_article(shipped: ClaimSet) -> None:
    for fig in shipped.figures.values():
        published = shipped.sources[fig.source].published
        if fig.as_of and published:
            assert fig.as_of <= published, fig.id


def test_the_vocabularies_name_what_the_figures_use(shipped: ClaimSet) -> None:
    assert shipped.places and shipped.groups and shipped.units
    for fig in shipped.figures.values():
        assert fig.unit in shipped.units, fig.id
        assert fig.place is None or fig.place in shipped.places, fig.id
        assert fig.group is None or fig.group in shipped.groups, fig.id
