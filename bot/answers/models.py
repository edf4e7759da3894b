"""Answer objects: what every command returns, before any rendering.

The CLI prints them (text or ``--json``), the Discord cogs render them as embeds; both
read the same object, so they never disagree. The JSON form (``model_dump(mode="json")``)
is a documented, stable contract (README, "JSON contract"): fields may be added, none
removed or renamed without a version bump of ``CONTRACT_VERSION``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.claimset.status import EvidenceStatus

CONTRACT_VERSION = 1


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceRef(_Answer):
    """One attribution of a claim as an answer shows it."""

    file: str  # the seed file's own name, "000_13e75bf2dc6328a4.txt"
    source_id: str  # "000"
    outlet: str | None  # None when the outlet is unknown
    outlet_basis: Literal["stated", "inferred", "unknown"]
    published: dt.date | None
    published_basis: Literal["stated", "inferred", "unknown"]
    quote: str
    via: list[str] = Field(default_factory=list)


class SpeakerRef(_Answer):
    id: str
    name: str
    role: str


class EditorialRuling(_Answer):
    """An editor's ruling on a claim, from the database (the editorial issue)."""

    status: EvidenceStatus
    by: str
    at: dt.datetime
    reason: str


class ClaimAnswer(_Answer):
    """A CLAIM in the JSON contract."""

    id: str
    statement: str
    speaker: SpeakerRef
    kind: str
    said_on: dt.date | None = None
    topics: list[str] = Field(default_factory=list)
    # The status an answer leads with: the editorial one when set, else the derived one.
    status: EvidenceStatus
    derived_status: EvidenceStatus
    rationale: str
    editorial: EditorialRuling | None = None
    sources: list[SourceRef]
    score: float | None = None  # search relevance 0-100, when the answer came from a search


class ClaimList(_Answer):
    """Answer to /claim, /speaker and /source."""

    command: Literal["claim", "speaker", "source"]
    query: str
    # What the query resolved to: the speaker's name for /speaker, the outlet for /source.
    resolved: str | None = None
    results: list[ClaimAnswer] = Field(default_factory=list)
    total: int = 0  # results before --limit
    suggestions: list[str] = Field(default_factory=list)  # when nothing matched
    # When nothing matched a query naming people or places of the set ("Tokayev resigns"):
    # those names as typed, and the set's best claims about them.
    names: list[str] = Field(default_factory=list)
    on_names: list[ClaimAnswer] = Field(default_factory=list)


class FigureEventRow(_Answer):
    """One step in a figure's life: retracted, denied or alleged, by whom, in what words."""

    kind: str
    by: str | None = None  # the speaker's name, when the source says who
    source_id: str
    quote: str
    on: dt.date | None = None


class FigureRow(_Answer):
    id: str
    low: float | None
    high: float | None
    qualifier: str
    words: str
    scope: str
    unit: str
    as_of: dt.date | None
    speaker: str | None  # the speaker's name
    file: str
    source_id: str
    outlet: str | None
    quote: str
    via: list[str] = Field(default_factory=list)
    note: str = ""
    speaker_id: str | None = None
    # True when the number is the article's own reporting (no speaker, or the outlet).
    own_voice: bool = False
    group: str = ""  # the scope group: "all", "security forces", "demonstrators", ...
    reads: str = ""  # the coded interval in words: "167 or more people", "exactly 16 people"
    # The sources' caveats about this figure's topic and scope, quoted: "“...” (003)".
    caveats: list[str] = Field(default_factory=list)
    # Its standing (bot.claimset.schema.Figure.status): retracted, denied, alleged,
    # revised, reported; ``withdrawn`` (retracted or denied, or part or restatement of a
    # withdrawn figure): shown struck and left out of every range.
    status: str = "reported"
    withdrawn: bool = False
    lifecycle: list[FigureEventRow] = Field(default_factory=list)
    kind: str = "total"  # total, or increment (what a period added)
    label: str | None = None  # the source's own label for who is counted
    place: str | None = None  # the place's name, when the figure names one
    # The same amount in another unit or currency, in the source's words and as read.
    equivalent: str | None = None
    equivalent_reads: str | None = None
    revised_by: str | None = None
    part_of: str | None = None
    same_as: str | None = None
    earlier_than: str | None = None


class Interval(_Answer):
    low: float | None
    high: float | None


# same_report: one independent origin told twice (two translations of one post): not
# agreement, whatever the numbers. withdrawn: one of the two is retracted or denied.
Relation = Literal[
    "contradiction", "scope", "date", "precision", "agree", "same_report", "unit", "withdrawn"
]


class FigureComparison(_Answer):
    """How two figures for one topic relate."""

    a: str  # figure id
    b: str  # figure id
    relation: Relation
    explanation: str


class TimelineStep(_Answer):
    """One count in a scope's timeline, oldest first: what it said, who, when, and which
    way it moved the count from the step before."""

    id: str  # the figure (the first report of the count when several told it)
    as_of: dt.date | None  # None: undated, ordered before ``earlier_than`` or by its article
    words: str
    reads: str
    who: str
    direction: Literal["first", "up", "down", "same"]
    revised: bool = False  # an explicit revision (revised_by) of the step it moved from
    from_id: str | None = None  # the step it moved from (None: the first, or undated)
    from_words: str | None = None
    told_by: list[str] = Field(default_factory=list)  # other figures telling the same count


class FigureGroup(_Answer):
    """The figures of one topic that count the same group, summarised."""

    scope: str  # the group: "all", "security forces", ...
    figures: list[str]  # figure ids, oldest first
    current: list[str]  # figure ids no later count in the group supersedes
    superseded: list[str] = Field(default_factory=list)
    envelope: Interval | None = None  # of the current figures
    summary: str = ""  # one line: the latest count(s) and how they relate
    # The best current range of the group's main place: the envelope of its figures that
    # are neither withdrawn, superseded nor a breakdown, in ``unit``.
    best: Interval | None = None
    unit: str = ""
    place: str | None = None  # the main place's name (the others are breakdowns)
    latest: list[str] = Field(default_factory=list)  # the latest count's figures
    withdrawn: list[str] = Field(default_factory=list)  # retracted or denied: in no range
    breakdowns: list[str] = Field(default_factory=list)  # parts: other places, subgroups
    labels: list[str] = Field(default_factory=list)  # one count under several labels
    kind: str = "total"  # total, or increment
    timeline: list[TimelineStep] = Field(default_factory=list)  # the main place's counts


def best_range(group: FigureGroup) -> Interval | None:
    """The group's best current range: a ``best`` interval when the figure model gives
    one, else the envelope of the figures no later count supersedes."""
    return group.best if group.best is not None else group.envelope


class FiguresAnswer(_Answer):
    """Answer to /figures."""

    query: str
    topic: str | None  # topic id; None when the query matched no topic
    topic_label: str | None = None
    figures: list[FigureRow] = Field(default_factory=list)
    envelope: Interval | None = None
    conflict: bool = False  # true when two figures contradict (disjoint, same scope and time)
    # Pairwise relations: only when asked for (``relations``); empty by default.
    comparisons: list[FigureComparison] = Field(default_factory=list)
    explanation: str = ""
    # Sentences in the sources saying the count is unsettled, quoted: "“...” (003)".
    caveats: list[str] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)  # closest topics when none matched
    groups: list[FigureGroup] = Field(default_factory=list)  # by scope: "all" first, then latest
    # The verdict after the groups: "No figures contradict; no figure is confirmed."
    assessment: str = ""
    # What the answer leads with: at most eight lines, one per scope group (best range,
    # latest count, who, when), then the contradictions, then the withdrawn figures.
    verdict: list[str] = Field(default_factory=list)
    # The real contradictions: concurrent counts of one group and place whose intervals
    # do not meet, or parts of one whole that exceed it (relation "contradiction").
    contradictions: list[FigureComparison] = Field(default_factory=list)
    withdrawn: list[str] = Field(default_factory=list)  # ids of the withdrawn figures
    # True when ``comparisons`` holds every within-scope pair (asked with --relations).
    relations: bool = False


class EvidenceAnswer(_Answer):
    """Answer to /evidence."""

    query: str
    claim: ClaimAnswer | None
    status: EvidenceStatus | None = None
    rationale: str = ""
    independent_origins: int = 0
    origins: list[str] = Field(default_factory=list)  # the collapsed origins, named
    attribution: str = ""  # "Antonov said this, as reported by 3 outlets (2 origins)"
    content: str = ""  # what is known of the content itself
    basis: list[SourceRef] = Field(default_factory=list)  # sentences bearing on evidence
    notes: list[str] = Field(default_factory=list)  # editors' notes (the editorial issue)
    suggestions: list[str] = Field(default_factory=list)
