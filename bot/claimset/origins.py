"""Independent origins: count where content comes from, not how many articles carry it.

Two outlets relaying the same TASS dispatch are one origin. The origin of an
attribution is the first link of its relay chain (``via``); with no chain, the source
article itself is the origin: its outlet, stated or inferred (an inferred outlet is the
same origin as a chain starting at it), or its file when the outlet is unknown. Origins
are compared case- and whitespace-insensitively (:func:`origin_key`); answers name each
by :func:`origin_of`. The validator's count and the answers' list use the same key.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable

from bot.claimset.model import ClaimSet
from bot.claimset.schema import Attribution, Claim, Source

log = logging.getLogger(__name__)


def origin_of(attribution: Attribution, source: Source | None) -> str:
    """The first link of ``via``, else the source as answers name it (outlet or file)."""
    if attribution.via:
        return attribution.via[0].strip()
    if source is None:
        return f"source {attribution.source}"
    return source.label


@functools.lru_cache(maxsize=8192)  # a set names a few thousand origins, each many times
def _key(origin: str) -> str:
    return " ".join(origin.split()).casefold()


def _distinct(origins: Iterable[tuple[str, str]]) -> list[str]:
    """The names of distinct origins (distinct by key), sorted by name."""
    seen: dict[str, str] = {}
    for key, name in origins:
        seen.setdefault(key, name)
    return sorted(seen.values(), key=_key)


def _claim_origins(claim: Claim, claimset: ClaimSet) -> list[tuple[str, str]]:
    """(key, name) of each attribution's origin."""
    out = []
    for a in claim.attributions:
        source = claimset.sources.get(a.source)
        out.append((origin_key(a, source), origin_of(a, source)))
    return out


def independent_origins(claim: Claim, claimset: ClaimSet) -> list[str]:
    """The distinct origins of the claim's own attributions, sorted."""
    return _distinct(_claim_origins(claim, claimset))


def content_origins(claim: Claim, claimset: ClaimSet) -> list[str]:
    """Origins of the claim and of every claim that backs it (``supported_by``, followed
    transitively: what backs a backer backs the same content), distinct and sorted."""
    origins: list[tuple[str, str]] = []
    for current in content_claims(claim, claimset):
        origins.extend(_claim_origins(current, claimset))
    return _distinct(origins)


def content_claims(claim: Claim, claimset: ClaimSet) -> list[Claim]:
    """The claim and every claim that backs it, ``supported_by`` followed transitively
    (each once; an unknown id, reported elsewhere, is skipped)."""
    out: list[Claim] = []
    seen: set[str] = set()
    todo = [claim]
    while todo:
        current = todo.pop()
        if current.id in seen:
            continue
        seen.add(current.id)
        out.append(current)
        todo.extend(
            claimset.claims[cid] for cid in current.evidence.supported_by if cid in claimset.claims
        )
    return out


def origin_key(attribution: Attribution, source: Source | None) -> str:
    """Which origin an attribution counts as: the first link of ``via``, else its
    source's outlet, stated or inferred (or its file when the outlet is unknown), case
    and whitespace aside. An inferred outlet is the same origin as a relay chain that
    starts at that outlet (its name, :func:`origin_of`, marks the inference)."""
    if attribution.via:
        return _key(attribution.via[0])
    if source is None:
        return _key(f"source {attribution.source}")
    return _key(source.outlet or source.file)


def content_origin_count(claim: Claim, claimset: ClaimSet) -> int:
    """``len(content_origins(claim, claimset))``, without building names when the claim
    has no backers (nearly every claim: this runs for each one at load)."""
    if claim.evidence.supported_by:
        return len(content_origins(claim, claimset))
    attributions = claim.attributions
    if len(attributions) < 2:
        return len(attributions)
    sources = claimset.sources
    return len({origin_key(a, sources.get(a.source)) for a in attributions})
