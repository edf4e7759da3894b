"""Figure reasoning: every number for one topic side by side, and how each pair relates.

Two figures for the same topic relate in one of these ways (checked in this order):

- ``unit``: they count different things (people vs dollars); not compared.
- ``scope``: they count different groups (security forces vs everyone). Not a
  contradiction, unless a part is counted above the whole at the same time.
- ``date``: same group, different dates, and the later one is at least as precise or
  disjoint from the earlier: the later count supersedes the earlier one.
- ``contradiction``: same group, same (or unknown) time, intervals that do not meet.
- ``agree``: the same interval.
- ``precision``: the intervals overlap and one says more than the other ("more than
  150" vs "at least 167").
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Sequence
from itertools import combinations

from bot.answers import FigureComparison, FigureRow, FiguresAnswer, Interval, Relation
from bot.claimset import ClaimSet
from bot.numbers import format_number
from bot.schema import Figure, Topic

log = logging.getLogger(__name__)

# Scope words -> the group they count. Checked in order: "attackers killed by police"
# counts attackers, not police.
_SCOPE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("civilians", ("civilian",)),
    ("demonstrators", ("demonstrator", "protester", "attacker", "rioter")),
    ("security forces", ("security", "law enforcement", "police", "officer", "soldier")),
)
_ALL = "all"

# Words in a source sentence that say a count is not settled.
CAVEAT_MARKERS: tuple[str, ...] = (
    "unclear",
    "under review",
    "no immediate confirmation",
    "not confirmed",
    "unconfirmed",
    "could not be verified",
    "not been verified",
    "not independently verified",
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def scope_group(scope: str) -> str:
    """The group a scope counts: "all", "security forces", "demonstrators", ..."""
    s = " ".join(scope.lower().split())
    if s in {"all", "everyone", "total", "overall"} or s.startswith(("all ", "all,")):
        return _ALL
    for group, words in _SCOPE_GROUPS:
        if any(w in s for w in words):
            return group
    return s


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
        f"(both allow {_interval_words(max(_lo(a), _lo(b)), min(_hi(a), _hi(b)))}).",
    )


def _interval_words(low: float, high: float) -> str:
    if high == float("inf"):
        return f"{format_number(low)} or more"
    if low == float("-inf"):
        return f"up to {format_number(high)}"
    if low == high:
        return format_number(low)
    return f"{format_number(low)} to {format_number(high)}"


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


def caveats(topic: Topic, claimset: ClaimSet, source_ids: Iterable[str]) -> list[str]:
    """Sentences in the sources that say the topic's count is unsettled, quoted verbatim."""
    words = {w.lower() for s in [topic.label, *topic.synonyms] for w in s.split() if len(w) > 3}
    out: list[str] = []
    for sid in sorted(set(source_ids)):
        text = claimset.texts.get(sid, "")
        for sentence in _SENTENCE.split(text):
            low = sentence.lower()
            if any(m in low for m in CAVEAT_MARKERS) and any(
                re.search(rf"\b{re.escape(w)}\b", low) for w in words
            ):
                out.append(f"“{sentence.strip()}” ({sid})")
    return out


def row(f: Figure, claimset: ClaimSet) -> FigureRow:
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
    )


def _sort_key(f: Figure) -> tuple[dt.date, str, float]:
    return (f.as_of or dt.date.min, f.source, _lo(f))


def answer(
    query: str, topic: Topic, figures: Sequence[Figure], claimset: ClaimSet
) -> FiguresAnswer:
    """The /figures answer for one resolved topic."""
    figs = sorted(figures, key=_sort_key)
    comparisons = [compare(a, b) for a, b in combinations(figs, 2)]
    conflict = any(c.relation == "contradiction" for c in comparisons)
    notes = caveats(topic, claimset, (f.source for f in figs))
    return FiguresAnswer(
        query=query,
        topic=topic.id,
        topic_label=topic.label,
        figures=[row(f, claimset) for f in figs],
        envelope=envelope(figs),
        conflict=conflict,
        comparisons=comparisons,
        explanation=explain(topic, figs, comparisons, notes),
        caveats=notes,
    )


def explain(
    topic: Topic,
    figs: Sequence[Figure],
    comparisons: Sequence[FigureComparison],
    notes: Sequence[str],
) -> str:
    """One plain paragraph: the range, whether anything contradicts, what is unsettled."""
    label = topic.label.lower()
    if not figs:
        return f"No source gives a figure for {label}."
    if len(figs) == 1:
        text = f"Only one figure for {label}: {_name(figs[0])}"
    else:
        smallest = min(figs, key=lambda f: (_lo(f), _hi(f)))
        largest = max(figs, key=lambda f: (_hi(f) if f.high is not None else _lo(f), _lo(f)))
        text = f"Reported {label} range from {_name(smallest)} to {_name(largest)}"
    contradictions = [c for c in comparisons if c.relation == "contradiction"]
    if contradictions:
        pairs = ", ".join(f"{c.a} vs {c.b}" for c in contradictions)
        text += f"; {len(contradictions)} pair(s) contradict ({pairs})"
    elif len(figs) > 1:
        kinds = sorted({c.relation for c in comparisons} - {"agree", "unit"})
        if kinds:
            text += f"; none contradict: they differ by {', '.join(kinds)}"
        else:
            text += "; they agree"
    text += "; no figure is confirmed"
    superseded = [c for c in comparisons if c.relation == "date"]
    if superseded:
        text += f"; later counts supersede earlier ones ({len(superseded)} pair(s))"
    if notes:
        text += ". Caveats in the sources: " + "; ".join(notes)
    return text + ("" if text.endswith(".") else ".")
