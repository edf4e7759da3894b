"""A small in-memory claim set for the editorial tests (no loader, no seed files)."""

from __future__ import annotations

from pathlib import Path

from bot.claimset.model import ClaimSet
from bot.claimset.schema import Attribution, Claim, Evidence, Manifest, Source, Speaker


def tiny_claimset(claim_ids: tuple[str, ...] = ("jihadists-claim", "troops-withdraw")) -> ClaimSet:
    source = Source(
        id="000", file="000_test.txt", outlet="Test Wire", outlet_basis="stated",
        headline="A headline", published_basis="unknown",
    )
    speaker = Speaker(id="antonov", name="Anatoly Antonov", role="ambassador")
    claims = {
        cid: Claim(
            id=cid,
            statement=f"Statement of {cid}",
            speaker="antonov",
            attributions=[Attribution(source="000", quote=f"quote {cid}")],
            evidence=Evidence(status="single_source", rationale="one origin"),
        )
        for cid in claim_ids
    }
    return ClaimSet(
        manifest=Manifest(id="test", title="Test", version="1"),
        root=Path("."),
        sources={"000": source},
        texts={"000": " ".join(f"quote {c}" for c in claim_ids)},
        speakers={"antonov": speaker},
        topics={},
        claims=claims,
        figures={},
    )
