"""The digest: what changed in the claim set, as an answer object.

Two ways to know "what changed since":

- **by dates in the data** (:func:`changes_since_date`, the CLI's ``--since DATE``): a
  source is new from its publication date; a claim from the earliest publication date
  of the sources it cites; a figure from its ``as_of`` date (its source's publication
  date when it has none). Records whose date is unknown count as new only when the
  digest starts at or before the story's first known date ("everything is new");
  otherwise they would be "new" in every digest.
- **by snapshots** (:func:`changes_from_snapshot`, the running bot): each digest run
  stores every record's id and content hash; the next run diffs against it (new,
  revised, removed), and reads status changes from the editorial audit trail after the
  last run's cursor.

:func:`build_digest` turns the changes into a :class:`DigestAnswer` (plus the open
figure conflicts, most important topic first, from the engine's own figures
reasoning, and counts). Its renderings are elsewhere: plain text in
:mod:`bot.rendering.digest`, Discord messages in ``cogs.utils.digest_rendering``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from bot.answers.models import FiguresAnswer, Interval, best_range
from bot.claimset.model import ClaimSet
from bot.claimset.schema import Claim
from bot.claimset.status import EvidenceStatus
from bot.record.protocols import DraftRecord
from bot.record.records import DraftDecision

if TYPE_CHECKING:
    from bot.answers.editorial_view import EditorialView
    from bot.record.store import RulingChange

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------
# Commands each item links to (the slash commands that show it in full); a test checks
# that these commands and options exist in the bot's command tree.
# --------------------------------------------------------------------------------------


def claim_command(claim_id: str) -> str:
    return f"/claim query:{claim_id}"  # an exact id is the first result


def figures_command(topic_id: str) -> str:
    return f"/figures topic:{topic_id}"


def source_command(source_id: str) -> str:
    return f"/source source:{source_id}"


DIGEST_COMMAND = "/digest preview"


# --------------------------------------------------------------------------------------
# The answer object (the JSON contract of `python -m bot digest --json`).
# --------------------------------------------------------------------------------------


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DigestItem(_Answer):
    """A new or revised source, claim or figure."""

    kind: Literal["source", "claim", "figure"]
    id: str
    change: Literal["new", "revised"]
    summary: str  # one line, plain text
    status: EvidenceStatus | None = None  # a claim's current status
    topic: str | None = None  # a figure's topic
    first_seen: dt.date | None = None  # from the dates in the data, when known
    command: str  # the slash command that shows it in full


class DigestStatusChange(_Answer):
    """One row of the editorial audit trail: who changed a claim's status, and how."""

    claim_id: str
    statement: str | None  # None when the claim is no longer in the claim set
    previous: EvidenceStatus  # the status before (the derived one when no ruling stood)
    status: EvidenceStatus  # the status after (the derived one when the ruling was cleared)
    cleared: bool = False  # the editor cleared the ruling: back to the derived status
    by: str
    at: dt.datetime
    reason: str
    command: str


class DigestAccepted(_Answer):
    """Items an editor accepted from one ingested article (a draft) since the last digest."""

    draft: str
    name: str  # the article as given: its file name, or "pasted"
    source: str | None  # the source id the article became, when it is in the set
    by: str
    at: dt.datetime  # the latest of these decisions
    items: list[str]
    sources: int = 0
    speakers: int = 0
    claims: int = 0
    figures: int = 0
    command: str | None = None  # /source of the article, when it is in the set


class DigestConflict(_Answer):
    """An open conflict between figures for one topic.

    ``contradiction``: two figures cannot both be true (the engine's ``conflict``).
    ``unsettled``: the figures differ (by scope, date or precision) and the sources
    themselves say the count is unsettled (the engine's ``caveats``), so the desk still
    has a number to settle, as with a death toll that is "unclear".
    """

    topic: str
    topic_label: str
    rank: int
    kind: Literal["contradiction", "unsettled"]
    figures: list[str]  # the figures in question (for a contradiction, those that clash)
    # The headline range: the best current range of the all-people scope when the topic
    # has one, else of its only scope; None when several scopes would be mixed.
    envelope: Interval | None = None
    envelope_scope: str | None = None  # the scope ``envelope`` is for: "all", ...
    summary: str  # one line
    explanation: str  # the engine's full reasoning
    caveats: list[str] = Field(default_factory=list)
    command: str


class DigestCounts(_Answer):
    sources: int
    claims: int
    figures: int
    new_sources: int = 0
    new_claims: int = 0
    revised_claims: int = 0
    new_figures: int = 0
    revised_figures: int = 0
    revised_sources: int = 0
    removed: int = 0
    status_changes: int = 0
    accepted_items: int = 0  # accepted from ingested articles since the last digest
    open_conflicts: int = 0
    by_status: dict[str, int] = Field(default_factory=dict)  # claims by current status


class DigestAnswer(_Answer):
    """Answer to /digest preview and `python -m bot digest`."""

    command: Literal["digest"] = "digest"
    claimset: str
    title: str
    version: str
    mode: Literal["dates", "snapshot"]
    since: dt.datetime | None  # None: from the beginning
    since_label: str  # "22 Nov 2026 08:00 (Europe/Paris)", "the beginning"
    generated_at: dt.datetime
    sources: list[DigestItem] = Field(default_factory=list)
    claims: list[DigestItem] = Field(default_factory=list)
    figures: list[DigestItem] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)  # "claim:<id>", ... no longer in the set
    status_changes: list[DigestStatusChange] = Field(default_factory=list)
    accepted: list[DigestAccepted] = Field(default_factory=list)  # from ingested articles
    conflicts: list[DigestConflict] = Field(default_factory=list)
    counts: DigestCounts
    nothing_new: bool


# --------------------------------------------------------------------------------------
# What changed.
# --------------------------------------------------------------------------------------


@dataclass(slots=True)
class Changes:
    """Record keys ("claim:<id>", "figure:<id>", "source:<id>") that are new or revised."""

    new: set[str] = field(default_factory=set)
    revised: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)


def record_hashes(claimset: ClaimSet) -> dict[str, str]:
    """Every source, claim and figure, keyed "kind:id", with a hash of its content."""
    out: dict[str, str] = {}
    for kind, records in (
        ("source", claimset.sources),
        ("claim", claimset.claims),
        ("figure", claimset.figures),
    ):
        for record_id, record in records.items():
            body = record.model_dump_json().encode()
            if kind == "source":
                body += claimset.texts.get(record_id, "").encode()
            out[f"{kind}:{record_id}"] = hashlib.sha256(body).hexdigest()[:32]
    return out


def changes_from_snapshot(old: Mapping[str, str] | None, new: Mapping[str, str]) -> Changes:
    """Diff two snapshots of :func:`record_hashes`. No old snapshot: everything is new."""
    if old is None:
        return Changes(new=set(new))
    return Changes(
        new={k for k in new if k not in old},
        revised={k for k, h in new.items() if k in old and old[k] != h},
        removed={k for k in old if k not in new},
    )


def first_seen(claimset: ClaimSet) -> dict[str, dt.date | None]:
    """Each record's first-seen date from the data (None when no date is known)."""
    out: dict[str, dt.date | None] = {}
    for source_id, source in claimset.sources.items():
        out[f"source:{source_id}"] = source.published
    for claim_id, claim in claimset.claims.items():
        dates = [
            d
            for a in claim.attributions
            if (src := claimset.sources.get(a.source)) is not None
            and (d := src.published) is not None
        ]
        out[f"claim:{claim_id}"] = min(dates) if dates else None
    for figure_id, figure in claimset.figures.items():
        src = claimset.sources.get(figure.source)
        out[f"figure:{figure_id}"] = figure.as_of or (src.published if src else None)
    return out


def changes_since_date(claimset: ClaimSet, since: dt.date | None) -> Changes:
    """Records first seen on or after ``since`` (None: everything is new)."""
    seen = first_seen(claimset)
    if since is None:
        return Changes(new=set(seen))
    known = [d for d in seen.values() if d is not None]
    from_the_start = not known or since <= min(known)
    return Changes(
        new={k for k, d in seen.items() if (d >= since if d is not None else from_the_start)}
    )


# --------------------------------------------------------------------------------------
# Building the answer.
# --------------------------------------------------------------------------------------


class DigestEngine(Protocol):
    """What the digest uses of bot.answers.engine.Factdesk."""

    claimset: ClaimSet
    editorial: EditorialView

    def figures(self, query: str) -> FiguresAnswer: ...


def current_status(engine: DigestEngine, claim: Claim) -> EvidenceStatus:
    """The status an answer leads with: the editor's ruling, else the derived status."""
    ruling = engine.editorial.ruling(claim.id)
    return EvidenceStatus(ruling.status) if ruling else claim.evidence.status


def _order(keys: Iterable[str], kind: str, records: Mapping[str, object]) -> list[str]:
    """Ids of ``kind`` among ``keys``, in the claim set's own (file) order."""
    wanted = {k.split(":", 1)[1] for k in keys if k.startswith(f"{kind}:")}
    return [record_id for record_id in records if record_id in wanted]


def _fmt_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else "date unknown"


def build_digest(
    engine: DigestEngine,
    changes: Changes,
    *,
    mode: Literal["dates", "snapshot"],
    since: dt.datetime | None,
    since_label: str,
    now: dt.datetime,
    status_changes: Sequence[RulingChange] = (),
    accepted: Sequence[DigestAccepted] = (),
) -> DigestAnswer:
    """The digest of ``changes`` (and ``status_changes``, oldest first, and what editors
    ``accepted`` from ingested articles) at ``now``."""
    cs = engine.claimset
    seen = first_seen(cs)

    def change_of(key: str) -> Literal["new", "revised"]:
        return "new" if key in changes.new else "revised"

    touched = changes.new | changes.revised
    sources = [
        DigestItem(
            kind="source",
            id=sid,
            change=change_of(f"source:{sid}"),
            summary=f"{cs.sources[sid].label}: {cs.sources[sid].headline_label}"
            f" ({cs.sources[sid].published_label})",
            first_seen=seen.get(f"source:{sid}"),
            command=source_command(sid),
        )
        for sid in _order(touched, "source", cs.sources)
    ]

    claims: list[DigestItem] = []
    for cid in _order(touched, "claim", cs.claims):
        claim = cs.claims[cid]
        speaker = cs.speakers.get(claim.speaker)
        claims.append(
            DigestItem(
                kind="claim",
                id=cid,
                change=change_of(f"claim:{cid}"),
                summary=f"{speaker.name if speaker else claim.speaker}: {claim.statement}",
                status=current_status(engine, claim),
                first_seen=seen.get(f"claim:{cid}"),
                command=claim_command(cid),
            )
        )

    figures: list[DigestItem] = []
    for fid in _order(touched, "figure", cs.figures):
        fig = cs.figures[fid]
        topic = cs.topics.get(fig.topic)
        who = cs.speakers[fig.speaker].name if fig.speaker in cs.speakers else None
        src = cs.sources.get(fig.source)
        by = who or (src.label if src else fig.source)
        as_of = f", as of {_fmt_date(fig.as_of)}" if fig.as_of else ""
        figures.append(
            DigestItem(
                kind="figure",
                id=fid,
                change=change_of(f"figure:{fid}"),
                summary=f"{topic.label if topic else fig.topic}: “{fig.words}”"
                f" ({fig.scope}{as_of}) — {by}",
                topic=fig.topic,
                first_seen=seen.get(f"figure:{fid}"),
                command=figures_command(fig.topic),
            )
        )

    statuses = [_status_change(engine, row) for row in status_changes]
    conflicts = open_conflicts(engine)

    current = Counter(
        current_status(engine, c).value for c in cs.claims.values()
    )
    count = Counter((item.kind, item.change) for item in (*sources, *claims, *figures))
    counts = DigestCounts(
        sources=len(cs.sources),
        claims=len(cs.claims),
        figures=len(cs.figures),
        new_sources=count["source", "new"],
        revised_sources=count["source", "revised"],
        new_claims=count["claim", "new"],
        revised_claims=count["claim", "revised"],
        new_figures=count["figure", "new"],
        revised_figures=count["figure", "revised"],
        removed=len(changes.removed),
        status_changes=len(statuses),
        accepted_items=sum(len(a.items) for a in accepted),
        open_conflicts=len(conflicts),
        by_status={s.value: current[s.value] for s in EvidenceStatus if current[s.value]},
    )
    return DigestAnswer(
        claimset=cs.manifest.id,
        title=cs.manifest.title,
        version=cs.version,
        mode=mode,
        since=since,
        since_label=since_label,
        generated_at=now,
        sources=sources,
        claims=claims,
        figures=figures,
        removed=sorted(changes.removed),
        status_changes=statuses,
        accepted=list(accepted),
        conflicts=conflicts,
        counts=counts,
        nothing_new=not (
            sources or claims or figures or statuses or changes.removed or accepted
        ),
    )


async def accepted_since(
    store: object, claimset: ClaimSet, since: dt.datetime | None
) -> list[DigestAccepted]:
    """What editors accepted from ingested articles after ``since`` (None: ever), one entry
    per article and editor, oldest first; none when the store keeps no drafts."""
    if not isinstance(store, DraftRecord):
        return []
    out: list[DigestAccepted] = []
    for row in await store.drafts():  # accepted any time after it was made: read every trail
        decisions = [
            d
            for d in await store.draft_decisions(row.id)
            if d.decision == "accepted" and (since is None or d.at > since)
        ]
        by_editor: dict[str, list[DraftDecision]] = {}
        for d in decisions:
            by_editor.setdefault(d.by, []).append(d)
        source = _source_of(claimset, [d.item for d in decisions])
        for by, rows in by_editor.items():
            items = [d.item for d in rows]
            out.append(
                DigestAccepted(
                    draft=row.id,
                    name=row.name,
                    source=source,
                    by=by,
                    at=max(d.at for d in rows),
                    items=items,
                    sources=sum(1 for i in items if i == "source"),
                    speakers=sum(1 for i in items if i in claimset.speakers),
                    claims=sum(1 for i in items if i in claimset.claims),
                    figures=sum(1 for i in items if i in claimset.figures),
                    command=source_command(source) if source else None,
                )
            )
    return sorted(out, key=lambda a: a.at)


def _source_of(claimset: ClaimSet, items: Sequence[str]) -> str | None:
    """The source an article's accepted figures or claims cite (its own), when in the set."""
    for item in items:
        if item in claimset.figures:
            return claimset.figures[item].source
        if item in claimset.claims and claimset.claims[item].attributions:
            return claimset.claims[item].attributions[-1].source
    return None


def _status_change(engine: DigestEngine, row: RulingChange) -> DigestStatusChange:
    claim = engine.claimset.claims.get(row.claim_id)
    derived = claim.evidence.status if claim else None
    cleared = str(row.status) == "clear"
    after = derived if cleared else EvidenceStatus(row.status)
    before = row.previous or derived
    return DigestStatusChange(
        claim_id=row.claim_id,
        statement=claim.statement if claim else None,
        # A claim gone from the set has no derived status: show the ruling itself.
        previous=before or after or EvidenceStatus.IN_REVIEW,
        status=after or before or EvidenceStatus.IN_REVIEW,
        cleared=cleared,
        by=row.by,
        at=row.at,
        reason=row.reason,
        command=claim_command(row.claim_id),
    )


def headline_range(answer: FiguresAnswer) -> tuple[str | None, Interval | None]:
    """(scope, range) a topic's headline gives: the all-people scope's best current
    range, else the only scope's; (None, None) rather than an envelope over scopes (12
    demonstrators and 167 people in all are not one range)."""
    groups = answer.groups
    chosen = next((g for g in groups if g.scope == "all" or g.scope.startswith("all (")), None)
    if chosen is None and len(groups) == 1:
        chosen = groups[0]
    if chosen is None:
        return None, None
    return chosen.scope, best_range(chosen)


def open_conflicts(engine: DigestEngine) -> list[DigestConflict]:
    """Topics whose figures clash or are unsettled, most important first (topic rank),
    from the /figures reasoning itself: its real contradictions (concurrent counts of one
    group and place that do not meet, parts above their whole; never a withdrawn figure),
    else live figures that differ while the sources say the count is unsettled."""
    out: list[DigestConflict] = []
    topics = sorted(engine.claimset.topics.values(), key=lambda t: (t.rank, t.id))
    for topic in topics:
        answer = engine.figures(topic.id)
        live = [f for f in answer.figures if not f.withdrawn]
        differ = len({(f.low, f.high, f.unit) for f in live}) > 1
        caveats = list(answer.caveats)
        ids: list[str] = []
        if answer.contradictions:
            kind: Literal["contradiction", "unsettled"] = "contradiction"
            summary = "; ".join(c.explanation for c in answer.contradictions[:2])
            for comp in answer.contradictions:
                ids += [i for i in (comp.a, comp.b) if i not in ids]
        elif len(live) >= 2 and differ and caveats:
            kind = "unsettled"
            lead = answer.verdict[0] if answer.verdict else answer.explanation
            summary = f"{lead}; the sources say: {caveats[0]}"
            ids = [f.id for f in live]
        else:
            continue
        scope, headline = headline_range(answer)
        out.append(
            DigestConflict(
                topic=topic.id,
                topic_label=answer.topic_label or topic.label,
                rank=topic.rank,
                kind=kind,
                figures=ids or [f.id for f in answer.figures],
                envelope=headline,
                envelope_scope=scope,
                summary=summary,
                explanation=answer.explanation or summary,
                caveats=caveats,
                command=figures_command(topic.id),
            )
        )
    return out
