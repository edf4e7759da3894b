"""Figure timelines: per quantity and scope, what is current, what superseded, what clashes.

The reasoning behind /figures, without any words (:mod:`bot.answers.figures` writes
them). A topic's figures are cut into **scopes**: one quantity (the unit's measure:
people, money...), one kind (totals apart from increments), one group family (the
group's branch under "all" in ``groups.toml``: police and law enforcement are counted
with the security forces; demonstrators, armed criminals and civilians with everyone
else; without a vocabulary, the words of the scope), and within it one **place**
(the broadest is the main one; Almaty city and Almaty Region are breakdowns of it).

For each place a **timeline**, in linear time and memory (no pair of figures is
compared): a figure is

- **withdrawn** when it is retracted or denied, or is a part or a restatement
  (``same_as``) of a withdrawn figure: it stays listed and leaves every range;
- **superseded** when a live figure revises it (``revised_by``), when the first report
  of the same count is superseded (``same_as``), or when a later dated count of the same
  place narrows it or moves away from it (lies within it or outside it; a later, vaguer
  count leaves it standing); an undated figure is ordered just before the figure it is
  ``earlier_than``, else by its article's date (a count dated after the article is later);
- a **breakdown** when it is another cut of a whole of the same group and place
  ("175 of the 225 died in medical facilities"), or a subgroup counted beside its group;
- else **current**: the best range is the envelope of the current figures (in the unit
  most of them are stated in, equivalents included), the latest count is the current
  figures of the latest date.

**Contradictions** only between live counts of one group and place on one known date
whose intervals do not meet, and parts that exceed their whole at one time (explicit
``part_of`` parts of one cut are summed; a subgroup or a place within another is set
against the whole on the same date). A count of one place never contradicts the count
of another; an undated count is never concurrent with anything.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.claimset.model import ClaimSet
from bot.claimset.schema import Figure
from bot.claimset.vocabulary import lineage, within_or_same

log = logging.getLogger(__name__)

INF = float("inf")
ALL = "all"
_MAX_LINKS = 32  # same_as / part_of chains followed this far at most (circles are refused)

# Scope words -> the group they count, for figures without a ``group`` in a claim set
# without a groups vocabulary. Checked in order: "attackers killed by police" counts
# attackers, not police.
SCOPE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("civilians", ("civilian",)),
    ("demonstrators", ("demonstrator", "protester", "attacker", "rioter")),
    ("security forces", ("security", "law enforcement", "police", "officer", "soldier")),
)


def scope_group(scope: str) -> str:
    """The group a scope's words count: "all", "security forces", "demonstrators", ..."""
    s = " ".join(scope.lower().split())
    if s in {"all", "everyone", "total", "overall"} or s.startswith(("all ", "all,")):
        return ALL
    for group, words in SCOPE_GROUPS:
        if any(w in s for w in words):
            return group
    return s


@dataclass(frozen=True)
class Vocab:
    """The claim set's figure vocabularies as the reasoning reads them."""

    groups: Mapping[str, str | None] = field(default_factory=dict)  # id -> within
    places: Mapping[str, str | None] = field(default_factory=dict)
    group_labels: Mapping[str, str] = field(default_factory=dict)
    place_names: Mapping[str, str] = field(default_factory=dict)
    measures: Mapping[str, str] = field(default_factory=dict)  # unit id -> measure

    @classmethod
    def of(cls, claimset: ClaimSet) -> Vocab:
        return cls(
            groups={g.id: g.within for g in claimset.groups.values()},
            places={p.id: p.within for p in claimset.places.values()},
            group_labels={g.id: g.label for g in claimset.groups.values()},
            place_names={p.id: p.name for p in claimset.places.values()},
            measures={u.id: u.measure for u in claimset.units.values()},
        )

    def group_within(self, inner: str, outer: str) -> bool:
        """Whether a group is or lies within another (without a vocabulary: only "all"
        holds the others)."""
        if inner == outer or outer == ALL:
            return True
        if inner in self.groups and outer in self.groups:
            return within_or_same(inner, outer, self.groups)
        return False

    def place_within(self, inner: str | None, outer: str | None) -> bool:
        """Whether a place is or lies within another; no place is the whole (unstated)."""
        if inner == outer or outer is None:
            return True
        if inner is None:
            return False
        return inner in self.places and within_or_same(inner, outer, self.places)

    def family(self, group: str) -> str:
        """The group's branch under the root: police -> security forces; "all" -> "all"."""
        if group not in self.groups:
            return group
        chain = lineage(group, self.groups)
        top = chain[-2] if len(chain) >= 2 else chain[-1]
        return ALL if self.groups.get(top) is None and len(chain) < 2 else top

    def family_name(self, family: str) -> str:
        if family == ALL or (family in self.groups and self.groups[family] is None):
            return ALL
        return self.group_labels.get(family, family)

    def place_name(self, place: str | None) -> str | None:
        return None if place is None else self.place_names.get(place, place)


Amount = tuple[float, float]  # (low, high), open ends as -inf / inf


def bounds(low: float | None, high: float | None) -> Amount:
    return (-INF if low is None else low, INF if high is None else high)


@dataclass(slots=True)
class Fig:
    """One figure with what the reasoning derives for it."""

    f: Figure
    group: str  # group id (or the scope's group without a vocabulary)
    family: str
    place: str | None
    measure: str
    withdrawn: bool
    root: str  # the first report of the same count (same_as, followed to its start)
    day: dt.date | None  # as_of, else the first report's
    order: tuple[int, int] | None  # (day, 0) dated; (day, -1) just before that day
    published: dt.date | None
    cut: bool = False  # another cut of a whole of the same group and place

    @property
    def id(self) -> str:
        return self.f.id

    def amount(self, unit: str) -> Amount | None:
        """Its interval in ``unit``: its own, or its stated equivalent's."""
        if self.f.unit == unit:
            return bounds(self.f.low, self.f.high)
        eq = self.f.equivalent
        if eq is not None and eq.unit == unit:
            return bounds(eq.low, eq.high)
        return None


def _follow(start: Figure, link: str, figures: Mapping[str, Figure]) -> list[Figure]:
    """``start`` and the figures its ``link`` (same_as, part_of) leads to, in order."""
    out = [start]
    current = start
    for _ in range(_MAX_LINKS):
        nxt = getattr(current, link)
        if nxt is None or nxt not in figures or any(f.id == nxt for f in out):
            break
        current = figures[nxt]
        out.append(current)
    return out


def withdrawn(f: Figure, figures: Mapping[str, Figure]) -> bool:
    """Retracted or denied, or a part or restatement of a withdrawn figure."""
    for chain in (_follow(f, "part_of", figures), _follow(f, "same_as", figures)):
        if any(x.withdrawn for x in chain):
            return True
    return False


def effective_day(f: Figure, figures: Mapping[str, Figure]) -> dt.date | None:
    """``as_of``, else the date of the first report it restates (``same_as``)."""
    return next((x.as_of for x in _follow(f, "same_as", figures) if x.as_of), None)


def enrich(figs: Sequence[Figure], claimset: ClaimSet, vocab: Vocab) -> list[Fig]:
    """Each figure with its group, family, place, measure, standing and order."""
    every = claimset.figures
    with_vocab = bool(vocab.groups)
    out: list[Fig] = []
    for f in figs:
        group = f.group or (ALL if with_vocab else scope_group(f.scope))
        place = f.place or _scope_place(f.scope)  # not named: the scope's words may
        day = effective_day(f, every)
        order: tuple[int, int] | None = (day.toordinal(), 0) if day else None
        if order is None and f.earlier_than and f.earlier_than in every:
            later = effective_day(every[f.earlier_than], every)
            order = (later.toordinal(), -1) if later else None
        source = claimset.sources.get(f.source)
        out.append(Fig(
            f=f, group=group, family=vocab.family(group), place=place,
            measure=quantity(f.unit, vocab),
            withdrawn=withdrawn(f, every),
            root=_follow(f, "same_as", every)[-1].id, day=day, order=order,
            published=source.published if source else None,
        ))
    by_id = {x.id: x for x in out}
    for x in out:
        whole = by_id.get(x.f.part_of or "")
        x.cut = whole is not None and whole.group == x.group and whole.place == x.place
    return out


def quantity(unit: str, vocab: Vocab) -> str:
    """What a unit measures, as far as figures can be set against each other: money in
    any currency is one quantity (a stated equivalent converts it); every counted or
    measured unit else is its own (people are not pieces of equipment)."""
    measure = vocab.measures.get(unit)
    return "money" if measure == "money" else unit.strip().lower()


def _scope_place(scope: str) -> str | None:
    """The place a scope's words name ("killed by police in Almaty" -> "Almaty"), for
    figures of a claim set without a places vocabulary."""
    m = re.search(r"\b(?:in|near|at)\s+((?:[A-Z][\w'-]*)(?:\s+[A-Z][\w'-]*)*)", scope)
    return m.group(1) if m else None


# -- one place's timeline ----------------------------------------------------------------


@dataclass(slots=True)
class Timeline:
    """One scope at one place: the reasoning's result for its figures."""

    place: str | None
    unit: str
    members: list[Fig]
    current: list[Fig] = field(default_factory=list)
    superseded: list[Fig] = field(default_factory=list)
    withdrawn: list[Fig] = field(default_factory=list)
    breakdowns: list[Fig] = field(default_factory=list)
    core: list[Fig] = field(default_factory=list)  # current, not breakdowns
    latest: list[Fig] = field(default_factory=list)
    best: Amount | None = None
    # Current figures stated only in another unit: unit -> their envelope.
    other_units: dict[str, Amount] = field(default_factory=dict)


def main_unit(members: Iterable[Fig]) -> str:
    """The unit most live figures are stated in (their equivalents counted)."""
    stated: dict[str, int] = {}
    own: dict[str, int] = {}
    first = ""
    for x in members:
        first = first or x.f.unit
        if x.withdrawn:
            continue
        own[x.f.unit] = own.get(x.f.unit, 0) + 1
        for unit in {x.f.unit, x.f.equivalent.unit if x.f.equivalent else x.f.unit}:
            stated[unit] = stated.get(unit, 0) + 1
    if not stated:
        return first
    return max(stated, key=lambda u: (stated[u], own.get(u, 0), u == first))


def envelope_of(amounts: Iterable[Amount]) -> Amount | None:
    lows, highs = [], []
    for lo, hi in amounts:
        lows.append(lo)
        highs.append(hi)
    return (min(lows), max(highs)) if lows else None


class _SuffixMinHigh:
    """Figures added by ascending low; asks whether one has low >= L and high <= H."""

    def __init__(self, lows: Sequence[float]) -> None:
        self.keys = sorted(set(lows))
        self.tree: list[float | None] = [None] * (len(self.keys) + 1)  # None: no figure

    def _index(self, low: float) -> int:  # position from the top: high lows first
        return len(self.keys) - bisect.bisect_left(self.keys, low)

    def add(self, low: float, high: float) -> None:
        i = self._index(low)
        while i < len(self.tree):
            held = self.tree[i]
            self.tree[i] = high if held is None else min(held, high)
            i += i & -i

    def min_high_from(self, low: float) -> float | None:
        """The lowest high of the figures whose low is at least ``low`` (None: none)."""
        i = self._index(low)
        best: float | None = None
        while i > 0:
            held = self.tree[i]
            if held is not None:
                best = held if best is None else min(best, held)
            i -= i & -i
        return best


def _later_supersedes(ordered: Sequence[Fig], unit: str, superseded: set[str]) -> None:
    """Mark the figures a strictly later one narrows or moves away from (within or
    outside its interval), in O(n log n): latest first, the later ones kept in a
    structure that answers "any later interval within mine" and "any outside mine"."""
    amounts = {x.id: x.amount(unit) for x in ordered}
    tree = _SuffixMinHigh([a[0] for a in amounts.values() if a is not None])
    min_high, max_low = INF, -INF
    later_any = False
    i = len(ordered) - 1
    while i >= 0:
        j = i
        while j >= 0 and ordered[j].order == ordered[i].order:
            j -= 1
        batch = ordered[j + 1: i + 1]
        for x in batch:
            a = amounts[x.id]
            if not later_any:
                continue
            # in another unit: any later count replaces it
            if a is None or min_high < a[0] or max_low > a[1]:
                superseded.add(x.id)
            else:
                inner = tree.min_high_from(a[0])
                if inner is not None and inner <= a[1]:
                    superseded.add(x.id)
        for x in batch:
            a = amounts[x.id]
            later_any = True
            if a is not None:
                tree.add(*a)
                min_high, max_low = min(min_high, a[1]), max(max_low, a[0])
        i = j


def _undated_superseded(x: Fig, dated: Sequence[Fig], unit: str) -> bool:
    """An undated, unordered figure is superseded by a count of its place dated after its
    article (so later than it) that narrows it or moves away from it."""
    if x.published is None:
        return False
    mine = x.amount(unit)
    for y in dated:
        if y.day is None or y.day <= x.published:
            continue
        theirs = y.amount(unit)
        if mine is None or theirs is None:
            return True
        if theirs[1] < mine[0] or theirs[0] > mine[1] or (
            mine[0] <= theirs[0] and theirs[1] <= mine[1]
        ):
            return True
    return False


def timeline(members: list[Fig], place: str | None, vocab: Vocab, kind: str) -> Timeline:
    """The timeline of one scope at one place (see the module docstring)."""
    unit = main_unit(members)
    t = Timeline(place=place, unit=unit, members=members)
    live = [x for x in members if not x.withdrawn]
    t.withdrawn = [x for x in members if x.withdrawn]
    live_ids = {x.id for x in live}
    superseded = {x.id for x in live if x.f.revised_by in live_ids}
    placed = sorted((x for x in live if x.order and not x.cut),
                    key=lambda x: x.order or (0, 0))
    if kind == "total":
        _later_supersedes(placed, unit, superseded)
        unplaced = [x for x in live if x.order is None and not x.cut]
        for x in unplaced:
            if _undated_superseded(x, placed, unit):
                superseded.add(x.id)
    else:  # increments: each period its own; the latest period's are current
        last = placed[-1].order if placed else None
        superseded |= {x.id for x in placed if x.order != last}
    by_id = {x.id: x for x in live}
    for x in live:  # a restatement stands or falls with the first report
        if x.root != x.id and x.root in by_id and x.root in superseded:
            superseded.add(x.id)
    t.superseded = [x for x in live if x.id in superseded]
    t.current = [x for x in live if x.id not in superseded]
    t.breakdowns = _breakdowns(t.current, vocab)
    split = {x.id for x in t.breakdowns}
    t.core = [x for x in t.current if x.id not in split]
    t.best = envelope_of(count_ranges(t.core, unit))
    for x in t.core:
        if x.amount(unit) is None:
            env = envelope_of([a for a in (t.other_units.get(x.f.unit),) if a])
            mine = bounds(x.f.low, x.f.high)
            t.other_units[x.f.unit] = envelope_of([mine, *([env] if env else [])]) or mine
    dated = [x for x in t.core if x.order]
    if dated:
        last = max(x.order or (0, 0) for x in dated)
        t.latest = [x for x in dated if x.order == last]
    else:
        t.latest = list(t.core)
    return t


def count_ranges(xs: Iterable[Fig], unit: str) -> list[Amount]:
    """Each count's range in ``unit``: its statements (the first report and every
    ``same_as`` restatement) all hold the true number, so the range is where they meet
    (their envelope if they do not)."""
    by_count: dict[str, list[Amount]] = {}
    for x in sorted(xs, key=lambda x: x.id != x.root):
        a = x.amount(unit)
        if a is not None:
            by_count.setdefault(x.root, []).append(a)
    out: list[Amount] = []
    for amounts in by_count.values():
        lo, hi = max(a[0] for a in amounts), min(a[1] for a in amounts)
        out.append((lo, hi) if lo <= hi else amounts[0])  # not meeting: the first report
    return out


def _breakdowns(current: Sequence[Fig], vocab: Vocab) -> list[Fig]:
    """The current figures that are parts beside their whole: other cuts of a whole
    (``cut``), and subgroups counted beside a current figure of a group holding them."""
    groups = {x.group for x in current if not x.cut}
    narrower = {
        g for g in groups if any(h != g and vocab.group_within(g, h) for h in groups)
    }
    return [x for x in current if x.cut or x.group in narrower]


# -- contradictions ------------------------------------------------------------------------


ClashKind = Literal["disjoint", "part_above_whole", "parts_above_whole"]


@dataclass(frozen=True)
class Clash:
    """Two figures (or parts and their whole) that cannot both be right."""

    a: Fig
    b: Fig
    why: ClashKind
    parts: tuple[Fig, ...] = ()


def same_time_known(x: Fig) -> bool:
    """Whether a figure can be concurrent with others: dated (or restating a dated
    count), or undated with nothing to order it by (then concurrent only with the
    figures as undated as itself: a claim set without dates is one time). An undated
    earlier count (``earlier_than``) is before its figure, never beside it."""
    return x.order is None or x.order[1] == 0


APPROXIMATE = 0.1  # "about 2,000" meets 2,030: an approximate count may be 10% off


def clash_bounds(x: Fig, unit: str) -> Amount | None:
    """Its interval for the contradiction check: an approximate one ("about", "some",
    "around") widened by ``APPROXIMATE`` either side (the words do not say exactly)."""
    a = x.amount(unit)
    if a is None:
        return None
    qualifier = x.f.qualifier if x.f.unit == unit else (
        x.f.equivalent.qualifier if x.f.equivalent else x.f.qualifier)
    if qualifier != "about":
        return a
    return (a[0] - abs(a[0]) * APPROXIMATE, a[1] + abs(a[1]) * APPROXIMATE)


def disjoint_clashes(t: Timeline, per_bucket: int = 5) -> list[Clash]:
    """Live counts of one group at this place on one known date whose intervals do not
    meet: for each (date, group), the count with the lowest high against each count
    starting above it (at most ``per_bucket``)."""
    buckets: dict[tuple[dt.date | None, str], list[tuple[Fig, Amount]]] = {}
    for x in t.members:
        if x.withdrawn or x.cut or not same_time_known(x):
            continue
        a = clash_bounds(x, t.unit)
        if a is not None:
            buckets.setdefault((x.day, x.group), []).append((x, a))
    out: list[Clash] = []
    for (_day, _group), items in sorted(buckets.items(),
                                        key=lambda kv: kv[0][0] or dt.date.min):
        if len(items) < 2:
            continue
        low_one, low_amount = min(items, key=lambda it: it[1][1])
        above = [(x, a) for x, a in items if a[0] > low_amount[1] and x.root != low_one.root]
        above.sort(key=lambda it: it[1][0])
        out += [Clash(low_one, x, "disjoint") for x, _a in above[:per_bucket]]
    return out


def part_clashes(figs: Sequence[Fig], vocab: Vocab) -> tuple[list[Clash], list[PartsSum]]:
    """Parts above their whole at one time: the explicit parts of one cut of a whole
    summed against it (by place, or by group), any other part alone; and, on each known
    date, a subgroup's or a place's count above the count of a group or place holding it.
    Also every explicit whole's parts summed (``PartsSum``), withdrawn or not."""
    by_id = {x.id: x for x in figs}
    clashes: list[Clash] = []
    sums: list[PartsSum] = []
    wholes: dict[str, list[Fig]] = {}
    for x in figs:
        if x.f.part_of in by_id:
            wholes.setdefault(x.f.part_of or "", []).append(x)
    for wid, parts in wholes.items():
        whole = by_id[wid]
        w = clash_bounds(whole, whole.f.unit)
        if w is None:
            continue
        cuts: dict[str, list[Fig]] = {}
        for p in parts:
            if p.place != whole.place and p.group == whole.group:
                cuts.setdefault("place", []).append(p)
            elif p.group != whole.group and p.place == whole.place:
                cuts.setdefault("group", []).append(p)
            else:
                cuts.setdefault(f"other:{p.id}", []).append(p)
        for _cut, members in cuts.items():
            amounts = [p.amount(whole.f.unit) for p in members]
            if any(a is None for a in amounts):
                continue
            low = sum(max(a[0], 0.0) for a in amounts if a is not None)
            sums.append(PartsSum(whole=whole, parts=tuple(members), low=low))
            live = not whole.withdrawn and not any(p.withdrawn for p in members)
            if live and low > w[1]:
                why: ClashKind = "part_above_whole" if len(members) == 1 else (
                    "parts_above_whole")
                clashes.append(Clash(members[0], whole, why, tuple(members)))
    clashes += _implicit_part_clashes(figs, vocab, by_id)
    return clashes, sums


@dataclass(frozen=True)
class PartsSum:
    """The parts of one cut of a whole, summed (their lows)."""

    whole: Fig
    parts: tuple[Fig, ...]
    low: float


def _implicit_part_clashes(
    figs: Sequence[Fig], vocab: Vocab, by_id: Mapping[str, Fig]
) -> list[Clash]:
    """On each known date, per (measure, kind, unit): the highest low of each (group,
    place) against the lowest high of every (group, place) holding it."""
    cells: dict[tuple[str, str, str, dt.date | None],
                dict[tuple[str, str | None], list[Fig]]] = {}
    for x in figs:
        if x.withdrawn or x.cut or not same_time_known(x):
            continue
        key = (x.measure, x.f.kind, x.f.unit, x.day)
        cells.setdefault(key, {}).setdefault((x.group, x.place), []).append(x)
    out: list[Clash] = []
    for keyed in cells.values():
        if len(keyed) < 2:
            continue
        top = {k: max(v, key=lambda x: x.f.low if x.f.low is not None else -INF)
               for k, v in keyed.items()}
        bottom = {k: min(v, key=lambda x: x.f.high if x.f.high is not None else INF)
                  for k, v in keyed.items()}
        for part_key, part in top.items():
            for whole_key, whole in bottom.items():
                if part_key == whole_key or not (
                    vocab.group_within(part_key[0], whole_key[0])
                    and vocab.place_within(part_key[1], whole_key[1])
                ):
                    continue
                if part.f.part_of == whole.id and part.id in by_id:
                    continue  # explicit: summed with its cut above
                p, w = clash_bounds(part, part.f.unit), clash_bounds(whole, whole.f.unit)
                if p is not None and w is not None and p[0] > w[1]:
                    out.append(Clash(part, whole, "part_above_whole", (part,)))
    return out
