"""One article drafted against the claim set: source, speakers, claims, figures (nothing written)."""  # noqa: E501

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from bot.claimset.model import ClaimSet
from bot.claimset.numbers import parse_numbers
from bot.ingest.attribution import Attribution, Reader, choose, relay_chain
from bot.ingest.dates import resolve_day
from bot.ingest.figures import Found, Vocab, find_figures, withdrawal_words
from bot.ingest.media import media_lexicon
from bot.ingest.models import (
    Draft,
    DraftClaim,
    DraftEquivalent,
    DraftFigure,
    DraftSource,
    DraftSpeaker,
    Lifecycle,
)
from bot.ingest.sentences import Sentence, split_sentences
from bot.ingest.source import draft_source, head_lines
from bot.ingest.speakers import SpeakerBook, slug

log = logging.getLogger(__name__)

_QUOTE = re.compile(r"[“\"](?P<q>[^”\"]{12,})[”\"]")
_THAT = re.compile(
    r"\b(?:said|says|told [\w\s]{1,30}?|announced|claimed|stated|reported|added|"
    r"noted|insisted|warned|acknowledged|admitted|confirmed)\s+(?:on\s+\w+\s+)?that\s+(?P<c>.+)$"
)
_TRAILING = re.compile(
    r"^(?P<c>.+?),\s+(?:(?:the|a|an)\s+)?[^,]{1,80}?\s+(?:said|says|reported|"
    r"noted|told [^,]+|added|claimed|wrote)\b.*$"
)
_CLAIM_VERBS = re.compile(r"\b(?:claimed|accused|alleged|insisted)\b")


def draft_article(
    text: str,
    claimset: ClaimSet | None,
    *,
    outlet: str | None = None,
    published: dt.date | None = None,
    url: str | None = None,
) -> Draft:
    """The draft of ``text``: every guess with why; nothing is written anywhere."""
    source = draft_source(text, claimset, outlet=outlet, published=published, url=url)
    book = SpeakerBook.of(claimset)
    media = media_lexicon(claimset)
    reader = Reader(book, media, outlet=source.outlet)
    vocab = Vocab.of(claimset)
    reader.learn_media(text)
    sentences = split_sentences(text)
    body = _body(sentences, text, source)
    head = [s for s in sentences if source.headline and s.paragraph == 0]
    figures: list[DraftFigure] = []
    claims: list[DraftClaim] = []
    last: dict[int, Attribution] = {}
    previous_day: dt.date | None = None
    transcript = _Transcript()
    paragraph_of: dict[int, int] = {}  # figure index -> its paragraph
    for sentence in body:
        answer = transcript.speaker_of(sentence, text, reader)
        mentions = reader.mentions(sentence.text)
        only_media = bool(mentions) and all(m.role == "relay" for m in mentions)
        inherited = (not mentions or only_media) and sentence.paragraph in last
        base = choose(mentions)
        if answer is not None and not mentions:
            # an interview's answer: "? Anatoly Antonov: ..." and the paragraphs after it
            base, inherited = Attribution(answer, [], "an interview answer"), False
            last[sentence.paragraph] = base
        elif inherited:
            prior = last[sentence.paragraph]
            base = Attribution(
                prior.speaker,
                list(dict.fromkeys(prior.via + relay_chain(mentions))) if only_media else prior.via,
                prior.how,
            )
        if mentions and not only_media:
            last[sentence.paragraph] = base
        day, day_words, basis = (
            resolve_day(sentence.text, source.published, previous_day)
            if source.published
            else (None, None, "inferred")
        )
        if day is not None:
            previous_day = day
        founds = find_figures(sentence.text, vocab)
        if not founds and figures:
            _withdrawals(sentence, figures, paragraph_of, mentions)
        for found in founds:
            voiced = any(m.subject and m.start <= found.start for m in mentions)
            if mentions and (not inherited or voiced):
                # a medium that gives the number itself ("the AP put it at ...") is its
                # speaker, not a relay of the paragraph's speaker
                attribution = choose(mentions, found.start)
            else:
                attribution = base
            paragraph_of[len(figures)] = sentence.paragraph
            figures.append(
                _figure(
                    found,
                    sentence,
                    source,
                    attribution,
                    book,
                    day,
                    day_words,
                    basis,
                    inherited,
                    claimset,
                )
            )
        own_words = answer is not None and not mentions
        carried = inherited and not mentions and bool(_QUOTE.search(sentence.text))
        claim = _claim(
            sentence,
            base,
            mentions,
            book,
            claimset,
            source,
            day,
            vocab,
            speaking=own_words or carried,
            direct=own_words or None,
        )
        if claim is not None:
            claims.append(claim)
    figures = _headline_figures(head, source, vocab, book, figures) + figures
    _link_revisions(figures)
    _link_parts(figures)
    _link_figures(figures, claimset)
    _link_roundings(figures)
    for f in figures:
        if f.revised_by and f.verdict and f.verdict.startswith("new latest"):
            f.verdict = None  # "up from 44": the article itself gives a later count
    speakers = _used_speakers(book, figures, claims)
    source.relays = [r for r in reader.relays if r != source.outlet]
    return Draft(
        text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        claimset=claimset.manifest.id if claimset else "",
        source=source,
        speakers=speakers,
        claims=claims,
        figures=figures,
    )


def _body(sentences: list[Sentence], text: str, source: DraftSource) -> list[Sentence]:
    """Sentences after the headline and the byline or dateline (its words are not the story's),
    with a dateline cut off its sentence ("ALMATY, Jan 6 (Practice Wire) -")."""
    lines = head_lines(text)
    skip = {line for line in lines[: 2 if source.headline else 1]}
    out = []
    for s in sentences:
        if s.paragraph == 0 and source.headline:
            continue
        if s.text in skip or any(s.text == line for line in skip):
            continue
        if s.paragraph <= 1 and re.match(r"^[A-Z][A-Z/ -]+,.*\)\s*[-—–]\s*$", s.text):
            continue
        if (
            s.paragraph <= 1
            and len(s.text) < 120
            and re.search(r"\s[|·—]\s", s.text)
            and not s.text.endswith(".")
        ):
            continue
        out.append(s)
    return out


def _figure(
    found: Found,
    sentence: Sentence,
    source: DraftSource,
    att: Attribution,
    book: SpeakerBook,
    day: dt.date | None,
    day_words: str | None,
    basis: str,
    inherited: bool,
    claimset: ClaimSet | None,
) -> DraftFigure:
    lifecycle = [Lifecycle(kind=k, words=w) for k, w in found.lifecycle]  # type: ignore[arg-type]
    if found.increment:
        lifecycle.append(Lifecycle(kind="increment", words=found.words))
    if found.part:
        lifecycle.append(Lifecycle(kind="part", words="of whom / of them"))
    as_of_basis = "stated" if day else ("undated" if basis == "undated" else "inferred")
    if basis == "undated" and day_words:
        lifecycle.append(Lifecycle(kind="earlier", words=day_words))
    as_of = day if day else (None if basis == "undated" else source.published)
    why = list(found.why)
    why.append(
        "as_of: "
        + (
            f"{day_words!r} against the article's date"
            if day
            else "undated earlier count"
            if basis == "undated"
            else "the article's date (inferred: the sentence names no day)"
        )
    )
    if att.speaker is not None:
        why.append(
            f"speaker: {att.how or 'named'}" + (" (implied by the paragraph)" if inherited else "")
        )
    else:
        why.append("no speaker: the outlet's own words")
    ident = book.take_id(f"{source.id}-{found.topic or 'figure'}-{slug(found.words, 24)}")
    equivalent = None
    if found.equivalent is not None:
        e = found.equivalent
        equivalent = DraftEquivalent(
            words=e.words, qualifier=e.qualifier, low=e.low, high=e.high, unit=e.unit
        )
    figure = DraftFigure(
        id=ident,
        words=found.words,
        low=found.low,
        high=found.high,
        qualifier=found.qualifier,
        unit=found.unit,
        topic=found.topic,
        scope=found.scope,
        group=found.group,
        place=found.place,
        label=found.label,
        as_of=as_of,
        as_of_words=day_words if day else None,
        as_of_basis=as_of_basis,  # type: ignore[arg-type]
        speaker=att.speaker.name if att.speaker else None,
        speaker_id=att.speaker.id if att.speaker else None,
        quote=sentence.text,
        via=att.via,
        lifecycle=lifecycle,
        equivalent=equivalent,
        period_words=found.period_words,
        why=why,
        confidence="low" if inherited and found.confidence == "high" else found.confidence,  # type: ignore[arg-type]
    )
    figure.verdict = _verdict(figure, claimset)
    return figure


def _verdict(f: DraftFigure, claimset: ClaimSet | None) -> str | None:
    """What the figure would change in its topic's answer: a retraction, a new latest count,
    a count disjoint from a same-day one of the same scope."""
    if any(lc.kind in ("retracted", "denied") for lc in f.lifecycle):
        return "retraction: a withdrawn or denied count"
    if claimset is None or f.topic is None:
        return None
    same = [
        x
        for x in claimset.figures.values()
        if x.topic == f.topic and x.unit == f.unit and (x.group or "all") == (f.group or "all")
    ]
    if not same:
        return "new topic count: the set has none for this scope"
    if f.as_of and all(x.as_of is None or x.as_of < f.as_of for x in same):
        return "new latest count for this scope"
    for x in same:
        if x.as_of == f.as_of and x.place == f.place and _disjoint(x.low, x.high, f.low, f.high):
            return f"contradiction? disjoint from {x.id} ({x.words}) of the same day and scope"
    return None


def _disjoint(
    a_lo: float | None, a_hi: float | None, b_lo: float | None, b_hi: float | None
) -> bool:
    return (a_hi is not None and b_lo is not None and a_hi < b_lo) or (
        b_hi is not None and a_lo is not None and b_hi < a_lo
    )


def _headline_figures(
    head: list[Sentence],
    source: DraftSource,
    vocab: Vocab,
    book: SpeakerBook,
    body: list[DraftFigure],
) -> list[DraftFigure]:
    """Figures the headline alone states (one it repeats from the body is the body's)."""
    out: list[DraftFigure] = []
    values = {(f.low, f.high) for f in body} | {f.low for f in body} | {f.high for f in body}
    for sentence in head:
        for found in find_figures(sentence.text, vocab):
            n = found.number.low
            repeated = n in values or (found.low, found.high) in values
            if repeated and not _own_wording(found, body):
                continue
            f = _figure(
                found,
                sentence,
                source,
                Attribution(None),
                book,
                None,
                None,
                "inferred",
                False,
                None,
            )
            f.headline = True
            f.why.append("in the headline only: the outlet's own rounding or summary")
            out.append(f)
    return out


def _withdrawals(
    sentence: Sentence, figures: list[DraftFigure], paragraph_of: dict[int, int], mentions: list
) -> None:
    """A sentence with no figure that withdraws or denies one given just before ("the
    ministry said it had not supplied any such numbers"): the latest figure of this or the
    previous paragraph gets the event, with this sentence as its quote and the speaker named
    nearest before the words as who says so; a denial by another than the figure's speaker
    is a retraction."""
    words = withdrawal_words(sentence.text)
    last = len(figures) - 1
    if not words or paragraph_of.get(last, -9) < sentence.paragraph - 1:
        return
    target = figures[last]
    for kind, said, at in words:
        who = choose(mentions, at).speaker if mentions else None
        by = who.id if who is not None else None
        if kind == "denied" and by != target.speaker_id:
            kind = "retracted"
        if any(lc.kind == kind and lc.quote == sentence.text for lc in target.lifecycle):
            continue
        target.lifecycle.append(
            Lifecycle(kind=kind, words=said, quote=sentence.text, by=by)  # type: ignore[arg-type]
        )
        target.why.append(f"{kind}: {said!r} in a later sentence")
    target.verdict = _verdict(target, None) or target.verdict


def _own_wording(found: Found, body: list[DraftFigure]) -> bool:
    """A headline number the body repeats is the body's, unless the headline qualifies it
    in words the body never uses for it ("Nearly 1,700" over a body's "1,700" and
    "1,678"): then it is the headline's own rounding."""
    if found.qualifier in ("exact", "about", "vague"):
        return False
    return not any(
        f.qualifier == found.qualifier and (f.low, f.high) == (found.low, found.high) for f in body
    )


def _link_parts(figures: list[DraftFigure]) -> None:
    """A part's whole, in the same sentence and unit: "175 of the 225" the figure after it;
    "935 of them", "of whom 4,353" the nearest before it; "Of the 546 cases ..., 44 ...,
    34 ..." and "fewer than 50 deaths, made up of 26 ... and 18 ..." the figure that
    opens the breakdown (the parts count what it counts); "Nineteen of the dead" with no
    whole in its sentence, the latest count of the same topic before it in the article."""
    for i, f in enumerate(figures):
        if any(lc.kind == "part" for lc in f.lifecycle) or f.headline:
            continue
        whole = _breakdown_whole(f, figures[:i])
        if whole is not None and f.unit != whole.unit:
            if f.unit != "people" or _unit_named(f) or f.scope.startswith(("people", "persons")):
                continue  # it names what it counts, and that is not what the whole counts
            f.unit = whole.unit  # "44 concern acts of terrorism": cases, as the whole
        if whole is not None:
            f.topic = f.topic or whole.topic
            f.lifecycle.append(Lifecycle(kind="part", words=_BREAKDOWN_WORDS, of=whole.id))
    for i, f in enumerate(figures):
        for lc in f.lifecycle:
            if lc.kind != "part" or lc.of:
                continue
            same = [g for g in figures if g is not f and g.quote == f.quote and g.unit == f.unit]
            after = [g for g in same if figures.index(g) > i]
            if after and re.search(
                rf"{re.escape(f.words)}\s+of the\s+{re.escape(after[0].words)}", f.quote
            ):
                lc.of = after[0].id
                continue
            before = [g for g in same if figures.index(g) < i]
            if before:
                lc.of = before[-1].id
            elif lc.of is None and not [g for g in figures if g.quote == f.quote and g is not f]:
                earlier = [
                    g
                    for g in figures[:i]
                    if not g.headline
                    and g.topic == f.topic
                    and g.unit == f.unit
                    and f.topic
                    and g.revised_by is None  # the current count, not one it replaced
                ]
                if earlier:
                    lc.of = earlier[-1].id


_BREAKDOWN_WORDS = "a breakdown ('Of N ..., A, B', 'made up of A and B')"
_BREAKDOWN_OPEN = re.compile(r"^(?:Of|Out of)\s+(?:the\s+)?$")
_MADE_UP = re.compile(r"\b(?:made up of|including|comprising|broken down into)\s+$")


def _breakdown_whole(f: DraftFigure, before: list[DraftFigure]) -> DraftFigure | None:
    """The whole a figure is listed under, in its own sentence: the count that opens it
    ("Of the 546 cases") or the one right before "made up of"."""
    same = [g for g in before if g.quote == f.quote]
    if not same:
        return None
    at = _at(f)
    first = same[0]
    first_at = _at(first)
    prev_end = _at(same[-1]) + len(same[-1].words)
    if (
        _BREAKDOWN_OPEN.match(f.quote[:first_at])
        and at > first_at
        and not re.search(r",\s+and\s", f.quote[prev_end:at])  # ", and" opens a new clause
    ):
        return first
    for g in reversed(same):
        g_end = _at(g) + len(g.words)
        between = f.quote[g_end:at]
        if _MADE_UP.search(between) or (
            re.search(r"\b(?:made up of|including|comprising)\b", between)
            and re.match(r"^[^.;]*$", between)
        ):
            return g
    return None


def _at(f: DraftFigure) -> int:
    """Where the figure's words stand in its sentence (as a whole word: "18", not News18's)."""
    m = re.search(rf"(?<![\w-]){re.escape(f.words)}(?!\w)", f.quote)
    return m.start() if m else f.quote.find(f.words)


def _unit_named(f: DraftFigure) -> bool:
    """Whether the words after the number name a unit (else "people" by default)."""
    return "unit" in " ".join(f.why)


def _link_revisions(figures: list[DraftFigure]) -> None:
    """ "up from N", "from N to M": N is revised by the other count of its sentence."""
    for f in figures:
        for g in figures:
            if g is f or g.quote != f.quote or (g.topic, g.unit) != (f.topic, f.unit):
                continue
            if (
                g.topic
                and re.search(
                    rf"\b(?:up|down)?\s*from\s+(?:\w+\s+){{0,2}}?{re.escape(g.words)}(?!\w)",
                    f.quote,
                )
                and g.revised_by is None
                and f.revised_by != g.id
            ):
                g.revised_by = f.id
                g.why.append(f"revised_by: 'from {g.words}' beside {f.words!r}")


def _link_roundings(figures: list[DraftFigure]) -> None:
    """A round number that rounds an exact count of the same quantity in the article
    ("Nearly 1,700" over "1,678"; "more than 4,300" over "4,353") restates it: same topic,
    unit and kind, no other place, group or stated day, the exact count inside the round
    one's interval (about: either side) and within 3 % of it; the closest such count."""
    exact = [f for f in figures if f.qualifier == "exact" and f.topic and f.low is not None]
    for r in figures:
        stated = parse_numbers(r.words)
        n = stated[0].low if len(stated) == 1 else None  # "more than 4,300": 4,300
        if r.qualifier == "exact" or r.same_as or not r.topic or not n or n < 100 or n % 100:
            continue  # not a rounding
        close = []
        for e in exact:
            value = e.low
            if value is None or e is r or e.same_as or abs(value - n) > 0.03 * n:
                continue
            if (e.topic, e.unit, e.kind) != (r.topic, r.unit, r.kind):
                continue
            if any(a and b and a != b for a, b in ((e.place, r.place), (e.group, r.group))):
                continue  # an unstated place or group is no difference
            if r.as_of_basis == "stated" and r.as_of != e.as_of:
                continue
            inside = r.qualifier == "about" or (
                (r.low is None or value >= r.low) and (r.high is None or value <= r.high)
            )
            if inside and value != n:
                close.append((abs(value - n), e))
        if close:
            e = min(close, key=lambda pair: pair[0])[1]
            r.same_as = e.id
            r.why.append(f"same_as: {r.words!r} rounds {e.words!r} of the same count")


def _link_figures(figures: list[DraftFigure], claimset: ClaimSet | None) -> None:
    """The figure model's links the text states plainly: an increment with its period; the
    whole a part names; an undated earlier count before the article's dated one of the same
    quantity; the set's figure with the same count, day, scope and speaker (a restatement)."""
    for f in figures:
        if any(lc.kind == "increment" for lc in f.lifecycle) and f.period_words:
            f.kind = "increment"
        whole = next((lc.of for lc in f.lifecycle if lc.kind == "part" and lc.of), None)
        if whole is not None:
            f.part_of = whole
    for f in figures:
        if f.as_of is None and f.topic and any(lc.kind == "earlier" for lc in f.lifecycle):
            later = [
                g
                for g in figures
                if g.as_of is not None
                and _same_quantity(f, g)
                and g.kind == f.kind
                and not g.headline
                and g.confidence != "low"
            ]
            if later:
                f.earlier_than = max(later, key=lambda g: g.as_of or dt.date.min).id
        if claimset is not None and f.topic and f.as_of and f.speaker_id:
            first = next(
                (
                    x
                    for x in claimset.figures.values()
                    if x.same_as is None
                    and x.topic == f.topic
                    and x.unit == f.unit
                    and x.kind == f.kind
                    and (x.group, x.place, x.as_of, x.speaker)
                    == (f.group, f.place, f.as_of, f.speaker_id)
                    and (x.low, x.high) == (f.low, f.high)
                ),
                None,
            )
            if first is not None:
                f.same_as = first.id
                f.why.append(f"same_as: the set's {first.id} gives the same count, day and scope")


def _same_quantity(a: DraftFigure, b: DraftFigure) -> bool:
    return (a.topic, a.unit, a.group, a.place) == (b.topic, b.unit, b.group, b.place)


def _claim(
    sentence: Sentence,
    att: Attribution,
    mentions: list,
    book: SpeakerBook,
    claimset: ClaimSet | None,
    source: DraftSource,
    day: dt.date | None,
    vocab: Vocab,
    *,
    speaking: bool = False,
    direct: bool | None = None,
) -> DraftClaim | None:
    """An attributed statement: a direct quotation, indirect speech, "according to";
    ``speaking``: the sentence names no speaker but is one's words (an interview answer, a
    quotation in a paragraph whose speaker is named), ``direct`` when all of it is."""
    if (not mentions and not speaking) or att.speaker is None:
        return None
    text = sentence.text
    quoted = _QUOTE.search(text)
    quote = text  # the whole sentence: who says it, and the words, verbatim
    if direct:
        statement = _LABEL.sub("", text)
    elif quoted:
        statement, direct = quoted["q"].strip(), True
    else:
        statement, direct = _content(text), False
    statement = statement.strip(" ,;:")
    if len(statement) < 12:
        return None
    statement = statement[:1].upper() + statement[1:]
    if not statement.endswith((".", "!", "?")):
        statement += "."
    speaker = att.speaker
    words = [w for w in re.findall(r"[a-z]+", statement.lower()) if len(w) > 3][:4]
    ident = book.take_id(f"{speaker.id[:24]}-{'-'.join(words) or 'statement'}"[:64].rstrip("-"))
    topics = sorted({t for w, t in vocab.topics if re.search(rf"\b{re.escape(w)}\b", text.lower())})
    kind = (
        "allegation"
        if _CLAIM_VERBS.search(text)
        else ("report" if speaker.kind == "media" or re.search(r"\d", statement) else "statement")
    )
    return DraftClaim(
        id=ident,
        statement=statement,
        speaker=speaker.name,
        speaker_id=speaker.id,
        quote=quote,
        via=att.via,
        kind=kind,
        said_on=day,
        topics=topics,
        direct=direct,  # type: ignore[arg-type]
        same_as=_same_claim(statement, quote, speaker, claimset),
        why=("a direct quotation" if direct else "indirect speech")
        + f" ({att.how})"
        + (f"; the paragraph's speaker is {speaker.name}" if speaking and not mentions else ""),
        confidence=("medium" if speaking else "high") if direct else "medium",
    )


# An interview transcript's speaker label: "? Anatoly Antonov: ...", "Q: ...".
_LABEL = re.compile(
    r"^(?P<marker>[^\w\s“\"‘'(]{0,3})\s*(?P<name>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}):\s+"
)


@dataclass(slots=True)
class _Transcript:
    """Who answers in an interview transcript: a line labelled with a person's name, and
    the lines after it that open with the same marker ("? ..."), until another opens."""

    speaker: DraftSpeaker | None = None
    marker: str = ""
    line: int = -1

    def speaker_of(self, sentence: Sentence, text: str, reader: Reader) -> DraftSpeaker | None:
        start = text.rfind("\n", 0, sentence.start) + 1
        if start != self.line:
            self.line = start
            line = text[start : text.find("\n", start) if "\n" in text[start:] else len(text)]
            m = _LABEL.match(line)
            named = reader.named(m["name"]) if m else None
            if m and named is not None and named.kind == "person":
                self.speaker, self.marker = named, m["marker"]
            elif not (self.marker and line.startswith(self.marker)):
                self.speaker, self.marker = None, ""
        return self.speaker


def _content(text: str) -> str:
    """What is attributed, without the attribution: "X said that C" -> C; "C, X said." -> C."""
    m = _THAT.search(text)
    if m:
        return m["c"]
    m = _TRAILING.match(text)
    if m:
        return m["c"]
    m = re.match(r"^[Aa]ccording to [^,]+,\s*(?P<c>.+)$", text)
    if m:
        return m["c"]
    return re.sub(r",?\s+according to [^,.;]+", "", text)


def _same_claim(
    statement: str, quote: str, speaker: DraftSpeaker, claimset: ClaimSet | None
) -> str | None:
    """The set's claim by the same speaker that says the same: its statement worded alike
    (>= 85, word sets), or one of its quotes the same words as this one (>= 90)."""
    if claimset is None or not speaker.existing:
        return None
    best, best_score = None, 0.0
    for claim in claimset.claims.values():
        if claim.speaker != speaker.id:
            continue
        score = max(
            fuzz.token_set_ratio(statement, claim.statement, processor=default_process),
            *(
                fuzz.ratio(quote, a.quote, processor=default_process) - 5
                for a in claim.attributions
            ),
        )
        if score > best_score:
            best, best_score = claim.id, score
    return best if best_score >= 85 else None


def _used_speakers(
    book: SpeakerBook, figures: list[DraftFigure], claims: list[DraftClaim]
) -> list[DraftSpeaker]:
    used = {f.speaker_id for f in figures} | {c.speaker_id for c in claims}
    return [s for s in book.drafted.values() if s.id in used or s.kind == "media"]


def verdict_of(figure: DraftFigure, claimset: ClaimSet | None) -> str | None:
    """The verdict flag of ``figure`` against ``claimset`` (for a figure an editor corrected)."""
    return _verdict(figure, claimset)
