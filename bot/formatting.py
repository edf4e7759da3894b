"""The formatting every face shares: numbers, intervals, one-line cuts (one function each).

Intervals come in three forms, each made here and nowhere else:

- :func:`format_interval`: the exact bounds, ``[167, open)``, for validator messages and
  the text table;
- :func:`interval_words`: in words, ``167 or more``, ``up to 50``, ``12–40``, for verdicts,
  comparisons and digests;
- :func:`compact_interval`: a table cell, ``≥167``, ``2bn–3bn``.

An open end is ``None`` (a float infinity is accepted too and means the same).
"""

from __future__ import annotations

import math

ELLIPSIS = "…"


def _open(value: float | None) -> bool:
    return value is None or math.isinf(value)


def format_number(value: float) -> str:
    """167 -> "167"; 7939 -> "7,939"; 1.5 -> "1.5"."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def _bound(value: float | None) -> float | None:
    return None if value is None or math.isinf(value) else value


def format_interval(low: float | None, high: float | None) -> str:
    """``[167, open)``, ``(open, 50]``, ``[2,000,000,000, 3,000,000,000]``."""
    lo, hi = _bound(low), _bound(high)
    left = "(open" if lo is None else f"[{format_number(lo)}"
    right = "open)" if hi is None else f"{format_number(hi)}]"
    return f"{left}, {right}"


def interval_words(low: float | None, high: float | None) -> str:
    """"167 or more", "up to 50", "16", "12–40"; "any number" when both ends are open."""
    lo, hi = _bound(low), _bound(high)
    if lo is None and hi is None:
        return "any number"
    if hi is None:
        return f"{format_number(lo)} or more"  # type: ignore[arg-type]
    if lo is None:
        return f"up to {format_number(hi)}"
    if lo == hi:
        return format_number(lo)
    return f"{format_number(lo)}–{format_number(hi)}"


def _short_number(value: float | None) -> str:
    if _open(value):
        return ELLIPSIS
    assert value is not None
    if value == int(value):
        n = int(value)
        for size, suffix in ((1_000_000_000, "bn"), (1_000_000, "m")):
            if abs(n) >= size and n % (size // 100) == 0:
                return f"{n / size:g}{suffix}"
        return f"{n:,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def compact_interval(low: float | None, high: float | None) -> str:
    """A table cell: "167", "≥167", "≤50", "2bn–3bn"."""
    if not _open(low) and low == high:
        return _short_number(low)
    if _open(high):
        return f"≥{_short_number(low)}"
    if _open(low):
        return f"≤{_short_number(high)}"
    return f"{_short_number(low)}–{_short_number(high)}"


def one_line(text: str, limit: int) -> str:
    """``text`` on one line (whitespace collapsed), cut with an ellipsis beyond ``limit``."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: max(limit - 1, 0)].rstrip() + ELLIPSIS
