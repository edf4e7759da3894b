"""bot.record.schedule: local-time periods in real zones, across daylight-saving changes."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.record.schedule import Schedule, ScheduleError, due_period, parse_time, parse_timezone

UTC = dt.UTC


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def simulate(schedule: Schedule, start: dt.datetime, end: dt.datetime, step_minutes: int = 1):
    """Tick a clock from start to end; post whatever is due; return (period, posted_at)."""
    posted: list[tuple[dt.date, dt.datetime]] = []
    last = None
    now = start
    while now <= end:
        period = due_period(schedule, now, last_period=last, not_before=start)
        if period is not None:
            posted.append((period, now))
            last = period
        now += dt.timedelta(minutes=step_minutes)
    return posted


def test_parse_time_accepts_common_spellings_and_rejects_nonsense():
    assert parse_time("08:00") == dt.time(8, 0)
    assert parse_time("8:05") == dt.time(8, 5)
    assert parse_time("18.30") == dt.time(18, 30)
    for bad in ["24:00", "8", "08:60", "", "noon"]:
        with pytest.raises(ScheduleError, match="HH:MM"):
            parse_time(bad)


def test_parse_timezone_names_the_bad_zone():
    assert parse_timezone("Europe/Paris").key == "Europe/Paris"
    with pytest.raises(ScheduleError, match="Mars/Olympus"):
        parse_timezone("Mars/Olympus")
    with pytest.raises(ScheduleError, match="empty"):
        parse_timezone("  ")


@pytest.mark.parametrize(
    ("zone", "before_utc_hour", "after_utc_hour", "start", "days"),
    [
        # Paris leaves summer time on Sunday 25 October 2026: 08:00 is 06:00 UTC, then 07:00.
        ("Europe/Paris", 6, 7, utc(2026, 10, 22, 0, 0), 6),
        # New York leaves summer time on Sunday 1 November 2026: 12:00 UTC, then 13:00.
        ("America/New_York", 12, 13, utc(2026, 10, 29, 0, 0), 6),
    ],
)
def test_fires_at_local_time_in_two_zones_across_dst_end(
    zone, before_utc_hour, after_utc_hour, start, days
):
    schedule = Schedule.parse("08:00", zone)
    posted = simulate(schedule, start, start + dt.timedelta(days=days), step_minutes=1)
    assert len(posted) == days  # one per local day, none twice
    assert [p for p, _ in posted] == sorted({p for p, _ in posted})
    for period, at in posted:
        local = at.astimezone(schedule.zone)
        assert (local.date(), local.hour, local.minute) == (period, 8, 0)
    utc_hours = [at.hour for _, at in posted]
    assert utc_hours[0] == before_utc_hour and utc_hours[-1] == after_utc_hour


def test_two_subscriptions_in_different_zones_fire_independently_across_spring_forward():
    # Europe springs forward on 29 March 2026, the US on 8 March.
    paris = Schedule.parse("08:00", "Europe/Paris")
    ny = Schedule.parse("07:30", "America/New_York")
    start, end = utc(2026, 3, 6, 0, 0), utc(2026, 3, 31, 0, 0)
    posted_paris = simulate(paris, start, end, step_minutes=5)
    posted_ny = simulate(ny, start, end, step_minutes=5)
    assert len(posted_paris) == len(posted_ny) == 25
    assert {at.astimezone(paris.zone).strftime("%H:%M") for _, at in posted_paris} == {"08:00"}
    assert {at.astimezone(ny.zone).strftime("%H:%M") for _, at in posted_ny} == {"07:30"}
    # The UTC instant moved by an hour for each, on its own date.
    ny_utc = {p: at.hour * 60 + at.minute for p, at in posted_ny}
    assert ny_utc[dt.date(2026, 3, 7)] == 12 * 60 + 30
    assert ny_utc[dt.date(2026, 3, 8)] == 11 * 60 + 30
    paris_utc = {p: at.hour for p, at in posted_paris}
    assert paris_utc[dt.date(2026, 3, 28)] == 7 and paris_utc[dt.date(2026, 3, 29)] == 6


def test_a_time_inside_the_spring_forward_gap_fires_once_just_after_it():
    schedule = Schedule.parse("02:30", "America/New_York")  # 02:00->03:00 on 8 March 2026
    fire = schedule.fire_at(dt.date(2026, 3, 8))
    assert fire.astimezone(schedule.zone).strftime("%H:%M") == "03:30"
    posted = simulate(schedule, utc(2026, 3, 7, 12), utc(2026, 3, 9, 12), step_minutes=1)
    assert [p for p, _ in posted] == [dt.date(2026, 3, 8), dt.date(2026, 3, 9)]


def test_a_repeated_time_at_fall_back_fires_once_at_the_first_occurrence():
    schedule = Schedule.parse("01:30", "America/New_York")  # 01:00-02:00 twice on 1 Nov 2026
    posted = simulate(schedule, utc(2026, 10, 31, 12), utc(2026, 11, 2, 12), step_minutes=1)
    assert [p for p, _ in posted] == [dt.date(2026, 11, 1), dt.date(2026, 11, 2)]
    first = dict(posted)[dt.date(2026, 11, 1)]
    assert first == utc(2026, 11, 1, 5, 30)  # 01:30 EDT, not 01:30 EST an hour later


def test_downtime_across_several_times_owes_only_the_latest_period():
    schedule = Schedule.parse("08:00", "Europe/Paris")
    last = dt.date(2026, 11, 20)
    # Down from the 20th after posting until the 23rd at 10:00 Paris (09:00 UTC).
    now = utc(2026, 11, 23, 9, 0)
    assert due_period(schedule, now, last_period=last) == dt.date(2026, 11, 23)
    assert due_period(schedule, now, last_period=dt.date(2026, 11, 23)) is None
    # Back before today's time: yesterday's is the one catch-up.
    early = utc(2026, 11, 23, 5, 0)
    assert due_period(schedule, early, last_period=last) == dt.date(2026, 11, 22)


def test_subscribing_after_todays_time_starts_tomorrow():
    schedule = Schedule.parse("08:00", "UTC")
    made = utc(2026, 11, 23, 10, 0)
    assert due_period(schedule, made, last_period=None, not_before=made) is None
    assert due_period(schedule, utc(2026, 11, 24, 8, 0), last_period=None, not_before=made) == (
        dt.date(2026, 11, 24)
    )


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        Schedule.parse("08:00", "UTC").latest_period(dt.datetime(2026, 1, 1))


ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Pacific/Kiritimati",
         "Pacific/Chatham", "Australia/Lord_Howe", "America/St_Johns"]


@settings(max_examples=80, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    now=st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31),
                     timezones=st.just(UTC)),
)
def test_latest_period_is_due_and_the_next_is_not(zone, hour, minute, now):
    schedule = Schedule(dt.time(hour, minute), parse_timezone(zone))
    period = schedule.latest_period(now)
    assert schedule.fire_at(period) <= now
    nxt, at = schedule.next_fire(now)
    assert nxt == period + dt.timedelta(days=1) and at > now
    # The local wall-clock date of the instant is the period (the gap shifts the time only).
    assert schedule.fire_at(period).astimezone(schedule.zone).date() == period


def test_zone_choices_for_autocomplete():
    from bot.record.schedule import zone_choices

    assert zone_choices("")[0] == "UTC" and len(zone_choices("")) <= 25
    assert zone_choices("paris") == ["Europe/Paris"]
    assert zone_choices("america/new")[0] == "America/New_York"
    assert len(zone_choices("a")) == 25  # never more than Discord allows
    assert zone_choices("nowhere-at-all") == []
