"""Every answer the seed claim set can produce, rendered as embeds, fits Discord's limits.

Every claim id through /claim and /evidence (and the claim itself), every topic through
/figures, every speaker spelling through /speaker, every source through /source, and
autocomplete for each kind: each page checked with cogs.limits.message_problems.
"""

from __future__ import annotations

import pytest

from bot.claimset.loader import load_claimset
from cogs.utils.limits import choices_problems, message_problems
from cogs.utils.rendering import render
from cogs.utils.transformers import choices


@pytest.fixture(scope="module")
def engine():
    from bot.answers.engine import Factdesk

    return Factdesk(load_claimset())


def check(answer, version: str) -> int:
    pages = render(answer, version=version)
    assert pages
    for page in pages:
        body = {"content": page.content, "embeds": [e.to_dict() for e in page.embeds]}
        assert message_problems(body) == [], (answer.query, message_problems(body))
        for embed in page.embeds:
            assert version in embed.footer.text
    return len(pages)


def test_every_claim_via_claim_and_evidence(engine) -> None:
    version = engine.claimset.version
    for cid, claim in engine.claimset.claims.items():
        answer = engine.claim(cid, limit=25)
        check(answer, version)
        check(engine.claim(claim.statement, limit=25), version)
        evidence = engine.evidence(cid)
        assert evidence.claim is not None and evidence.claim.id == cid
        check(evidence, version)
        single = engine.claim_by_id(cid)
        pages = render(single, version=version)
        assert all(p.match_id == cid for p in pages)
        assert pages[0].embeds[0].footer.text.startswith(f"claim {cid} ")
        check(single, version)


def test_every_topic_via_figures(engine) -> None:
    version = engine.claimset.version
    with_figures = 0
    for topic in engine.claimset.topics.values():
        for query in (topic.id, topic.label, *topic.synonyms):
            answer = engine.figures(query)
            check(answer, version)
            with_figures += bool(answer.figures)
    assert with_figures


def test_every_speaker_spelling(engine) -> None:
    version = engine.claimset.version
    for speaker in engine.claimset.speakers.values():
        for spelling in speaker.spellings:
            check(engine.speaker(spelling, limit=25), version)


def test_every_source(engine) -> None:
    version = engine.claimset.version
    for source in engine.claimset.sources.values():
        for query in filter(None, (source.id, source.outlet, source.file)):
            check(engine.source(query, limit=25), version)


def test_no_match_answers(engine) -> None:
    version = engine.claimset.version
    for answer in (
        engine.claim("zzqx qqzz", limit=5),
        engine.figures("zzqx qqzz"),
        engine.evidence("zzqx qqzz"),
        engine.speaker("zzqx qqzz"),
        engine.source("zzqx qqzz"),
    ):
        check(answer, version)


@pytest.mark.parametrize("kind", ["claim", "topic", "speaker", "source"])
def test_autocomplete_choices_fit(engine, kind: str) -> None:
    cs = engine.claimset
    texts = ["", "a", "x" * 150, "Tokaev", "death", "@everyone **"]
    texts += [c.statement[:12] for c in list(cs.claims.values())[:20]]
    texts += [s.name[:5] for s in cs.speakers.values()]
    for text in texts:
        made = choices(engine.complete(kind, text, 25))
        assert choices_problems([c.to_dict() for c in made]) == [], (kind, text)
        if not text:
            assert made, f"no default {kind} choices on empty input"


def test_no_match_on_names_shows_what_the_sources_say_on_them(engine) -> None:
    version = engine.claimset.version
    checked = 0
    for speaker in engine.claimset.speakers.values():
        name = speaker.name.split()[-1]
        if not engine.index.names_in(name):
            continue  # not a proper name of the set ("US", "Ministry")
        answer = engine.claim(f"{name} qqzzxx wwyyvv", limit=5)
        assert answer.results == [] and answer.names == [name], name
        assert answer.on_names  # the set's claims on that name
        stem_of = name.lower()[:5]
        for claim in answer.on_names:
            said = " ".join([claim.statement, claim.speaker.name, claim.speaker.role,
                             *(ref.quote for ref in claim.sources),
                             *(v for ref in claim.sources for v in ref.via),
                             *(ref.outlet or "" for ref in claim.sources),
                             *(w for t in claim.topics if t in engine.claimset.topics
                               for w in engine.claimset.topics[t].synonyms)]).lower()
            assert stem_of in said or stem_of[:4] in said, (name, claim.id)
        check(answer, version)
        field = render(answer, version=version)[0].embeds[0].fields[-1]
        assert name in field.name and all(c.id in field.value for c in answer.on_names)
        checked += 1
    assert checked
