"""Figure reasoning: every number for one topic side by side, and how each pair relates.

Two figures for the same topic relate in one of these ways (checked in this order):

- ``unit``: they count different things (people vs dollars); not compared.
- ``scope``: they count different groups (security forces vs everyone), or one group
  in different places (demonstrators in Almaty vs everywhere). Not a contradiction,
  unless a part is counted above the whole at the same time.
- ``date``: same group, different dates, and the later one is at least as precise or
  disjoint from the earlier: the later count supersedes the earlier one.
- ``contradiction``: same group, same (or unknown) time, intervals that do not meet.
- ``agree``: the same interval.
- ``precision``: the intervals overlap and one says more than the other ("more than
  150" vs "at least 167").

The readable verdict goes group by group (``group``): for each scope group the counts
no later count of the same group and place supersedes, how they relate, and what they
supersede; then whether anything contradicts, and the caveats the sources state
(matched to the figures they are about by :mod:`bot.answers.caveats`).

Two figures from one independent origin (:mod:`bot.claimset.origins`: one Facebook post
in two translations, two outlets relaying one wire) never ``agree``: they are the
``same_report`` (:func:`same_report`).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping, Sequence
from itertools import combinations

from bot.answers import caveats as caveats_mod
from bot.answers.models import (
    FigureComparison,
    FigureGroup,
    FigureRow,
    FiguresAnswer,
    Interval,
    Relation,
)
from bot.claimset.model import ClaimSet
from bot.claimset.origins import origin_key, origin_of
from bot.claimset.schema import Attribution, Figure, Source, Speaker, Topic
from bot.formatting import format_number, interval_words

log = logging.getLogger(__name__)

# Scope words -> the group they count. Checked in order: "attackers killed by police"
# counts attackers, not police.
_SCOPE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("civilians", ("civilian",)),
    ("demonstrators", ("demonstrator", "protester", "attacker", "rioter")),
    ("security forces", ("security", "law enforcement", "police", "officer", "soldier")),
)
_ALL = "all"

_GROUP_NAMES = frozenset(g for g, _ in _SCOPE_GROUPS)


def scope_group(scope: str) -> str:
    """The group a scope counts: "all", "security forces", "demonstrators", ..."""
    s = " ".join(scope.lower().split())
    if s in {"all", "everyone", "total", "overall"} or s.startswith(("all ", "all,")):
        return _ALL
    for group, words in _SCOPE_GROUPS:
        if any(w in s for w in words):
            return group
    return s


_PLACE = re.compile(r"\b(?:in|near|at)\s+((?:[A-Z][\w'-]*)(?:\s+[A-Z][\w'-]*)*)")


def place(scope: str) -> str | None:
    """The place a scope is limited to: "killed by police in Almaty" -> "Almaty"."""
    m = _PLACE.search(scope)
    return m.group(1) if m else None


def _lo(f: Figure) -> float:
    return f.low if f.low is not None else float("-inf")


def _hi(f: Figure) -> float:
    return f.high if f.high is not None else float("inf")


def _overlap(a: Figure, b: Figure) -> bool:
    return _lo(a) <= _hi(b) and _lo(b) <= _hi(a)


def _within(inner: Figure, outer: Figure) -> bool:
    return _lo(outer) <= _lo(inner) and _hi(inner) <= _hi(outer)


def _name(f: Figure) -> str:
    """How an explanation names a figure: its words, scope and source."""
    return f"“{f.words}” ({f.scope}, {f.source})"


def _date(d: dt.date | None) -> str:
    return d.isoformat() if d else "undated"


def compare(a: Figure, b: Figure) -> FigureComparison:
    """How two figures of one topic relate, with a sentence a reporter can use."""

    def out(relation: Relation, text: str) -> FigureComparison:
        return FigureComparison(a=a.id, b=b.id, relation=relation, explanation=text)

    if a.unit.strip().lower() != b.unit.strip().lower():
        return out("unit", f"{_name(a)} counts {a.unit}, {_name(b)} counts {b.unit}: not compared.")
    ga, gb = scope_group(a.scope), scope_group(b.scope)
    if ga != gb:
        if _ALL in (ga, gb):
            part, whole = (b, a) if ga == _ALL else (a, b)
            same_time = part.as_of is None or whole.as_of is None or part.as_of == whole.as_of
            if same_time and _lo(part) > _hi(whole):
                return out(
                    "contradiction",
                    f"{_name(part)} counts only part of what {_name(whole)} counts, "
                    "yet is larger: they cannot both be right.",
                )
            return out(
                "scope",
                f"Different scope, not a contradiction: {_name(part)} counts "
                f"{part.scope} only; {_name(whole)} counts {whole.scope}.",
            )
        return out(
            "scope",
            f"Different scope, not a contradiction: {_name(a)} and {_name(b)} "
            "count different groups.",
        )
    pa, pb = place(a.scope), place(b.scope)
    if pa != pb:  # one group, different places: Almaty is a part of the country
        if None in (pa, pb):
            part, whole = (a, b) if pb is None else (b, a)
            same_time = part.as_of is None or whole.as_of is None or part.as_of == whole.as_of
            if same_time and _lo(part) > _hi(whole):
                return out(
                    "contradiction",
                    f"{_name(part)} counts only {place(part.scope)}, a part of what "
                    f"{_name(whole)} counts, yet is larger: they cannot both be right.",
                )
        return out(
            "scope",
            f"Different place, not a contradiction or a later count: {_name(a)} counts "
            f"{pa or 'every place'}; {_name(b)} counts {pb or 'every place'}.",
        )
    if a.as_of and b.as_of and a.as_of != b.as_of:
        early, late = (a, b) if a.as_of < b.as_of else (b, a)
        if _within(late, early) or not _overlap(a, b):
            revised = " (revised down)" if _hi(late) < _lo(early) else ""
            return out(
                "date",
                f"Different dates: {_name(late)} as of {_date(late.as_of)} is the later count "
                f"and supersedes {_name(early)} as of {_date(early.as_of)}{revised}.",
            )
    if not _overlap(a, b):
        return out(
            "contradiction",
            f"Contradiction: {_name(a)} and {_name(b)} count the same group at the same time "
            "and their intervals do not meet.",
        )
    if _lo(a) == _lo(b) and _hi(a) == _hi(b):
        return out("agree", f"{_name(a)} and {_name(b)} agree.")
    return out(
        "precision",
        f"Consistent, differing only in precision: {_name(a)} and {_name(b)} overlap "
        f"(both allow {interval_words(max(_lo(a), _lo(b)), min(_hi(a), _hi(b)))}).",
    )


def figure_origin(f: Figure, claimset: ClaimSet) -> tuple[str, str]:
    """(key, name) of the figure's independent origin, as origins counts a claim's
    attribution: the first link of its relay chain, else its source's outlet (or file)."""
    attribution = Attribution.model_construct(source=f.source, quote=f.quote, via=list(f.via))
    source = claimset.sources.get(f.source)
    return origin_key(attribution, source), origin_of(attribution, source)


def same_report(
    c: FigureComparison, a: Figure, b: Figure, origins: Mapping[str, tuple[str, str]]
) -> FigureComparison:
    """``c``, unless it says two figures of one origin agree (or differ only in
    precision): then they are one report told twice, which confirms nothing."""
    if c.relation not in ("agree", "precision") or origins[a.id][0] != origins[b.id][0]:
        return c
    return FigureComparison(
        a=c.a,
        b=c.b,
        relation="same_report",
        explanation=f"One report, not two: {_name(a)} and {_name(b)} both come from "
        f"{origins[a.id][1]}, so they do not confirm each other.",
    )


def envelope(figures: Sequence[Figure]) -> Interval | None:
    """The interval every figure falls in: lowest low to highest high (open if any is)."""
    if not figures:
        return None
    lows = [f.low for f in figures]
    highs = [f.high for f in figures]
    return Interval(
        low=None if any(v is None for v in lows) else min(v for v in lows if v is not None),
        high=None if any(v is None for v in highs) else max(v for v in highs if v is not None),
    )


def caveats(
    topic: Topic, figs: Sequence[Figure], claimset: ClaimSet
) -> list[caveats_mod.Caveat]:
    """The sources' caveats about the topic, each with the figures it concerns."""
    return caveats_mod.match(topic, figs, claimset, scope_group, _GROUP_NAMES)


def _amount(value: float) -> str:
    """167 -> "167"; 2e9 -> "2 billion"; 1.5e6 -> "1.5 million"."""
    for size, word in ((1_000_000_000, "billion"), (1_000_000, "million")):
        if abs(value) >= size and (value / size * 100).is_integer():
            return f"{value / size:g} {word}"
    return format_number(value)


def reads(low: float | None, high: float | None, unit: str, qualifier: str = "") -> str:
    """A coded interval in words: "167 or more people", "exactly 16 people",
    "between 2 and 3 billion USD", "up to 50 people"."""
    if low is not None and high is not None:
        if low == high:
            lead = "about" if qualifier == "about" else "exactly"
            return f"{lead} {_amount(low)} {unit}"
        a, b = _amount(low), _amount(high)
        for word in (" billion", " million"):
            if a.endswith(word) and b.endswith(word):
                a = a.removesuffix(word)
        return f"between {a} and {b} {unit}"
    if low is not None:
        return f"{_amount(low)} or more {unit}"
    if high is not None:
        return f"up to {_amount(high)} {unit}"
    return f"an unknown number of {unit}"


def own_voice(f: Figure, speaker: Speaker | None, source: Source | None) -> bool:
    """True when the number is the article's own reporting: no speaker, or the speaker
    is the outlet that published the article (by name, or "article NNN" as an alias)."""
    if speaker is None:
        return True
    if speaker.kind != "media":
        return False
    if source is not None and source.outlet and speaker.name == source.outlet:
        return True
    return f"article {f.source}" in {a.lower() for a in speaker.aliases}


def row(f: Figure, claimset: ClaimSet, notes: Sequence[str] = ()) -> FigureRow:
    source = claimset.sources.get(f.source)
    speaker = claimset.speakers.get(f.speaker) if f.speaker else None
    return FigureRow(
        id=f.id,
        low=f.low,
        high=f.high,
        qualifier=f.qualifier,
        words=f.words,
        scope=f.scope,
        unit=f.unit,
        as_of=f.as_of,
        speaker=speaker.name if speaker else f.speaker,
        file=source.file if source else f"{f.source}.txt",
        source_id=f.source,
        outlet=source.outlet if source else None,
        quote=f.quote,
        via=list(f.via),
        note=f.note,
        speaker_id=f.speaker,
        own_voice=own_voice(f, speaker, source),
        group=scope_group(f.scope),
        reads=reads(f.low, f.high, f.unit, f.qualifier),
        caveats=list(notes),
    )


def _sort_key(f: Figure) -> tuple[dt.date, str, float]:
    return (f.as_of or dt.date.min, f.source, _lo(f))


def answer(
    query: str, topic: Topic, figures: Sequence[Figure], claimset: ClaimSet
) -> FiguresAnswer:
    """The /figures answer for one resolved topic."""
    figs = sorted((f for f in figures if f.topic == topic.id), key=_sort_key)
    origins = {f.id: figure_origin(f, claimset) for f in figs}
    comparisons = [same_report(compare(a, b), a, b, origins) for a, b in combinations(figs, 2)]
    conflict = any(c.relation == "contradiction" for c in comparisons)
    found = caveats(topic, figs, claimset)
    notes = [c.quoted for c in found]
    concerns = caveats_mod.by_figure(found)
    groups = group(figs, comparisons, claimset)
    return FiguresAnswer(
        query=query,
        topic=topic.id,
        topic_label=topic.label,
        figures=[row(f, claimset, concerns.get(f.id, ())) for f in figs],
        envelope=envelope(figs),
        conflict=conflict,
        comparisons=comparisons,
        explanation=explain(topic, figs, comparisons, notes, groups),
        caveats=notes,
        groups=groups,
        assessment=assessment(figs, comparisons) if figs else "",
    )


def _cite(f: Figure, claimset: ClaimSet, with_year: bool) -> str:
    """How the verdict names a figure: “at least 167” (000, 9 Jan), with the speaker
    (a person by surname) when the number is not the article's own."""
    words = f.words
    if len(words) > 1 and words[0].isupper() and words[1].islower():
        words = words[0].lower() + words[1:]  # capitalised only because it starts a sentence
    source = claimset.sources.get(f.source)
    speaker = claimset.speakers.get(f.speaker) if f.speaker else None
    parts = []
    if not own_voice(f, speaker, source):
        who = speaker.name if speaker else str(f.speaker)
        if speaker is not None and speaker.kind == "person":
            who = who.split()[-1]
        if f.via:
            who += " via " + " -> ".join(f.via)
        parts.append(who)
    parts.append(f.source)
    if f.as_of is None:
        parts.append("undated")
    else:
        parts.append(f"{f.as_of.day} {f.as_of:%b}" + (f" {f.as_of.year}" if with_year else ""))
    return f"“{words}” ({', '.join(parts)})"


def _group_key(f: Figure, units: set[str]) -> str:
    g = scope_group(f.scope)
    return f"{g} ({f.unit})" if len(units) > 1 else g


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _summarise(
    members: Sequence[Figure],
    comparisons: Sequence[FigureComparison],
    relation: dict[frozenset[str], Relation],
    claimset: ClaimSet,
    with_year: bool,
) -> tuple[str, list[str]]:
    """How the figures of one group (and place) relate, in a phrase, and the ids a later
    count of the same group supersedes."""
    by_id = {f.id: f for f in members}
    superseded: list[str] = []
    revised_down = False
    for c in comparisons:
        if c.relation != "date" or c.a not in by_id or c.b not in by_id:
            continue
        early, late = sorted((by_id[c.a], by_id[c.b]), key=_sort_key)
        if early.id not in superseded:
            superseded.append(early.id)
        revised_down = revised_down or _hi(late) < _lo(early)
    current = [f for f in members if f.id not in superseded]
    cites = [_cite(f, claimset, with_year) for f in current]
    pairs = list(combinations(current, 2))
    clashes = [(a, b) for a, b in pairs if relation[frozenset((a.id, b.id))] == "contradiction"]
    kinds = {relation[frozenset((a.id, b.id))] for a, b in pairs}
    if clashes:
        summary = ", and ".join(
            f"{_cite(a, claimset, with_year)} and {_cite(b, claimset, with_year)} contradict"
            for a, b in clashes
        )
    elif len(current) == 1:
        summary = cites[0]
    elif kinds <= {"same_report"}:
        summary = f"{_join(cites)} are one report, not corroboration"
    elif kinds <= {"agree", "same_report"}:
        summary = f"{_join(cites)} agree (one report counted once)"
    else:
        summary = f"{_join(cites)} agree up to precision"
    if superseded:
        one = len(current) == 1 and not clashes
        summary += " supersedes " if one else ", superseding "
        summary += _join([_cite(by_id[i], claimset, with_year) for i in superseded])
        if revised_down:
            summary += " (revised down)"
    return summary, superseded


def group(
    figs: Sequence[Figure], comparisons: Sequence[FigureComparison], claimset: ClaimSet
) -> list[FigureGroup]:
    """The figures by scope group ("all" first, then the most recent), each with the
    counts no later one supersedes and a one-line summary of how they relate."""
    units = {f.unit.strip().lower() for f in figs}
    years = {f.as_of.year for f in figs if f.as_of}
    with_year = len(years) > 1
    relation = {frozenset((c.a, c.b)): c.relation for c in comparisons}
    by_id = {f.id: f for f in figs}
    buckets: dict[str, list[Figure]] = {}
    for f in figs:
        buckets.setdefault(_group_key(f, units), []).append(f)
    out: list[FigureGroup] = []
    for key, members in buckets.items():
        ids = [f.id for f in members]
        places: dict[str | None, list[Figure]] = {}
        for f in members:
            places.setdefault(place(f.scope), []).append(f)
        parts: list[str] = []
        superseded: list[str] = []
        nationwide_first = sorted(places.items(), key=lambda kv: (kv[0] is not None, kv[0] or ""))
        for where_, local in nationwide_first:
            text, gone = _summarise(local, comparisons, relation, claimset, with_year)
            parts.append(text if where_ is None else f"in {where_}, {text}")
            superseded += gone
        current = [f for f in members if f.id not in superseded]
        summary = " — ".join(parts)
        scopes = {" ".join(f.scope.lower().split()) for f in members}
        label = " ".join(members[0].scope.split()) if len(scopes) == 1 else key
        label = _ALL if label.lower() == _ALL else label
        if label == _ALL:
            where = "in all,"
        elif any(key.startswith(g) for g, _ in _SCOPE_GROUPS):
            where = f"among {label},"  # a group of people
        else:
            where = f"{label}:"  # "economic damage during the protests: ..."
        out.append(
            FigureGroup(
                scope=key,
                figures=ids,
                current=[f.id for f in current],
                superseded=superseded,
                envelope=envelope(current),
                summary=f"{where} {summary}",
            )
        )
    latest = {g.scope: max((by_id[i].as_of or dt.date.min) for i in g.figures) for g in out}
    out.sort(key=lambda g: (not g.scope.startswith(_ALL), -latest[g.scope].toordinal(), g.scope))
    return out


def assessment(figs: Sequence[Figure], comparisons: Sequence[FigureComparison]) -> str:
    """What holds across every group: whether any pair contradicts; nothing confirmed."""
    contradictions = [c for c in comparisons if c.relation == "contradiction"]
    if contradictions:
        pairs = ", ".join(f"{c.a} vs {c.b}" for c in contradictions)
        n = len(contradictions)
        text = f"{n} pair{'s' if n != 1 else ''} contradict ({pairs})"
    elif len(figs) > 1:
        text = "No figures contradict"
    else:
        text = "Only one figure"
    return text + "; no figure is confirmed."


def explain(
    topic: Topic,
    figs: Sequence[Figure],
    comparisons: Sequence[FigureComparison],
    notes: Sequence[str],
    groups: Sequence[FigureGroup] = (),
) -> str:
    """One plain paragraph: per scope group the latest count(s) and how they relate;
    whether anything contradicts; what the sources say is unsettled."""
    if not figs:
        return f"No source gives a figure for “{topic.label}”."
    text = f"{topic.label}, by scope: " + "; ".join(g.summary for g in groups) + ". "
    text += assessment(figs, comparisons)
    if notes:
        text += " Caveats in the sources: " + "; ".join(notes)
    return text + ("" if text.endswith(".") else ".")
