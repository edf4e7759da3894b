"""Rule: words an outlet relays from an agency belong to the agency, not to the outlet.

A claim (or figure) whose speaker is the outlet of the attribution's own source, while
its ``via`` says the words came through someone else (an agency such as AFP or TASS, a
platform, another report), is refused: "The balance of the dead is unclear, according to
AFP" is AFP's, so AFP is the speaker. An outlet's speaker is a ``media`` speaker spelt
like the source's outlet, or with the alias ``source NNN`` or ``article NNN``; the
message names the speaker to use when ``via`` spells a known one.
"""

from __future__ import annotations

import logging

from bot.claimset.model import ClaimSet
from bot.claimset.records import LoadState, Record
from bot.claimset.schema import Speaker

log = logging.getLogger(__name__)


def wire_words_not_given_to_outlets(state: LoadState) -> None:
    """Each valid claim's attributions and each valid figure, against its speaker."""
    claimset = state.claimset
    if claimset is None:
        return
    outlets = {s.id for s in claimset.speakers.values() if s.kind == "media"}
    if not outlets:
        return
    speakers = {
        " ".join(spelling.split()).casefold(): s
        for s in claimset.speakers.values()
        for spelling in s.spellings
    }
    for rec in state.valid("claims"):
        claim = rec.model
        if claim.speaker not in outlets:
            continue  # most claims: a person or body speaks
        for attribution in claim.attributions:
            if _check(
                state, rec, claimset, speakers, claim.speaker, attribution.source, attribution.via
            ):
                break
    for rec in state.valid("figures"):
        figure = rec.model
        if figure.speaker in outlets:
            _check(state, rec, claimset, speakers, figure.speaker, figure.source, figure.via)


def _check(
    state: LoadState,
    rec: Record,
    claimset: ClaimSet,
    speakers: dict[str, Speaker],
    speaker_id: str,
    source_id: str,
    via: list[str],
) -> bool:
    """Report (and say so) when the speaker is the source's outlet and via names another."""
    speaker = claimset.speakers.get(speaker_id)
    if not via or speaker is None or speaker.kind != "media":
        return False
    if not is_outlet_of(speaker, claimset, source_id):
        return False
    link = via[0]
    relayed = speakers.get(" ".join(link.split()).casefold())
    if relayed is not None and relayed.id == speaker.id:
        return False  # the outlet's own channel
    who = f"{relayed.id!r}" if relayed is not None else f"whoever {link!r} is"
    state.report_at(
        rec,
        ("speaker",),
        f"{speaker.id!r} is the outlet of source {source_id}, which relays these words "
        f"via {link!r}: they are not the outlet's own, so the speaker is {who}",
    )
    return True


def is_outlet_of(speaker: Speaker, claimset: ClaimSet, source_id: str) -> bool:
    """Whether ``speaker`` is the outlet of the source: spelt like its outlet, or with
    the alias ``source NNN`` / ``article NNN``."""
    spellings = {" ".join(s.split()).casefold() for s in speaker.spellings}
    source = claimset.sources.get(source_id)
    outlet = source.outlet if source is not None else None
    if outlet and " ".join(outlet.split()).casefold() in spellings:
        return True
    return f"source {source_id}" in spellings or f"article {source_id}" in spellings
