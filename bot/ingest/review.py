"""Review of drafts over the desk's store: keep a draft, list, show, accept items (written and
re-validated), reject items; every decision goes to the store's ingest audit trail."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from bot.claimset.model import ClaimSet
from bot.ingest.editing import ItemEdit, apply_edits
from bot.ingest.models import Draft
from bot.ingest.reading import IngestError
from bot.ingest.writing import Written, accept_items
from bot.record.protocols import DraftRecord
from bot.record.records import DraftDecision, DraftRow

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Stored:
    row: DraftRow
    draft: Draft
    text: str


def _unpack(row: DraftRow) -> Stored:
    import json

    data = json.loads(row.payload)
    draft = Draft.model_validate(data["draft"])
    draft.draft = row.id
    return Stored(row, draft, data["text"])


async def keep_draft(
    store: DraftRecord, draft: Draft, text: str, *, name: str, by: str = ""
) -> Draft:
    """Store the draft (the same text twice is refused in one line) and return it with its id."""
    import json

    payload = json.dumps({"draft": draft.model_dump(mode="json"), "text": text}, ensure_ascii=False)
    row = await store.add_draft(
        text_sha256=draft.text_sha256, claimset=draft.claimset, name=name, payload=payload, by=by
    )
    draft.draft = row.id
    return draft


async def load_draft(store: DraftRecord, draft_id: str) -> Stored:
    row = await store.draft(draft_id)
    if row is None:
        raise IngestError(f"no draft {draft_id!r} (python -m bot drafts list)")
    return _unpack(row)


async def list_drafts(store: DraftRecord) -> list[DraftRow]:
    return await store.drafts()


def _pick(
    draft: Draft, items: list[str], everything: bool, decided: dict[str, DraftDecision]
) -> list[str]:
    ids = draft.item_ids()
    if everything:
        return [i for i in ids if i not in decided]
    unknown = [i for i in items if i not in ids]
    if unknown:
        raise IngestError(
            f"draft {draft.draft}: no item {unknown[0]!r} (drafts show {draft.draft} lists them)"
        )
    if not items:
        raise IngestError("name the items to decide, or give --all")
    again = next((decided[i] for i in items if i in decided), None)
    if again is not None:
        raise IngestError(
            f"draft {draft.draft}: item {again.item} was already {again.decision} by {again.by}"
        )
    return list(dict.fromkeys(items))


async def accept(
    store: DraftRecord,
    cs: ClaimSet,
    draft_id: str,
    items: list[str],
    *,
    everything: bool,
    by: str,
    edits: Mapping[str, ItemEdit] | None = None,
) -> Written:
    """Write the chosen items into the claim set (validated; restored on error) and record who.

    A draft may be accepted in several goes (items not decided yet); ``edits`` correct items
    before they are written (:func:`bot.ingest.editing.apply_edit`). The files are written
    and the set validated in a worker thread (a face's event loop keeps answering).
    """
    if not by.strip():
        raise IngestError("drafts accept: who accepts (--by) is empty")
    stored = await load_draft(store, draft_id)
    trail = await store.draft_decisions(draft_id)
    decided = {d.item: d for d in trail}
    chosen = _pick(stored.draft, items, everything, decided)
    source = decided.get("source")
    if source is not None and source.decision == "rejected" and chosen:
        raise IngestError(
            f"draft {draft_id}: its source was rejected by {source.by}; nothing of the "
            "article can be written without it"
        )
    stray = next((item for item in edits or {} if item not in chosen), None)
    if stray is not None:
        raise IngestError(f"draft {draft_id}: item {stray} is corrected but not accepted")
    draft = apply_edits(stored.draft, edits or {}, cs, by=by)
    done = frozenset(d.item for d in trail if d.decision == "accepted")
    written = await asyncio.to_thread(
        accept_items, draft, stored.text, cs, set(chosen), by=by, draft_id=draft_id, done=done
    )
    remaining = [i for i in draft.item_ids() if i not in decided and i not in written.items]
    state = "accepted" if not remaining else "partial"
    await store.decide_draft(draft_id, accepted=written.items, rejected=[], by=by, state=state)
    return written


async def reject(
    store: DraftRecord, draft_id: str, items: list[str], *, everything: bool, by: str
) -> list[DraftDecision]:
    if not by.strip():
        raise IngestError("drafts reject: who rejects (--by) is empty")
    stored = await load_draft(store, draft_id)
    decided = {d.item: d for d in await store.draft_decisions(draft_id)}
    chosen = _pick(stored.draft, items, everything, decided)
    left = [i for i in stored.draft.item_ids() if i not in decided and i not in chosen]
    state = "rejected" if everything or not left else "partial"
    return await store.decide_draft(draft_id, accepted=[], rejected=chosen, by=by, state=state)
