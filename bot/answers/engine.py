"""The answer engine: one object over a loaded claim set that answers every command.

Everything it searches is indexed once, in ``__init__``: the claims in a
:class:`bot.answers.search_index.SearchIndex` (speaker names with every alias, statement,
topics, quotes, outlets), and the small lists (speakers, topics, sources) as normalised
choice strings for rapidfuzz. Queries never scan every claim.
"""

from __future__ import annotations

import copy
import heapq
import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from rapidfuzz import fuzz, process

from bot.answers import evidence as evidence_mod
from bot.answers import figures as figures_mod
from bot.answers import search_index
from bot.answers.editorial_view import NO_EDITORIAL, EditorialView
from bot.answers.lexicon import LEXICON_PATH, load_lexicon
from bot.answers.models import ClaimAnswer, ClaimList, EvidenceAnswer, FiguresAnswer, SpeakerRef
from bot.answers.search_index import (
    TAG,
    Columns,
    SearchIndex,
    normalize,
    query_tokens,
    stem,
    words,
)
from bot.claimset import cache as claimset_cache
from bot.claimset.gc_pause import paused_gc
from bot.claimset.model import ClaimSet
from bot.claimset.schema import Claim
from bot.claimset.status import EvidenceStatus
from bot.errors import QueryError
from bot.formatting import one_line

log = logging.getLogger(__name__)

QUERY_MAX = 300
NAME_MAX = 100
CompleteKind = Literal["claim", "topic", "speaker", "source", "via", "status"]
COMPLETE_KINDS: tuple[str, ...] = ("claim", "topic", "speaker", "source", "via", "status")
STATUSES: tuple[str, ...] = tuple(s.value for s in EvidenceStatus)
# Filters typed inside a query: "coup via:Reuters status:disputed" (quotes for spaces).
_FILTER = re.compile(r"""\b(via|status):(?:"([^"]*)"|'([^']*)'|(\S+))""", re.IGNORECASE)
_NUMBER = re.compile(r"\d[\d,.]*")
# A filtered search looks this far down the ranking for claims that pass the filters.
_FILTER_DEPTH = 2_000
# Words that, beside a via filter, only say "resting on" ("what rests on TASS", "claims
# according to Reuters", "sourced from AFP"): taken out of the query with the relay's name.
_VIA_WORDS = frozenset({
    "rest", "rests", "resting", "relies", "rely", "relying", "based", "sourced", "source",
    "sources", "according", "cited", "citing", "quoting", "quoted", "via", "from", "claims",
    "claim", "reports", "reported",
})

# The code a cached search index depends on besides the claim set.
_INDEX_CODE = (Path(__file__), Path(search_index.__file__), LEXICON_PATH)

# How much a word counts by the field it is found in.
# Two weights only: each distinct weight is one more set of postings to build and probe.
CLAIM_FIELDS: dict[str, float] = {
    "speaker": 1.0,  # name and every alias
    "statement": 1.0,
    "topics": 0.7,  # topic labels, and a tag per topic (#deaths) that its synonyms find
    "quotes": 0.7,  # the sources' own words
    "context": 0.7,  # outlets, relays, the speaker's role
}
# What a synonym counts for, against the word itself (1): a topic's synonym finds the
# claims filed under the topic; a lexicon entry finds its group's other entries.
TOPIC_WEIGHT = 0.6
ON_NAMES_MAX = 3  # claims on the names of a query that found nothing (ClaimList.on_names)
LEXICON_WEIGHT = 0.7


def expansions(
    topics: dict[str, Any], lexicon: list[list[str]]
) -> dict[str, list[tuple[str, float]]]:
    """Query-time synonyms: topic label, id and synonyms -> the topic's tag; each
    lexicon entry -> the other entries of its group."""
    out: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for tid, topic in topics.items():
        for text in (topic.label, tid.replace("-", " "), *topic.synonyms):
            out[text].append((TAG + tid, TOPIC_WEIGHT))
    for group in lexicon:
        for text in group:
            out[text].extend((other, LEXICON_WEIGHT) for other in group if other != text)
    return out


def check_query(query: str) -> str:
    """The query, stripped; QueryError when it is empty or too long."""
    text = " ".join((query or "").split())
    if not text:
        raise QueryError("empty query: type a few words (a name, a topic, a phrase)")
    if len(text) > QUERY_MAX:
        raise QueryError(f"query too long: {len(text)} characters, at most {QUERY_MAX}")
    return text


def split_filters(query: str) -> tuple[str, str | None, str | None]:
    """``via:NAME`` and ``status:STATUS`` taken out of a query: (words, via, status)."""
    found: dict[str, str] = {}

    def take(m: re.Match[str]) -> str:
        found[m.group(1).lower()] = next(g for g in m.groups()[1:] if g is not None)
        return " "
    rest = " ".join(_FILTER.sub(take, query or "").split())
    return rest, found.get("via"), found.get("status")


def check_status(status: str | None) -> str | None:
    """A status filter as its vocabulary value; QueryError naming the choices."""
    if status is None or not status.strip():
        return None
    value = status.strip().lower().replace(" ", "_").replace("-", "_")
    if value not in STATUSES:
        raise QueryError(f"unknown status {status!r}: one of {', '.join(STATUSES)}")
    return value


def numbers_in(text: str) -> list[float]:
    """The numbers written in a text ("7,939" and "7939" alike), in order."""
    out = []
    for token in _NUMBER.findall(normalize(text)):
        try:
            out.append(float(token.rstrip(".,")))
        except ValueError:
            continue
    return out


def truncate(text: str, limit: int = NAME_MAX) -> str:
    """One line of at most ``limit`` characters, with an ellipsis when cut; never empty."""
    return one_line(text, limit) or "?"


class _Choices:
    """A small fuzzy-searchable list: normalised strings, each naming a value."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.strings: list[str] = []
        self.values: list[str] = []
        for text, value in pairs:
            norm = " ".join(normalize(text).replace("-", " ").split())
            if norm:
                self.strings.append(norm)
                self.values.append(value)
        self.exact: dict[str, str] = {}
        for s, v in zip(self.strings, self.values, strict=True):
            self.exact.setdefault(s, v)

    def ranked(self, query: str, cutoff: float = 0, limit: int = 25) -> list[tuple[str, float]]:
        """Distinct values, best first, with their best score 0..100."""
        q = " ".join(normalize(query).replace("-", " ").split())
        if not q:
            return []
        best: dict[str, float] = {}
        if q in self.exact:
            best[self.exact[q]] = 101.0
        found = process.extract(
            q, self.strings, scorer=fuzz.WRatio, score_cutoff=cutoff, limit=limit * 4
        )
        for _s, score, i in found:
            v = self.values[i]
            # A prefix of a choice ("anto" -> "antonov") counts as a strong match.
            if self.strings[i].startswith(q) or f" {q}" in self.strings[i]:
                score = max(score, 95.0)
            if score > best.get(v, -1.0):
                best[v] = score
        return sorted(best.items(), key=lambda kv: -kv[1])[:limit]


class Factdesk:
    """Answers /claim, /speaker, /source, /figures, /evidence and autocomplete."""

    def __init__(self, claimset: ClaimSet, editorial: EditorialView | None = None) -> None:
        self.claimset = claimset
        self.editorial: EditorialView = editorial or NO_EDITORIAL
        # Millions of objects (postings, word sets, lookups), none of them garbage: the
        # cycle collector would walk the growing heap again and again for nothing.
        with paused_gc():
            self._build()

    def _build(self) -> None:
        """Every lookup and the search index, from the claim set."""
        cs = self.claimset
        speaker_text = {
            sid: " ".join(sp.spellings) for sid, sp in cs.speakers.items()
        }
        speaker_role = {sid: sp.role for sid, sp in cs.speakers.items()}
        topic_text = {tid: t.label for tid, t in cs.topics.items()}
        # Speakers, topics and context repeat a few thousand distinct strings (names, labels, roles,
        # outlets, relays) across every claim: each is tokenised once, here, and a
        # claim's field is the union of their word sets (SearchIndex word_fields).
        word_cache: dict[str, frozenset[str]] = {}

        def words_of(text: str) -> frozenset[str]:
            found = word_cache.get(text)
            if found is None:
                found = word_cache[text] = words(text)
            return found

        topic_words = {tid: words_of(text) | {TAG + tid} for tid, text in topic_text.items()}
        speaker_words = {sid: words_of(text) for sid, text in speaker_text.items()}
        # Equal topic lists (most claims share a few) give one word set, built once.
        topics_cache: dict[tuple[str, ...], frozenset[str]] = {}

        def topics_of(topics: list[str]) -> frozenset[str]:
            key = tuple(topics)
            found = topics_cache.get(key)
            if found is None:
                found = topics_cache[key] = frozenset().union(*[
                    topic_words[t] if t in topic_words else words_of(t) for t in topics
                ])
            return found
        outlets = {sid: s.outlet for sid, s in cs.sources.items() if s.outlet}
        # A claim's context names its own outlet and relays (its attributions' via), not
        # every relay its article cites elsewhere: "Reuters" finds what rests on Reuters.
        outlet_words = {sid: words_of(outlet) for sid, outlet in outlets.items()}
        role_words = {sid: words_of(role or "") for sid, role in speaker_role.items()}
        no_words: frozenset[str] = frozenset()

        # One pass over the claims: the lookups by speaker, source and relay, and (when
        # the index is built, not read from the cache) its documents, field by field.
        self._by_speaker: dict[str, list[str]] = defaultdict(list)
        self._by_source: dict[str, list[str]] = defaultdict(list)
        # Relay and outlet names -> claims resting on them (a via chain or the outlet).
        self._by_via: dict[str, list[str]] = defaultdict(list)
        scanned = False

        def scan(documents: bool) -> tuple[Columns, list[float]]:
            """Fill the lookups; with ``documents``, the index's columns and each
            claim's importance too."""
            nonlocal scanned
            scanned = True
            by_speaker, by_source, by_via = self._by_speaker, self._by_source, self._by_via
            importance: list[float] = []
            statements: list[str] = []
            quotes: list[str] = []
            speaker_col: list[frozenset[str]] = []
            topics_col: list[frozenset[str]] = []
            context_col: list[tuple[frozenset[str], ...]] = []  # word sets, their union
            for cid, claim in cs.claims.items():
                atts = claim.attributions
                sid = claim.speaker
                by_speaker[sid].append(cid)
                names: set[str] = set()
                for a in atts:
                    names.update(a.via)
                    outlet = outlets.get(a.source)
                    if outlet:
                        names.add(outlet)
                for name in names:
                    by_via[name].append(cid)
                if len(atts) == 1:  # most claims: no repeated source to drop
                    by_source[atts[0].source].append(cid)
                else:
                    for source in dict.fromkeys([a.source for a in atts]):
                        by_source[source].append(cid)
                if not documents:
                    continue
                context = [role_words.get(sid, no_words)]
                for a in atts:
                    context.append(outlet_words.get(a.source, no_words))
                    context.extend(map(words_of, a.via))
                context_col.append(tuple(context))
                quotes.append(atts[0].quote if len(atts) == 1
                              else " ".join(a.quote for a in atts))
                importance.append(min(len(atts), 5) / 5)
                statements.append(claim.statement)
                speaker = speaker_words.get(sid)
                speaker_col.append(words_of(sid) if speaker is None else speaker)
                topics_col.append(topics_of(claim.topics))
            columns = Columns(list(cs.claims) if documents else [], {
                "speaker": speaker_col, "statement": statements, "topics": topics_col,
                "quotes": quotes, "context": context_col,
            })
            return columns, importance

        def build_index() -> SearchIndex:
            columns, importance = scan(documents=True)
            return SearchIndex(
                columns, CLAIM_FIELDS, importance=importance,
                expansions=expansions(cs.topics, load_lexicon()),
                word_fields=("speaker", "topics", "context"),
            )

        # Built from the claim set alone: kept beside a cached claim set, under its key
        # and this code's, and built whenever either differs (bot.claimset_cache).
        self.index = claimset_cache.derived(
            cs, "search-index", _INDEX_CODE, build_index, SearchIndex
        )
        if not scanned:  # the index came from the cache: the lookups alone
            scan(documents=False)
        self.index.set_name_source(self._name_text)
        # Most-attributed claims first: the default autocomplete list.
        by_weight = ((-len(c.attributions), i, cid) for i, (cid, c) in enumerate(cs.claims.items()))
        self._top_claims = [cid for _n, _i, cid in heapq.nsmallest(100, by_weight)]
        self._speakers = _Choices(
            (text, sid)
            for sid, sp in cs.speakers.items()
            for text in [*sp.spellings, sid]
        )
        self._topics = _Choices(
            (text, tid) for tid, t in cs.topics.items() for text in [t.label, tid, *t.synonyms]
        )
        self._sources = _Choices(
            (text, sid)
            for sid, s in cs.sources.items()
            for text in filter(None, [s.outlet, s.headline, s.file, s.author])
        )
        self._vias = _Choices((name, name) for name in self._by_via)
        self._topic_words = {
            tid: frozenset(stem(w) for text in (t.label, tid.replace("-", " "), *t.synonyms)
                           for w in query_tokens(text))
            for tid, t in cs.topics.items()
        }
        # /figures answers by (topic, relations): they depend on the claim set alone,
        # which never changes under an engine (a reload builds a new one).
        self._figures_answers: dict[tuple[str, bool], FiguresAnswer] = {}
        self._figures_by_topic: dict[str, list[str]] = defaultdict(list)
        for fid, fig in cs.figures.items():
            self._figures_by_topic[fig.topic].append(fid)
        self._speakers_by_claims = sorted(
            cs.speakers, key=lambda sid: (-len(self._by_speaker.get(sid, ())), sid)
        )
        log.info("engine ready: %s", cs.counts())

    def with_editorial(self, editorial: EditorialView | None) -> Factdesk:
        """This engine reading another editorial record (one story's engine serves each
        server's record): a shallow copy sharing the index and every derived table."""
        engine = copy.copy(self)
        engine.editorial = editorial or NO_EDITORIAL
        return engine

    # -- claims ------------------------------------------------------------------------

    def _name_text(self, doc: int) -> str:
        """A claim's own words as written, for telling names (SearchIndex.is_name): its
        speaker's spellings (none first in a sentence) and its statement."""
        claim = self.claimset.claims[self.index.ids[doc]]
        sp = self.claimset.speakers.get(claim.speaker)
        return f", {', '.join(sp.spellings) if sp else ''}. {claim.statement}"

    def claim_answer(self, claim: Claim, score: float | None = None) -> ClaimAnswer:
        cs = self.claimset
        sp = cs.speakers.get(claim.speaker)
        ruling = self.editorial.ruling(claim.id)
        derived = claim.evidence.status
        return ClaimAnswer(
            id=claim.id,
            statement=claim.statement,
            speaker=SpeakerRef(
                id=claim.speaker,
                name=sp.name if sp else claim.speaker,
                role=sp.role if sp else "",
            ),
            kind=claim.kind,
            said_on=claim.said_on,
            topics=list(claim.topics),
            status=ruling.status if ruling else derived,
            derived_status=derived,
            rationale=claim.evidence.rationale,
            editorial=ruling,
            sources=[
                evidence_mod.source_ref(cs, a.source, a.quote, list(a.via))
                for a in claim.attributions
            ],
            score=score,
        )

    def claim_by_id(self, claim_id: str) -> ClaimAnswer | None:
        claim = self.claimset.claims.get(claim_id)
        return self.claim_answer(claim) if claim else None

    def _search(self, query: str, limit: int) -> tuple[list[tuple[Claim, float]], int]:
        """The best ``limit`` claims and how many match in all (a claim id finds itself)."""
        claims = self.claimset.claims
        out: list[tuple[Claim, float]] = []
        exact = claims.get(query.strip())
        if exact is not None:
            out.append((exact, 100.0))
        hits, total = self.index.search_page(query, limit)
        for hit in hits:
            if exact is None or hit.id != exact.id:
                out.append((claims[hit.id], hit.score))
        return out[:limit], max(total, len(out))

    def via_claims(self, via: str) -> set[str] | None:
        """Claims resting on a relay or outlet whose name holds ``via`` (case and accents
        aside; "reuters", "facebook"), or on the closest name; None when none is close."""
        q = " ".join(normalize(via).split())
        names = [n for n in self._by_via if q and q in " ".join(normalize(n).split())]
        if not names:
            names = [v for v, _s in self._vias.ranked(via, 80, 1)]
        if not names:
            return None
        return {cid for n in names for cid in self._by_via[n]}

    def _status_of(self, claim: Claim) -> str:
        ruling = self.editorial.ruling(claim.id)
        return str(ruling.status if ruling else claim.evidence.status)

    def _filtered(self, query: str, via: str | None, status: str | None,
                  limit: int) -> tuple[list[tuple[Claim, float | None]], int]:
        """Claims matching the words (all claims when there are none) that rest on
        ``via`` and have ``status``, best first, and how many there are."""
        allowed = self.via_claims(via) if via else None
        if via and allowed is None:
            return [], 0
        claims = self.claimset.claims

        def keep(claim: Claim) -> bool:
            return ((allowed is None or claim.id in allowed)
                    and (status is None or self._status_of(claim) == status))

        query = self._words_beyond_filter(query, via)
        if query:
            found, _total = self._search(query, _FILTER_DEPTH)
            kept: list[tuple[Claim, float | None]] = [(c, s) for c, s in found if keep(c)]
        else:
            pool = (claims[cid] for cid in claims if allowed is None or cid in allowed)
            kept = [(c, None) for c in pool if keep(c)]
        return kept[:limit], len(kept)

    @staticmethod
    def _words_beyond_filter(query: str, via: str | None) -> str:
        """The query less what only restates the via filter: the relay's own words and
        words saying "resting on" ("what rests on TASS via:TASS" asks for the filter
        alone). Empty when nothing else is asked."""
        if not query or not via:
            return query
        drop = set(query_tokens(via)) | _VIA_WORDS
        rest = [t for t in query_tokens(query) if t not in drop]
        return " ".join(rest) if rest else ""

    def _claim_suggestions(self, query: str) -> list[str]:
        names = [self.claimset.speakers[v].name for v, _s in self._speakers.ranked(query, 60, 2)]
        topics = [self.claimset.topics[v].label for v, _s in self._topics.ranked(query, 60, 2)]
        return list(dict.fromkeys([*self.index.nearest_terms(query, 4), *names, *topics]))[:6]

    def claim(self, query: str, limit: int = 5, *, via: str | None = None,
              status: str | None = None) -> ClaimList:
        """Claims matching ``query``; ``via``/``status`` (or ``via:X status:Y`` typed in
        the query) keep those resting on a relay or outlet, or with that status.
        ``total`` counts the matches (what passes the confidence rule and the filters)."""
        words_part, inline_via, inline_status = split_filters(query or "")
        via = via or inline_via
        status = check_status(status or inline_status)
        if via or status:
            q = " ".join(words_part.split())[:QUERY_MAX]
            shown = " ".join(filter(None, [q, via and f"via:{via}", status and f"status:{status}"]))
            found, total = self._filtered(q, via, status, max(limit, 0))
            answer = ClaimList(command="claim", query=shown, total=total)
            answer.results = [self.claim_answer(c, s) for c, s in found]
            if not found and q:
                answer.suggestions = self._claim_suggestions(q)
            return answer
        q = check_query(query)
        found_s, total = self._search(q, max(limit, 1))
        answer = ClaimList(command="claim", query=q, total=total if found_s else 0)
        answer.results = [self.claim_answer(c, s) for c, s in found_s[: max(limit, 0)]]
        if not found_s:
            answer.suggestions = self._claim_suggestions(q)
            self._on_names(answer, q)
        return answer

    def _on_names(self, answer: ClaimList, query: str) -> None:
        """A "no match" for a query naming people or places of the set ("Tokayev
        resigns"): what the set holds on those names, so the desk sees what the
        sources do say about them (never counted as matches)."""
        names = self.index.names_in(query)
        if not names or len(names) == len(query_tokens(query)):
            return  # no name, or nothing but names (already answered by them)
        found, _total = self._search(" ".join(names), ON_NAMES_MAX)
        answer.names = names
        answer.on_names = [self.claim_answer(c, s) for c, s in found]

    def _listing(self, command: Literal["speaker", "source"], q: str, ids: list[str],
                 resolved: str, limit: int) -> ClaimList:
        claims = self.claimset.claims
        return ClaimList(
            command=command,
            query=q,
            resolved=resolved,
            total=len(ids),
            results=[self.claim_answer(claims[cid]) for cid in ids[: max(limit, 0)]],
        )

    def resolve_speaker(self, query: str) -> str | None:
        q = query.strip()
        if q in self.claimset.speakers:
            return q
        ranked = self._speakers.ranked(q, 70, 1)
        return ranked[0][0] if ranked else None

    def speaker(self, query: str, limit: int = 25) -> ClaimList:
        q = check_query(query)
        sid = self.resolve_speaker(q)
        if sid is None:
            return ClaimList(
                command="speaker",
                query=q,
                suggestions=[
                    self.claimset.speakers[v].name for v, _s in self._speakers.ranked(q, 0, 5)
                ],
            )
        sp = self.claimset.speakers[sid]
        return self._listing("speaker", q, self._by_speaker.get(sid, []), sp.name, limit)

    def resolve_source(self, query: str) -> str | None:
        cs = self.claimset
        q = query.strip()
        if q in cs.sources:
            return q
        if q.isdigit() and q.zfill(3) in cs.sources:
            return q.zfill(3)
        for sid, s in cs.sources.items():
            if q == s.file or (len(q) >= 3 and s.file.startswith(q)):
                return sid
        ranked = self._sources.ranked(q, 70, 1)
        return ranked[0][0] if ranked else None

    def source(self, query: str, limit: int = 25) -> ClaimList:
        q = check_query(query)
        sid = self.resolve_source(q)
        if sid is None:
            return ClaimList(
                command="source",
                query=q,
                suggestions=[self._source_name(v) for v, _s in self._sources.ranked(q, 0, 5)],
            )
        return self._listing("source", q, self._by_source.get(sid, []), self._source_name(sid),
                             limit)

    def _source_name(self, sid: str) -> str:
        s = self.claimset.sources[sid]
        return f"{sid} {s.label}: {s.headline or 'no headline'}"

    # -- figures and evidence ----------------------------------------------------------

    def resolve_topic(self, query: str) -> str | None:
        """The topic a /figures query names: its id; a figure's number ("7,939");
        a topic's label or synonym, typos forgiven; else the topic sharing most words."""
        q = query.strip()
        if q in self.claimset.topics:
            return q
        by_number = self._topic_by_number(q)
        if by_number is not None:
            return by_number
        ranked = self._topics.ranked(q, 80, 1)
        if ranked:
            return ranked[0][0]
        return self._topic_by_words(q)

    def _topic_by_number(self, query: str) -> str | None:
        """The topic of a figure whose bounds or words hold a number of the query;
        among several, the one whose topic the query's other words name."""
        wanted = set(numbers_in(query))
        if not wanted:
            return None
        topics = [
            fig.topic for fig in self.claimset.figures.values()
            if wanted & ({fig.low, fig.high} | set(numbers_in(fig.words)))
        ]
        if not topics:
            return None
        named = self._topic_by_words(query)
        return named if named in topics else topics[0]

    def _topic_by_words(self, query: str) -> str | None:
        """The topic whose label, id and synonyms share most stems with the query."""
        stems = {stem(w) for w in query_tokens(query) if not w.isdigit()}
        if not stems:
            return None
        best = max(self._topic_words.items(), key=lambda kv: (len(kv[1] & stems), -len(kv[1])))
        return best[0] if best[1] & stems else None

    def figures(self, query: str, *, relations: bool = False) -> FiguresAnswer:
        """The figures for the topic ``query`` names, led by their verdict; ``relations``:
        every pair of one scope group related too (on request: it grows with the square)."""
        q = check_query(query)
        tid = self.resolve_topic(q)
        if tid is None:
            return FiguresAnswer(
                query=q,
                topic=None,
                suggestions=[
                    self.claimset.topics[v].label for v, _s in self._topics.ranked(q, 0, 5)
                ],
            )
        key = (tid, relations)
        cached = self._figures_answers.get(key)
        if cached is None:
            figs = [self.claimset.figures[f] for f in self._figures_by_topic.get(tid, [])]
            cached = figures_mod.answer(q, self.claimset.topics[tid], figs, self.claimset,
                                        relations_wanted=relations)
            if not relations:  # the pairs grow with the square: never kept
                self._figures_answers[key] = cached
        return cached if cached.query == q else cached.model_copy(update={"query": q})

    def evidence(self, query: str) -> EvidenceAnswer:
        q = check_query(query)
        found, _total = self._search(q, 1)
        if not found:
            return EvidenceAnswer(query=q, claim=None, suggestions=self._claim_suggestions(q))
        claim, score = found[0]
        return evidence_mod.answer(
            q, claim, self.claim_answer(claim, score), self.claimset, self.editorial
        )

    # -- autocomplete ------------------------------------------------------------------

    def complete(self, kind: CompleteKind, text: str, limit: int = 25) -> list[tuple[str, str]]:
        """(name, value) choices for a partly typed option: defaults when empty."""
        if kind not in COMPLETE_KINDS:
            raise QueryError(f"unknown kind {kind!r}: one of {', '.join(COMPLETE_KINDS)}")
        limit = max(0, min(limit, 25))
        if limit == 0:
            return []
        q = " ".join((text or "").split())[:QUERY_MAX]
        cs = self.claimset
        if kind == "claim":
            if q:
                ids = [
                    h.id
                    for h in self.index.search(q, limit, prefix=True, min_confidence=0.3)
                ]
            else:
                ids = self._top_claims[:limit]
            return [(self._claim_name(cid), cid) for cid in ids]
        if kind == "topic":
            if q:
                tids = [v for v, _s in self._topics.ranked(q, 50, limit)]
            else:
                tids = [t.id for t in sorted(cs.topics.values(), key=lambda t: (t.rank, t.id))]
            return [(truncate(cs.topics[t].label), t) for t in tids[:limit]]
        if kind == "speaker":
            if q:
                sids = [v for v, _s in self._speakers.ranked(q, 50, limit)]
            else:
                sids = self._speakers_by_claims
            return [
                (truncate(f"{cs.speakers[s].name} ({cs.speakers[s].role})"), s)
                for s in sids[:limit]
            ]
        if kind == "via":
            names = ([v for v, _s in self._vias.ranked(q, 50, limit)] if q
                     else sorted(self._by_via, key=lambda n: (-len(self._by_via[n]), n)))
            return [(truncate(f"{n} ({len(self._by_via[n])} claims)"), n) for n in names[:limit]]
        if kind == "status":
            found = [s for s in STATUSES if normalize(q).replace(" ", "_") in s] if q else []
            return [(s.replace("_", " "), s) for s in (found or list(STATUSES))[:limit]]
        sids = [v for v, _s in self._sources.ranked(q, 50, limit)] if q else list(cs.sources)
        if q and self.resolve_source(q) not in (None, *sids):
            sids.insert(0, self.resolve_source(q) or "")
        return [(truncate(self._source_name(s)), s) for s in sids[:limit]]

    def _claim_name(self, cid: str) -> str:
        claim = self.claimset.claims[cid]
        sp = self.claimset.speakers.get(claim.speaker)
        who = sp.name if sp else claim.speaker
        return truncate(f"{who}: {claim.statement}")
