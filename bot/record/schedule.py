"""When a digest is due: pure schedule math, with the clock passed in.

A subscription posts once a day at a local wall-clock time in a real time zone
(``zoneinfo``). Its *periods* are local calendar dates: the period of 23 November is
posted at 08:00 on 23 November, in the subscription's zone, whatever the UTC offset is
that day. So the digest stays at 08:00 local across daylight-saving changes.

Two wall-clock edge cases, decided once here:

- the time does not exist that day (spring forward, 02:30 in a 02:00->03:00 gap):
  the period is due at the same offset as just before the gap, which is the first
  valid instant after it (03:30 local);
- the time happens twice (fall back, 01:30 in a 02:00->01:00 repeat): the first
  occurrence counts (``fold=0``), and the period is posted once.

Catch-up: :func:`due_period` returns only the *latest* period whose time has passed and
which is not posted yet, so a bot that was down for three days posts one digest, not
three.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.errors import FactdeskError

log = logging.getLogger(__name__)

_TIME_RE = re.compile(r"^\s*([01]?\d|2[0-3])[:.h]([0-5]\d)\s*$")


class ScheduleError(FactdeskError, ValueError):
    """A time or time zone that cannot be used: one line naming what is wrong."""


def parse_time(text: str) -> dt.time:
    """``"08:00"``, ``"8:00"``, ``"18.30"``, ``"7h15"`` -> :class:`datetime.time`."""
    match = _TIME_RE.match(text or "")
    if not match:
        raise ScheduleError(f"time {text!r}: expected HH:MM on a 24-hour clock, like 08:00")
    return dt.time(int(match.group(1)), int(match.group(2)))


def parse_timezone(name: str) -> ZoneInfo:
    """An IANA zone name (``"Europe/Paris"``, ``"UTC"``) -> :class:`zoneinfo.ZoneInfo`."""
    cleaned = (name or "").strip()
    if not cleaned:
        raise ScheduleError("timezone: empty; expected an IANA name like Europe/Paris or UTC")
    try:
        return ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ScheduleError(
            f"timezone {cleaned!r}: not a known IANA time zone (like Europe/Paris or UTC)"
        ) from None


@cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


def zone_choices(text: str, limit: int = 25) -> list[str]:
    """Time-zone names for autocomplete: UTC and common ones on empty input, else the
    names containing every typed word (case-insensitive), shortest first."""
    words = (text or "").lower().replace(" ", "_").split("/")
    words = [w for w in words if w]
    if not words:
        common = ["UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Moscow",
                  "America/New_York", "America/Chicago", "America/Los_Angeles",
                  "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney"]
        return common[:limit]
    names = [z for z in _zone_names() if all(w in z.lower() for w in words)]
    names.sort(key=lambda z: (not z.lower().startswith(words[0]), len(z), z))
    return names[:limit]


@dataclass(frozen=True, slots=True)
class Schedule:
    """A daily local time in a real time zone."""

    time: dt.time
    zone: ZoneInfo

    @classmethod
    def parse(cls, time: str, timezone: str) -> Schedule:
        return cls(parse_time(time), parse_timezone(timezone))

    @property
    def time_text(self) -> str:
        return self.time.strftime("%H:%M")

    @property
    def zone_name(self) -> str:
        return self.zone.key

    def fire_at(self, period: dt.date) -> dt.datetime:
        """The UTC instant the period ``period`` (a local date) is due."""
        local = dt.datetime.combine(period, self.time, tzinfo=self.zone)  # fold=0
        return local.astimezone(dt.UTC)

    def latest_period(self, now: dt.datetime) -> dt.date:
        """The latest local date whose scheduled instant is at or before ``now``."""
        _check_aware(now)
        today = now.astimezone(self.zone).date()
        # Offsets differ by at most a day, so one of today, yesterday, the day before
        # is it; checking in order keeps the odd zones (UTC+14, gaps) right.
        for days_back in range(3):
            period = today - dt.timedelta(days=days_back)
            if self.fire_at(period) <= now:
                return period
        raise AssertionError("unreachable: a period fires every day")  # pragma: no cover

    def next_fire(self, now: dt.datetime) -> tuple[dt.date, dt.datetime]:
        """The first period due strictly after ``now``, and its instant."""
        period = self.latest_period(now) + dt.timedelta(days=1)
        return period, self.fire_at(period)


def due_period(
    schedule: Schedule,
    now: dt.datetime,
    *,
    last_period: dt.date | None,
    not_before: dt.datetime | None = None,
) -> dt.date | None:
    """The period to post now, if any.

    ``last_period``: the latest period already posted (or being posted) for this
    subscription, None when there is none. ``not_before``: when the subscription was
    made; a period whose time had already passed then is not owed (subscribing at
    10:00 to an 08:00 digest starts tomorrow). Returns the latest due period, so
    downtime across several scheduled times yields one catch-up.
    """
    period = schedule.latest_period(now)
    if last_period is not None and period <= last_period:
        return None
    if not_before is not None:
        _check_aware(not_before)
        if schedule.fire_at(period) < not_before:
            return None
    return period


def _check_aware(moment: dt.datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: the schedule needs aware times")
