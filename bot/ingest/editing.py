"""An editor's correction of one drafted item before it is accepted: a claim's statement, a
figure's number (its words, read again into qualifier and interval), scope or topic.

:func:`apply_edit` checks the correction and returns the draft with it applied (the stored
draft is never changed: the correction is written with the item and said in its comment).
Every refusal is one line naming the item and the field.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from bot.claimset.model import ClaimSet
from bot.claimset.numbers import NumberError, interval_from_words, parse_numbers, stated_qualifiers
from bot.ingest.drafting import verdict_of
from bot.ingest.models import Draft
from bot.ingest.reading import IngestError

log = logging.getLogger(__name__)

STATEMENT_MAX = 1000  # a claim's statement is one or two sentences
SCOPE_MAX = 200


@dataclass(frozen=True, slots=True)
class ItemEdit:
    """What the editor corrects; None leaves a field as drafted."""

    statement: str | None = None
    number: str | None = None  # the figure's words as the article states them: "at least 14"
    scope: str | None = None
    topic: str | None = None  # a topic id, label or synonym of the claim set

    def fields(self) -> list[str]:
        return [
            name
            for name in ("statement", "number", "scope", "topic")
            if (getattr(self, name) or "").strip()
        ]


def apply_edit(draft: Draft, item: str, edit: ItemEdit, cs: ClaimSet, *, by: str) -> Draft:
    """A copy of ``draft`` with ``edit`` applied to ``item``; IngestError when it does not fit."""
    where = f"draft {draft.draft} item {item}"
    if not edit.fields():
        raise IngestError(f"{where}: nothing to correct (give a statement, number, scope or topic)")
    out = draft.model_copy(deep=True)
    note = f"corrected in review by {by}: "
    claim = next((c for c in out.claims if c.id == item), None)
    if claim is not None:
        wrong = [f for f in edit.fields() if f != "statement"]
        if wrong:
            raise IngestError(f"{where}: a claim has no {wrong[0]}; correct its statement")
        statement = " ".join((edit.statement or "").split())
        if len(statement) > STATEMENT_MAX:
            raise IngestError(f"{where}: statement is over {STATEMENT_MAX} characters")
        claim.why += f"; {note}statement was {claim.statement!r}"
        claim.statement = statement
        return out
    figure = next((f for f in out.figures if f.id == item), None)
    if figure is None:
        kinds = "the source or a speaker" if item in draft.item_ids() else "no such item"
        raise IngestError(f"{where}: only a claim or a figure can be corrected ({kinds})")
    if "statement" in edit.fields():
        raise IngestError(f"{where}: a figure has no statement; correct its number, scope or topic")
    changes: list[str] = []
    if edit.number is not None and edit.number.strip():
        words = " ".join(edit.number.split())
        qualifier = _qualifier(words, where)
        try:
            low, high = interval_from_words(qualifier, words, figure.unit)
        except NumberError as exc:
            raise IngestError(f"{where}: number {words!r}: {exc}") from None
        changes.append(f"number was {figure.words!r}")
        figure.words, figure.qualifier, figure.low, figure.high = words, qualifier, low, high
    if edit.scope is not None and edit.scope.strip():
        scope = " ".join(edit.scope.split())
        if len(scope) > SCOPE_MAX:
            raise IngestError(f"{where}: scope is over {SCOPE_MAX} characters")
        changes.append(f"scope was {figure.scope!r}")
        figure.scope = scope
    if edit.topic is not None and edit.topic.strip():
        topic = find_topic(edit.topic, cs)
        if topic is None:
            known = ", ".join(sorted(cs.topics)[:8])
            raise IngestError(
                f"{where}: topic {edit.topic.strip()!r} is not in the set ({known}...)"
            )
        changes.append(f"topic was {figure.topic!r}")
        figure.topic = topic
    figure.why.append(note + "; ".join(changes))
    figure.verdict = verdict_of(figure, cs)
    return out


def apply_edits(
    draft: Draft, edits: Mapping[str, ItemEdit], cs: ClaimSet, *, by: str
) -> Draft:
    """``draft`` with every correction applied (:func:`apply_edit`), in order."""
    for item, edit in edits.items():
        draft = apply_edit(draft, item, edit, cs, by=by)
    return draft


def _qualifier(words: str, where: str) -> str:
    """The qualifier ``words`` state ("at least 14": at_least), else exact, or vague."""
    stated = stated_qualifiers(words)
    if len(stated) > 1:
        raise IngestError(f"{where}: number {words!r} states {' and '.join(sorted(stated))}")
    if stated:
        return next(iter(stated))
    numbers = parse_numbers(words)
    if not numbers:
        raise IngestError(f"{where}: number {words!r} states no number")
    if len(numbers) == 2:
        return "between"
    return "vague" if numbers[0].vague else "exact"


def find_topic(text: str, cs: ClaimSet) -> str | None:
    """The topic id ``text`` names: an id, a label or a synonym (case ignored)."""
    wanted = " ".join(text.split()).casefold()
    for topic in cs.topics.values():
        names = [topic.id, topic.label, *topic.synonyms]
        if any(n.casefold() == wanted for n in names):
            return topic.id
    return None
