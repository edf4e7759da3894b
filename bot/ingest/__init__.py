"""Ingest: a pasted article drafted into a source, speakers, claims and figures for review.

``drafting.draft_article`` reads plain text against the claim set and returns a
:class:`bot.ingest.models.Draft`; nothing enters the claim set until an editor accepts
items of it (:mod:`bot.ingest.review`), which :mod:`bot.ingest.writing` writes into the
claim files atomically and re-validates. Free of Discord, like the rest of the core.
"""
