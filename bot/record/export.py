"""Exports: schema.org ClaimReview JSON-LD for editorial verdicts, and a CSV of all claims.

ClaimReview (https://schema.org/ClaimReview) is what search engines and fact-check
aggregators read. One object per claim with an editorial *verdict* — ``confirmed``,
``misleading`` or ``false``; ``in_review`` is not a verdict and is left out. Each carries
``claimReviewed`` (the neutral statement), ``author`` (the desk, an Organization),
``editor`` (the editor who ruled), ``datePublished`` (the ruling's date),
``itemReviewed`` (a Claim by the speaker, with one ``appearance`` per article that
reports it) and ``reviewRating`` (1 worst .. 5 best, ``alternateName`` the textual
rating, the status's label).

The CSV holds every claim in the set with both statuses: the derived one from the
sources and the editorial one when set, and the status an answer leads with.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from collections.abc import Mapping
from typing import Any

from bot.answers.models import EditorialRuling
from bot.claimset.model import ClaimSet
from bot.claimset.schema import Claim
from bot.claimset.status import EvidenceStatus, style

log = logging.getLogger(__name__)

SCHEMA_ORG = "https://schema.org"
DEFAULT_AUTHOR = "Factdesk"

# reviewRating.ratingValue on a 1 (worst) .. 5 (best) scale.
RATING_VALUES: dict[EvidenceStatus, int] = {
    EvidenceStatus.FALSE: 1,
    EvidenceStatus.MISLEADING: 2,
    EvidenceStatus.CONFIRMED: 5,
}
VERDICTS = frozenset(RATING_VALUES)

CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "statement",
    "speaker",
    "kind",
    "said_on",
    "status",
    "derived_status",
    "editorial_status",
    "editorial_by",
    "editorial_at",
    "editorial_reason",
    "rationale",
    "sources",
)


def _date(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).date().isoformat()
    return value.isoformat()


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None and v != []}


def _appearances(claim: Claim, claimset: ClaimSet) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for attribution in claim.attributions:
        if attribution.source in seen:
            continue
        seen.add(attribution.source)
        source = claimset.sources[attribution.source]
        out.append(
            _without_none(
                {
                    "@type": "NewsArticle",
                    "headline": source.headline,
                    "publisher": (
                        {"@type": "Organization", "name": source.outlet} if source.outlet else None
                    ),
                    "datePublished": _date(source.published),
                    "identifier": source.file,
                    "citation": attribution.quote,
                }
            )
        )
    return out


def claim_review(
    claim: Claim,
    ruling: EditorialRuling,
    claimset: ClaimSet,
    *,
    author: str = DEFAULT_AUTHOR,
) -> dict[str, Any]:
    """One ClaimReview object for a claim with an editorial verdict."""
    if ruling.status not in VERDICTS:
        raise ValueError(f"{claim.id}: {ruling.status.value} is not a verdict")
    speaker = claimset.speakers.get(claim.speaker)
    speaker_type = "Person" if speaker is None or speaker.kind == "person" else "Organization"
    label = style(ruling.status).label
    said_on = claim.said_on or next(
        (a.said_on for a in claim.attributions if a.said_on is not None), None
    )
    appearances = _appearances(claim, claimset)
    item = _without_none(
        {
            "@type": "Claim",
            "author": _without_none(
                {
                    "@type": speaker_type,
                    "name": speaker.name if speaker else claim.speaker,
                    "jobTitle": speaker.role if speaker and speaker_type == "Person" else None,
                    "description": speaker.role if speaker and speaker_type != "Person" else None,
                }
            ),
            "datePublished": _date(said_on),
            "appearance": appearances,
            "firstAppearance": appearances[0] if appearances else None,
        }
    )
    return _without_none(
        {
            "@context": SCHEMA_ORG,
            "@type": "ClaimReview",
            "identifier": claim.id,
            "claimReviewed": claim.statement,
            "author": {"@type": "Organization", "name": author},
            "editor": {"@type": "Person", "name": ruling.by},
            "datePublished": _date(ruling.at),
            "reviewBody": ruling.reason or None,
            "itemReviewed": item,
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": RATING_VALUES[ruling.status],
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": label,
            },
        }
    )


def claim_reviews(
    claimset: ClaimSet,
    rulings: Mapping[str, EditorialRuling],
    *,
    author: str = DEFAULT_AUTHOR,
) -> list[dict[str, Any]]:
    """ClaimReviews for every claim in the set with a verdict, in claim-set order.

    Rulings on claims no longer in the set (orphans) are not exported: there is no
    statement to review; they stay in the database.
    """
    out = []
    for claim_id, claim in claimset.claims.items():
        ruling = rulings.get(claim_id)
        if ruling is not None and ruling.status in VERDICTS:
            out.append(claim_review(claim, ruling, claimset, author=author))
    return out


def claims_csv(claimset: ClaimSet, rulings: Mapping[str, EditorialRuling]) -> str:
    """Every claim, one row each, with its derived and editorial status."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for claim in claimset.claims.values():
        ruling = rulings.get(claim.id)
        speaker = claimset.speakers.get(claim.speaker)
        derived = claim.evidence.status
        writer.writerow(
            {
                "id": claim.id,
                "statement": claim.statement,
                "speaker": speaker.name if speaker else claim.speaker,
                "kind": claim.kind,
                "said_on": _date(claim.said_on) or "",
                "status": (ruling.status if ruling else derived).value,
                "derived_status": derived.value,
                "editorial_status": ruling.status.value if ruling else "",
                "editorial_by": ruling.by if ruling else "",
                "editorial_at": (
                    ruling.at.astimezone(dt.UTC).isoformat(timespec="seconds") if ruling else ""
                ),
                "editorial_reason": ruling.reason if ruling else "",
                "rationale": claim.evidence.rationale,
                "sources": ";".join(
                    dict.fromkeys(claimset.sources[a.source].file for a in claim.attributions)
                ),
            }
        )
    return buffer.getvalue()
