"""A verdict-change alert as the digest channel reads it: one message within Discord's 2,000
characters however many topics and however long their verdicts, text from the claim set
and the editor made inert, every topic's /figures named or counted."""

from __future__ import annotations

import datetime as dt

from bot.desk.ingest import VerdictChange, changes_json
from bot.record.records import IngestAlert
from cogs.utils.digest_rendering import render_alert
from cogs.utils.escape import unescape


def alert(changes: list[VerdictChange]) -> IngestAlert:
    return IngestAlert(
        id=1, key="d1:f1", guild_id=None, channel_id=5, content=changes_json(changes),
        state="pending", attempts=0, last_error="", created_at=dt.datetime.now(dt.UTC),
        sent_at=None, message_id=None,
    )


def change(topic: str, *, long: bool = False, by: str = "Ann") -> VerdictChange:
    line = ("all people: best range 225 per @everyone *bold* " * (20 if long else 1)).strip()
    return VerdictChange(
        topic=topic, label=f"Deaths {topic}", reason="new latest count for this scope",
        figures=[f"005-{topic}-1"], before=[line], after=[line, line, line], draft="d1",
        source="005", by=by,
    )


def test_one_topic_reads_in_full_and_inert() -> None:
    text = render_alert(alert([change("deaths", by="<@123> Ann")]))
    assert "Verdict change — Deaths deaths" in text and "/figures topic:deaths" in text
    assert "Now: " in text and "Before: " in text and "from draft d1 (source 005)" in text
    assert "@everyone" not in text and "<@123>" not in text  # nothing pings
    assert "@everyone" in unescape(text) and "*bold*" in unescape(text)


def test_many_long_topics_fit_one_message_and_the_rest_are_counted() -> None:
    topics = [f"t{i}" for i in range(12)]
    text = render_alert(alert([change(t, long=True) for t in topics]))
    assert len(text) <= 2000
    shown = [t for t in topics if f"/figures topic:{t}`" in text]
    assert shown and shown == topics[: len(shown)]
    assert f"and {len(topics) - len(shown)} more topic(s)" in text
    assert text.endswith("from draft d1 (source 005).")
