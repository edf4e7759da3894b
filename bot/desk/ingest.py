"""Ingest over the desk: the one path the CLI (``ingest``, ``drafts``) and Discord (``/ingest``)
share from an article's bytes to reviewed items answering from the reloaded set.

- :meth:`IngestDesk.ingest`: the bytes checked (:func:`bot.ingest.reading.read_article`: empty,
  binary, not UTF-8, over 1 MB are one line each), drafted against the set in a worker
  thread, kept in the store (the same text twice is refused);
- :meth:`IngestDesk.accept`: the chosen items (corrected first when the editor edited them)
  written into the claim files atomically with the previous files kept, the set validated
  (:mod:`bot.ingest.review`, :mod:`bot.ingest.writing`), then the desk reloaded (the last good
  set kept on error) and who accepted what appended to the audit trail; when an accepted
  figure changes a topic's verdict, one alert (every topic it changed) per digest channel is
  recorded for the bot to post once (:mod:`bot.record.ingest_alerts`);
- :meth:`IngestDesk.reject`.

Accepts of one story in one process run one at a time (they write the same files): the
desks of a story's servers share one lock (``writing``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from bot.ingest.drafting import draft_article
from bot.ingest.editing import ItemEdit, apply_edits
from bot.ingest.models import Draft
from bot.ingest.reading import IngestError, read_article
from bot.ingest.review import Stored, accept, keep_draft, load_draft, reject
from bot.ingest.writing import Written
from bot.record.protocols import AlertRecord, DraftRecord
from bot.record.records import NO_GUILD, DraftDecision, IngestAlert, StoreError

if TYPE_CHECKING:
    from bot.answers.engine import Factdesk
    from bot.desk import Desk
    from bot.desk.reload import ReloadReport

log = logging.getLogger(__name__)

VERDICT_LINES = 3  # of a topic's verdict, kept in an alert (before and after)


@dataclass(slots=True)
class VerdictChange:
    """A topic whose /figures verdict an accept changed, with the figures that did it."""

    topic: str
    label: str
    reason: str  # the draft's flag: "new latest count for this scope", "retraction: ..."
    figures: list[str]
    before: list[str]
    after: list[str]
    draft: str
    source: str
    by: str



def alert_key(changes: list[VerdictChange]) -> str:
    """What one accept's alert is about: its draft and first figure that changed a verdict."""
    return f"{changes[0].draft}:{changes[0].figures[0]}"


def changes_json(changes: list[VerdictChange]) -> str:
    """An alert's stored content: the changes of one accept, in order."""
    return json.dumps([asdict(c) for c in changes], ensure_ascii=False, sort_keys=True)


def changes_from_json(text: str) -> list[VerdictChange]:
    return [VerdictChange(**c) for c in json.loads(text)]


@dataclass(slots=True)
class Accepted:
    """What an accept did: the files written, the reload, the verdicts it changed."""

    draft: str
    written: Written
    reload: ReloadReport
    changes: list[VerdictChange] = field(default_factory=list)
    alerts: list[IngestAlert] = field(default_factory=list)  # recorded now, to be posted


@dataclass(slots=True)
class Review:
    """A stored draft, its audit trail and the items still to decide."""

    stored: Stored
    decisions: list[DraftDecision]

    @property
    def draft(self) -> Draft:
        return self.stored.draft

    @property
    def open_items(self) -> list[str]:
        decided = {d.item for d in self.decisions}
        return [i for i in self.draft.item_ids() if i not in decided]


class IngestDesk:
    """Drafting and review over one desk (its store, claim set and reload). ``writing``: the
    lock its accepts hold, shared by every desk that writes the same claim files (the
    servers of one story); default its own."""

    def __init__(self, desk: Desk, *, writing: asyncio.Lock | None = None) -> None:
        self.desk = desk
        self._writing = writing if writing is not None else asyncio.Lock()

    @property
    def store(self) -> DraftRecord:
        store = self.desk.store
        if store is None:
            raise IngestError("drafts need the desk's database; none is open")
        if not isinstance(store, DraftRecord):
            raise IngestError("this database cannot keep drafts (its store has no DraftRecord)")
        return store

    async def ingest(
        self,
        data: bytes,
        *,
        name: str,
        by: str = "",
        outlet: str | None = None,
        published: dt.date | None = None,
        url: str | None = None,
    ) -> Draft:
        """Check, draft and keep the article in ``data``; IngestError (one line) when it
        cannot be (nothing is stored then)."""
        text = read_article(data, name)
        store = self.store
        draft = await asyncio.to_thread(
            draft_article, text, self.desk.claimset, outlet=outlet, published=published, url=url
        )
        try:
            return await keep_draft(store, draft, text, name=name, by=by)
        except StoreError as exc:
            raise IngestError(f"{name}: {exc}") from None

    async def review(self, draft_id: str) -> Review:
        store = self.store
        stored = await load_draft(store, draft_id)
        return Review(stored, await store.draft_decisions(draft_id))

    async def reject(
        self, draft_id: str, items: list[str], *, everything: bool, by: str
    ) -> list[DraftDecision]:
        async with self._writing:  # never between an accept's read of the trail and its write
            return await reject(self.store, draft_id, items, everything=everything, by=by)

    async def accept(
        self,
        draft_id: str,
        items: list[str],
        *,
        everything: bool,
        by: str,
        edits: Mapping[str, ItemEdit] | None = None,
    ) -> Accepted:
        """Write, validate, reload, audit; alerts recorded for the verdicts this changed."""
        store = self.store
        async with self._writing:
            stored = await load_draft(store, draft_id)
            cs = self.desk.claimset
            # The draft as it will be written (its corrections checked again by accept).
            draft = apply_edits(stored.draft, edits or {}, cs, by=by)
            topics = sorted({f.topic for f in draft.figures if f.topic and f.verdict})
            before = await asyncio.to_thread(_verdicts, self.desk.engine, topics)
            written = await accept(
                store, cs, draft_id, items, everything=everything, by=by, edits=edits
            )
            report = await self.desk.reload(cs.root)
            if report.ok:
                await self.desk.announce_reload()
            else:
                log.error("draft %s accepted but the reload failed: %s", draft_id, report.error)
            done = Accepted(draft_id, written, report)
            if report.ok:
                done.changes = await asyncio.to_thread(
                    _changes, draft, written, self.desk.engine, before, by
                )
                done.alerts = await self._record_alerts(done.changes)
            return done

    async def _record_alerts(self, changes: list[VerdictChange]) -> list[IngestAlert]:
        store = self.desk.store
        if not changes or not isinstance(store, AlertRecord):
            return []
        # The digest channels of this story in this server (an alert names the editor and
        # the draft: one server never sees another's record); an accept made desk-wide
        # (the CLI, guild 0) alerts every server's channels of the story.
        scope = self.desk.scope
        channels = [
            (s.guild_id, s.channel_id)
            for s in await store.digest_subscriptions()
            if s.story == scope.story and (scope.guild == NO_GUILD or s.guild_id == scope.guild)
        ]
        if not channels:
            log.info("verdict changed on %s; no digest channel of story %s here to alert",
                     ", ".join(c.topic for c in changes), scope.story)
            return []
        return await store.add_alerts(alert_key(changes), changes_json(changes), channels)


def _verdicts(engine: Factdesk, topics: list[str]) -> dict[str, list[str]]:
    return {t: list(engine.figures(t).verdict) for t in topics}


def _changes(
    draft: Draft,
    written: Written,
    engine: Factdesk,
    before: Mapping[str, list[str]],
    by: str,
) -> list[VerdictChange]:
    """The topics whose verdict changed with a written figure the draft flagged as changing it
    (a new latest count, a contradiction, a retraction)."""
    flagged: dict[str, list[str]] = {}
    reasons: dict[str, str] = {}
    figures = {f.id: f for f in draft.figures}
    for item in written.items:
        f = figures.get(item)
        if f is None or not f.verdict or not f.topic or f.topic not in before:
            continue
        flagged.setdefault(f.topic, []).append(f.id)
        reasons.setdefault(f.topic, f.verdict)
    out = []
    for topic, ids in flagged.items():
        answer = engine.figures(topic)
        after = list(answer.verdict)
        if after == before[topic]:
            continue
        out.append(
            VerdictChange(
                topic=topic,
                label=answer.topic_label or topic,
                reason=reasons[topic],
                figures=ids,
                before=before[topic][:VERDICT_LINES],
                after=after[:VERDICT_LINES],
                draft=draft.draft,
                source=draft.source.id,
                by=by,
            )
        )
    return out
