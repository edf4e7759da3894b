"""Evidence for one claim: its status, its independent origins, attribution kept apart.

"Antonov said this, as reported by three outlets" is a fact about the attribution;
"thousands of jihadists took part" is the content. The answer states both separately:
``attribution`` counts outlets and origins (relays collapsed, via :mod:`bot.claimset.origins`),
``content`` says what is known of the content itself (status, rationale, what backs it
from elsewhere, what disputes it, what the sources say about evidence).
"""

from __future__ import annotations

import logging

from bot.answers.editorial_view import EditorialView
from bot.answers.models import ClaimAnswer, EvidenceAnswer, SourceRef
from bot.claimset.model import ClaimSet
from bot.claimset.origins import content_origins, independent_origins
from bot.claimset.schema import Claim
from bot.claimset.status import style

log = logging.getLogger(__name__)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def source_ref(claimset: ClaimSet, source_id: str, quote: str, via: list[str]) -> SourceRef:
    src = claimset.sources.get(source_id)
    return SourceRef(
        file=src.file if src else f"{source_id}.txt",
        source_id=source_id,
        outlet=src.outlet if src else None,
        outlet_basis=src.outlet_basis if src else "unknown",
        published=src.published if src else None,
        published_basis=src.published_basis if src else "unknown",
        quote=quote,
        via=list(via),
    )


def answer(
    query: str,
    claim: Claim,
    claim_answer: ClaimAnswer,
    claimset: ClaimSet,
    editorial: EditorialView,
) -> EvidenceAnswer:
    origins = independent_origins(claim, claimset)
    outlets = list(
        dict.fromkeys(
            (claimset.sources[a.source].label if a.source in claimset.sources else a.source)
            for a in claim.attributions
        )
    )
    speaker = claim_answer.speaker.name
    attribution = (
        f"{speaker} said this, as reported by {_plural(len(outlets), 'outlet')} "
        f"({', '.join(outlets)}), from {_plural(len(origins), 'independent origin')} "
        f"({', '.join(origins)})."
    )
    if len(outlets) > len(origins):
        attribution += " Relays of one origin count once."

    status = claim_answer.status
    content = f"The content itself: {style(status).label.lower()}: {claim_answer.rationale}"
    if claim_answer.editorial is None:
        backers = content_origins(claim, claimset)
        extra = [o for o in backers if o not in origins]
        if claim.evidence.supported_by:
            content += (
                f" Backed from elsewhere by {', '.join(claim.evidence.supported_by)}"
                f" ({_plural(len(backers), 'origin')} in all"
                + (f", adding {', '.join(extra)}" if extra else "")
                + ")."
            )
    if claim.evidence.disputed_by:
        content += f" Disputed by {', '.join(claim.evidence.disputed_by)}."
    if not claim.evidence.basis and len(origins) == 1:
        content += " Reporting who said it does not make it true."

    return EvidenceAnswer(
        query=query,
        claim=claim_answer,
        status=status,
        rationale=claim_answer.rationale,
        independent_origins=len(origins),
        origins=origins,
        attribution=attribution,
        content=content,
        basis=[source_ref(claimset, b.source, b.quote, []) for b in claim.evidence.basis],
        notes=editorial.notes(claim.id),
    )
