"""The wording rules of issue 13: corroborated statements backed part by part, no_evidence
bases on the claim's subject, an outlet relaying someone is not the speaker, hedges kept
(a warning). Hand-made fixture set ``tests/data/wording`` (valid, no warnings) broken one
way per test; the pre-fix seed claims (``tests/data/issue13-old``) must each be flagged."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.claimset.loader import ClaimSetInvalid, load_claimset
from bot.claimset.wording import Vocabulary, parts_of, stem, tokens, words_of
from bot.paths import DEFAULT_CLAIMSET

DATA = Path(__file__).parents[1] / "data"
CLAIMS = "claims/main.toml"


@pytest.fixture
def wording(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "set"
    shutil.copytree(DATA / "wording", root)
    monkeypatch.chdir(root)
    return root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def errors(root: Path) -> list[str]:
    with pytest.raises(ClaimSetInvalid) as caught:
        load_claimset(root)
    return [str(p) for p in caught.value.problems]


def warnings(root: Path) -> list[str]:
    return [str(p) for p in load_claimset(root).warnings]


def test_fixture_is_valid_without_warnings(wording: Path) -> None:
    # paraphrase through topic synonyms, a weekday resolved against the article's date,
    # a basis read with the sentence before it, 'said to reporters' and 'reported' no hedges
    assert load_claimset(wording).warnings == []


# -- corroborated: every part from two origins -----------------------------------------


def test_a_part_in_no_quote_is_named(wording: Path) -> None:
    edit(wording, CLAIMS, "on Monday 10 January.", "on Monday 10 January, with armoured vehicles.")
    lines = errors(wording)
    assert any(
        "claim troops-sent: statement: statement part 'armoured vehicles' is in the quotes "
        "of no origin" in line
        for line in lines
    ), lines


def test_a_part_in_one_quote_names_that_origin(wording: Path) -> None:
    edit(
        wording,
        CLAIMS,
        'at the request of the president." },',
        'at the request of the president." },\n'
        '  { source = "001", quote = "The convoy also brought armoured vehicles" },',
    )
    edit(
        wording,
        CLAIMS,
        "on Monday 10 January.",
        "on Monday 10 January and brought armoured vehicles.",
    )
    lines = errors(wording)
    assert any(
        "claim troops-sent: statement: statement part 'brought armoured vehicles' is "
        "reported by one origin only (North Post)" in line
        for line in lines
    ), lines


def test_a_date_or_number_from_one_origin_is_named(wording: Path) -> None:
    edit(wording, CLAIMS, "on Monday 10 January.", "on Tuesday 11 January.")
    edit(wording, CLAIMS, "The alliance sent 300", "The alliance sent 3,000")
    lines = errors(wording)
    assert any(
        "statement part 'Tuesday 11 January' is in the quotes of no origin" in x for x in lines
    )
    assert any("statement part '3,000' is in the quotes of no origin" in x for x in lines)


def test_single_source_claims_are_not_held_to_it(wording: Path) -> None:
    edit(
        wording,
        CLAIMS,
        'statement = "The harbour was reportedly closed."',
        'statement = "The harbour was reportedly closed by 900 marines on Friday."',
    )
    load_claimset(wording)


# -- no_evidence: the basis is about the claim ------------------------------------------


def test_a_basis_about_something_else_is_refused(wording: Path) -> None:
    edit(
        wording,
        CLAIMS,
        'basis = [{ source = "001", quote = "No evidence of this has been presented." }]',
        'basis = [{ source = "002", quote = "the alliance sent 300 troops into Veldia" }]',
    )
    lines = errors(wording)
    assert any(
        "claim rebels-from-abroad: evidence.basis[0].quote: a no_evidence basis must be about "
        "the claim"
        in line
        and "foreign-involvement" in line
        for line in lines
    ), lines


def test_a_basis_naming_the_speaker_is_about_the_claim(wording: Path) -> None:
    edit(wording, CLAIMS, 'topics = ["foreign-involvement"]', 'topics = ["deaths"]')
    load_claimset(wording)  # the sentence before the basis names Dosov, the speaker


# -- an outlet relaying someone is not the speaker --------------------------------------


def test_outlet_as_speaker_of_relayed_words_is_refused(wording: Path) -> None:
    edit(wording, CLAIMS, 'speaker = "wire-agency"', 'speaker = "north-post"')
    lines = errors(wording)
    assert any(
        "claim curfew-unclear: speaker: 'north-post' is the outlet of source 001, which "
        "relays these words via 'Wire Agency'"
        in line
        and "'wire-agency'" in line
        for line in lines
    ), lines


def test_an_outlet_speaking_in_its_own_voice_is_fine(wording: Path) -> None:
    # harbour-closed: north-post, no via
    assert "harbour-closed" in load_claimset(wording).claims


# -- hedges (warnings) --------------------------------------------------------------------


def test_a_dropped_hedge_is_a_warning_not_an_error(wording: Path) -> None:
    edit(
        wording,
        CLAIMS,
        'The harbour was reportedly closed."\nspeaker',
        'The harbour was closed."\nspeaker',
    )
    lines = warnings(wording)
    assert any(
        "claim harbour-closed: statement: warning: attributions[0].quote (001) hedges with "
        "'reportedly'" in line
        for line in lines
    ), lines


def test_a_figure_note_without_the_hedge_warns(wording: Path) -> None:
    edit(wording, "figures/main.toml", "Hedged: 'are believed'.", "Counted in the capital.")
    lines = warnings(wording)
    assert any(
        "figure deaths-about-20: note: warning: the quote hedges with 'believed'" in x
        for x in lines
    )


def test_hedge_words_match_whole_words_only() -> None:
    from bot.claimset.rules.hedges import HEDGE

    assert HEDGE.search("two of whom were said to have been decapitated")
    assert not HEDGE.search("said Tokayev")
    assert not HEDGE.search("Dosov said to reporters")
    assert not HEDGE.search("State TV reported that")
    assert not HEDGE.search("an underestimatedness")


def test_validate_lists_warnings_and_exits_0(
    wording: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    edit(wording, "figures/main.toml", "Hedged: 'are believed'.", "Counted in the capital.")
    code = main(["validate", str(wording), "--json"])
    out = capsys.readouterr().out
    assert code == 0
    assert '"severity": "warning"' in out and '"valid": true' in out


# -- the words themselves ---------------------------------------------------------------


def test_stems_meet_across_forms_and_keep_acronyms() -> None:
    assert stem("prices") == stem("price") == stem("priced")
    assert stem("casualties") == stem("casualty")
    assert stem("US") != stem("us")
    assert tokens("Almaty's 2,000 Russia-led") == ["Almaty", "s", "2,000", "Russia", "led"]


def test_a_weekday_is_the_day_before_the_article() -> None:
    words = words_of("on Monday", Vocabulary([], []), dt.date(2022, 1, 12))
    assert set(words.dates.values()) == {(1, 10)}
    assert words_of("on Monday", Vocabulary([], []), None).dates == {}


def test_parts_split_at_joining_words_but_not_inside_numbers() -> None:
    parts = [
        text
        for _, _, text in parts_of("Police and army used 2,000 troops, which fanned the flames")
    ]
    assert parts == ["Police", "army used 2,000 troops", "fanned the flames"]


# -- the shipped set and the pre-fix claims --------------------------------------------


def test_shipped_set_passes_every_wording_rule() -> None:
    load_claimset(DEFAULT_CLAIMSET)  # raises on any error


OLD_FLAGGED = {
    # issue 13's defects, by the part each statement cannot back
    "o2-csto-deployed-at-request": "'delivered military equipment'",
    "o4-csto-contingents-arrive": "'Armenia'",
    "ms-government-buildings-torched": "airport",
    "o4-tokayev-called-moscow-wednesday": "'fanned the flames'",
    "kazakh-authorities-order-restored": "'2,000'",
    "putin-no-colour-revolutions": "Soviet states",
    "tokayev-definitely-terrorist-attack": "a no_evidence basis must be about the claim",
    "tn-death-toll-unclear": "'time-news' is the outlet of source 003",
}


def old_set(tmp_path: Path) -> Path:
    """The pre-fix claims with the shipped articles, speakers and topics copied beside them."""
    root = tmp_path / "issue13-old"
    shutil.copytree(DATA / "issue13-old", root)
    seeds = DEFAULT_CLAIMSET.parent
    shutil.copytree(seeds / "sources", root / "sources")
    for name in ("speakers.toml", "topics.toml"):
        shutil.copy(seeds / name, root / name)
    return root


def test_every_pre_fix_defect_is_flagged(tmp_path: Path) -> None:
    with pytest.raises(ClaimSetInvalid) as caught:
        load_claimset(old_set(tmp_path))
    by_id: dict[str, list[str]] = {}
    for p in caught.value.problems:
        by_id.setdefault(str(p.id), []).append(p.message)
    for cid, part in OLD_FLAGGED.items():
        assert any(part in m for m in by_id.get(cid, [])), (cid, by_id.get(cid))
    assert any("7 January" in m for m in by_id["kazakh-authorities-order-restored"])
    hedged = {(p.id, p.field) for p in caught.value.warnings}
    assert {
        ("o2-more-than-150-killed", "statement"),
        ("deaths-002-more-than-150", "note"),
    } <= hedged
