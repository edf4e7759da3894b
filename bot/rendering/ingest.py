"""A draft as plain text: the CLI prints :func:`render_draft`; Discord's review shows each item
with :func:`item_text` (escaped there), so both faces describe an item in the same words."""

from __future__ import annotations

import logging

from bot.ingest.models import Draft, DraftClaim, DraftFigure, DraftSpeaker

log = logging.getLogger(__name__)


def number(x: float | None) -> str:
    return "open" if x is None else (f"{x:,.0f}" if float(x).is_integer() else f"{x:,}")


def source_text(draft: Draft) -> str:
    s = draft.source
    return (
        f"source {s.id} ({s.file}); outlet: {s.outlet or 'unknown'} ({s.outlet_basis}); "
        f"published: {s.published or 'unknown'} ({s.published_basis}); "
        f"headline: {s.headline or 'none'}; relays: {', '.join(s.relays) or 'none'}"
    )


def speaker_text(sp: DraftSpeaker) -> str:
    tag = "existing" if sp.existing else "NEW"
    return f"{sp.name} ({tag}, {sp.kind}{', ' + sp.role if sp.role else ''}): {sp.why}"


def claim_text(c: DraftClaim) -> str:
    via = f" via {' > '.join(c.via)}" if c.via else ""
    joins = f" (joins claim {c.same_as})" if c.same_as else ""
    return f"{c.speaker}{via}: {c.statement}{joins}"


def figure_text(f: DraftFigure) -> str:
    interval = f"[{number(f.low)}, {number(f.high)}]"
    extra = f" = {f.equivalent.words}" if f.equivalent else ""
    life = f" ({', '.join(lc.kind for lc in f.lifecycle)})" if f.lifecycle else ""
    links = "".join(
        f"; {name.replace('_', ' ')} {target}"
        for name, target in (
            ("part_of", f.part_of),
            ("revised_by", f.revised_by),
            ("same_as", f.same_as),
            ("earlier_than", f.earlier_than),
        )
        if target
    ) + ("; increment" if f.kind == "increment" else "")
    return (
        f"{f.words!r}{extra} {f.qualifier} {interval} {f.unit}, "
        f"{f.topic or 'no topic'}, {f.group or '-'}/{f.place or '-'}, as of "
        f"{f.as_of or 'undated'} ({f.as_of_basis}), {f.speaker or 'the outlet'}"
        f"{' via ' + ' > '.join(f.via) if f.via else ''}{life}{links}"
        f"{'; ' + f.verdict if f.verdict else ''}"
    )


def item_text(draft: Draft, item: str) -> tuple[str, str, str | None]:
    """(kind, one line, how sure the drafter is) for an item of :meth:`Draft.item_ids`."""
    if item == "source":
        return "source", source_text(draft), None
    for sp in draft.speakers:
        if sp.id == item:
            return "speaker", speaker_text(sp), sp.confidence
    for c in draft.claims:
        if c.id == item:
            return "claim", claim_text(c), c.confidence
    for f in draft.figures:
        if f.id == item:
            return "figure", figure_text(f), f.confidence
    raise KeyError(item)


def render_draft(draft: Draft) -> str:
    s = draft.source
    lines = [
        f"draft {draft.draft}: source {s.id} ({s.file})",
        f"  outlet: {s.outlet or 'unknown'} ({s.outlet_basis}); published: "
        f"{s.published or 'unknown'} ({s.published_basis}); headline: {s.headline or 'none'}",
        f"  relays: {', '.join(s.relays) or 'none'}",
    ]
    new = [sp for sp in draft.speakers if not sp.existing]
    lines.append(f"speakers ({len(draft.speakers)}, {len(new)} new):")
    lines += [f"  [{sp.id}] {speaker_text(sp)}" for sp in draft.speakers]
    lines.append(f"claims ({len(draft.claims)}):")
    lines += [f"  [{c.id}] {claim_text(c)}" for c in draft.claims]
    lines.append(f"figures ({len(draft.figures)}):")
    lines += [f"  [{f.id}] {figure_text(f)}" for f in draft.figures]
    lines.append(
        f"review: python -m bot drafts accept {draft.draft} --all --by NAME "
        f"(or name items), drafts reject {draft.draft} ITEM... --by NAME"
    )
    return "\n".join(lines)
