"""The claim-set data model: sources, speakers, topics, claims, figures.

Every model forbids unknown fields, so a typo in a claim file is an error, not a
silently ignored key. The models check what one record can check on its own
(shapes, vocabularies, bounds in order); cross-checks that need the source texts or
other records (quotes, references, ids) live in :mod:`bot.claimset.rules`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from bot.claimset.status import DERIVED_STATUSES, EvidenceStatus

# A record id: lowercase words joined by hyphens, "antonov-thousands-of-jihadists".
RecordId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

# How a piece of metadata is known: read in the article, reasoned from it, or not known.
Basis = Literal["stated", "inferred", "unknown"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """One article: a seed file and what we know about where it came from."""

    id: Annotated[str, StringConstraints(pattern=r"^[0-9]{3}$")]
    file: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+\.txt$")]
    outlet: NonEmpty | None = None
    outlet_basis: Basis
    outlet_note: str = ""
    # Optional: some articles have none (a byline where the headline would be).
    headline: NonEmpty | None = None
    author: NonEmpty | None = None
    published: dt.date | None = None
    published_basis: Basis
    published_note: str = ""
    # Agencies and platforms the article relays: "AFP", "TASS", "Reuters",
    # "Facebook: Russian embassy in the US".
    relays: list[NonEmpty] = Field(default_factory=list)
    notes: list[NonEmpty] = Field(default_factory=list)

    @model_validator(mode="after")
    def _basis_matches_value(self) -> Source:
        if self.outlet_basis == "unknown" and self.outlet is not None:
            raise ValueError("outlet is set but outlet_basis is 'unknown'")
        if self.outlet_basis != "unknown" and self.outlet is None:
            raise ValueError(f"outlet_basis is {self.outlet_basis!r} but no outlet is given")
        if self.outlet_basis == "inferred" and not self.outlet_note.strip():
            raise ValueError("an inferred outlet needs outlet_note with the basis")
        if self.published_basis == "unknown" and self.published is not None:
            raise ValueError("published is set but published_basis is 'unknown'")
        if self.published_basis != "unknown" and self.published is None:
            raise ValueError(f"published_basis is {self.published_basis!r} but no date is given")
        if self.published_basis == "inferred" and not self.published_note.strip():
            raise ValueError("an inferred publication date needs published_note with the basis")
        return self

    @property
    def label(self) -> str:
        """How an answer names the source: the outlet (marked when only inferred), or the
        file when the outlet is unknown."""
        if self.outlet is None:
            return f"outlet unknown ({self.file})"
        return f"{self.outlet} (inferred)" if self.outlet_basis == "inferred" else self.outlet

    @property
    def headline_label(self) -> str:
        """The headline in typographic quotes, or "no headline" for an article without one."""
        return f"“{self.headline}”" if self.headline else "no headline"

    @property
    def published_label(self) -> str:
        """The publication date as an answer shows it, marked when only inferred."""
        if self.published is None:
            return "date unknown"
        day = f"{self.published.day} {self.published:%b %Y}"
        return f"{day}, inferred" if self.published_basis == "inferred" else day


class Speaker(_Strict):
    """A person or body that says things, with every spelling the sources use."""

    id: RecordId
    name: NonEmpty
    role: NonEmpty
    kind: Literal["person", "body", "media", "group"] = "person"
    aliases: list[NonEmpty] = Field(default_factory=list)
    note: str = ""

    @property
    def spellings(self) -> list[str]:
        return [self.name, *self.aliases]


class Topic(_Strict):
    """A subject a figure or claim is about, with the words reporters use for it."""

    id: RecordId
    label: NonEmpty
    # Words and phrases that mean this topic: "killed", "dead", "fatalities", "death toll".
    synonyms: list[NonEmpty] = Field(default_factory=list)
    # Lower comes first where topics are ranked (the digest's open conflicts).
    rank: int = 100


class Attribution(_Strict):
    """Where a claim is reported: the source, its verbatim words, and the relay chain."""

    source: Annotated[str, StringConstraints(pattern=r"^[0-9]{3}$")]
    quote: NonEmpty
    # Relay chain, first link first: ["Facebook: Russian embassy in the US", "TASS"].
    # Empty when the source reports the speaker directly or does not say how it knows.
    via: list[NonEmpty] = Field(default_factory=list)
    said_on: dt.date | None = None


class EvidenceQuote(_Strict):
    """A sentence in a source that bears on a claim's evidence."""

    source: Annotated[str, StringConstraints(pattern=r"^[0-9]{3}$")]
    quote: NonEmpty


class Evidence(_Strict):
    """How well a claim's content is backed, as derived from the sources."""

    status: EvidenceStatus
    rationale: NonEmpty
    # Sentences in the sources that say something about the evidence, such as
    # "no evidence of this has been presented" (001).
    basis: list[EvidenceQuote] = Field(default_factory=list)
    # Other claims that back the same content from another origin.
    supported_by: list[RecordId] = Field(default_factory=list)
    # Claims or figures that contradict this one.
    disputed_by: list[RecordId] = Field(default_factory=list)

    @model_validator(mode="after")
    def _derived_only(self) -> Evidence:
        if self.status not in DERIVED_STATUSES:
            raise ValueError(
                f"status {self.status.value!r} is editorial: editors set it in the database, "
                f"a claim file may only use {', '.join(s.value for s in DERIVED_STATUSES)}"
            )
        return self


class Claim(_Strict):
    """One statement of fact or allegation, attributed to one speaker."""

    id: RecordId
    statement: NonEmpty
    speaker: RecordId
    kind: Literal["allegation", "statement", "report", "action"] = "statement"
    said_on: dt.date | None = None
    topics: list[RecordId] = Field(default_factory=list)
    attributions: list[Attribution] = Field(min_length=1)
    evidence: Evidence


Qualifier = Literal[
    "exact",  # "7,939" -> [7939, 7939]
    "about",  # "some 2,000", "around 2,000" -> [2000, 2000], approximate
    "at_least",  # "at least 167" -> [167, open)
    "more_than",  # "more than 150", "over 6,000" -> [151, open) for counts
    "at_most",  # "up to 50" -> (open, 50]
    "fewer_than",  # "fewer than 50" -> (open, 49]
    "nearly",  # "nearly 1,700", "almost 1,700" -> (open, 1700]
    "between",  # "between two and three billion" -> [2e9, 3e9]
    "vague",  # "dozens", "several": coded by bot.claimset.numbers.VAGUE_CODING
]

# What happened to a figure after it was reported (bot.claimset.schema.FigureEvent):
# "retracted": withdrawn by whoever published it ("a technical error");
# "denied": the body it was credited to says it never gave it;
# "alleged": an outlet says it only "allegedly" came from (or was "credited to") that body.
EventKind = Literal["retracted", "denied", "alleged"]

# A figure's standing, derived from its record (Figure.status), most serious first.
FigureStatus = Literal["retracted", "denied", "alleged", "revised", "reported"]

# A count of everything so far, or what was added over a period ("1,678 more in 24 hours").
FigureKind = Literal["total", "increment"]

SourceId = Annotated[str, StringConstraints(pattern=r"^[0-9]{3}$")]
# A unit id: "people", "USD", "KZT", "pieces of equipment".
UnitId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9 -]{0,39}$")]


class FigureEvent(_Strict):
    """One step in a figure's life after it was reported, with who took it and the words
    saying so: "described the publication as a technical error"."""

    kind: EventKind
    # A speaker id: who withdrew it, denied it, or is said to be its source; left out
    # when the source does not say ("was withdrawn soon afterwards").
    by: RecordId | None = None
    source: SourceId
    quote: NonEmpty
    on: dt.date | None = None


class Period(_Strict):
    """The period a count covers, apart from the date it is as of: "in the previous 24
    hours", "since the protests began on 2 January", "over the past week"."""

    start: dt.date | None = None
    end: dt.date | None = None
    words: NonEmpty  # the source's own words for the period

    @model_validator(mode="after")
    def _in_order(self) -> Period:
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self


class Equivalent(_Strict):
    """The same amount stated in another unit or currency: "40 bln tenge, more than $90 mln"."""

    words: NonEmpty
    qualifier: Qualifier
    low: float | None = None
    high: float | None = None
    unit: UnitId
    # The sentence that states it, when it is not the figure's own quote.
    quote: NonEmpty | None = None
    # Who converted it, when the source says ("a sum TASS converted"): a speaker id.
    converted_by: RecordId | None = None
    # The date of the exchange rate, when the source gives one.
    rate_on: dt.date | None = None

    @model_validator(mode="after")
    def _bounds_in_order(self) -> Equivalent:
        _check_bounds(self.low, self.high)
        return self


def _check_bounds(low: float | None, high: float | None) -> None:
    if low is None and high is None:
        raise ValueError("low and high are both open: a figure needs at least one bound")
    if low is not None and high is not None and low > high:
        raise ValueError(f"low {low:g} is above high {high:g}")


class Figure(_Strict):
    """A number a source gives for a quantity, with its words, its interval and its life."""

    id: RecordId
    topic: RecordId
    # What is counted, in the desk's words: "police and national guard members killed".
    scope: NonEmpty
    # Who is counted and where: ids from the claim set's groups and places vocabularies
    # (groups.toml, places.toml). Left out: not stated by the source.
    group: RecordId | None = None
    place: RecordId | None = None
    # The source's own label for who is counted, when it is a judgement ("armed
    # criminals", "demonstrators"): whole words of the quote.
    label: NonEmpty | None = None
    # An open end is written by leaving the key out (TOML has no null).
    low: float | None = None
    high: float | None = None
    qualifier: Qualifier
    # The source's own words for the number: "at least 167", "more than a dozen".
    words: NonEmpty
    unit: UnitId
    kind: FigureKind = "total"
    # The date the count is for; as_of_words: the source's words when it is relative
    # ("the day before", "on Sunday", "earlier").
    as_of: dt.date | None = None
    as_of_words: NonEmpty | None = None
    # An undated earlier count: the id of the (later) figure it precedes.
    earlier_than: RecordId | None = None
    period: Period | None = None
    speaker: RecordId | None = None
    source: SourceId
    quote: NonEmpty
    via: list[NonEmpty] = Field(default_factory=list)
    note: str = ""
    # The same amount in another unit or currency (one figure, two statements of it).
    equivalent: Equivalent | None = None
    # Links to other figures, by id.
    revised_by: RecordId | None = None  # a later count of the same quantity replaces it
    part_of: RecordId | None = None  # a breakdown: this is part of that whole
    same_as: RecordId | None = None  # the same count reported again (other words or label)
    lifecycle: list[FigureEvent] = Field(default_factory=list)

    @model_validator(mode="after")
    def _bounds_in_order(self) -> Figure:
        _check_bounds(self.low, self.high)
        if self.as_of is not None and self.earlier_than is not None:
            raise ValueError(
                "earlier_than is for an undated figure: this one has an as_of date"
            )
        return self

    @property
    def status(self) -> FigureStatus:
        """Its standing: retracted, denied or alleged (its lifecycle), revised (a later
        figure replaces it), else reported."""
        kinds = {e.kind for e in self.lifecycle}
        for kind in ("retracted", "denied", "alleged"):
            if kind in kinds:
                return kind  # type: ignore[return-value]
        return "revised" if self.revised_by else "reported"

    @property
    def withdrawn(self) -> bool:
        """Retracted or denied: shown struck, and left out of every range."""
        return self.status in ("retracted", "denied")


class Place(_Strict):
    """A place a count can be limited to, inside a larger one: a city is not its region."""

    id: RecordId
    name: NonEmpty
    kind: Literal["world", "country", "region", "city", "district", "area", "border"]
    within: RecordId | None = None  # the place that contains it; None for the top
    aliases: list[NonEmpty] = Field(default_factory=list)
    note: str = ""

    @property
    def spellings(self) -> list[str]:
        return [self.name, *self.aliases]


class Group(_Strict):
    """Who a count counts, inside a larger group: police are law enforcement are
    security forces; "armed criminals" and "rioters" are labels for attackers."""

    id: RecordId
    label: NonEmpty
    within: RecordId | None = None  # the group that contains it; None for "all"
    # The words sources use for this group ("law enforcement officers", "law enforcers").
    aliases: list[NonEmpty] = Field(default_factory=list)
    note: str = ""

    @property
    def spellings(self) -> list[str]:
        return [self.label, *self.aliases]


class Unit(_Strict):
    """A unit a figure may be counted or measured in; aliases are refused with its id."""

    id: UnitId
    label: NonEmpty
    # count: whole things ("more than 150" starts at 151); money, duration, ratio: measured
    # ("more than $90 mln" leaves 90 million itself possible).
    measure: Literal["count", "money", "duration", "ratio"]
    aliases: list[NonEmpty] = Field(default_factory=list)
    note: str = ""


class Manifest(_Strict):
    """The claim set's own header, from claimset.toml."""

    id: RecordId
    title: NonEmpty
    version: NonEmpty
    description: str = ""
    # Files relative to the manifest, each a glob; the order is the load order.
    sources: NonEmpty = "sources/sources.toml"
    speakers: list[NonEmpty] = Field(default_factory=lambda: ["speakers.toml"])
    topics: list[NonEmpty] = Field(default_factory=lambda: ["topics.toml"])
    claims: list[NonEmpty] = Field(default_factory=lambda: ["claims/*.toml"])
    figures: list[NonEmpty] = Field(default_factory=lambda: ["figures/*.toml"])
    # The desk's vocabularies for figures: where, who, in what unit. Left out: not
    # checked (a figure naming a place or group then has nothing to name it from).
    places: list[NonEmpty] = Field(default_factory=list)
    groups: list[NonEmpty] = Field(default_factory=list)
    units: list[NonEmpty] = Field(default_factory=list)
