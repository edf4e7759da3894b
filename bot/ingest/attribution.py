"""Who says it and through whom: speech verbs, "according to", "citing", "X reported",
"(with AFP)", "wrote on Facebook", a Telegram channel; pronouns and "the ministry" resolved
to the last one named."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from bot.ingest.media import MediaLexicon
from bot.ingest.models import DraftSpeaker
from bot.ingest.speakers import SpeakerBook, speaker_key

log = logging.getLogger(__name__)

SPEECH_VERBS = (
    "said|says|say|told|tells|reported|reports|added|noted|claimed|claims|announced|stated|"
    "wrote|posted|put|gave|counted|listed|estimated|described|summed up|aired|quoted|repeated|"
    "confirmed|denied|insisted|warned|declared|accused|urged|acknowledged|admitted|released|"
    "published|explained|tweeted|argued|stressed|insists|believes|was quoted|were quoted|"
    "cited|asserted|alleged|revealed|informed|estimates|counts|puts|gives|spelled|spelt|noted|"
    "given|converted|dubbed|called|responded|addressed|demanded|protested|accuses|spoke of|"
    "speaks of|offered|discussed|expressed"
)
# One capitalised word, taken whole (atomic: a hyphenated name is never re-split, so no
# pattern built on it backtracks exponentially); a possessive "'s" is left to _ROLE_WORDS.
_NAME_TOKEN = r"(?:(?>[A-Z](?:[\w.&]|-(?=\w)|['’](?!s\b))*)|dpa|de|al-\w+)"
_CONNECT = r"(?:of|the|and|for|on|de|in|da|van|von)"
_ROLE_WORDS = (
    r"(?:police|spokeswoman|spokesman|spokesperson|ministry|minister|ministers|officials|authorities|"
    r"office|state|television|media|deputy|mayor|chief|head|president|prime|chamber|agency|"
    r"agencies|news|channel|broadcaster|outlet|daily|newspaper|government|local|kazakh|russian|"
    r"german|turkish|foreign|interior|health|information|defence|defense|presidential|"
    r"commissioner|general|prosecutor|prosecutors|operational|headquarters|press|service|"
    r"secretary|ambassador|embassy|diplomat|official|military|army|security|forces|council|"
    r"lawmaker|leader|envoy|senator|"
    r"the|a|an|its|his|her|their|'s|’s|of|and|for|in|on|at|children's|rights|national|"
    r"country's|city's|government's|president's|ministry's|"
    # any word that names a body's field: "the sports ministry", "the press office"
    r"[a-z]+(?=[ -](?:ministry|office|council|committee|department|commission)\b))"
)
_NP = (
    rf"(?:(?:{_NAME_TOKEN}|{_ROLE_WORDS})(?:['’]s)?"
    rf"(?:[ -](?:{_NAME_TOKEN}|{_ROLE_WORDS}|{_CONNECT})(?:['’]s)?)*"
    r"(?:\s+of\s+[a-z]{4,}(?=\s))?)"  # "the chamber of entrepreneurs"
)
_ADVERBS = (
    r"(?:\s+(?:also|then|separately|later|earlier|had|has|have|again|first|quickly|itself|alone|"
    r"previously|already|until then|so far|publicly|just|now|still|since|recently|"
    r"separately|repeatedly))*"
)
# Between a speaker and its verb: "(formerly Astana)", ", meanwhile,", "on Sunday Jan 9, 2022"
_ASIDE = (
    r"(?:\s+\([^()]{1,40}\))?"
    r"(?:,\s+(?:meanwhile|however|too|also|in turn|for (?:his|her|its|their) part),)?"
    r"(?:\s+(?:on|last|early on|late on)\s+[A-Z]\w+"
    r"(?:\s+(?:[A-Z]\w+\.?|\d{1,2}|morning|afternoon|evening|night)){0,3}(?:,\s+\d{4})?)?"
)
SUBJECT_VERB = re.compile(
    rf"(?P<np>{_NP})(?P<cite>,\s+(?:citing|relaying|drawing on|quoting)\s+[^,]{{2,80}},)?"
    rf"{_ASIDE}{_ADVERBS}\s+(?P<verb>{SPEECH_VERBS})\b"
)
# "..., said Putin.", "“...,” said Tokayev at the conference": the verb before its speaker
VERB_SUBJECT = re.compile(
    rf"(?:,|[”\"])\s*[”\"]?\s+(?P<verb>said|says|added|asked|wrote|insisted|stressed|warned)"
    rf"\s+(?P<np>(?:{_ROLE_WORDS}\s+){{0,4}}"
    rf"(?:{_NAME_TOKEN}(?:(?:\s+(?:of|the))*\s+{_NAME_TOKEN}){{0,3}}|{_ROLE_WORDS}))"
    rf"(?:,\s+(?P<appos>{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,3}}),)?"
)
APPOSITIVE_VERB = re.compile(
    rf"(?P<np>{_NP}),\s+(?:who|which|a|an|the)\s[^,]{{3,120}},"
    rf"{_ADVERBS}\s+(?P<verb>{SPEECH_VERBS})\b"
)
APPOSITIVE_NAME = re.compile(
    rf"(?P<role>{_NP}),\s+(?P<np>(?:{_NAME_TOKEN}\s+){{0,3}}{_NAME_TOKEN}),"
    rf"{_ADVERBS}\s+(?P<verb>{SPEECH_VERBS})\b"
)
# "credited to the health ministry", "attributed to X": who a figure is said to come from
CREDITED = re.compile(r"\b(?:credited|attributed)\s+to\s+(?P<np>[^,;.()]+?)(?=[,;.()]|$)")
_NAME_RUN = re.compile(rf"{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,3}}")
PRONOUN_VERB = re.compile(
    rf"\b(?P<np>[Hh]e|[Ss]he|[Tt]hey|[Ii]t){_ADVERBS}\s+(?P<verb>{SPEECH_VERBS})\b"
)
RELAY_NAMES = re.compile(rf"(?P<np>(?:{_NAME_TOKEN}[ -]?)+?)\s+reported\b")
ACCORDING = re.compile(
    r"\b[Aa]ccording to\s+(?P<np>[^,;.]+?)"
    r"(?=[,;.]|$|\s+(?:and\s+(?=[a-z])|which\s|who\s|as cited by\s|as quoted by\s|cited by\s))"
)
CITING = re.compile(
    r"\b(?:citing|relaying|drawing on|quoting|as cited by|cited by|as quoted by|"
    r"reported by|aired by|via)\s+(?P<np>[^,;.()]+?)(?=[,;.()]|$|\s+(?:and|which|who|as)\s)"
)
# "Tengrinews, citing the ministry's channel, reported": who cites another is a medium
CITES = re.compile(
    rf"(?:^|(?<=[.(\n])|(?<=, ))\s*(?P<np>{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,3}}),\s+"
    r"(?:citing|relaying|drawing on|quoting)\s"
)
WITH = re.compile(r"\((?:with|from|via)\s+(?P<np>[^)]+)\)")
POSSESSIVE = re.compile(
    rf"(?P<np>{_NP})['’]s\s+(?i:(?:own\s+)?(?:count|figures?|tally|estimate|toll|telegram channel|"
    r"statement|report|data|numbers|conversion|summary))\b"
)
PLATFORM = re.compile(
    r"\b(?:wrote|posted|said|published)\s+(?:on|in)\s+(?:(?:the|its|his|her|their)\s+)?"
    r"(?:(?P<owner>[\w' ]+?)['’]s\s+)?(?P<platform>Facebook|Telegram|Twitter|Instagram|"
    r"VKontakte|YouTube)\b(?P<rest>[ \w]*?(?:page|account|channel))?",
    re.I,
)
TELEGRAM = re.compile(
    r"(?:(?P<owner1>[\w'’ -]+?)['’]s\s+)?Telegram channel(?:\s+of\s+(?P<owner2>the [\w' -]+?)"
    r"(?=[,;.]|\s+which|\s+that|$))?"
)
_ANAPHORA_HEADS = (
    "ministry|chamber|agency|agencies|president|office|channel|police|prosecutor|mayor|"
    "alliance|government|authorities|broadcaster|outlet"
)
_ANAPHORA = re.compile(rf"^(?:the|this|that)\s+(?P<head>{_ANAPHORA_HEADS})$", re.I)
# Heads that name a collective speaker even when nothing before says which one.
_COLLECTIVE = ("authorities", "government", "police")
_STOP_NP = re.compile(
    r"^(?:the|a|an|it|this|that|there|which|who|figures?|numbers?|estimates?|reports?|"
    r"data|the figure|the number|the total|the estimate|the toll|the update|a later update|"
    r"that update|the post|monday|tuesday|wednesday|thursday|friday|saturday|sunday|on|"
    r"in|and|of|by|state)$",
    re.I,
)
_LEADING = re.compile(
    r"^(?:(?:and|but|so|in|on|at|by|as|while|when|where|after|before|"
    r"then|also|meanwhile|however|earlier|later|meanwhile),?\s+)+",
    re.I,
)


@dataclass(slots=True)
class Mention:
    speaker: DraftSpeaker
    start: int
    role: str  # "speaker" or "relay"
    how: str  # what in the text said so
    inner: bool = False  # cited by another (the origin end of the chain)
    subject: bool = False  # the subject of a speech verb ("Qazaq TV said", "the AP put")


@dataclass(slots=True)
class Attribution:
    speaker: DraftSpeaker | None
    via: list[str] = field(default_factory=list)
    how: str = ""


@dataclass(slots=True)
class Reader:
    """Reads attributions sentence by sentence, remembering who was named last."""

    book: SpeakerBook
    media: MediaLexicon
    outlet: str | None = None
    last_person: DraftSpeaker | None = None
    last_by_head: dict[str, DraftSpeaker] = field(default_factory=dict)
    last_media: DraftSpeaker | None = None
    named_before: list[DraftSpeaker] = field(default_factory=list)  # in order, latest last
    relays: list[str] = field(default_factory=list)  # every relay the article names, in order

    def learn_media(self, text: str) -> None:
        """Names the article itself uses as channels ("X reported", "according to X", "citing
        X") join the media lexicon, unless they are bodies or known speakers."""
        for rx in (RELAY_NAMES, ACCORDING, CITING, CITES):
            for m in rx.finditer(text):
                for part in _split_and(_clean_np(m["np"])):
                    part = re.sub(r"^(?:the\s+)?(?:[a-z]+\s+)*", "", part)
                    words = part.split()
                    if (
                        not part
                        or not part[:1].isupper()
                        or _is_body(part)
                        or len(words) > 4
                        or _is_place_or_time(part)
                        or self.media.find(part)
                        or self.book.by_key.get(speaker_key(part))
                    ):
                        continue
                    self.media.add(part)

    def mentions(self, sentence: str) -> list[Mention]:
        """Every attributing mention in the sentence, in order of position."""
        found: list[Mention] = []
        taken: list[tuple[int, int]] = []

        def add(
            np: str,
            start: int,
            how: str,
            relay_hint: bool = False,
            inner: bool = False,
            subject: bool = False,
        ) -> None:
            for m in self._entities(np, start, how, relay_hint):
                if any(a <= m.start < b for a, b in taken):
                    continue
                m.inner = inner
                m.subject = subject
                found.append(m)
            taken.append((start, start + len(np)))

        for m in TELEGRAM.finditer(sentence):
            owner = m["owner1"] or m["owner2"]
            if owner:
                owner_sp = self._resolve_np(_clean_np(owner))
                name = f"Telegram channel of {owner_sp.name if owner_sp else _clean_np(owner)}"
            else:
                name = "Telegram channel"
            sp = self.book.resolve(name, kind="media", why=f"{m.group()!r}: a Telegram channel")
            self._note_relay(sp)
            found.append(Mention(sp, m.start(), "relay", "a Telegram channel", inner=True))
            if owner and (owner_sp := self._resolve_np(_clean_np(owner))) is not None:
                found.append(
                    Mention(owner_sp, m.start(), "speaker", "owns the channel", inner=True)
                )
            taken.append((m.start(), m.end()))
        for m in PLATFORM.finditer(sentence):
            sp = self.book.resolve(
                m["platform"].title() if m["platform"].islower() else m["platform"],
                kind="media",
                why=f"{m.group()!r}: a platform",
            )
            self._note_relay(sp)
            found.append(
                Mention(sp, m.start("platform"), "relay", "wrote on a platform", inner=True)
            )
            taken.append((m.start("platform"), m.end()))
        for m in WITH.finditer(sentence):
            add(m["np"], m.start("np"), "(with ...)", relay_hint=True)
        for m in CITING.finditer(sentence):
            word = m.group().split()[0].lower()
            inner = word in ("citing", "relaying", "drawing", "quoting")
            add(
                m["np"],
                m.start("np"),
                m.group().rsplit(m["np"], 1)[0].strip(),
                inner=inner,
                relay_hint=not inner,
            )
        for m in ACCORDING.finditer(sentence):
            add(m["np"], m.start("np"), "according to")
        for m in CREDITED.finditer(sentence):
            add(m["np"], m.start("np"), "credited to")
        for m in POSSESSIVE.finditer(sentence):
            add(m["np"], m.start("np"), "possessive")
        for m in APPOSITIVE_NAME.finditer(sentence):
            add(f"{m['role']} {m['np']}", m.start("role"), m["verb"], subject=True)
        for m in SUBJECT_VERB.finditer(sentence):
            np = m["np"]
            if m["verb"] == "given" and not re.search(
                r"\b(?:had|has|have)\b", sentence[m.end("np") : m.start("verb")]
            ):
                continue  # "the figures given by": not a speaker
            add(
                np,
                m.start("np"),
                m["verb"],
                relay_hint=m["verb"] in ("reported", "reports"),
                subject=not m["cite"],
            )
            if m["cite"]:
                inner_np = re.sub(
                    r"^,\s+(?:citing|relaying|drawing on|quoting)\s+", "", m["cite"]
                ).rstrip(",")
                add(inner_np, m.start("cite"), "citing", inner=True)
        for m in APPOSITIVE_VERB.finditer(sentence):
            add(m["np"], m.start("np"), m["verb"], subject=True)
        for m in VERB_SUBJECT.finditer(sentence):
            # "said the President of Tajikistan, Emomali Rahmon,": the name speaks
            np = f"{m['np']} {m['appos']}" if m["appos"] else m["np"]
            add(np, m.start("np"), m["verb"], subject=True)
        for m in PRONOUN_VERB.finditer(sentence):
            who = self._pronoun(m["np"].lower())
            if who is not None and not any(a <= m.start() < b for a, b in taken):
                found.append(
                    Mention(who, m.start(), "speaker", f"{m['np']} {m['verb']}", subject=True)
                )
        found.sort(key=lambda x: x.start)
        for mention in found:
            self._remember(mention.speaker)
        self._carry_named_person(sentence, found)
        return found

    def _carry_named_person(self, sentence: str, found: list[Mention]) -> None:
        """The last person the sentence names, speaking or not ("Tokayev brushed aside ...,
        dpa said"), is whom a later "he" or "she" means: matched against the speakers
        already known (the set's, or named earlier in the article), never proposed new."""
        last = max(
            ((m.start, m.speaker) for m in found if m.speaker.kind == "person"),
            default=None,
            key=lambda pair: pair[0],
        )
        for m in _NAME_RUN.finditer(sentence):
            if last is not None and m.start() <= last[0]:
                continue
            sp = self.book.known(m.group())
            if sp is not None and sp.kind == "person":
                last = (m.start(), sp)
        if last is not None:
            self._remember(last[1])

    def named(self, np: str) -> DraftSpeaker | None:
        """The speaker a name or role names ("Anatoly Antonov", "Q" is none): a known one,
        else a person proposed when it reads as a full name (two capitalised words or more)."""
        known = self.book.known(np)
        if known is not None:
            return known
        if len(np.split()) < 2 or _is_place_or_time(np):
            return None
        return self._resolve_np(np)

    def _entities(self, np: str, start: int, how: str, relay_hint: bool) -> list[Mention]:
        np = _clean_np(np)
        out: list[Mention] = []
        # a list of media: "the Russian news agencies Interfax and RIA Novosti"
        for part in _split_and(np):
            sp = self._resolve_np(part)
            if sp is None:
                continue
            is_media = sp.kind == "media"
            if is_media:
                self._note_relay(sp)
            role = "relay" if is_media else "speaker"
            out.append(Mention(sp, start + max(0, np.find(part)), role, how))
        return out

    def _resolve_np(self, np: str) -> DraftSpeaker | None:
        np = _clean_np(np)
        if not np or _STOP_NP.match(np) or len(np) > 90:
            return None
        if np.lower() in ("he", "she", "they", "it"):
            return self._pronoun(np.lower())
        role_of_earlier = self._by_role(np)
        if role_of_earlier is not None:
            return role_of_earlier
        anaphor = _ANAPHORA.match(np)
        if anaphor:
            head = anaphor["head"].lower()
            earlier = self._by_head(head)
            if earlier is not None or head not in _COLLECTIVE:
                return earlier
            # "the authorities" with none named before: the collective itself
        media_name, _rest = self._media_in(np)
        if media_name is not None:
            return self.book.resolve(media_name, kind="media", why=f"{np!r}: a known medium")
        role, name = _role_and_name(np)
        if name is None and _UNNAMED.match(np):
            # "a Russian lawmaker", "a foreign ministry spokesperson": a person by role
            described = re.sub(r"^(?:a|an)\s+", "", np, flags=re.I)
            return self.book.known(described) or self.book.resolve(
                described, kind="person", role=described, why=f"an unnamed {described!r}"
            )
        if name is None:
            if not _is_body(np):
                return None
            name, role = np, ""
        if _is_place_or_time(name):
            return None
        if _descriptor(np, self.media.descriptors):
            return self.book.resolve(
                name, kind="media", role=role, why=f"{np!r}: named as a medium"
            )
        return self.book.resolve(name, role=role, why=f"named as {np!r}")

    def _media_in(self, np: str) -> tuple[str | None, str]:
        hit = self.media.find(np)
        if hit is not None:
            return hit, ""
        words = np.split()
        for size in range(min(4, len(words)), 0, -1):
            for i in range(len(words) - size, -1, -1):
                cand = " ".join(words[i : i + size])
                hit = self.media.find(cand)
                if (hit is not None and cand[:1].isupper()) or (hit and cand == "dpa"):
                    return hit, " ".join(words[:i])
        return None, np

    def _by_role(self, np: str) -> DraftSpeaker | None:
        """ "the diplomat", "the ambassador": the speaker named before whose role or
        spellings hold that word (the latest such one)."""
        m = re.match(r"^(?:the|this|that)\s+([a-z]+)$", np, re.I)
        if m is None or m[1].lower() in _ANAPHORA_HEADS.split("|"):
            return None
        word = m[1].lower()
        for sp in reversed(self.named_before):
            known = self.book.claimset.speakers.get(sp.id) if self.book.claimset else None
            words = " ".join([sp.role, sp.name, *(known.aliases if known else [])]).lower()
            if re.search(rf"\b{word}\b", words):
                return sp
        return None

    def _by_head(self, head: str) -> DraftSpeaker | None:
        if head in ("agency", "agencies", "channel", "broadcaster", "outlet"):
            return self.last_media
        return self.last_by_head.get(head) or (
            self.last_person if head in ("president", "mayor", "prosecutor") else None
        )

    def _pronoun(self, word: str) -> DraftSpeaker | None:
        if word in ("he", "she"):
            return self.last_person
        return self.last_by_head.get("it") if word == "it" else self.last_by_head.get("they")

    def _remember(self, sp: DraftSpeaker) -> None:
        if sp in self.named_before:
            self.named_before.remove(sp)
        self.named_before.append(sp)
        if sp.kind == "person":
            self.last_person = sp
        elif sp.kind == "media":
            self.last_media = sp
        low = sp.name.lower() + " " + sp.role.lower()
        for head in (
            "ministry",
            "chamber",
            "office",
            "president",
            "police",
            "prosecutor",
            "mayor",
            "alliance",
            "government",
            "authorities",
        ):
            if head in low:
                self.last_by_head[head] = sp
        if sp.kind == "body":
            self.last_by_head["it"] = sp
            self.last_by_head["they"] = sp

    def _note_relay(self, sp: DraftSpeaker) -> None:
        if sp.name not in self.relays:
            self.relays.append(sp.name)

    def attribute(self, sentence: str, at: int | None = None) -> Attribution:
        """The speaker and relay chain of what the sentence says (see :func:`choose`)."""
        return choose(self.mentions(sentence), at)


def choose(mentions: list[Mention], at: int | None = None) -> Attribution:
    """From a sentence's mentions, the speaker of what stands at ``at`` (the speaker named
    nearest before it, else the first after; a cited origin over the outlet citing it)
    and the relay chain, origin first. No speaker but a medium: the medium speaks."""
    speakers = [m for m in mentions if m.role == "speaker"]
    relays = [m for m in mentions if m.role == "relay"]
    chosen: Mention | None = None
    voiced = [m for m in relays if m.subject and (at is None or m.start <= at)]
    if at is not None and (speakers or voiced):
        # the speaker named nearest before the figure; a medium that says it itself ("the
        # state channel Khabar-24 gave 78 bln") counts, one that only passes it on does not
        before = sorted((m for m in speakers + voiced if m.start <= at), key=lambda m: m.start)
        chosen = before[-1] if before else speakers[0]
    elif speakers:
        chosen = next((m for m in speakers if m.inner), speakers[0])
    elif relays:
        inner = [m for m in relays if m.inner and "Telegram" not in m.speaker.name]
        chosen = inner[0] if inner else (voiced or relays)[0]
    via = _chain([m for m in relays if chosen is None or m.speaker.id != chosen.speaker.id])
    return Attribution(chosen.speaker if chosen else None, via, chosen.how if chosen else "")


def relay_chain(mentions: list[Mention]) -> list[str]:
    """Every medium the sentence names, origin first (when the speaker is named elsewhere)."""
    return _chain([m for m in mentions if m.role == "relay"])


def _chain(relays: list[Mention]) -> list[str]:
    """Relays ordered origin first: the cited ones, then the rest in order of mention."""
    ordered = [m for m in relays if m.inner] + [m for m in relays if not m.inner]
    names: list[str] = []
    for m in ordered:
        if m.speaker.name not in names:
            names.append(m.speaker.name)
    return names


def _clean_np(np: str) -> str:
    np = " ".join(np.replace("’", "'").split()).strip(" ,;:()")
    np = _LEADING.sub("", np)
    np = re.sub(r"^(?:citing|relaying|quoting|drawing on)\s+", "", np, flags=re.I)
    np = re.sub(r"['’]s\s+telegram channel$", "", np, flags=re.I)
    np = re.sub(
        r"^(?:in|by|on)\s+(?:a\s+)?(?:statement|report)\s+(?:from|by)\s+", "", np, flags=re.I
    )
    np = re.sub(
        r"^(?:a|an)\s+(?:statement|report|post)\s+(?:issued\s+)?(?:by|from)\s+", "", np, flags=re.I
    )
    np = re.sub(r"^(?:(?:a|an|the)\s+)?(?:statement|report|post)\b.*?\bby\s+", "", np, flags=re.I)
    np = re.sub(r"^(?:figures|data|numbers)\s+(?=the\s|[A-Z])", "", np)
    np = re.sub(r"\s+released\b.*$", "", np)
    np = re.sub(
        r"^(?:by|on)?\s*(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+",
        "",
        np,
        flags=re.I,
    )
    np = re.sub(
        r"\s+(?:on|last)\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b.*$",
        "",
        np,
        flags=re.I,
    )
    return np.strip(" ,;:")


def _split_and(np: str) -> list[str]:
    parts = re.split(r",\s*|\s+and\s+", np)
    if (
        len(parts) > 1
        and all(p[:1].isupper() or p.lower() == "dpa" for p in parts[1:])
        and not re.search(r"\bof\b", np)
    ):
        # "the Russian news agencies Interfax and RIA Novosti": the descriptor stays with each
        return [p for p in parts if p]
    return [np]


def _role_and_name(np: str) -> tuple[str, str | None]:
    """("police spokeswoman", "Saltanat Azirbek") from "police spokeswoman Saltanat Azirbek";
    the name is the run of capitalised words at the end."""
    words = np.split()
    i = len(words)
    while i > 0 and (
        words[i - 1][:1].isupper()
        or (words[i - 1] in ("of", "and", "for", "the", "in") and i > 1 and i < len(words))
    ):
        i -= 1
    while i < len(words) and words[i] in ("of", "and", "for", "the", "in"):
        i += 1
    name_words = words[i:]
    if not name_words:
        return np, None
    role = " ".join(words[:i]).strip(" ,")
    role = re.sub(r"^(?:the|a|an)\s+", "", role, flags=re.I)
    name = " ".join(name_words)
    if len(name_words) == 1 and not role and not _is_body(name) and len(name) < 3:
        return role, None
    if _is_body(np) and (not name_words[0][:1].isupper() or len(name_words) < 2 or role):
        return "", np.strip()
    return role, name


def _is_body(np: str) -> bool:
    return bool(
        re.search(
            r"\b(?:ministry|office|officials|authorities|police|government|"
            r"television|media|chamber|headquarters|prosecutors|commissioner|"
            r"alliance|embassy|kremlin|council|committee|commission)\b",
            np,
            re.I,
        )
    )


_UNNAMED = re.compile(
    r"^(?:a|an)\s+(?:[\w'’-]+\s+){0,3}(?:lawmaker|spokesperson|spokesman|spokeswoman|official|"
    r"diplomat|envoy|senator|leader|witness|resident|analyst|expert|source|commander)$",
    re.I,
)
_PLACES_TIMES = re.compile(
    r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|"
    r"may|june|july|august|september|october|november|december|jan|feb|dec|in|on|at|by|"
    r"businesses|morgues|estimates|shopping|security forces)$",
    re.I,
)


def _is_place_or_time(name: str) -> bool:
    return bool(_PLACES_TIMES.match(name.strip()))


def _descriptor(np: str, descriptors: tuple[str, ...]) -> bool:
    low = np.lower()
    return any(re.search(rf"\b{re.escape(d)}\b", low) for d in descriptors) and not _is_body(np)
