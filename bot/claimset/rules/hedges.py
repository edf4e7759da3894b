"""Rule (a warning): a hedge in a quote is kept in the claim's statement or the figure's note.

"It is estimated that", "believed", "reportedly", "allegedly", "said to be/have",
"apparently", "it is thought": a source that hedges has not said the thing is so. When a
quote hedges and the statement (for a figure: its note or words) carries no hedge of its
own, the validator warns; the set stays valid, an editor decides. Whole words only
("said to" is not "said Tokayev"); the speech verbs of attribution ("State TV reported",
"claimed") are not hedges.
"""

from __future__ import annotations

import logging
import re

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
    for rec in state.valid("claims"):
        claim: Claim = rec.model
        if KEPT.search(claim.statement):
            continue
        for i, attribution in enumerate(claim.attributions):
            hedge = HEDGE.search(attribution.quote)
            if hedge:
                state.warn_at(
                    rec,
                    ("statement",),
                    f"attributions[{i}].quote ({attribution.source}) hedges with "
                    f"{hedge.group(0)!r}; the statement does not: keep the hedge",
                )
                break
    for rec in state.valid("figures"):
        figure: Figure = rec.model
        hedge = HEDGE.search(figure.quote)
        if hedge and not KEPT.search(figure.note) and not KEPT.search(figure.words):
            state.warn_at(
                rec,
                ("note",),
                f"the quote hedges with {hedge.group(0)!r}; neither the note nor the "
                "words say so: keep the hedge in the note",
            )
