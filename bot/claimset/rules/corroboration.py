"""Rule: every part of a corroborated claim's statement is reported by two independent origins.

The validator cannot read meaning, so it checks what can be checked, against the quotes of
the claim and of the claims that back it (``supported_by``), grouped by origin
(:mod:`bot.claimset.origins`):

- every calendar day the statement names ("7 January", "Monday 10 January") is named by
  the quotes of two origins (a weekday in a quote counts as the day it falls on before
  the article's date);
- every other number ("2,000") is in the quotes of two origins;
- every part of the statement (split at punctuation and at the words that join two
  statements: and, which, who, with, while, but) has at least half of its content words
  in the quotes of two origins. A word counts when the quote has the same stem, or
  another word of the same topic or another spelling of the same speaker (topics.toml,
  speakers.toml). The speaker's own name (any word of its spellings) is not checked:
  the quote need not repeat who is speaking.

A part that fails is named: "statement part 'delivered military equipment' is reported
by one origin only (...)". Paraphrase with other words than the quotes' can pass only
through the vocabulary; a detail slipped in with the same words as one quote is caught.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field

from bot.claimset.model import ClaimSet
from bot.claimset.origins import content_claims, origin_key, origin_of
from bot.claimset.records import LoadState
from bot.claimset.schema import Claim
from bot.claimset.status import EvidenceStatus
from bot.claimset.wording import (
    STOPWORDS,
    Terms,
    Vocabulary,
    Words,
    parts_of,
    split_parts,
    stem,
    tokens,
    words_of,
)

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Origin:
    """What one origin's quotes hold, over every quote from it."""

    name: str
    stems: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    days: set[tuple[int, int]] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)

    def add(self, terms: Terms) -> None:
        self.stems |= terms.stems
        self.tags |= terms.tags
        self.days |= terms.days
        self.numbers |= terms.numbers


def corroborated_parts_backed(state: LoadState) -> None:
    """Each valid corroborated claim (the first of its id): every part of its statement
    in the quotes of two independent origins."""
    claimset = state.claimset
    if claimset is None:
        return
    vocabulary: Vocabulary | None = None
    claims, speakers = claimset.claims, claimset.speakers
    own_words: dict[str, frozenset[str]] = {}  # speaker id -> speaker_words, once each
    for rec in state.valid("claims"):
        claim: Claim = rec.model
        if claim.evidence.status != EvidenceStatus.CORROBORATED:
            continue
        if claims.get(claim.id) is not claim:
            continue  # a duplicate id, reported already
        if vocabulary is None:
            vocabulary = Vocabulary(claimset.topics.values(), speakers.values())
        own = own_words.get(claim.speaker)
        if own is None:
            own = own_words[claim.speaker] = _own_words(claimset, claim.speaker)
        if _passes_on_stems(claim, claimset, vocabulary, own):
            continue  # nearly every claim: nothing can be missing
        origins = _origins(claim, claimset, vocabulary)
        if len(origins) < 2:
            continue  # the status rule says corroborated needs two origins
        for part, backers in unbacked_parts(claim, origins, vocabulary, own):
            state.report_at(rec, ("statement",), _message(part, backers))


def unbacked_parts(
    claim: Claim, origins: list[_Origin], vocabulary: Vocabulary, own: frozenset[str]
) -> list[tuple[str, list[str]]]:
    """(part, the origins that report it) for each part reported by fewer than two;
    ``own``: the stems of the speaker's names, left unchecked."""
    words = words_of(claim.statement, vocabulary, claim.said_on)
    out: list[tuple[str, list[str]]] = []
    for start, end, day in words.date_spans:
        backers = [o.name for o in origins if day in o.days]
        if len(backers) < 2:
            out.append((" ".join(words.tokens[start:end]), backers))
    for i, number in words.numbers.items():
        backers = [o.name for o in origins if number in o.numbers]
        if len(backers) < 2:
            out.append((words.tokens[i], backers))
    for start, end, text in parts_of(claim.statement):
        at = [
            i
            for i in range(start, min(end, len(words.stems)))
            if words.content[i]
            and i not in words.dates
            and i not in words.numbers
            and words.stems[i] not in own
        ]
        if not at:
            continue
        backers = [o.name for o in origins if 2 * _hits(words, at, o) >= len(at)]
        if len(backers) < 2:
            out.append((text, backers))
    return out


def unbacked_in(claim: Claim, claimset: ClaimSet) -> list[tuple[str, list[str]]]:
    """:func:`unbacked_parts` of one claim read against the claim set (its speaker's names
    and the set's vocabulary): what a corroborated status would leave reported by fewer than
    two origins. Used before a claim is written as corroborated (ingest)."""
    vocabulary = Vocabulary(claimset.topics.values(), claimset.speakers.values())
    own = _own_words(claimset, claim.speaker)
    return unbacked_parts(claim, _origins(claim, claimset, vocabulary), vocabulary, own)


def _own_words(claimset: ClaimSet, speaker_id: str) -> frozenset[str]:
    """:func:`speaker_words` of the speaker ``speaker_id`` names (none if the set lacks it)."""
    speaker = claimset.speakers.get(speaker_id)
    return speaker_words(tuple(speaker.spellings)) if speaker is not None else frozenset()


@functools.lru_cache(maxsize=4096)
def speaker_words(spellings: tuple[str, ...]) -> frozenset[str]:
    """The stems of every word of a speaker's spellings ("Ibrenyev" of "Ursula Ibrenyev")."""
    return frozenset(stem(t) for s in spellings for t in tokens(s) if t.lower() not in STOPWORDS)


def _passes_on_stems(
    claim: Claim, claimset: ClaimSet, vocabulary: Vocabulary, own: frozenset[str]
) -> bool:
    """The quick answer for most claims: with a statement that names no day, every part
    passes on the quotes' stems alone (topic and speaker words can only add to that) and
    every number is in two origins' quotes. False: look closer (:func:`unbacked_parts`)."""
    content = vocabulary.statement_stems(claim.statement)
    if content is None:
        return False  # it names a day
    by_key: dict[str, frozenset[str]] = {}  # origin -> the stems of its quotes
    sources = claimset.sources
    claims = content_claims(claim, claimset) if claim.evidence.supported_by else (claim,)
    for current in claims:
        for attribution in current.attributions:
            key = origin_key(attribution, sources.get(attribution.source))
            stems = vocabulary.stems(attribution.quote)
            have = by_key.get(key)
            by_key[key] = stems if have is None else have | stems
    if len(by_key) < 2:
        return True  # the status rule reports it
    origins = list(by_key.values())
    wanted = set(content) - own
    if sum(1 for o in origins if wanted <= o) >= 2:
        return True  # every word in two origins' quotes: every part, number and name too
    for piece in split_parts(claim.statement):
        words = [s for s in vocabulary.content_stems(piece) if s not in own]
        for s in words:
            if s[0].isdigit() and sum(1 for o in origins if s in o) < 2:
                return False
        if words and sum(1 for o in origins if 2 * sum(s in o for s in words) >= len(words)) < 2:
            return False
    return True


def _hits(words: Words, at: list[int], origin: _Origin) -> int:
    """How many of the words at ``at`` the origin's quotes hold (stem, topic or speaker)."""
    return sum(
        1 for i in at if words.stems[i] in origin.stems or not words.tags[i].isdisjoint(origin.tags)
    )


def _origins(claim: Claim, claimset: ClaimSet, vocabulary: Vocabulary) -> list[_Origin]:
    """The quotes of the claim and its backers, read and grouped by origin."""
    by_key: dict[str, _Origin] = {}
    for current in content_claims(claim, claimset):
        for attribution in current.attributions:
            source = claimset.sources.get(attribution.source)
            key = origin_key(attribution, source)
            origin = by_key.get(key)
            if origin is None:
                origin = by_key[key] = _Origin(origin_of(attribution, source))
            published = source.published if source is not None else None
            origin.add(vocabulary.terms(attribution.quote, published))
    return list(by_key.values())


def _message(part: str, backers: list[str]) -> str:
    if backers:
        where = f"is reported by one origin only ({backers[0]})"
    else:
        where = "is in the quotes of no origin"
    return (
        f"statement part {part!r} {where}: a corroborated statement holds only what two "
        "independent origins report; split that part off into its own claim"
    )
