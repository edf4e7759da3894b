"""Speakers: a name as the article writes it matched to the claim set's speakers by every alias
(typos and other scripts forgiven: rapidfuzz over anyascii spellings), else proposed as new."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.answers.search_index import normalize
from bot.claimset.model import ClaimSet
from bot.ingest.models import Confidence, DraftSpeaker

log = logging.getLogger(__name__)

FUZZY_MIN = 88  # WRatio over normalised spellings: "Tokaev" ~ "Tokayev", "Shalabaev" ~ "Shalabayev"
_BODY_WORDS = re.compile(
    r"\b(ministry|office|authorities|officials|police|government|council|chamber|committee|"
    r"commission|department|service|headquarters|parliament|army|forces|embassy|kremlin|"
    r"television|media|court|prosecutors?|administration|alliance|organization|organisation|"
    r"party|union|agency|bank|chamber)\b",
    re.I,
)
_GENERIC = {"the", "a", "an", "of", "s", "and", "said", "mr", "ms", "mrs", "dr"}


def speaker_key(text: str) -> str:
    """A spelling compared: lowercase, Latin letters, no "the", no possessive, single spaces."""
    text = normalize(text.replace("’", "'"))
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[^\w\s-]", " ", text)
    words = [w for w in text.replace("-", " ").split() if w not in ("the",)]
    return " ".join(words)


def slug(text: str, limit: int = 48) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", normalize(text)).strip("-")
    return s[:limit].rstrip("-") or "x"


@dataclass(slots=True)
class SpeakerBook:
    """The claim set's speakers by spelling, and those the article adds as it is read."""

    claimset: ClaimSet | None
    by_key: dict[str, str] = field(default_factory=dict)  # spelling key -> speaker id
    drafted: dict[str, DraftSpeaker] = field(default_factory=dict)  # id -> draft speaker
    taken: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, claimset: ClaimSet | None) -> SpeakerBook:
        book = cls(claimset)
        if claimset is not None:
            book.taken = set(claimset.claims) | set(claimset.figures) | set(claimset.speakers)
            for sid, sp in claimset.speakers.items():
                for spelling in (sp.name, *sp.aliases):
                    book.by_key.setdefault(speaker_key(spelling), sid)
        return book

    def resolve(
        self, spelling: str, *, role: str = "", kind: str | None = None, why: str = ""
    ) -> DraftSpeaker:
        """The speaker ``spelling`` names: existing (by alias, then fuzzily), one the
        article already named, or a new one proposed with that spelling."""
        key = speaker_key(spelling)
        sid, how, conf = self._match(key)
        if sid is not None:
            return self._use(sid, spelling, how, conf)
        new_id = self._free_id(slug(_display(spelling)))
        kind_ = kind or ("body" if _BODY_WORDS.search(spelling) else "person")
        speaker = DraftSpeaker(
            id=new_id,
            name=_display(spelling),
            role=role or "",
            kind=kind_,  # type: ignore[arg-type]
            existing=False,
            spellings=[spelling],
            why=why or f"named in the article as {spelling!r}; no speaker in the set matches",
            confidence="medium",
        )
        self.drafted[new_id] = speaker
        self.by_key[key] = new_id
        self.taken.add(new_id)
        return speaker

    def known(self, spelling: str) -> DraftSpeaker | None:
        """The speaker ``spelling`` names when it is one already known (the set's, or one
        the article named before), else None: nothing is proposed."""
        sid, how, conf = self._match(speaker_key(spelling))
        return self._use(sid, spelling, how, conf) if sid is not None else None

    def _match(self, key: str) -> tuple[str | None, str, Confidence]:
        if not key:
            return None, "", "low"
        if key in self.by_key:
            return self.by_key[key], "an alias of the speaker", "high"
        choices = list(self.by_key)
        if not choices:
            return None, "", "low"
        best = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
        if best is not None:
            return self.by_key[best[0]], f"spelt like {best[0]!r} ({best[1]:.0f}%)", "medium"
        # a surname alone, or a full name whose surname is a known one-word alias
        words = key.split()
        if len(words) > 1:
            for w in (words[-1], words[0]):
                if w in self.by_key and len(w) > 3 and w not in _GENERIC:
                    return self.by_key[w], f"its surname {w!r} is an alias", "medium"
                near = process.extractOne(
                    w,
                    [c for c in choices if " " not in c],
                    scorer=fuzz.ratio,
                    score_cutoff=FUZZY_MIN,
                )
                if near is not None and len(w) > 4:
                    return self.by_key[near[0]], f"its surname is spelt like {near[0]!r}", "low"
        return None, "", "low"

    def _use(self, sid: str, spelling: str, how: str, conf: Confidence) -> DraftSpeaker:
        if sid in self.drafted:
            speaker = self.drafted[sid]
            if spelling not in speaker.spellings:
                speaker.spellings.append(spelling)
            return speaker
        assert self.claimset is not None
        sp = self.claimset.speakers[sid]
        speaker = DraftSpeaker(
            id=sid,
            name=sp.name,
            role=sp.role,
            kind=sp.kind,
            existing=True,
            spellings=[spelling],
            why=f"{spelling!r}: {how}",
            confidence=conf,
        )
        self.drafted[sid] = speaker
        return speaker

    def _free_id(self, base: str) -> str:
        candidate, n = base, 2
        while candidate in self.taken:
            candidate = f"{base}-{n}"
            n += 1
        return candidate

    def take_id(self, base: str) -> str:
        """A record id not used by the set nor by this draft (claims and figures share ids)."""
        ident = self._free_id(base)
        self.taken.add(ident)
        return ident


def _display(spelling: str) -> str:
    s = " ".join(spelling.replace("’", "'").split())
    s = re.sub(r"^(?:the)\s+", "", s, flags=re.I)
    s = re.sub(r"'s$", "", s)
    return s[:1].upper() + s[1:]
