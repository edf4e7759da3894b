"""The /figures chart: per scope, each source's figure over time as an interval, as PNG bytes.

:func:`panels` lays the answer out (pure data, no matplotlib); :func:`render_png` draws
it with matplotlib's Agg canvas (no display, no pyplot state), imported only when a
chart is drawn, so answering without one stays fast. One panel per scope group ("all"
first, as the answer orders them, at most :data:`MAX_PANELS`): x is the date a count is
for (undated counts at the left), y the count; each figure is a vertical interval in its
source's colour, an open end an arrow, a point a dot; a withdrawn figure is grey, dashed
and crossed out; the scope's best current range is shaded.

Fields the answer may carry (read with defaults, so the chart works on today's model):

- ``FigureRow.withdrawn`` and ``.status``: a withdrawn figure (retracted, denied, or a
  part of a withdrawn whole) is struck;
- ``FigureGroup.best``: the best current range of the scope's main place
  (:func:`bot.answers.models.best_range`; the envelope when an answer has none).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.answers.models import FigureGroup, FigureRow, FiguresAnswer, Interval, best_range
from bot.formatting import compact_interval

log = logging.getLogger(__name__)

MAX_PANELS = 4  # scopes drawn (each costs ~25 ms to draw); the rest are named below
MAX_SOURCES_IN_LEGEND = 9  # the others share one grey "other sources"
STRUCK = frozenset({"retracted", "withdrawn"})
UNDATED = "undated"
_SPREAD = 0.7  # days: figures of one date are spread over this width
_OTHER = "other sources"
_STRUCK_GREY = "0.6"
_DPI = 100


@dataclass(frozen=True)
class Mark:
    """One figure as drawn."""

    id: str
    x: float  # the date's ordinal, spread when several share it
    low: float | None  # None: open below
    high: float | None  # None: open above
    source: str  # the legend's name for where it comes from
    struck: bool  # retracted or withdrawn


@dataclass(frozen=True)
class Panel:
    """One scope group: its figures and its best current range."""

    title: str
    marks: list[Mark]
    best: Interval | None


@dataclass(frozen=True)
class Layout:
    title: str
    panels: list[Panel]
    undated_x: float | None  # where undated figures stand, when there are any
    left_out: list[str]  # scope groups not drawn (beyond MAX_PANELS)


def chart_filename(answer: FiguresAnswer) -> str:
    """"figures-deaths.png": a name Discord accepts for an attachment."""
    topic = "".join(c if c.isalnum() or c in "-_" else "-" for c in answer.topic or "none")
    return f"figures-{topic}.png"


def lifecycle(row: FigureRow) -> str:
    """The figure's standing: "withdrawn" when it leaves every range (retracted, denied,
    or part of a withdrawn whole), else its status ("reported", "revised", "alleged")."""
    if row.withdrawn:
        return "withdrawn"
    return str(row.status or "reported").lower()


def _source_name(row: FigureRow) -> str:
    return row.outlet or f"source {row.source_id}"


def _groups(answer: FiguresAnswer) -> list[FigureGroup]:
    """The answer's scope groups, or one group of every figure when it has none."""
    if answer.groups:
        return list(answer.groups)
    ids = [f.id for f in answer.figures]
    return [FigureGroup(scope="all figures", figures=ids, current=ids)]


def _spread(xs: Sequence[float]) -> list[float]:
    """Figures of one date side by side: each its own x, centred on the date."""
    seen: dict[float, int] = {}
    totals: dict[float, int] = {}
    for x in xs:
        totals[x] = totals.get(x, 0) + 1
    out = []
    for x in xs:
        k, n = seen.get(x, 0), totals[x]
        seen[x] = k + 1
        step = min(_SPREAD / n, 0.15) if n > 1 else 0.0
        out.append(x + (k - (n - 1) / 2) * step)
    return out


def panels(answer: FiguresAnswer) -> Layout:
    """What the chart shows, worked out before any drawing."""
    rows = {f.id: f for f in answer.figures}
    dated = [f.as_of.toordinal() for f in answer.figures if f.as_of is not None]
    undated_x = (min(dated) - 2.0 if dated else 0.0) if len(dated) < len(rows) else None
    groups = _groups(answer)
    out: list[Panel] = []
    for group in groups[:MAX_PANELS]:
        members = [rows[i] for i in group.figures if i in rows]
        members.sort(key=lambda f: (f.as_of is None, f.as_of, _source_name(f)))
        xs = _spread([
            float(f.as_of.toordinal()) if f.as_of is not None else float(undated_x or 0.0)
            for f in members
        ])
        marks = [
            Mark(id=f.id, x=x, low=f.low, high=f.high, source=_source_name(f),
                 struck=lifecycle(f) in STRUCK)
            for f, x in zip(members, xs, strict=True)
        ]
        unit = members[0].unit if members else ""
        scope = group.scope if unit in group.scope else f"{group.scope} ({unit})"
        title = f"{scope}: {len(members)} figure{'s' if len(members) != 1 else ''}"
        out.append(Panel(title=title, marks=marks, best=best_range(group)))
    label = answer.topic_label or answer.topic or answer.query
    return Layout(
        title=f"{label}: each source's figure over time",
        panels=out,
        undated_x=undated_x,
        left_out=[g.scope for g in groups[MAX_PANELS:]],
    )


def _colours(layout: Layout) -> dict[str, str]:
    """A colour per source, the most frequent first; the rest share grey."""
    counts: dict[str, int] = {}
    for panel in layout.panels:
        for mark in panel.marks:
            counts[mark.source] = counts.get(mark.source, 0) + 1
    ranked = sorted(counts, key=lambda s: (-counts[s], s))
    palette = ["C0", "C1", "C2", "C3", "C4", "C5", "C6", "C8", "C9"]  # C7 is grey: "other"
    return {s: palette[i] if i < len(palette) else "0.55" for i, s in enumerate(ranked)}


def _top(panel: Panel) -> float:
    """The y the open ends reach: above every finite bound and the best range."""
    values = [v for m in panel.marks for v in (m.low, m.high) if v is not None]
    if panel.best is not None:
        values += [v for v in (panel.best.low, panel.best.high) if v is not None]
    return max(values, default=1.0) * 1.2 or 1.0


def _draw_panel(ax: Any, panel: Panel, colours: dict[str, str]) -> None:
    """One LineCollection per line style and one scatter per marker: a few artists
    whatever the number of figures (thousands draw in milliseconds)."""
    from matplotlib.collections import LineCollection
    from matplotlib.colors import to_rgba
    from matplotlib.ticker import MaxNLocator

    rgba = {c: to_rgba(c) for c in {*colours.values(), _STRUCK_GREY}}

    top = _top(panel)
    if panel.best is not None:
        low = panel.best.low if panel.best.low is not None else 0.0
        high = panel.best.high if panel.best.high is not None else top
        if low == high:  # a point: a band a line wide
            ax.axhline(low, color="#2ca02c", alpha=0.3, zorder=0, lw=6)
        else:
            ax.axhspan(low, high, color="#2ca02c", alpha=0.15, zorder=0, lw=0)
    segments: dict[str, tuple[list[Any], list[Any]]] = {"solid": ([], []), "dashed": ([], [])}
    points: dict[str, tuple[list[float], list[float], list[Any]]] = {
        marker: ([], [], []) for marker in ("o", "^", "v", "_")
    }
    struck: list[tuple[float, float]] = []

    def point(marker: str, x: float, y: float, colour: Any) -> None:
        xs, ys, cs = points[marker]
        xs.append(x)
        ys.append(y)
        cs.append(colour)

    for m in panel.marks:
        colour = rgba[_STRUCK_GREY if m.struck else colours[m.source]]
        low = m.low if m.low is not None else 0.0
        high = m.high if m.high is not None else top
        if m.low is not None and m.low == m.high:
            point("o", m.x, low, colour)
        else:
            lines, line_colours = segments["dashed" if m.struck else "solid"]
            lines.append(((m.x, low), (m.x, high)))
            line_colours.append(colour)
            point("^" if m.high is None else "_", m.x, high, colour)
            point("v" if m.low is None else "_", m.x, low, colour)
        if m.struck:
            struck.append((m.x, (low + high) / 2))
    for style, (lines, line_colours) in segments.items():
        if lines:
            ax.add_collection(LineCollection(lines, colors=line_colours, linestyles=style,
                                             linewidths=2.2, zorder=2))
    for marker, (xs, ys, cs) in points.items():
        if xs:
            ax.scatter(xs, ys, c=cs, marker=marker, s=36 if marker != "_" else 60, zorder=3,
                       linewidths=1.5)
    if struck:
        ax.scatter([p[0] for p in struck], [p[1] for p in struck], marker="x", c="black",
                   s=90, zorder=4, linewidths=2)
    ax.set_ylim(0, top * 1.04)
    # a text, not set_title: matplotlib places titles by measuring every axis (slow)
    ax.text(0, 1.03, panel.title, transform=ax.transAxes, fontsize=9, va="bottom")
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.grid(axis="y", alpha=0.3)


def _x_axis(axes: Sequence[Any], layout: Layout) -> None:
    """One date range for every panel; dates under the last one."""
    import datetime as dt

    from matplotlib.ticker import FuncFormatter, MaxNLocator

    xs = [m.x for p in layout.panels for m in p.marks]
    if not xs:
        return
    for ax in axes:
        ax.set_xlim(min(xs) - 0.8, max(xs) + 0.8)
    ax = axes[-1]
    ax.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))

    def label(value: float, _pos: int) -> str:
        if layout.undated_x is not None and round(value) == round(layout.undated_x):
            return UNDATED
        if value < 1:
            return ""
        day = dt.date.fromordinal(round(value))
        return f"{day.day} {day:%b}"

    ax.xaxis.set_major_formatter(FuncFormatter(label))


def _legend(fig: Any, layout: Layout, colours: dict[str, str]) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    shown = [s for s, c in colours.items() if c != "0.55"]
    handles: list[Any] = [Line2D([], [], color=colours[s], lw=2.2, label=s) for s in shown]
    if len(shown) < len(colours):
        handles.append(Line2D([], [], color="0.55", lw=2.2, label=_OTHER))
    if any(m.struck for p in layout.panels for m in p.marks):
        handles.append(Line2D([], [], color="0.6", ls="--", marker="x", mec="black",
                              label="withdrawn"))
    handles.append(Patch(color="#2ca02c", alpha=0.15, label="best current range"))
    fig.legend(handles=handles, loc="lower center", ncol=min(4, len(handles)), fontsize=8,
               frameon=False)


def render_png(answer: FiguresAnswer) -> bytes:
    """The chart of ``answer`` as PNG bytes. Raises ValueError when it has no figure."""
    layout = panels(answer)
    if not any(p.marks for p in layout.panels):
        raise ValueError(f"no figures to chart for {answer.query!r}")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    n = len(layout.panels)
    legend_rows = 2 if len(_colours(layout)) > 3 else 1
    bottom = 0.35 + 0.25 * legend_rows + (0.2 if layout.left_out else 0)
    fig = Figure(figsize=(8, 0.7 + 1.9 * n + bottom), dpi=_DPI)
    FigureCanvasAgg(fig)
    # not sharex: shared axes still make (hidden) ticks for every panel; one x range instead
    axes = list(fig.subplots(n, 1, squeeze=False)[:, 0])
    colours = _colours(layout)
    for ax, panel in zip(axes, layout.panels, strict=True):
        _draw_panel(ax, panel, colours)
        ax.yaxis.set_major_formatter(_count_formatter())
        if ax is not axes[-1]:
            ax.set_xticks([])
    _x_axis(axes, layout)
    fig.suptitle(layout.title, fontsize=11)
    _legend(fig, layout, colours)
    if layout.left_out:
        fig.text(0.01, 0.005, f"not drawn: {len(layout.left_out)} more scope(s): "
                 + ", ".join(layout.left_out)[:150], fontsize=7)
    height = fig.get_figheight()
    fig.subplots_adjust(left=0.1, right=0.98, top=1 - 0.55 / height,
                        bottom=(bottom + 0.3) / height, hspace=0.45)
    buf = io.BytesIO()
    # light compression: a few more kilobytes, a third of the encoding time
    fig.savefig(buf, format="png", dpi=_DPI, pil_kwargs={"compress_level": 3})
    return buf.getvalue()


def _count_formatter() -> Any:
    from matplotlib.ticker import FuncFormatter

    # as the table's cells write a number: 7,939; 2bn; 1.5m
    return FuncFormatter(lambda v, _pos: compact_interval(v, v))
