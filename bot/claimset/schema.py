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
    headline: NonEmpty
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
    "between",  # "between two and three billion" -> [2e9, 3e9]
    "vague",  # "dozens", "thousands": coded by bot.claimset.numbers.VAGUE_CODING
]


class Figure(_Strict):
    """A number a source gives for a quantity, with its words and its interval."""

    id: RecordId
    topic: RecordId
    # Who is counted: "all", "security forces", "demonstrators", "civilians", ...
    scope: NonEmpty
    # An open end is written by leaving the key out (TOML has no null).
    low: float | None = None
    high: float | None = None
    qualifier: Qualifier
    # The source's own words for the number: "at least 167", "more than a dozen".
    words: NonEmpty
    unit: NonEmpty
    as_of: dt.date | None = None
    speaker: RecordId | None = None
    source: Annotated[str, StringConstraints(pattern=r"^[0-9]{3}$")]
    quote: NonEmpty
    via: list[NonEmpty] = Field(default_factory=list)
    note: str = ""

    @model_validator(mode="after")
    def _bounds_in_order(self) -> Figure:
        if self.low is None and self.high is None:
            raise ValueError("low and high are both open: a figure needs at least one bound")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low {self.low:g} is above high {self.high:g}")
        return self


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
