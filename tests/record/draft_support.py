"""A draft of a given text, by "ann", for the tests of drafts per story and server."""

from __future__ import annotations

from bot.record.records import DraftRow


async def draft_of(view, text: str = "t1") -> DraftRow:
    """``view.add_draft`` of ``text`` (its sha256 stand-in) in the kz story's claim set."""
    return await view.add_draft(text_sha256=text, claimset="kz@1", name="x", payload="{}",
                                by="ann")
