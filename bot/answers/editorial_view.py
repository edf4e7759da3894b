"""What the answer engine reads of editorial work: rulings and notes, by claim id.

The engine only reads; :class:`bot.record.editorial.EditorialCache` is the real implementation
(refreshed after every write). :data:`NO_EDITORIAL` is the default: no rulings, no notes.
"""

from __future__ import annotations

import logging
from typing import Protocol, runtime_checkable

from bot.answers.models import EditorialRuling

log = logging.getLogger(__name__)


@runtime_checkable
class EditorialView(Protocol):
    def ruling(self, claim_id: str) -> EditorialRuling | None: ...

    def notes(self, claim_id: str) -> list[str]: ...


class NoEditorial:
    """An editorial view with nothing in it."""

    def ruling(self, claim_id: str) -> EditorialRuling | None:
        return None

    def notes(self, claim_id: str) -> list[str]:
        return []


NO_EDITORIAL: EditorialView = NoEditorial()
