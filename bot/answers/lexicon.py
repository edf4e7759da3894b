"""The reporter's lexicon (lexicon.toml): groups of words a search takes as synonyms."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

log = logging.getLogger(__name__)

LEXICON_PATH = Path(__file__).with_name("lexicon.toml")


def load_lexicon(path: Path = LEXICON_PATH) -> list[list[str]]:
    """The groups of the lexicon, each a list of words or phrases (at least two)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    groups = []
    for i, group in enumerate(data.get("groups", [])):
        entries = group.get("words") if isinstance(group, dict) else None
        if (not isinstance(entries, list) or len(entries) < 2
                or not all(isinstance(w, str) and w.strip() for w in entries)):
            raise ValueError(f"{path.name}: group {i + 1}: words must list two or more phrases")
        groups.append([w.strip() for w in entries])
    return groups
