"""One article drafted against the claim set: source, speakers, claims, figures (nothing written)."""  # noqa: E501

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re

from rapidfuzz import fuzz

from bot.claimset.model import ClaimSet
from bot.ingest.attribution import Attribution, Reader, choose
from bot.ingest.dates import resolve_day
from bot.ingest.figures import Found, Vocab, find_figures
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
    for sentence in body:
        mentions = reader.mentions(sentence.text)
        only_media = bool(mentions) and all(m.role == "relay" for m in mentions)
        inherited = (not mentions or only_media) and sentence.paragraph in last
        base = choose(mentions)
        if inherited:
            prior = last[sentence.paragraph]
            base = Attribution(
                prior.speaker,
                list(dict.fromkeys(prior.via + base.via)) if only_media else prior.via,
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
        for found in find_figures(sentence.text, vocab):
            attribution = base if inherited or not mentions else choose(mentions, found.start)
            if inherited and only_media:
                attribution = base
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
        claim = _claim(sentence, base, mentions, book, claimset, source, day, vocab)
        if claim is not None:
            claims.append(claim)
    figures = _headline_figures(head, source, vocab, book, figures) + figures
    _link_parts(figures)
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
            if n in values or (found.low, found.high) in values:
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


def _link_parts(figures: list[DraftFigure]) -> None:
    """ "Of whom": a part names the figure before it in the same sentence as its whole."""
    for i, f in enumerate(figures):
        for lc in f.lifecycle:
            if lc.kind == "part" and i > 0 and figures[i - 1].quote == f.quote:
                lc.of = figures[i - 1].id


def _claim(
    sentence: Sentence,
    att: Attribution,
    mentions: list,
    book: SpeakerBook,
    claimset: ClaimSet | None,
    source: DraftSource,
    day: dt.date | None,
    vocab: Vocab,
) -> DraftClaim | None:
    """An attributed statement: a direct quotation, indirect speech, "according to"."""
    if not mentions or att.speaker is None:
        return None
    text = sentence.text
    quoted = _QUOTE.search(text)
    if quoted:
        quote = quoted["q"].strip()
        statement, direct = quote, True
    else:
        quote = text
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
        same_as=_same_claim(statement, speaker, claimset),
        why=("a direct quotation" if direct else "indirect speech") + f" ({att.how})",
        confidence="high" if direct else "medium",
    )


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


def _same_claim(statement: str, speaker: DraftSpeaker, claimset: ClaimSet | None) -> str | None:
    if claimset is None or not speaker.existing:
        return None
    best, best_score = None, 0.0
    for claim in claimset.claims.values():
        if claim.speaker != speaker.id:
            continue
        score = fuzz.token_set_ratio(statement, claim.statement)
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
