"""Rule (a warning): a hedge in a quote is kept in the claim's statement or the figure's note.

"It is estimated that", "believed", "reportedly", "allegedly", "said to be/have",
"apparently", "it is thought": a source that hedges has not said the thing is so. When a
quote hedges and the statement (for a figure: its note or words) carries no hedge of its
own, the validator warns; the set stays valid, an editor decides. Whole words only
("said to" is not "said Tokayev"); the speech verbs of attribution ("State TV reported",
"claimed") are not hedges.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import re
from collections.abc import Iterable

from bot.claimset.records import LoadState
from bot.claimset.schema import Claim, Figure

log = logging.getLogger(__name__)

# What a quote hedges with.
HEDGE = re.compile(
    r"\b(?:estimated|believed|reportedly|allegedly|apparently|said to (?:be|have)|"
    r"it is thought)\b",
    re.IGNORECASE,
)
# What keeps a hedge in a statement or note: any hedge, in any of its forms.
KEPT = re.compile(
    r"\b(?:estimat\w*|believ\w*|reported(?:ly)?|alleg\w*|apparent(?:ly)?|said to|"
    r"thought|suppos\w*|purported\w*|unconfirmed)\b",
    re.IGNORECASE,
)


def hedges_kept(state: LoadState) -> None:
    """Warn for each claim and figure whose quote hedges where its own words do not."""
    claims = list(state.valid("claims"))
    figures = list(state.valid("figures"))
    quotes = [a.quote for rec in claims for a in rec.model.attributions]
    # ends[k]: how many quotes the claims up to k hold; quote n is in the first claim
    # whose end passes n (only the few hedged quotes are looked up so).
    ends = list(itertools.accumulate(len(rec.model.attributions) for rec in claims))
    warned: set[int] = set()
    for n, hedge in hedged(quotes):
        k = bisect.bisect_right(ends, n)
        rec, i = claims[k], n - (ends[k - 1] if k else 0)
        claim: Claim = rec.model
        if id(rec) in warned or KEPT.search(claim.statement):
            continue
        warned.add(id(rec))
        state.warn_at(
            rec,
            ("statement",),
            f"attributions[{i}].quote ({claim.attributions[i].source}) hedges with "
            f"{hedge!r}; the statement does not: keep the hedge",
        )
    for n, hedge in hedged(rec.model.quote for rec in figures):
        figure: Figure = figures[n].model
        if not KEPT.search(figure.note) and not KEPT.search(figure.words):
            state.warn_at(
                figures[n],
                ("note",),
                f"the quote hedges with {hedge!r}; neither the note nor the words say so: "
                "keep the hedge in the note",
            )


def hedged(texts: Iterable[str]) -> list[tuple[int, str]]:
    """(index, the first hedge) of each text that hedges, in order. The texts are joined
    and searched for each hedge's first word with str.find, and only those places are
    matched in full: a regular expression run over every quote costs far more."""
    joined_texts = list(texts)
    starts: list[int] = []  # where each text starts in the joined one, once a hedge is found
    joined = "\n".join(joined_texts)
    low = joined.lower()
    first: dict[int, tuple[int, str]] = {}
    for word in _FIRST_WORDS:
        at = low.find(word)
        while at >= 0:
            m = None if at and low[at - 1].isalnum() else HEDGE.match(joined, at)
            if m is not None:
                if not starts:
                    starts = list(itertools.accumulate((len(x) + 1 for x in joined_texts),
                                                       initial=0))
                n = bisect.bisect_right(starts, at) - 1
                if n not in first or at < first[n][0]:
                    first[n] = (at, m.group(0))
            at = low.find(word, at + 1)
    return [(n, first[n][1]) for n in sorted(first)]


_FIRST_WORDS = (
    "estimated",
    "believed",
    "reportedly",
    "allegedly",
    "apparently",
    "said to",
    "it is thought",
)
