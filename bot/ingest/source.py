"""The article's own metadata: headline, byline or dateline date, outlet, the id it will take."""

from __future__ import annotations

import datetime as dt
import logging
import re

from bot.claimset.model import ClaimSet
from bot.ingest.dates import byline_date, find_date, infer_year
from bot.ingest.models import DraftSource
from bot.ingest.speakers import slug

log = logging.getLogger(__name__)

_SEPARATORS = re.compile(r"\s+[|—–·]\s+|\s+-\s+|\s+-$")
_BYLINE = re.compile(r"^(?:by\s|from our\b|staff\b)", re.I)
_SECTION = re.compile(
    r"^(?:world|markets|business|news|politics|asia|opinion|europe|economy|"
    r"home|latest|breaking)$",
    re.I,
)


def head_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()][:4]


def headline(lines: list[str]) -> str | None:
    """The first line when it reads as a headline: short, no closing full stop, no date, no byline."""  # noqa: E501
    if not lines:
        return None
    first = lines[0]
    if (
        len(first) > 200
        or len(first.split()) < 3
        or first.endswith(".")
        or _BYLINE.match(first)
        or find_date(first) is not None
        or len(lines) == 1
    ):
        return None
    return first


def dateline_outlet(lines: list[str]) -> str | None:
    """The outlet a byline or dateline states: "(Practice Wire)" after "ALMATY, Jan 6", or a
    segment beside the date ("Steppe Daily | World | Friday, 7 January 2022")."""
    for line in lines[:3]:
        if find_date(line) is None:
            continue
        m = re.search(r"^[A-Z][A-Z/ -]+,\s*[^()—–|·]*\((?P<outlet>[^)]+)\)", line)
        if m:
            return m["outlet"].strip()
        for seg in _SEPARATORS.split(line):
            seg = seg.strip(" -—–|·")
            if (
                not seg
                or find_date(seg) is not None
                or _BYLINE.match(seg)
                or _SECTION.match(seg)
                or re.match(r"^[A-Z][A-Z/ -]+$", seg)
                or len(seg) > 60
            ):
                continue
            return seg
    return None


def next_source_id(claimset: ClaimSet | None) -> str:
    used = [int(s) for s in (claimset.sources if claimset else {}) if s.isdigit()]
    return f"{(max(used) + 1) if used else 0:03d}"


def draft_source(
    text: str,
    claimset: ClaimSet | None,
    *,
    outlet: str | None,
    published: dt.date | None,
    url: str | None,
) -> DraftSource:
    lines = head_lines(text)
    why: list[str] = []
    title = headline(lines)
    why.append(
        f"headline: the first line reads as one: {title!r}"
        if title
        else "no headline: the first line does not read as one"
    )
    date, basis, note = (
        (published, "stated", "given with --published") if published else byline_date(lines)
    )
    if date is not None and basis == "inferred":
        years = [
            s.published.year for s in (claimset.sources.values() if claimset else []) if s.published
        ]
        date = infer_year(date, text, max(years) if years else None)
        note += f" as {date.year} (the year the article or the claim set names)"
    stated_outlet = dateline_outlet(lines)
    outlet_basis = "stated"
    if outlet:
        why.append(f"outlet given with --outlet: {outlet!r}")
    elif stated_outlet:
        outlet = stated_outlet
        why.append(f"outlet stated in the byline or dateline: {outlet!r}")
    else:
        outlet_basis = "unknown"
        why.append("outlet: the text names none (give --outlet)")
    sid = next_source_id(claimset)
    return DraftSource(
        id=sid,
        file=f"{sid}_{slug(title or outlet or 'article', 40)}.txt",
        outlet=outlet,
        outlet_basis=outlet_basis,  # type: ignore[arg-type]
        headline=title,
        published=date,
        published_basis=basis if date else "unknown",  # type: ignore[arg-type]
        published_note=note,
        url=url,
        why=why,
    )
