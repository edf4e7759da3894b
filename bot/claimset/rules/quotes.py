"""Rule: every quote (attributions, evidence basis, figures, their lifecycle and equivalent) is
in its source's text.

Typographic quotes and whitespace aside (:func:`bot.claimset.quotes.normalize_quote`);
a quote that is not there is reported with where it stops matching.
"""

from __future__ import annotations

import logging

from bot.claimset.quotes import matching_prefix, normalize_quote
from bot.claimset.records import LoadState, Record
from bot.claimset.schema import Claim

log = logging.getLogger(__name__)


def quotes_are_in_sources(state: LoadState) -> None:
    # unknown sources and missing files have no text here: they are reported elsewhere
    texts = {sid: normalize_quote(text) for sid, text in state.texts.items()}
    for rec in state.valid("claims"):
        claim: Claim = rec.model
        for i, att in enumerate(claim.attributions):
            text = texts.get(att.source)
            if text is not None and normalize_quote(att.quote) in text:
                continue  # the common case, without a call per quote
            _check_quote(state, texts, rec, ("attributions", i, "quote"), att.source, att.quote)
        for i, q in enumerate(claim.evidence.basis):
            _check_quote(state, texts, rec, ("evidence", "basis", i, "quote"), q.source, q.quote)
    for rec in state.valid("figures"):
        fig = rec.model
        _check_quote(state, texts, rec, ("quote",), fig.source, fig.quote)
        for i, event in enumerate(fig.lifecycle):
            _check_quote(state, texts, rec, ("lifecycle", i, "quote"), event.source, event.quote)
        if fig.equivalent is not None and fig.equivalent.quote is not None:
            _check_quote(state, texts, rec, ("equivalent", "quote"), fig.source,
                         fig.equivalent.quote)


def _check_quote(
    state: LoadState,
    texts: dict[str, str],
    rec: Record,
    loc: tuple[str | int, ...],
    source_id: str,
    quote: str,
) -> None:
    text = texts.get(source_id)
    if text is None:  # unknown source or missing file: reported elsewhere
        return
    wanted = normalize_quote(quote)
    if wanted in text:
        return
    if wanted.casefold() in text.casefold():
        state.report_at(
            rec,
            loc,
            f"not in source {source_id} as written: the words are "
            "there but the capitalisation differs",
        )
        return
    n = matching_prefix(text, wanted)
    if n == 0:
        detail = f"no part of it is in the text (it starts {wanted[:30]!r})"
    else:
        detail = (
            f"the text matches up to {wanted[max(0, n - 30) : n]!r} "
            f"and then differs at {wanted[n : n + 30]!r}"
        )
    state.report_at(rec, loc, f"not in source {source_id}: {detail}")
