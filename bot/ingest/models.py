"""The draft of one article: plain pydantic objects, printed by ``ingest --json``.

Every guess carries ``why`` (what in the text led to it) and ``confidence`` (``high``,
``medium``, ``low``), which the review shows and the written TOML keeps as comments.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

log = logging.getLogger(__name__)

Confidence = Literal["high", "medium", "low"]


class _Draft(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DraftSource(_Draft):
    """The article: what the text states of it, and how each field was found."""

    id: str  # the source id it will take ("109")
    file: str  # the file name it will be written as
    outlet: str | None = None
    outlet_basis: Literal["stated", "inferred", "unknown"] = "unknown"
    headline: str | None = None
    published: dt.date | None = None
    published_basis: Literal["stated", "inferred", "unknown"] = "unknown"
    published_note: str = ""
    url: str | None = None
    relays: list[str] = Field(default_factory=list)
    why: list[str] = Field(default_factory=list)


class DraftSpeaker(_Draft):
    """A speaker the article cites: an existing one (``existing``) or a proposed new one."""

    id: str
    name: str  # display name (the existing speaker's name, or the spelling used)
    role: str = ""
    kind: Literal["person", "body", "media", "group"] = "person"
    existing: bool = False
    spellings: list[str] = Field(default_factory=list)  # as the article writes it
    why: str = ""
    confidence: Confidence = "medium"


class Lifecycle(_Draft):
    """A lifecycle word read near a figure: retracted, denied, revised, earlier, increment,
    part (of whom), alleged; ``words`` are the article's."""

    kind: Literal["retracted", "denied", "alleged", "revised", "earlier", "increment", "part"]
    words: str
    of: str | None = None  # the whole (part) as a draft figure id, when in the same sentence
    # A later sentence that withdraws or denies the figure ("the health ministry then said
    # it had not supplied any such numbers"): its words verbatim, and who says so.
    quote: str | None = None
    by: str | None = None  # a speaker id


class DraftEquivalent(_Draft):
    words: str
    qualifier: str
    low: float | None = None
    high: float | None = None
    unit: str


class DraftFigure(_Draft):
    id: str
    words: str
    low: float | None = None
    high: float | None = None
    qualifier: str
    unit: str
    topic: str | None = None
    scope: str = ""
    group: str | None = None
    place: str | None = None
    label: str | None = None
    as_of: dt.date | None = None
    as_of_words: str | None = None
    as_of_basis: Literal["stated", "inferred", "undated"] = "inferred"
    speaker: str | None = None  # display name; None: the outlet's own
    speaker_id: str | None = None
    quote: str
    via: list[str] = Field(default_factory=list)
    lifecycle: list[Lifecycle] = Field(default_factory=list)
    equivalent: DraftEquivalent | None = None
    period_words: str | None = None
    verdict: str | None = None  # "new latest count", "retraction", ... for the desk
    # The figure model's links (bot.claimset.schema.Figure), set when the text says so
    # plainly enough to write them: a draft figure id or one of the set's figure ids.
    kind: Literal["total", "increment"] = "total"
    part_of: str | None = None  # "of whom", "Of the 546 ..., 44 ...": the whole it names
    revised_by: str | None = None  # "up from N": N is revised by the figure beside it
    # the set's figure with the same count, day, scope and speaker, or the exact count of
    # the article that a round number restates ("more than 4,300" for 4,353)
    same_as: str | None = None
    earlier_than: str | None = None  # an undated earlier count: the dated one it precedes
    headline: bool = False
    why: list[str] = Field(default_factory=list)
    confidence: Confidence = "medium"


class DraftClaim(_Draft):
    id: str
    statement: str
    speaker: str  # display name
    speaker_id: str
    quote: str
    via: list[str] = Field(default_factory=list)
    kind: Literal["allegation", "statement", "report", "action"] = "statement"
    said_on: dt.date | None = None
    topics: list[str] = Field(default_factory=list)
    direct: bool = False  # a direct quotation (else indirect speech or "according to")
    same_as: str | None = None  # an existing claim by the same speaker saying the same
    why: str = ""
    confidence: Confidence = "medium"


class Draft(_Draft):
    """One article's draft. ``draft`` is its id in the store (empty until stored)."""

    draft: str = ""
    text_sha256: str
    claimset: str  # the claim set's id it was drafted against
    source: DraftSource
    speakers: list[DraftSpeaker] = Field(default_factory=list)
    claims: list[DraftClaim] = Field(default_factory=list)
    figures: list[DraftFigure] = Field(default_factory=list)

    def item_ids(self) -> list[str]:
        """Every reviewable item: the source, new speakers, claims, figures."""
        ids = ["source"]
        ids += [s.id for s in self.speakers if not s.existing]
        ids += [c.id for c in self.claims] + [f.id for f in self.figures]
        return ids
