"""Figure answers: every number for one topic, led by a verdict of at most eight lines.

The reasoning is :mod:`bot.answers.timeline` (scopes, timelines, best ranges, real
contradictions, parts against wholes, in linear time); this module puts it in words:

- one verdict line per scope group (``FigureGroup.summary``): its best current range,
  the latest count with who and when, what it supersedes and which way the count moved,
  one count under several labels, and its breakdowns (other places, subgroups, cuts);
- then the real contradictions (or "No figures contradict"), then the withdrawn figures;
  past eight lines the smaller scope groups are folded into one "Also" line;
- the rows of every figure (withdrawn ones marked, with their lifecycle).

Pairwise relations are only computed on request (``relations=True``: the CLI's
``--relations``, Discord's "Relations" button), between figures of one scope group:

- ``withdrawn``: one of them is retracted or denied: it confirms or contradicts nothing.
- ``unit``: they count different things (people vs dollars); not compared.
- ``scope``: they count different groups, places, or an increment beside a total. Not a
  contradiction, unless a part is counted above the whole at the same time.
- ``date``: same group, different dates, and the later one is at least as precise or
  disjoint from the earlier: the later count supersedes the earlier one.
- ``contradiction``: same group, same time, intervals that do not meet.
- ``agree``: the same interval (or the same count told again, ``same_as``).
- ``precision``: the intervals overlap and one says more than the other.
- ``same_report``: two figures from one independent origin (:mod:`bot.claimset.origins`:
  one Facebook post in two translations, two outlets relaying one wire) never agree.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from itertools import combinations

from bot.answers import caveats as caveats_mod
from bot.answers import timeline as tl
from bot.answers.models import (
    FigureComparison,
    FigureEventRow,
    FigureGroup,
    FigureRow,
    FiguresAnswer,
    Interval,
    Relation,
    TimelineStep,
)
from bot.answers.timeline import ALL, SCOPE_GROUPS, Fig, Vocab, scope_group
from bot.claimset.model import ClaimSet
from bot.claimset.origins import origin_key, origin_of
from bot.claimset.schema import Attribution, Figure, Source, Speaker, Topic
from bot.formatting import format_number, interval_words, one_line

log = logging.getLogger(__name__)

__all__ = ["answer", "compare", "envelope", "place", "reads", "row", "scope_group"]

MAX_VERDICT_LINES = 8  # whatever the number of figures
LINE_MAX = 380  # characters of one verdict line (eight fit the first Discord page)
MAX_CITED = 3  # figures named in one place of a line; the rest counted
MAX_RELATIONS = 5000  # pairs listed on request, at most
_GROUP_NAMES = frozenset(g for g, _ in SCOPE_GROUPS)


def place(scope: str) -> str | None:
    """The place a scope's words name: "killed by police in Almaty" -> "Almaty"."""
    return tl._scope_place(scope)


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


def _scope_of(f: Figure, vocab: Vocab) -> tuple[str, str | None]:
    """(group, place) as the pairwise check reads them, with or without a vocabulary."""
    group = f.group or (ALL if vocab.groups else scope_group(f.scope))
    where = f.place or place(f.scope)
    return group, where


def compare(
    a: Figure, b: Figure, vocab: Vocab | None = None, *, same_time: bool | None = None
) -> FigureComparison:
    """How two figures of one topic relate, with a sentence a reporter can use.
    ``same_time`` overrides the dates (an undated count is never concurrent)."""
    v = vocab or Vocab()

    def out(relation: Relation, text: str) -> FigureComparison:
        return FigureComparison(a=a.id, b=b.id, relation=relation, explanation=text)

    if a.unit.strip().lower() != b.unit.strip().lower():
        return out("unit", f"{_name(a)} counts {a.unit}, {_name(b)} counts {b.unit}: not compared.")
    if a.kind != b.kind:
        inc, tot = (a, b) if a.kind == "increment" else (b, a)
        return out("scope", f"{_name(inc)} is what one period added; {_name(tot)} is a "
                   "total: not a contradiction.")
    (ga, pa), (gb, pb) = _scope_of(a, v), _scope_of(b, v)
    concurrent = same_time if same_time is not None else (
        a.as_of is None or b.as_of is None or a.as_of == b.as_of)
    if (ga, pa) != (gb, pb):
        if v.group_within(ga, gb) and v.place_within(pa, pb):
            part, whole = a, b
        elif v.group_within(gb, ga) and v.place_within(pb, pa):
            part, whole = b, a
        else:
            what = "places" if ga == gb else "groups"
            return out("scope", f"Different scope, not a contradiction: {_name(a)} and "
                       f"{_name(b)} count different {what}.")
        if concurrent and _lo(part) > _hi(whole):
            return out("contradiction", f"{_name(part)} counts only part of what "
                       f"{_name(whole)} counts, yet is larger: they cannot both be right.")
        return out("scope", f"Different scope, not a contradiction: {_name(part)} counts "
                   f"{part.scope} only; {_name(whole)} counts {whole.scope}.")
    if a.as_of and b.as_of and a.as_of != b.as_of:
        early, late = (a, b) if a.as_of < b.as_of else (b, a)
        if _within(late, early) or not _overlap(a, b):
            moved = " (revised down)" if _hi(late) < _lo(early) else (
                " (revised up)" if _lo(late) > _hi(early) else "")
            return out("date", f"Different dates: {_name(late)} as of {_date(late.as_of)} is "
                       f"the later count and supersedes {_name(early)} as of "
                       f"{_date(early.as_of)}{moved}.")
    if not _overlap(a, b):
        if not concurrent:
            return out("date", f"{_name(a)} and {_name(b)} are not of one time (one is "
                       "undated or earlier): not a contradiction.")
        return out("contradiction", f"Contradiction: {_name(a)} and {_name(b)} count the same "
                   "group at the same time and their intervals do not meet.")
    if _lo(a) == _lo(b) and _hi(a) == _hi(b):
        return out("agree", f"{_name(a)} and {_name(b)} agree.")
    return out("precision", f"Consistent, differing only in precision: {_name(a)} and "
               f"{_name(b)} overlap (both allow "
               f"{interval_words(max(_lo(a), _lo(b)), min(_hi(a), _hi(b)))}).")


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


def _interval(amount: tl.Amount | None) -> Interval | None:
    if amount is None:
        return None
    lo, hi = amount
    return Interval(low=None if lo == float("-inf") else lo,
                    high=None if hi == float("inf") else hi)


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


def _speaker_name(sid: str | None, claimset: ClaimSet) -> str | None:
    if sid is None:
        return None
    speaker = claimset.speakers.get(sid)
    return speaker.name if speaker else sid


def row(
    f: Figure, claimset: ClaimSet, notes: Sequence[str] = (), *, group: str | None = None,
    withdrawn: bool | None = None,
) -> FigureRow:
    """One figure as the answer lists it (``group``: the name of its scope group)."""
    source = claimset.sources.get(f.source)
    speaker = claimset.speakers.get(f.speaker) if f.speaker else None
    eq = f.equivalent
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
        group=group if group is not None else scope_group(f.scope),
        reads=reads(f.low, f.high, f.unit, f.qualifier),
        caveats=list(notes),
        status=f.status,
        withdrawn=f.withdrawn if withdrawn is None else withdrawn,
        lifecycle=[
            FigureEventRow(kind=e.kind, by=_speaker_name(e.by, claimset), source_id=e.source,
                           quote=e.quote, on=e.on)
            for e in f.lifecycle
        ],
        kind=f.kind,
        label=f.label,
        place=claimset.places[f.place].name if f.place in claimset.places else f.place,
        equivalent=eq.words if eq else None,
        equivalent_reads=reads(eq.low, eq.high, eq.unit, eq.qualifier) if eq else None,
        revised_by=f.revised_by,
        part_of=f.part_of,
        same_as=f.same_as,
        earlier_than=f.earlier_than,
    )


def _sort_key(f: Figure) -> tuple[dt.date, str, float]:
    return (f.as_of or dt.date.min, f.source, _lo(f))


# -- scope groups -----------------------------------------------------------------------


class _Scope:
    """One scope group: a quantity, a kind and a group family, with its places."""

    def __init__(self, name: str, members: list[Fig], vocab: Vocab) -> None:
        self.name = name
        self.members = members
        self.kind = members[0].f.kind
        self.vocab = vocab
        self.main_place = _main_place([x.place for x in members], vocab)
        by_place: dict[str | None, list[Fig]] = {}
        for x in members:
            key = self.main_place if x.place is None else x.place
            by_place.setdefault(key, []).append(x)
        self.main = tl.timeline(by_place.pop(self.main_place, []), self.main_place, vocab,
                                self.kind)
        self.others = [tl.timeline(xs, p, vocab, self.kind) for p, xs in by_place.items()]

    @property
    def timelines(self) -> list[tl.Timeline]:
        return [self.main, *self.others]

    @property
    def latest_order(self) -> tuple[int, int]:
        orders = [x.order for x in self.members if x.order]
        return max(orders) if orders else (0, 0)


def _main_place(places: Sequence[str | None], vocab: Vocab) -> str | None:
    """The place holding the others (the one most figures name among the broadest)."""
    named = [p for p in places if p is not None]
    if not named or (len(named) < len(places) and not vocab.places):
        return None  # without a places vocabulary, no place named is everywhere
    counts: dict[str, int] = {}
    for p in named:
        counts[p] = counts.get(p, 0) + 1
    tops = [p for p in counts
            if not any(q != p and vocab.place_within(p, q) for q in counts)]
    return max(tops or list(counts), key=lambda p: (counts[p], p))


def _scopes(figs: Sequence[Fig], vocab: Vocab) -> list[_Scope]:
    """The topic's figures by quantity (measure), kind and group family."""
    buckets: dict[tuple[str, str, str], list[Fig]] = {}
    for x in figs:
        buckets.setdefault((x.measure, x.f.kind, x.family), []).append(x)
    measures = {m for m, _k, _f in buckets}
    out: list[_Scope] = []
    for (_measure, kind, family), members in buckets.items():
        name = vocab.family_name(family)
        if len(measures) > 1:
            name += f" ({tl.main_unit(members)})"
        if kind == "increment":
            name += ", increments"
        out.append(_Scope(name, members, vocab))
    out.sort(key=lambda s: (not s.name.startswith(ALL) or s.kind != "total",
                            -s.latest_order[0], s.name))
    return out


# -- words ------------------------------------------------------------------------------


class _Words:
    """How the verdict names figures, scopes and ranges, for one answer."""

    def __init__(self, claimset: ClaimSet, figs: Sequence[Fig], vocab: Vocab) -> None:
        self.claimset = claimset
        self.vocab = vocab
        years = {x.day.year for x in figs if x.day}
        self.with_year = len(years) > 1

    def day(self, d: dt.date | None) -> str:
        if d is None:
            return "undated"
        return f"{d.day} {d:%b}" + (f" {d.year}" if self.with_year else "")

    def who(self, f: Figure) -> str | None:
        source = self.claimset.sources.get(f.source)
        speaker = self.claimset.speakers.get(f.speaker) if f.speaker else None
        if own_voice(f, speaker, source):
            return None
        who = speaker.name if speaker else str(f.speaker)
        if speaker is not None and speaker.kind == "person":
            who = who.split()[-1]
        if f.via:
            who += " via " + " -> ".join(f.via)
        return who

    def cite(self, x: Fig) -> str:
        """“at least 167” (000, 9 Jan), with the speaker when the number is not the
        article's own, the equivalent stated beside it, an increment's period."""
        f = x.f
        words = _lower(f.words)
        if f.equivalent is not None:
            words += f"” = “{f.equivalent.words}"
        parts = [p for p in (self.who(f), f.source) if p]
        parts.append(self.day(f.as_of) if f.as_of else (
            f"restating {self.day(x.day)}" if x.day else "undated"))
        if f.kind == "increment" and f.period is not None:
            parts.append(f.period.words)
        return f"“{words}” ({', '.join(parts)})"

    def cites(self, xs: Sequence[Fig], limit: int = MAX_CITED) -> str:
        """The figures named, each count once (its first report, with how many others
        told it again), at most ``limit`` of them."""
        counts = _by_count(xs)
        shown = []
        for first, again in counts[:limit]:
            text = self.cite(first)
            if again:
                text = text[:-1] + f"; told again {again} time{'s' if again != 1 else ''})"
            shown.append(text)
        if len(counts) > limit:
            shown.append(f"{len(counts) - limit} more")
        return _join(shown)

    def amount(self, amount: tl.Amount | None, unit: str) -> str:
        interval = _interval(amount)
        if interval is None:
            return "no range"
        return reads(interval.low, interval.high, unit)


    def place(self, place: str | None) -> str:
        return self.vocab.place_name(place) or "every place"

    def label(self, x: Fig) -> str:
        return x.f.label or self.vocab.group_labels.get(x.group, x.group)


def _by_count(xs: Sequence[Fig]) -> list[tuple[Fig, int]]:
    """One entry per count (same_as root), in order: its first report among ``xs`` (the
    root itself when present) and how many other figures of ``xs`` tell it."""
    groups: dict[str, list[Fig]] = {}
    for x in xs:
        groups.setdefault(x.root, []).append(x)
    out = []
    for root, members in groups.items():
        first = next((x for x in members if x.id == root), members[0])
        out.append((first, len(members) - 1))
    return out


def _join(items: Sequence[str]) -> str:
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _agreement(xs: Sequence[Fig], origins: Mapping[str, tuple[str, str]], vocab: Vocab
               ) -> str:
    """How the current counts of one place relate, in a phrase (one figure per count, at
    most a dozen compared)."""
    counts = [first for first, _again in _by_count(xs)]
    if len(counts) < 2:
        return ""
    kinds = set()
    for a, b in combinations(counts[:12], 2):
        c = compare(a.f, b.f, vocab, same_time=True)
        kinds.add(same_report(c, a.f, b.f, origins).relation)
    if kinds <= {"same_report"}:
        return " are one report, not corroboration"
    if kinds <= {"agree", "same_report"}:
        return " agree (one report counted once)" if "same_report" in kinds else " agree"
    return " agree up to precision"


def _steps(t: tl.Timeline, words: _Words) -> list[TimelineStep]:
    """The counts of the main place oldest first, one step per count (restatements of
    it named in ``told_by``), with the way each moved the count: from the count it
    explicitly revises (``revised_by``), else from the step before when both are dated (an
    undated earlier count moves from nothing: its distance to the dated ones is unknown)."""
    seen: dict[str, TimelineStep] = {}
    out: list[TimelineStep] = []
    counted = [x for x in [*t.superseded, *t.core] if x.order and x.amount(t.unit)]
    counted.sort(key=lambda x: (x.order or (0, 0), x.root != x.id,
                                x.amount(t.unit) or (0.0, 0.0)))
    revises = {x.f.revised_by: x for x in counted if x.f.revised_by}
    previous: Fig | None = None
    for x in counted:
        amount = x.amount(t.unit)
        assert amount is not None
        root_step = seen.get(x.root)
        if root_step is not None:
            root_step.told_by.append(x.id)
            continue
        before = revises.get(x.id)
        if before is None and previous is not None and (x.order or (0, 0))[1] == 0 \
                and (previous.order or (0, 0))[1] == 0:
            before = previous
        then = before.amount(t.unit) if before is not None else None
        explicit = before is not None and before.f.revised_by == x.id
        direction = "first" if then is None else _direction(then, amount, explicit)
        step = TimelineStep(
            id=x.id, as_of=x.day, words=x.f.words, reads=words.amount(amount, t.unit),
            who=words.who(x.f) or f"the article ({x.f.source})",
            direction=direction,  # type: ignore[arg-type]
            revised=explicit,
            from_id=before.id if before is not None and direction != "first" else None,
            from_words=before.f.words if before is not None and direction != "first" else None,
        )
        out.append(step)
        seen[x.root] = step
        previous = x
    return out


def _direction(then: tl.Amount, now: tl.Amount, explicit: bool) -> str:
    """Which way a count moved: up or down when the intervals do not meet, or when an
    explicit revision moved its lower (else upper) bound; "same" when it stayed within
    what was said (a vaguer or a more precise count of the same size)."""
    if now[0] > then[1]:
        return "up"
    if now[1] < then[0]:
        return "down"
    if not explicit:
        return "same"
    key_now = now[0] if now[0] != float("-inf") else now[1]
    key_then = then[0] if then[0] != float("-inf") else then[1]
    return "up" if key_now > key_then else "down" if key_now < key_then else "same"


def _moves(steps: Sequence[TimelineStep], words: _Words) -> str:
    """The last two moves with their direction: "down 18 → 16 (9 Jan), up 16 → 19 (15 Jan)"."""
    moved = [s for s in steps if s.direction in ("up", "down") and s.from_words]
    return ", ".join(
        f"{s.direction} {_lower(s.from_words or '')} → {_lower(s.words)} ({words.day(s.as_of)})"
        for s in moved[-2:]
    )


def _lower(words: str) -> str:
    """Words capitalised only because they start a sentence, in lower case."""
    if len(words) > 1 and words[0].isupper() and words[1].islower():
        return words[0].lower() + words[1:]
    return words


def _labels(t: tl.Timeline, words: _Words) -> list[str]:
    """The labels one current count is told under, when they are of different groups."""
    roots = {x.root for x in t.core}
    told = [x for x in t.members if x.root in roots and not x.withdrawn]
    groups = {x.group for x in told}
    if len(groups) < 2:
        return []
    out: list[str] = []
    for x in told:
        name = words.label(x)
        if name not in out:
            out.append(name)
    return out


def _summary(scope: _Scope, words: _Words, origins: Mapping[str, tuple[str, str]],
             steps: Sequence[TimelineStep]) -> str:
    """The scope group's verdict line: best range, latest count (who, when), what it
    supersedes and how the count moved, labels, breakdowns."""
    t = scope.main
    head = f"in {scope.name}" if scope.name.startswith(ALL) else f"among {scope.name}"
    if t.place is not None and scope.others:
        head += f" ({words.place(t.place)})"
    if not t.core:
        text = f"{head}, every figure withdrawn"
    else:
        text = f"{head}, best range {words.amount(t.best, t.unit)}"
        for unit, amount in t.other_units.items():
            text += f" (and {words.amount(amount, unit)})"
        latest = sorted(t.core, key=lambda x: (x.order is not None, x.order or (0, 0)))
        text += f" — {words.cites(latest)}{_agreement(latest, origins, words.vocab)}"
    if t.superseded:
        older = sorted(t.superseded, key=lambda x: x.order or (0, 0), reverse=True)
        shown = [x for i, x in enumerate(older) if x.root not in {y.root for y in older[:i]}]
        rest = len(shown) - 2
        named = words.cites(shown[:2])
        text += (" supersedes " if len(t.core) == 1 else ", superseding ") + named
        if rest > 0:
            text += f" and {rest} earlier count{'s' if rest != 1 else ''}"
        moves = _moves(steps, words)
        if moves:
            text += f" (revised {moves})"
    labels = _labels(t, words)
    if labels:
        text += f"; one count under {len(labels)} labels: {', '.join(labels)} (contested)"
    if t.breakdowns:
        text += f"; of which {words.cites(t.breakdowns, 2)}"
    others = [o for o in scope.others if o.core]
    for other in others[:2]:
        text += f" — in {words.place(other.place)}, {words.cites(other.latest or other.core, 1)}"
    if len(others) > 2:
        text += f" — and {len(others) - 2} more places"
    return one_line(text, LINE_MAX)


def _group(scope: _Scope, words: _Words, origins: Mapping[str, tuple[str, str]]) -> FigureGroup:
    t = scope.main
    ids = [x.id for x in scope.members]
    current = [x.id for tline in scope.timelines for x in tline.current]
    superseded = [x.id for tline in scope.timelines for x in tline.superseded]
    best = _interval(t.best)
    steps = _steps(t, words)
    return FigureGroup(
        scope=scope.name,
        figures=ids,
        current=current,
        superseded=superseded,
        envelope=best,
        summary=_summary(scope, words, origins, steps),
        best=best,
        unit=t.unit,
        place=words.vocab.place_name(t.place),
        latest=[x.id for x in t.latest],
        withdrawn=[x.id for tline in scope.timelines for x in tline.withdrawn],
        breakdowns=[x.id for x in t.breakdowns] + [
            x.id for o in scope.others for x in o.current],
        labels=_labels(t, words),
        kind=scope.kind,
        timeline=steps,
    )


# -- contradictions and withdrawals ------------------------------------------------------


def _clash(c: tl.Clash, words: _Words) -> FigureComparison:
    if c.why == "disjoint":
        where = words.place(c.a.place)
        text = (f"Contradiction: {words.cite(c.a)} and {words.cite(c.b)} count "
                f"{words.label(c.a)} in {where} on {words.day(c.a.day)} and do not meet.")
    elif c.why == "parts_above_whole":
        total = sum(max(p.f.low or 0.0, 0.0) for p in c.parts)
        text = (f"Parts exceed the whole: {words.cites(c.parts)} add up to at least "
                f"{format_number(total)}, more than {words.cite(c.b)}.")
    else:
        text = (f"A part above its whole: {words.cite(c.a)} counts only part of what "
                f"{words.cite(c.b)} counts, yet is larger.")
    return FigureComparison(a=c.a.id, b=c.b.id, relation="contradiction", explanation=text)


def _lifecycle(f: Figure, claimset: ClaimSet) -> str:
    """"denied by the health ministry, retracted by the information ministry"."""
    seen: list[str] = []
    for e in f.lifecycle:
        if e.kind == "alleged":
            continue
        by = _speaker_name(e.by, claimset)
        text = f"{e.kind} by {by}" if by else e.kind
        if text not in seen:
            seen.append(text)
    return ", ".join(seen) or "withdrawn with what it belongs to"


def _withdrawn_line(figs: Sequence[Fig], words: _Words) -> str:
    """"Withdrawn (in no range): “164” (…): denied by …, retracted by … (with its 4 parts)"."""
    out = [x for x in figs if x.withdrawn]
    if not out:
        return ""
    ids = {x.id for x in out}
    heads = [x for x in out if x.f.part_of not in ids and (x.root == x.id or x.root not in ids)]
    pieces = []
    for x in heads[:MAX_CITED]:
        parts = [y for y in out if y.f.part_of == x.id]
        retold = [y for y in out if y.root == x.id and y.id != x.id]
        text = f"{words.cite(x)}: {_lifecycle(x.f, words.claimset)}"
        if parts:
            text += f", with its {len(parts)} part{'s' if len(parts) != 1 else ''}"
        if retold:
            text += f", told again in {', '.join(sorted({y.f.source for y in retold}))}"
        pieces.append(text)
    if len(heads) > MAX_CITED:
        pieces.append(f"{len(heads) - MAX_CITED} more")
    return one_line("Withdrawn, in no range: " + "; ".join(pieces), LINE_MAX)


def assessment(figs: Sequence[Figure], contradictions: Sequence[FigureComparison]) -> str:
    """Whether any counts contradict; nothing is confirmed."""
    clashes = [c for c in contradictions if c.relation == "contradiction"]
    if clashes:
        n = len(clashes)
        text = f"{n} contradiction{'s' if n != 1 else ''} ({clashes[0].a} vs {clashes[0].b}"
        text += f" and {n - 1} more)" if n > 1 else ")"
    elif len(figs) > 1:
        text = "No figures contradict"
    else:
        text = "Only one figure"
    return text + "; no figure is confirmed."


def _verdict(
    groups: Sequence[FigureGroup], clashes: Sequence[FigureComparison], withdrawn_line: str,
    assessed: str,
) -> list[str]:
    """At most eight lines: one per scope group (the smaller ones folded into one "Also"
    line when they do not fit), then the contradictions (or none), then the withdrawn."""
    tail = []
    if clashes:
        text = clashes[0].explanation
        if len(clashes) > 1:
            text += f" And {len(clashes) - 1} more: " + "; ".join(
                f"{c.a} vs {c.b}" for c in clashes[1:])
        tail.append(one_line(text, LINE_MAX))
    else:
        tail.append(assessed)
    if withdrawn_line:
        tail.append(withdrawn_line)
    room = MAX_VERDICT_LINES - len(tail)
    lines = [g.summary for g in groups]
    if len(lines) > room:
        kept, folded = groups[: room - 1], groups[room - 1:]
        also = "Also: " + "; ".join(
            one_line(g.summary, 90) for g in folded)
        lines = [g.summary for g in kept] + [one_line(also, LINE_MAX)]
    return [*lines, *tail]


def relations(
    figs: Sequence[Fig], origins: Mapping[str, tuple[str, str]], vocab: Vocab,
) -> list[FigureComparison]:
    """Every pair of the topic's figures, related (on request only; at most
    ``MAX_RELATIONS``)."""
    out: list[FigureComparison] = []
    for a, b in combinations(figs, 2):
        if len(out) >= MAX_RELATIONS:
            log.info("relations cut at %d pairs", MAX_RELATIONS)
            break
        out.append(_relate(a, b, origins, vocab))
    return out


def _relate(a: Fig, b: Fig, origins: Mapping[str, tuple[str, str]], vocab: Vocab
            ) -> FigureComparison:
    if a.withdrawn or b.withdrawn:
        gone = a if a.withdrawn else b
        return FigureComparison(
            a=a.id, b=b.id, relation="withdrawn",
            explanation=f"{_name(gone.f)} is withdrawn ({gone.f.status}): it confirms or "
            "contradicts nothing.")
    if a.root == b.root:
        labels = {x.f.label or x.group for x in (a, b)}
        text = f"{_name(a.f)} and {_name(b.f)} are the same count told twice"
        text += " under different labels (contested)." if len(labels) > 1 else "."
        c = FigureComparison(a=a.id, b=b.id, relation="agree", explanation=text)
        return same_report(c, a.f, b.f, origins)
    if a.cut or b.cut or a.f.part_of == b.id or b.f.part_of == a.id:
        part, whole = (a, b) if (a.cut or a.f.part_of == b.id) else (b, a)
        return FigureComparison(
            a=a.id, b=b.id, relation="scope",
            explanation=f"{_name(part.f)} is a part of {_name(whole.f)}: not a contradiction.")
    concurrent = a.order is not None and a.order == b.order and a.order[1] == 0
    c = compare(a.f.model_copy(update={"as_of": a.day}), b.f.model_copy(update={"as_of": b.day}),
                vocab, same_time=concurrent)
    return same_report(c, a.f, b.f, origins)


# -- the answer -------------------------------------------------------------------------


def answer(
    query: str, topic: Topic, figures: Sequence[Figure], claimset: ClaimSet,
    *, relations_wanted: bool = False,
) -> FiguresAnswer:
    """The /figures answer for one resolved topic (``relations_wanted``: every pair of one
    scope group related too)."""
    figs = sorted((f for f in figures if f.topic == topic.id), key=_sort_key)
    vocab = Vocab.of(claimset)
    enriched = tl.enrich(figs, claimset, vocab)
    scopes = _scopes(enriched, vocab)
    words = _Words(claimset, enriched, vocab)
    origins = {f.id: figure_origin(f, claimset) for f in figs}
    groups = [_group(s, words, origins) for s in scopes]
    clashes = [c for s in scopes for t in s.timelines for c in tl.disjoint_clashes(t)]
    part_clashes, _sums = tl.part_clashes(enriched, vocab)
    contradictions = [_clash(c, words) for c in [*clashes, *part_clashes]]
    found = caveats(topic, figs, claimset)
    notes = [c.quoted for c in found]
    concerns = caveats_mod.by_figure(found)
    name_of = {x.id: s.name for s in scopes for x in s.members}
    gone = {x.id for x in enriched if x.withdrawn}
    assessed = assessment(figs, contradictions) if figs else ""
    withdrawn_line = _withdrawn_line(enriched, words)
    verdict = _verdict(groups, contradictions, withdrawn_line, assessed) if figs else []
    clash_lines = [c.explanation for c in contradictions[:3]]
    comparisons = relations(enriched, origins, vocab) if relations_wanted else []
    return FiguresAnswer(
        query=query,
        topic=topic.id,
        topic_label=topic.label,
        figures=[
            row(f, claimset, concerns.get(f.id, ()), group=name_of[f.id],
                withdrawn=f.id in gone)
            for f in figs
        ],
        envelope=envelope([f for f in figs if f.id not in gone]) or envelope(figs),
        conflict=bool(contradictions),
        comparisons=comparisons,
        explanation=explain(topic, figs, groups, [assessed, *clash_lines, withdrawn_line],
                            notes),
        caveats=notes,
        groups=groups,
        assessment=assessed,
        verdict=verdict,
        contradictions=contradictions,
        withdrawn=[f.id for f in figs if f.id in gone],
        relations=relations_wanted,
    )


def explain(
    topic: Topic,
    figs: Sequence[Figure],
    groups: Sequence[FigureGroup],
    tail: Sequence[str],
    notes: Sequence[str],
) -> str:
    """One plain paragraph: per scope group its line; whether anything contradicts (and
    what), the withdrawn figures; what the sources say is unsettled."""
    if not figs:
        return f"No source gives a figure for “{topic.label}”."
    text = f"{topic.label}, by scope: " + "; ".join(g.summary for g in groups) + ". "
    text += " ".join(line for line in tail if line)
    if notes:
        text += " Caveats in the sources: " + "; ".join(notes)
    return text + ("" if text.endswith(".") else ".")
