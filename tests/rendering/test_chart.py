"""The /figures chart: laid out from the answer object, drawn as a PNG a decoder reads."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from bot.answers.engine import Factdesk
from bot.answers.models import FigureGroup, FigureRow, FiguresAnswer, Interval
from bot.cli import main
from bot.rendering.chart import MAX_PANELS, chart_filename, panels, render_png

PNG = b"\x89PNG\r\n\x1a\n"


def row(fid: str, low: float | None, high: float | None, *, day: int | None = 10,
        source: str = "000", status: str = "reported") -> FigureRow:
    return FigureRow(id=fid, low=low, high=high, qualifier="exact", words=fid, scope="all",
                     unit="people", as_of=dt.date(2022, 1, day) if day else None, speaker=None,
                     file=f"{source}.txt", source_id=source, outlet=None, quote="q",
                     status=status, withdrawn=status in ("retracted", "denied"))


def test_each_scope_is_a_panel_of_intervals_with_its_best_range(desk: Factdesk) -> None:
    answer = desk.figures("death toll")
    layout = panels(answer)
    assert len(layout.panels) == len(answer.groups)
    for panel, group in zip(layout.panels, answer.groups, strict=True):
        assert [m.id for m in sorted(panel.marks, key=lambda m: m.x)] == [
            i for i in [f.id for f in answer.figures] if i in group.figures]
        assert panel.best == group.envelope  # today: the envelope of the current counts
        assert panel.title.startswith(group.scope)
    by_id = {m.id: m for p in layout.panels for m in p.marks}
    for f in answer.figures:  # an open end stays open (drawn as an arrow)
        assert (by_id[f.id].low, by_id[f.id].high) == (f.low, f.high)
        assert by_id[f.id].x == pytest.approx(f.as_of.toordinal(), abs=0.4)  # type: ignore[union-attr]


def test_the_new_models_lifecycle_and_best_range_plug_in() -> None:
    rows = [row("a", 164, 164, status="retracted"), row("b", 225, 225, day=14),
            row("c", 50, None, day=None)]
    group = FigureGroup(scope="all", figures=["a", "b", "c"], current=["b"],
                     envelope=Interval(low=50, high=None), best=Interval(low=225, high=225))
    answer = FiguresAnswer(query="deaths", topic="deaths", figures=rows, groups=[group])
    layout = panels(answer)
    [panel] = layout.panels
    assert panel.best == Interval(low=225, high=225)  # the model's, not the envelope
    struck = {m.id for m in panel.marks if m.struck}
    assert struck == {"a"}
    undated = next(m for m in panel.marks if m.id == "c")
    assert layout.undated_x is not None and undated.x == layout.undated_x
    assert undated.x < min(m.x for m in panel.marks if m.id != "c")  # before, never beside
    png = render_png(answer)
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        assert image.format == "PNG" and image.size[0] == 800


def test_the_chart_is_a_png_a_decoder_reads(desk: Factdesk) -> None:
    answer = desk.figures("death toll")
    png = render_png(answer)
    assert png.startswith(PNG) and chart_filename(answer) == "figures-deaths.png"
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        width, height = image.size
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    assert width == 800 and height > 150 * len(answer.groups)
    assert colours is not None and len(colours) > 10  # something was drawn, not a blank


def test_many_scopes_draw_the_first_and_name_the_rest() -> None:
    rows = [row(f"f{i}", i, None, source=f"{i % 20:03d}") for i in range(1, 400)]
    groups = [FigureGroup(scope=f"group {g}", figures=[r.id for r in rows[g::10]],
                          current=[r.id for r in rows[g::10]]) for g in range(10)]
    answer = FiguresAnswer(query="q", topic="deaths", figures=rows, groups=groups)
    layout = panels(answer)
    assert len(layout.panels) == MAX_PANELS
    assert layout.left_out == [f"group {g}" for g in range(MAX_PANELS, 10)]
    assert render_png(answer).startswith(PNG)


def test_no_figures_no_chart() -> None:
    with pytest.raises(ValueError, match="no figures"):
        render_png(FiguresAnswer(query="q", topic="deaths"))


def test_the_cli_writes_the_chart(tmp_path, capsys) -> None:
    out = tmp_path / "deaths.png"
    assert main(["figures", "death", "toll", "--chart", str(out)]) == 0
    assert "figures for Deaths" in capsys.readouterr().out  # the answer, as without
    with Image.open(out) as image:
        assert image.format == "PNG"
    assert main(["figures", "deaths", "--chart", str(tmp_path / "no" / "x.png")]) == 2
    assert "cannot write" in capsys.readouterr().err
