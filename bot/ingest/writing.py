"""Accepted draft items written into the claim files (tomlkit, comments kept), atomically, with
the previous files kept as backups and restored when the new set does not validate."""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import tomlkit

from bot.claimset.loader import load_claimset
from bot.claimset.model import ClaimSet
from bot.claimset.origins import content_origins
from bot.claimset.problems import ClaimSetInvalid, ClaimSetUnreadable
from bot.claimset.rules.corroboration import unbacked_in
from bot.claimset.schema import Attribution, Claim, Figure, Source
from bot.claimset.status import EvidenceStatus
from bot.claimset.vocabulary import within_or_same
from bot.ingest.models import Draft, DraftClaim, DraftFigure, DraftSpeaker
from bot.ingest.reading import IngestError

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Written:
    """What an accept wrote: the items, the files, where the backups are, what was left out."""

    items: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    backups: str = ""
    skipped: dict[str, str] = field(default_factory=dict)  # item -> why it cannot be written


def check_applies(
    draft: Draft, cs: ClaimSet, draft_id: str, done: frozenset[str] = frozenset()
) -> None:
    """IngestError when the set changed under the draft: its source id or an item id taken,
    a speaker it names gone, the article already in the set. ``done``: the items an earlier
    accept of this draft wrote (they are expected in the set, the source among them)."""

    def stale(why: str) -> IngestError:
        return IngestError(f"draft {draft_id} no longer applies: {why}; ingest the article again")

    if draft.claimset and draft.claimset != cs.manifest.id:
        raise stale(f"it was drafted for claim set {draft.claimset!r}, this is {cs.manifest.id!r}")
    if "source" in done and draft.source.id not in cs.sources:
        raise stale(f"its source {draft.source.id}, accepted before, is no longer in the set")
    if "source" not in done and draft.source.id in cs.sources:
        raise stale(f"source id {draft.source.id} is now taken")
    taken = set(cs.claims) | set(cs.figures)
    for ident in [c.id for c in draft.claims] + [f.id for f in draft.figures]:
        if ident in taken and ident not in done:
            raise stale(f"id {ident!r} is now used in the claim set")
    for c in draft.claims:
        if c.same_as and c.same_as not in cs.claims:
            raise stale(f"claim {c.same_as!r}, which {c.id} repeats, is no longer in the set")
    for sp in draft.speakers:
        if sp.existing and sp.id not in cs.speakers:
            raise stale(f"speaker {sp.id!r} is no longer in the claim set")
        if not sp.existing and sp.id in cs.speakers and sp.id not in done:
            raise stale(f"a speaker {sp.id!r} was added since")


def accept_items(
    draft: Draft,
    text: str,
    cs: ClaimSet,
    items: set[str],
    *,
    by: str,
    draft_id: str,
    done: frozenset[str] = frozenset(),
) -> Written:
    """Write ``items`` (ids from :meth:`Draft.item_ids`; the source always goes with any
    claim or figure) into the claim set at ``cs.root``, then validate it; on any problem the
    files are put back as they were and IngestError says why. ``done``: items an earlier
    accept of the draft wrote (the source is not written twice)."""
    check_applies(draft, cs, draft_id, done)
    root = cs.root
    written = Written()
    new_speakers = {s.id: s for s in draft.speakers if not s.existing and s.id in items}
    known = set(cs.speakers) | set(new_speakers)
    claims = [c for c in draft.claims if c.id in items]
    figures = [f for f in draft.figures if f.id in items]
    for c in list(claims):
        if c.speaker_id not in known:
            written.skipped[c.id] = f"its speaker {c.speaker_id!r} is new and not accepted"
            claims.remove(c)
    for f in list(figures):
        why = _unwritable(f, cs)
        if why:
            written.skipped[f.id] = why
            figures.remove(f)
    with_source = ("source" in items or claims or figures) and "source" not in done
    if not (with_source or new_speakers or claims or figures):
        raise IngestError(
            f"draft {draft_id}: nothing to write ({', '.join(written.skipped) or 'no items'})"
        )
    manifest = root / "claimset.toml"
    sources_toml = root / cs.manifest.sources
    docs = _Docs()
    plan: dict[Path, str] = {}
    if with_source:
        plan[sources_toml.parent / draft.source.file] = text
        docs.append(sources_toml, "sources", [_source_table(draft, by)])
    if new_speakers:
        path = _target(root, cs.manifest.speakers, "speakers-ingest.toml")
        docs.append(path, "speakers", [_speaker_table(s) for s in new_speakers.values()])
    # the same statement by the same speaker: a new attribution of the claim the set holds
    joined = [c for c in claims if c.same_as in cs.claims]
    kept_apart = _join_claims(docs, joined, draft, cs, by) if joined else []
    new_claims = [c for c in claims if c not in joined or c in kept_apart]
    if new_claims:
        path = _target(root, cs.manifest.claims, f"claims/ingest-{draft.source.id}.toml")
        docs.append(path, "claims", [_claim_table(c, draft, known) for c in new_claims])
    if figures:
        path = _target(root, cs.manifest.figures, f"figures/ingest-{draft.source.id}.toml")
        links = _writable_links(figures, cs)
        docs.append(path, "figures", [_figure_table(f, draft, known, links[f.id]) for f in figures])
    plan.update(docs.dumped())
    backup_dir = root / ".backups" / f"{draft_id}-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}"
    _write_all(plan, root, backup_dir)
    try:
        load_claimset(manifest)
    except (ClaimSetInvalid, ClaimSetUnreadable) as exc:
        _restore(plan, root, backup_dir)
        first = exc.problems[0] if isinstance(exc, ClaimSetInvalid) and exc.problems else exc
        raise IngestError(
            f"draft {draft_id}: the claim set would not validate, nothing kept: {first}"
        ) from None
    written.items = (
        (["source"] if with_source else [])
        + list(new_speakers)
        + [c.id for c in claims]
        + [f.id for f in figures]
    )
    written.files = [str(p.relative_to(root)) for p in plan]
    written.backups = str(backup_dir.relative_to(root))
    return written


def _unwritable(f: DraftFigure, cs: ClaimSet) -> str | None:
    if f.topic is None or f.topic not in cs.topics:
        return "no topic (give it one when editing the draft)"
    if f.unit not in cs.units and cs.units:
        return f"unit {f.unit!r} is not in units.toml"
    if f.equivalent is not None and f.equivalent.unit not in cs.units and cs.units:
        return f"unit {f.equivalent.unit!r} is not in units.toml"
    return None


def _target(root: Path, globs: list[str], preferred: str) -> Path:
    """``preferred`` when the manifest's globs load it, else the last file they match."""
    if any(fnmatch.fnmatch(preferred, g) for g in globs):
        return root / preferred
    matched = sorted(p for g in globs for p in root.glob(g))
    if not matched:
        raise IngestError(f"claimset.toml: no file for {preferred} matches {globs}")
    return matched[-1]


@dataclass(slots=True)
class _Docs:
    """The claim files an accept changes, each parsed once (comments kept) and written whole."""

    docs: dict[Path, tomlkit.TOMLDocument] = field(default_factory=dict)

    def doc(self, path: Path) -> tomlkit.TOMLDocument:
        if path not in self.docs:
            if path.exists():
                self.docs[path] = tomlkit.parse(path.read_text(encoding="utf-8"))
            else:
                doc = tomlkit.document()
                doc.add(
                    tomlkit.comment("Drafted by `python -m bot ingest` and accepted in review.")
                )
                self.docs[path] = doc
        return self.docs[path]

    def append(self, path: Path, key: str, tables: list[tomlkit.items.Table]) -> None:
        doc = self.doc(path)
        aot = doc.get(key)
        if aot is None:
            aot = tomlkit.aot()
            doc.add(key, aot)
        for table in tables:
            aot.append(table)

    def dumped(self) -> dict[Path, str]:
        return {path: tomlkit.dumps(doc) for path, doc in self.docs.items()}


def _join_claims(
    docs: _Docs, joined: list[DraftClaim], draft: Draft, cs: ClaimSet, by: str
) -> list[DraftClaim]:
    """Each claim the draft repeats gets the article as one more attribution, in the file
    that holds it, and its evidence status re-derived with the new origin counted. Returns
    those that cannot join: the claim's statement holds more than the origins would both
    report once corroborated (they are written as claims of their own, for an editor)."""
    source = Source.model_validate(_source_table(draft, by).unwrap())
    with_source = dataclasses.replace(cs, sources={**cs.sources, source.id: source})
    apart: list[DraftClaim] = []
    for c in joined:
        assert c.same_as is not None
        existing = cs.claims[c.same_as]
        attribution = Attribution(source=source.id, quote=c.quote, via=c.via, said_on=c.said_on)
        updated = existing.model_copy(
            update={"attributions": [*existing.attributions, attribution]}
        )
        status, rationale = rederived_evidence(updated, with_source, source.id)
        if status == EvidenceStatus.CORROBORATED and unbacked_in(updated, with_source):
            apart.append(c)
            continue
        path = Path(cs.locations[f"claim:{existing.id}"].file)
        table = next(t for t in docs.doc(path)["claims"] if t["id"] == existing.id)
        att = tomlkit.table()
        att.add(tomlkit.comment(f"added by ingest ({c.confidence}): {c.why}; accepted by {by}"))
        att["source"] = source.id
        att["quote"] = c.quote
        att["via"] = c.via
        if c.said_on:
            att["said_on"] = c.said_on
        table["attributions"].append(att)
        table["evidence"]["status"] = status.value
        table["evidence"]["rationale"] = rationale
    return apart


def rederived_evidence(claim: Claim, cs: ClaimSet, added: str) -> tuple[EvidenceStatus, str]:
    """The claim's derived evidence status once source ``added`` attributes it too: one
    independent origin is single_source, two or more corroborated (unless something disputes
    it); a disputed or no-evidence status stands. The rationale says what changed."""
    ev = claim.evidence
    origins = content_origins(claim, cs)
    counted = f"{len(origins)} independent origin{'s' if len(origins) != 1 else ''}"
    names = ", ".join(origins)
    status = ev.status
    if status in (EvidenceStatus.SINGLE_SOURCE, EvidenceStatus.CORROBORATED) and not (
        ev.disputed_by
    ):
        status = EvidenceStatus.CORROBORATED if len(origins) >= 2 else EvidenceStatus.SINGLE_SOURCE
    if status != ev.status:
        return status, (
            f"{counted} ({names}): re-derived when source {added} was accepted by ingest "
            f"(was {ev.status.value}: {ev.rationale})"
        )
    return status, f"{ev.rationale} Source {added} adds an attribution ({counted}: {names})."


def _source_table(draft: Draft, by: str) -> tomlkit.items.Table:
    s = draft.source
    t = tomlkit.table()
    t.add(tomlkit.comment(f"ingested; accepted by {by}; " + "; ".join(s.why)))
    t["id"] = s.id
    t["file"] = s.file
    if s.outlet:
        t["outlet"] = s.outlet
    t["outlet_basis"] = s.outlet_basis if s.outlet else "unknown"
    if s.headline:
        t["headline"] = s.headline
    if s.published:
        t["published"] = s.published
        t["published_basis"] = s.published_basis
        if s.published_basis == "inferred":
            t["published_note"] = s.published_note or "inferred by ingest"
    else:
        t["published_basis"] = "unknown"
    t["relays"] = list(s.relays)
    if s.url:
        t["notes"] = [f"URL: {s.url}"]
    return t


def _speaker_table(s: DraftSpeaker) -> tomlkit.items.Table:
    t = tomlkit.table()
    t.add(tomlkit.comment(f"proposed by ingest ({s.confidence}): {s.why}"))
    t["id"] = s.id
    t["name"] = s.name
    t["role"] = s.role or "named in an ingested article"
    t["kind"] = s.kind
    seen = {s.name.casefold()}
    aliases = []
    for a in s.spellings:  # the validator refuses an alias twice, case aside
        if a.casefold() not in seen:
            seen.add(a.casefold())
            aliases.append(a)
    if aliases:
        t["aliases"] = aliases
    return t


def _claim_table(c: DraftClaim, draft: Draft, known: set[str]) -> tomlkit.items.Table:
    t = tomlkit.table()
    t.add(
        tomlkit.comment(
            f"drafted ({c.confidence}): {c.why}"
            + (f"; same statement as {c.same_as}?" if c.same_as else "")
        )
    )
    t["id"] = c.id
    t["statement"] = c.statement
    t["speaker"] = c.speaker_id
    t["kind"] = c.kind
    if c.said_on:
        t["said_on"] = c.said_on
    t["topics"] = c.topics
    att = tomlkit.table()
    att["source"] = draft.source.id
    att["quote"] = c.quote
    att["via"] = c.via
    aot = tomlkit.aot()
    aot.append(att)
    t["attributions"] = aot
    ev = tomlkit.table()
    ev["status"] = "single_source"
    ev["rationale"] = (
        f"Drafted from source {draft.source.id} by ingest: one origin until reviewed further."
    )
    t["evidence"] = ev
    return t


_EVENTS = ("retracted", "denied", "alleged")


def _writable_links(figures: list[DraftFigure], cs: ClaimSet) -> dict[str, dict[str, str]]:
    """Per figure, the links of the figure model the draft set and that hold for what is
    written: the figure named is accepted with it or in the set, and the link's rule
    (bot.claimset.rules.figure_links) is met; the others stay comments."""
    places = {p.id: p.within for p in cs.places.values()}
    groups = {g.id: g.within for g in cs.groups.values()}
    drafted = {f.id: f for f in figures}

    def target(ident: str | None) -> DraftFigure | Figure | None:
        return drafted.get(ident or "") or cs.figures.get(ident or "")

    out: dict[str, dict[str, str]] = {}
    for f in figures:
        links: dict[str, str] = {}
        whole = target(f.part_of)
        if (
            whole is not None
            and whole.unit == f.unit
            and (not f.place or not whole.place or within_or_same(f.place, whole.place, places))
            and (not f.group or not whole.group or within_or_same(f.group, whole.group, groups))
        ):
            links["part_of"] = whole.id
        later = target(f.revised_by)
        if (
            later is not None
            and (later.topic, later.unit) == (f.topic, f.unit)
            and not (f.as_of and later.as_of and later.as_of < f.as_of)
        ):
            links["revised_by"] = later.id
        first = target(f.same_as)
        if (
            first is not None
            and (first.topic, first.unit, first.kind) == (f.topic, f.unit, f.kind)
            and first.same_as is None
        ):
            links["same_as"] = first.id
        dated = target(f.earlier_than)
        if f.as_of is None and dated is not None and dated.topic == f.topic and dated.as_of:
            links["earlier_than"] = dated.id
        out[f.id] = links
    return out


def _figure_table(
    f: DraftFigure, draft: Draft, known: set[str], links: dict[str, str]
) -> tomlkit.items.Table:
    t = tomlkit.table()
    t.add(tomlkit.comment(f"drafted ({f.confidence}): " + "; ".join(f.why)))
    if f.verdict:
        t.add(tomlkit.comment(f"verdict: {f.verdict}"))
    for lc in f.lifecycle:
        if lc.kind not in _EVENTS:
            t.add(
                tomlkit.comment(
                    f"lifecycle word: {lc.kind} ({lc.words!r})" + (f" of {lc.of}" if lc.of else "")
                )
            )
    for key, ident in (
        ("part_of", f.part_of),
        ("revised_by", f.revised_by),
        ("same_as", f.same_as),
        ("earlier_than", f.earlier_than),
    ):
        if ident and key not in links:
            t.add(tomlkit.comment(f"{key} {ident}? (not written: not accepted with it)"))
    t["id"] = f.id
    t["topic"] = f.topic
    t["scope"] = f.scope or f.unit
    for key in ("group", "place"):
        if getattr(f, key):
            t[key] = getattr(f, key)
    for key in ("low", "high"):
        if getattr(f, key) is not None:
            t[key] = float(getattr(f, key))
    t["qualifier"] = f.qualifier
    t["words"] = f.words
    t["unit"] = f.unit
    increment = f.kind == "increment" and bool(f.period_words)
    if increment:
        t["kind"] = "increment"
    if f.as_of:
        t["as_of"] = f.as_of
    if f.as_of_words:
        t["as_of_words"] = f.as_of_words
    if f.speaker_id and f.speaker_id in known:
        t["speaker"] = f.speaker_id
    t["source"] = draft.source.id
    t["quote"] = f.quote
    t["via"] = f.via
    notes = [f"as_of {f.as_of_basis}"] + [f"{lc.kind}: {lc.words}" for lc in f.lifecycle]
    t["note"] = "Drafted by ingest; " + "; ".join(notes)
    for key, ident in links.items():
        t[key] = ident
    if increment and f.period_words:
        period = tomlkit.table()
        period["words"] = f.period_words
        t["period"] = period
    if f.equivalent is not None:
        e = tomlkit.table()
        e["words"] = f.equivalent.words
        e["qualifier"] = f.equivalent.qualifier
        for key in ("low", "high"):
            if getattr(f.equivalent, key) is not None:
                e[key] = float(getattr(f.equivalent, key))
        e["unit"] = f.equivalent.unit
        t["equivalent"] = e
    events = tomlkit.aot()
    written: set[tuple[str, str]] = set()
    for lc in f.lifecycle:
        quote = lc.quote or f.quote
        if lc.kind not in _EVENTS or (lc.kind, quote) in written:
            continue
        written.add((lc.kind, quote))
        event = tomlkit.table()
        event.add(tomlkit.comment(f"drafted from {lc.words!r}"))
        event["kind"] = lc.kind
        by = f.speaker_id if lc.kind == "alleged" else lc.by  # "credited to X": X
        if by and by in known and (lc.kind != "denied" or by == f.speaker_id):
            event["by"] = by
        event["source"] = draft.source.id
        event["quote"] = quote
        events.append(event)
    if events:
        t["lifecycle"] = events
    return t


def _write_all(plan: dict[Path, str], root: Path, backup_dir: Path) -> None:
    """Back up every file that exists, then replace each atomically (temp file + rename)."""
    for path in plan:
        if path.exists():
            target = backup_dir / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    done: list[Path] = []
    try:
        for path, content in plan.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
            done.append(path)
    except OSError as exc:
        _restore({p: "" for p in done}, root, backup_dir)
        raise IngestError(
            f"cannot write {exc.filename or ''}: {exc.strerror}; nothing kept"
        ) from None


def _restore(plan: dict[Path, str], root: Path, backup_dir: Path) -> None:
    for path in plan:
        saved = backup_dir / path.relative_to(root)
        if saved.exists():
            os.replace(shutil.copy2(saved, path.with_name(f".{path.name}.restore")), path)
        else:
            path.unlink(missing_ok=True)
