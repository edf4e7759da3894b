"""Attribution on small hand-written sentences: who speaks, through whom, and what a draft
makes of a paragraph. The claim set is the seed set (its speakers and media are what a
sentence is matched against); no sentence here is taken from an article."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.claimset.loader import load_claimset
from bot.ingest.attribution import Reader
from bot.ingest.drafting import draft_article
from bot.ingest.media import media_lexicon
from bot.ingest.speakers import SpeakerBook

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seeds():
    return load_claimset(ROOT / "seeds")


def _reader(cs) -> Reader:
    return Reader(SpeakerBook.of(cs), media_lexicon(cs))


def _article(*paragraphs: str) -> str:
    return "Test headline for a short story\n\nCAPITAL, 12 March 2024 (Test Wire) -\n\n" + (
        "\n\n".join(paragraphs) + "\n"
    )


def test_hyphenated_names_and_possessives_are_one_speaker(seeds) -> None:
    reader = _reader(seeds)
    said = reader.attribute("Kassym-Jomart Tokayev said the order was restored.")
    assert said.speaker is not None and said.speaker.id == "tokayev"
    ministry = reader.attribute("Russia's foreign ministry said citizens should stay indoors.")
    assert ministry.speaker is not None and "Russia" in ministry.speaker.name


def test_long_runs_of_capitalised_words_are_read_in_one_pass(seeds) -> None:
    """A run of hyphenated capitalised words no verb follows: every pattern gives up on it
    at once (the name token is atomic), rather than trying every way to split it."""
    reader = _reader(seeds)
    sentence = "Aa-" * 40 + "Bb and " + "Cc Dd " * 30 + "then nothing at all."
    assert reader.mentions(sentence) == []


def _figure(draft, words: str):
    return next(f for f in draft.figures if f.words == words)


def test_a_name_between_commas_speaks(seeds) -> None:
    draft = draft_article(
        _article(
            "The country's president, Kassym-Jomart Tokayev, said on Friday that 40 people "
            "had been detained."
        ),
        seeds,
    )
    assert _figure(draft, "40").speaker_id == "tokayev"


def test_he_means_the_last_person_named_even_without_a_speech_verb(seeds) -> None:
    draft = draft_article(
        _article(
            "President Tokayev used a long speech to announce new rules, Reuters reported. "
            "He claimed that 300 people had been detained."
        ),
        seeds,
    )
    assert _figure(draft, "300").speaker_id == "tokayev"


def test_a_medium_that_gives_a_number_itself_speaks(seeds) -> None:
    draft = draft_article(
        _article(
            "The Interior Ministry said 50 people had been detained on Monday. "
            "The AP put the number of injured at more than 400. "
            "Another 30 people were released, TASS reported."
        ),
        seeds,
    )
    assert _figure(draft, "more than 400").speaker == "AP"
    released = _figure(draft, "30")
    ministry = _figure(draft, "50").speaker
    assert ministry is not None and "Interior Ministry" in ministry
    assert released.speaker == ministry and released.via == ["TASS"]


def test_the_medium_that_says_it_is_the_origin_not_the_one_that_relays_it(seeds) -> None:
    draft = draft_article(
        _article("According to Reuters, state television said that 26 protesters had died."),
        seeds,
    )
    f = _figure(draft, "26")
    assert f.speaker is not None and f.speaker.lower() in ("state television", "state tv")
    assert f.via == ["Reuters"]


@pytest.mark.parametrize(
    ("sentence", "words", "speaker_word"),
    [
        (
            "A toll of 164, credited to the health ministry, was withdrawn within hours.",
            "164",
            "health",
        ),
        (
            "On Tuesday the Interior Ministry had given a total of 9,900 detained, "
            "according to Reuters.",
            "9,900",
            "interior",
        ),
        (
            "Reuters reported that the authorities had until then admitted to fewer than "
            "50 deaths.",
            "fewer than 50",
            "authorities",
        ),
        (
            "The day before, the Atameken chamber of entrepreneurs had put the losses at "
            "40 bln tenge.",
            "40 bln tenge",
            "atameken",
        ),
    ],
)
def test_speakers_named_in_less_common_ways(seeds, sentence, words, speaker_word) -> None:
    f = _figure(draft_article(_article(sentence), seeds), words)
    assert f.speaker is not None and speaker_word in f.speaker.lower(), f.speaker


def test_relays_named_by_citing_and_as_cited_by(seeds) -> None:
    draft = draft_article(
        _article(
            "Newsportal, citing the ministry, reported 3,811 detentions nationwide. "
            "Troops held the airport, a spokesman said, according to Interfax as cited by dpa."
        ),
        seeds,
    )
    assert {"newsportal", "interfax", "dpa"} <= {r.lower() for r in draft.source.relays}


def test_a_repeated_statement_joins_the_claim_and_rederives_its_status(tmp_path) -> None:
    import shutil

    from bot.ingest.writing import accept_items

    root = tmp_path / "set"
    shutil.copytree(ROOT / "seeds", root)
    cs = load_claimset(root)
    joins = cs.claims["putin-csto-limited-period"]
    apart = cs.claims["tokayev-civilian-deaths-under-review"]
    for claim in (joins, apart):
        assert claim.evidence.status == "single_source" and len(claim.attributions) == 1
    text = _article(
        "Putin said the CSTO troops would stay in Kazakhstan “for a limited period of time”, "
        "Reuters reported.",
        "President Tokayev said “the number of civilian deaths is currently under review”, "
        "Reuters reported.",
    )
    draft = draft_article(text, cs)
    by_same = {c.same_as: c for c in draft.claims if c.direct}
    assert set(by_same) == {joins.id, apart.id}
    written = accept_items(draft, text, cs, set(draft.item_ids()), by="E", draft_id="d1")
    assert {c.id for c in by_same.values()} <= set(written.items)
    after = load_claimset(root)
    # the same statement by the same speaker: one more attribution, no second claim
    assert by_same[joins.id].id not in after.claims
    joined = after.claims[joins.id]
    assert [a.source for a in joined.attributions] == [
        joins.attributions[0].source,
        draft.source.id,
    ]
    assert joined.attributions[1].via == ["Reuters"]
    assert joined.evidence.status == "corroborated"  # a second independent origin
    assert "Reuters" in joined.evidence.rationale
    # a statement holding more than this article reports ("as of 10 January") cannot be
    # corroborated by it: written as a claim of its own, the existing one untouched
    assert by_same[apart.id].id in after.claims
    assert after.claims[apart.id] == apart


def test_accepted_figures_carry_their_links_and_lifecycle(tmp_path) -> None:
    """What the text states plainly is written as the figure model's fields (not only as
    comments), and the set still validates."""
    import shutil

    from bot.ingest.writing import accept_items

    root = tmp_path / "set"
    shutil.copytree(ROOT / "seeds", root)
    cs = load_claimset(root)
    text = _article(
        "The prosecutor said on Saturday that 4,578 victims had been identified, of whom "
        "4,353 were injured.",
        "Officials said on Wednesday that 1,678 more people had been detained in the "
        "previous 24 hours.",
        "A death toll of 164, credited to the health ministry, was withdrawn within hours.",
        "Prosecutors put the death toll at 225 on Saturday, up from 44.",
    )
    draft = draft_article(text, cs)
    accept_items(draft, text, cs, set(draft.item_ids()), by="E", draft_id="d1")
    after = load_claimset(root)
    mine = {f.words: f for f in after.figures.values() if f.source == draft.source.id}
    assert mine["4,353"].part_of == mine["4,578"].id
    assert mine["1,678"].kind == "increment" and mine["1,678"].period is not None
    assert mine["1,678"].period.words == "in the previous 24 hours"
    toll = mine["164"]
    assert {e.kind for e in toll.lifecycle} == {"retracted", "alleged"}
    assert toll.withdrawn and all(e.source == draft.source.id for e in toll.lifecycle)
    assert mine["44"].revised_by == mine["225"].id and mine["44"].status == "revised"


@pytest.mark.parametrize(
    ("sentence", "speaker_word"),
    [
        (
            "Moscow will not tolerate any “colour revolutions” in its neighbourhood, said Putin.",
            "putin",
        ),
        (
            "Belarus' leader Alexander Lukashenko, meanwhile, addressed the troops and urged "
            "them to “stay calm and stay long”.",
            "lukashenko",
        ),
        (
            "Russian Ambassador Anatoly Antonov on Sunday Jan 9, 2022 said that thousands of "
            "fighters were involved.",
            "antonov",
        ),
        (
            "On Monday, the security authorities in Nur-Sultan (formerly Astana) reported that "
            "order had been restored.",
            "authorities",
        ),
        ("Tokayev has dubbed the demonstrators “terrorist gangs” in a speech.", "tokayev"),
    ],
)
def test_claims_from_less_common_speech_patterns(seeds, sentence, speaker_word) -> None:
    draft = draft_article(_article(sentence), seeds)
    assert len(draft.claims) == 1
    claim = draft.claims[0]
    assert speaker_word in (claim.speaker_id + " " + claim.speaker.lower())
    assert claim.quote == sentence  # verbatim


def test_an_interview_transcript_gives_each_answer_to_its_speaker(seeds) -> None:
    text = _article(
        "The ambassador answered questions on the embassy's page.\n"
        "– Dear ambassador, how do you see the events of this week?\n"
        "? Anatoly Antonov: The country came under attack by armed radicals. They burned "
        "public buildings.\n"
        "? Any talks with armed attackers only encourage them to go on.",
        "Protests began in the west of the country over fuel prices.",
    )
    draft = draft_article(text, seeds)
    by_antonov = [c for c in draft.claims if c.speaker_id == "antonov"]
    assert [c.statement for c in by_antonov] == [
        "The country came under attack by armed radicals.",
        "They burned public buildings.",
        "Any talks with armed attackers only encourage them to go on.",
    ]
    assert all(c.direct and c.quote in text for c in by_antonov)
    # the question and the narration after the transcript are nobody's claim
    assert len(draft.claims) == 3


def test_a_quotation_in_a_paragraph_whose_speaker_is_named_is_that_speakers(seeds) -> None:
    draft = draft_article(
        _article(
            "President Tokayev said the order had been restored. “The criminals will be "
            "punished without mercy,” he added later. “Nobody is above the law here.”"
        ),
        seeds,
    )
    last = draft.claims[-1]
    assert last.statement == "Nobody is above the law here." and last.speaker_id == "tokayev"


def test_a_new_speaker_spelt_twice_in_other_case_is_written_once(tmp_path) -> None:
    import shutil

    from bot.ingest.writing import accept_items

    root = tmp_path / "set"
    shutil.copytree(ROOT / "seeds", root)
    cs = load_claimset(root)
    text = _article(
        "A toll of 164, credited to the sports ministry, was withdrawn within hours. "
        "The Sports Ministry said on Monday that it had not supplied any such numbers."
    )
    draft = draft_article(text, cs)
    new = [s for s in draft.speakers if not s.existing and "ministry" in s.name.lower()]
    assert len(new) == 1 and not new[0].id.startswith("the-")
    accept_items(draft, text, cs, set(draft.item_ids()), by="E", draft_id="d1")
    assert new[0].id in load_claimset(root).speakers


@pytest.mark.parametrize(
    ("paragraph", "speaker_word"),
    [
        # a role word for the person named before ("Russian diplomat" is one of his aliases)
        (
            "Anatoly Antonov spoke to reporters in Washington. “They burn public buildings and "
            "attack civilians,” the diplomat said.",
            "antonov",
        ),
        (
            "“There are camps near the border,” said the President of Tajikistan, Emomali "
            "Rahmon, on Monday.",
            "rahmon",
        ),
        (
            "A Russian lawmaker offered similar views on Instagram, calling the region “ours”.",
            "lawmaker",
        ),
        (
            "Vladimir Putin, who sent troops into the country, has warned that Moscow will act "
            "again.",
            "putin",
        ),
    ],
)
def test_speakers_by_role_inversion_and_apposition(seeds, paragraph, speaker_word) -> None:
    draft = draft_article(_article(paragraph), seeds)
    last = draft.claims[-1]
    assert speaker_word in (last.speaker_id + " " + last.speaker.lower()), last


def test_a_later_sentence_that_withdraws_a_figure_gives_it_the_event(tmp_path) -> None:
    import shutil

    from bot.ingest.writing import accept_items

    root = tmp_path / "set"
    shutil.copytree(ROOT / "seeds", root)
    cs = load_claimset(root)
    second = (
        "The sports ministry then said it had not supplied any such numbers, and the "
        "press office, which runs the page, described the publication as a technical error."
    )
    text = _article(
        "A death toll of 164, credited to the sports ministry, appeared on Sunday. " + second
    )
    draft = draft_article(text, cs)
    toll = next(f for f in draft.figures if f.words == "164")
    later = {(lc.kind, lc.by) for lc in toll.lifecycle if lc.quote == second}
    credited = toll.speaker_id
    assert ("denied", credited) in later  # by the body it was credited to
    assert any(kind == "retracted" and by != credited for kind, by in later)
    accept_items(draft, text, cs, set(draft.item_ids()), by="E", draft_id="d1")
    written = next(f for f in load_claimset(root).figures.values() if f.words == "164")
    assert {e.kind for e in written.lifecycle} == {"alleged", "denied", "retracted"}
    assert any(e.quote == second for e in written.lifecycle)
