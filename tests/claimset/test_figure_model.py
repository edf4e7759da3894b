"""The figure model's validator rules: each crafted bad figure in a copy of the practice set
is refused with one line ``FILE:LINE: figure ID: FIELD: what is wrong``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.claimset.loader import load_claimset
from tests.claimset.test_loader import assert_problem, edit, line_of, problems

PRACTICE = Path(__file__).parents[1] / "data" / "practice"
F101 = "figures/practice-101.toml"
F104 = "figures/practice-104.toml"
F105 = "figures/practice-105.toml"
F107 = "figures/practice-107.toml"
F108 = "figures/practice-108.toml"
OTHER = "figures/other.toml"


@pytest.fixture
def practice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the practice claim set, as the working directory."""
    root = tmp_path / "set"
    shutil.copytree(PRACTICE, root)
    monkeypatch.chdir(root)
    return root


def test_the_practice_set_is_valid_as_shipped(practice: Path) -> None:
    claimset = load_claimset(practice)
    assert claimset.places and claimset.groups and claimset.units
    assert claimset.sources["104"].headline is None  # a headline is optional


# -- the words ---------------------------------------------------------------------------


def test_a_qualifier_the_words_do_not_state_is_refused(practice: Path) -> None:
    line = edit(
        practice,
        F108,
        'qualifier = "more_than"\nwords = "more than 2,000"',
        'qualifier = "exact"\nwords = "more than 2,000"',
    )
    assert_problem(
        practice,
        f"{F108}:{line}: figure p108-22-csto-soldiers-more-than-2000: qualifier: the words "
        "'more than 2,000' say more_than, the qualifier is exact",
    )


def test_a_bare_number_cannot_be_more_than(practice: Path) -> None:
    line = (
        edit(
            practice,
            F105,
            'low = 7939.0\nhigh = 7939.0\nqualifier = "exact"',
            'low = 7940.0\nqualifier = "more_than"',
        )
        + 1
    )
    assert_problem(
        practice,
        f"{F105}:{line}: figure p105-17-detained-7939: qualifier: qualifier more_than needs its "
        "words in 'words' (more than); '7,939' states no qualifier, so it is exact or about",
    )


def test_words_must_be_whole_tokens_of_the_quote(practice: Path) -> None:
    line = edit(
        practice,
        F105,
        'words = "16"\nunit = "people"\nas_of = 2022-01-09',
        'words = "1"\nunit = "people"\nas_of = 2022-01-09',
    )
    lines = problems(practice)
    assert (
        f"{F105}:{line}: figure p105-9-security-dead-16: words: '1' is only inside longer "
        "words or numbers"
    ) in lines


def test_an_age_is_not_a_count(practice: Path) -> None:
    line = edit(practice, F105, 'words = "three"', 'words = "four"')
    assert_problem(
        practice,
        f"{F105}:{line}: figure p105-8-minors-killed-3: words: 'four' is an age here, not a count",
    )


def test_a_year_is_not_a_count(practice: Path) -> None:
    line = edit(practice, OTHER, 'words = "three decades"', 'words = "2019"')
    assert_problem(
        practice,
        f"{OTHER}:{line}: figure nazarbayev-rule-004-three-decades: words: "
        "'2019' is a year here, not a count",
    )


def test_an_equivalent_is_checked_like_the_figure(practice: Path) -> None:
    line = (
        edit(
            practice,
            F101,
            'words = "more than $90 mln"\nqualifier = "more_than"\nlow = 90000000.0',
            'words = "more than $90 mln"\nqualifier = "more_than"\nlow = 90000001.0',
        )
        + 2
    )
    assert_problem(
        practice,
        f"{F101}:{line}: figure p101-5-damage-40bln: equivalent.low: words "
        "'more than $90 mln' with qualifier more_than give [90,000,000, open)",
    )


# -- units and dates ---------------------------------------------------------------------


def test_a_unit_alias_is_refused_with_the_unit_to_write(practice: Path) -> None:
    line = edit(practice, F108, 'unit = "people"', 'unit = "persons"')
    assert_problem(
        practice,
        f"{F108}:{line}: figure p108-1-deaths-225: unit: unit 'persons' is written 'people' in the "
        "units vocabulary: write unit = 'people'",
    )


def test_an_unknown_unit_is_refused(practice: Path) -> None:
    line = edit(practice, F108, 'unit = "people"', 'unit = "corpses"')
    assert_problem(
        practice, f"{F108}:{line}: figure p108-1-deaths-225: unit: unknown unit 'corpses'"
    )


def test_as_of_after_the_source_date_is_refused(practice: Path) -> None:
    line = edit(
        practice,
        F101,
        'as_of = 2022-01-06\nspeaker = "kazakh-interior-ministry"\nsource = "101"\n'
        'quote = "The ministry',
        'as_of = 2022-01-08\nspeaker = "kazakh-interior-ministry"\n'
        'source = "101"\nquote = "The ministry',
    )
    assert_problem(
        practice,
        f"{F101}:{line}: figure p101-3-detained-2298: as_of: 2022-01-08 is after "
        "source 101's date (2022-01-06)",
    )


def test_an_increment_needs_its_period(practice: Path) -> None:
    edit(
        practice,
        F107,
        "[figures.period]\nstart = 2022-01-11\nend = 2022-01-12\n"
        'words = "in the previous 24 hours"\n',
        "",
    )
    line = line_of(practice, F107, 'kind = "increment"', after='id = "p107-9')
    assert_problem(
        practice,
        f"{F107}:{line}: figure p107-9-almaty-detained-1678-more: kind: an "
        "increment needs its period",
    )


# -- links between figures ----------------------------------------------------------------


def test_a_revision_counts_the_same_quantity(practice: Path) -> None:
    line = edit(
        practice,
        F105,
        'revised_by = "p108-3-security-dead-19"',
        'revised_by = "p101-2-security-wounded-748"',
    )
    assert_problem(
        practice,
        f"{F105}:{line}: figure p105-9-security-dead-16: revised_by: p101-2-security-wounded-748 "
        "counts injured in people, this deaths in people",
    )


def test_a_revision_cannot_be_dated_before_what_it_revises(practice: Path) -> None:
    line = edit(
        practice,
        F105,
        'revised_by = "p105-17-detained-7939"',
        'revised_by = "p103-7-detained-3811"',
    )
    assert_problem(
        practice,
        f"{F105}:{line}: figure p105-16-detained-about-5800: revised_by: "
        "p103-7-detained-3811 is as of 2022-01-07, before this figure (2022-01-09)",
    )


def test_a_city_is_not_part_of_its_region(practice: Path) -> None:
    line = edit(
        practice, F105, 'part_of = "p105-1-deaths-164"', 'part_of = "p105-6-almaty-region-8"'
    )
    assert_problem(
        practice,
        f"{F105}:{line}: figure p105-3-almaty-103: part_of: place 'almaty' is not within "
        "p105-6-almaty-region-8's place 'almaty-region'",
    )


def test_a_denial_comes_from_the_body_credited(practice: Path) -> None:
    line = (
        edit(
            practice,
            F105,
            'kind = "denied"\nby = "health-ministry"',
            'kind = "denied"\nby = "information-ministry"',
        )
        + 1
    )
    assert_problem(
        practice,
        f"{F105}:{line}: figure p105-1-deaths-164: lifecycle[1].by: a denial comes from the body "
        "the figure is credited to",
    )


def test_same_as_names_the_first_report(practice: Path) -> None:
    line = edit(
        practice,
        F104,
        'same_as = "p102-2-demonstrators-26"',
        'same_as = "p103-1-armed-criminals-26"',
    )
    assert_problem(
        practice,
        f"{F104}:{line}: figure p104-2-demonstrators-26: same_as: p103-1-armed-criminals-26 is "
        "itself the same as p102-2-demonstrators-26: name the first report",
    )


def test_a_lifecycle_quote_must_be_in_its_source(practice: Path) -> None:
    line = edit(
        practice,
        F105,
        'quote = "described the publication as a technical error"',
        'quote = "called it a technical error"',
    )
    assert_problem(
        practice, f"{F105}:{line}: figure p105-1-deaths-164: lifecycle[2].quote: not in source 105"
    )


def test_revisions_cannot_run_in_a_circle(practice: Path) -> None:
    edit(
        practice,
        F108,
        'part_of = "p108-1-deaths-225"',
        'part_of = "p108-1-deaths-225"\nrevised_by = "p101-1-security-dead-18"',
    )
    lines = problems(practice)
    assert any("revised_by: revised_by runs in a circle" in line for line in lines), lines


# -- the vocabularies --------------------------------------------------------------------


def test_an_unknown_place_or_group(practice: Path) -> None:
    line = edit(practice, F108, 'place = "kazakhstan"', 'place = "almaty-oblast"')
    assert_problem(
        practice, f"{F108}:{line}: figure p108-1-deaths-225: place: unknown place 'almaty-oblast'"
    )


def test_one_spelling_names_one_place(practice: Path) -> None:
    line = edit(
        practice,
        "places.toml",
        'aliases = ["Almaty Oblast", "Almaty province"]',
        'aliases = ["Almaty Oblast", "Almaty province", "almaty"]',
    )
    assert_problem(
        practice,
        f"places.toml:{line}: place almaty-region: aliases[2]: 'almaty' is "
        "also a spelling of place almaty ('Almaty')",
    )


def test_places_within_each_other_in_a_circle(practice: Path) -> None:
    edit(practice, "places.toml", 'kind = "world"\n', 'kind = "world"\nwithin = "kazakhstan"\n')
    lines = problems(practice)
    assert any("place world: within: places are within each other in a circle" in x for x in lines)
