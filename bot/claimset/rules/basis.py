"""Rule: a no_evidence basis is about the claim: it shares a topic or a name with it.

A sentence saying no evidence was presented for one thing is no basis for another claim
("blamed foreign powers without providing any evidence" does not bear on "a terrorist
attack"). Each basis quote, read with the sentence before it in its source (so "No
evidence of this" keeps what "this" is), must hold a word of one of the claim's topics,
a spelling of its speaker, or a name the statement uses (a speaker named in it, or a
capitalised word past its first): topics.toml and speakers.toml give the words.
"""

from __future__ import annotations

import logging
import re

from bot.claimset.model import ClaimSet
from bot.claimset.quotes import normalize_quote
from bot.claimset.records import LoadState
from bot.claimset.schema import Claim
from bot.claimset.status import EvidenceStatus
from bot.claimset.wording import Vocabulary, words_of

log = logging.getLogger(__name__)

_SENTENCE_END = re.compile(r"[.!?](?=\s)")


def no_evidence_basis_on_subject(state: LoadState) -> None:
    """Each basis quote of each valid no_evidence claim shares a topic or a name with it."""
    claimset = state.claimset
    if claimset is None:
        return
    vocabulary: Vocabulary | None = None
    for rec in state.valid("claims"):
        claim: Claim = rec.model
        if claim.evidence.status != EvidenceStatus.NO_EVIDENCE or not claim.evidence.basis:
            continue
        if vocabulary is None:
            vocabulary = Vocabulary(claimset.topics.values(), claimset.speakers.values())
        tags, names = _subject(claim, vocabulary)
        for i, basis in enumerate(claim.evidence.basis):
            text = with_sentence_before(claimset, basis.source, basis.quote)
            if text is None:
                continue  # not in its source: the quote rule says so
            words = words_of(text, vocabulary)
            if tags.isdisjoint(set().union(*words.tags)) and names.keys().isdisjoint(words.stems):
                state.report_at(
                    rec,
                    ("evidence", "basis", i, "quote"),
                    "a no_evidence basis must be about the claim: this sentence (with the one "
                    f"before it) shares no topic ({', '.join(claim.topics) or 'none'}) and no "
                    f"name ({', '.join(sorted(names.values())) or 'none'}) with it",
                )


def _subject(claim: Claim, vocabulary: Vocabulary) -> tuple[set[str], dict[str, str]]:
    """The claim's topic and speaker tags, and the stems of the names its statement uses."""
    words = words_of(claim.statement, vocabulary)
    tags = {f"topic:{t}" for t in claim.topics} | {f"speaker:{claim.speaker}"}
    names: dict[str, str] = {}  # stem -> as written
    for i, token in enumerate(words.tokens):
        tags.update(t for t in words.tags[i] if t.startswith("speaker:"))
        if i and token[:1].isupper() and words.content[i]:
            names[words.stems[i]] = token
    return tags, names


def with_sentence_before(claimset: ClaimSet, source_id: str, quote: str) -> str | None:
    """The quote with the sentence before it in its source; None when the source or the
    quote is not there (reported by the quote rule)."""
    text = claimset.texts.get(source_id)
    if text is None:
        return None
    text = normalize_quote(text)
    at = text.find(normalize_quote(quote))
    if at < 0:
        return None
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, at)]
    start = ends[-2] if len(ends) >= 2 else 0
    return text[start:at] + quote
