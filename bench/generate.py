"""Synthetic but realistic claim sets, written as real claim-set files.

``generate(size, seed, out_dir)`` writes a claim set in the seeds layout (claimset.toml,
sources/*.txt + sources/sources.toml, speakers.toml, topics.toml, claims/*.toml,
figures/*.toml) and returns the :class:`World` it was built from, which the query set
needs for its right answers. Everything comes from one ``random.Random`` seeded from
``(seed, size)``, so the same arguments write byte-identical files.

Every claim has a distinct (speaker, topic, place) triple, so a query naming a speaker,
a topic word and a place has one right answer by construction. Quotes are sentences of
the generated articles, so the loader's quote check passes. TOML is written as text
(``json.dumps`` strings are valid TOML basic strings), never through a TOML library:
a million claims take a few hundred megabytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from bench import vocab

log = logging.getLogger(__name__)

GENERATOR_VERSION = 4
CLAIMS_PER_FILE = 5_000
_START = dt.date(2022, 1, 2)


@dataclass(slots=True)
class Speaker:
    id: str
    name: str
    role: str
    kind: str
    aliases: list[str]
    word: str  # how a statement names them: the surname, or a body's name
    alias_word: str | None  # another spelling of ``word`` (persons only)
    words: frozenset[str] = frozenset()  # every lowercase word of every spelling


@dataclass(slots=True)
class Source:
    id: str
    file: str
    outlet: str | None
    basis: str
    headline: str
    author: str | None
    published: dt.date
    relays: list[str]
    sentences: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.outlet or f"unknown outlet ({self.file})"


@dataclass(slots=True)
class World:
    """What the files were built from: enough to know each query's right answers."""

    size: int
    seed: int
    speakers: list[Speaker]
    places: list[str]
    sources: list[Source]
    claim_ids: list[str]
    statements: list[str]
    claim_speaker: list[int]
    claim_topic: list[int]
    claim_place: list[int]
    figures: int = 0

    @property
    def topics(self) -> list[tuple[str, str, list[str], int, list[vocab.Template]]]:
        return vocab.TOPICS


def words_of(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _q(text: str) -> str:
    """A TOML basic string (JSON's escapes are a subset of TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _alias(name: str) -> str | None:
    for old, new in vocab.TRANSLIT:
        if old in name:
            alt = name.replace(old, new, 1)
            if alt.lower() != name.lower():
                return alt
    return None


def _counts(size: int) -> tuple[int, int, int]:
    """(person speakers, places, sources) for a claim-set size."""
    persons = max(30, min(5_000, size // 50))
    places = max(60, min(8_000, size // 40))
    sources = max(20, min(1_000, size // 10))
    return persons, places, sources


def _places(rng: random.Random, n: int) -> list[str]:
    out = list(vocab.REAL_PLACES)
    seen = {p.lower() for p in out}
    while len(out) < n:
        name = rng.choice(vocab.PLACE_HEADS) + rng.choice(vocab.PLACE_MIDS) + rng.choice(
            vocab.PLACE_TAILS
        )
        name = name[0] + name[1:].lower()
        if name.lower() not in seen:
            seen.add(name.lower())
            out.append(name)
    return out[:n]


def _speakers(rng: random.Random, persons: int, taken: set[str]) -> list[Speaker]:
    out: list[Speaker] = []
    surnames: set[str] = set()
    ids: set[str] = set()
    while len(out) < persons:
        sur = rng.choice(vocab.SURNAME_HEADS) + rng.choice(vocab.SURNAME_MIDS) + rng.choice(
            vocab.SURNAME_TAILS
        )
        sur = sur[0] + sur[1:].lower()
        alt = _alias(sur)
        low = sur.lower()
        if alt is None or low in surnames or low in taken or alt.lower() in taken:
            continue
        first = rng.choice(vocab.FIRST_NAMES)
        sid = _slug(f"{first}-{sur}")
        if sid in ids:
            continue
        surnames.add(low)
        ids.add(sid)
        first_alt = _alias(first) or first
        aliases = [f"{first_alt} {alt}", alt, f"{first[0]}. {sur}"]
        out.append(Speaker(sid, f"{first} {sur}", rng.choice(vocab.ROLES), "person", aliases,
                           sur, alt))
    # the alias spellings must not be anybody's surname
    out = [s for s in out if s.alias_word is None or s.alias_word.lower() not in surnames]
    for bid, name, aliases, role in vocab.BODIES:
        out.append(Speaker(bid, name, role, "body", list(aliases), name, None))
    for s in out:
        s.words = frozenset(w for sp in (s.name, *s.aliases) for w in words_of(sp))
    return out


def _sources(rng: random.Random, n: int) -> list[Source]:
    outlets = [f"{a} {b}" for a in vocab.OUTLET_A for b in vocab.OUTLET_B]
    rng.shuffle(outlets)
    outlets = outlets[: max(8, min(60, n // 4))]
    out = []
    for i in range(n):
        sid = f"{i:03d}"
        r = rng.random()
        outlet = rng.choice(outlets) if r > 0.1 else None
        basis = "unknown" if outlet is None else ("inferred" if r < 0.2 else "stated")
        relays = sorted(rng.sample(vocab.RELAYS, rng.choice((0, 1, 1, 2))))
        published = _START + dt.timedelta(days=rng.randrange(18))
        author = rng.choice(vocab.AUTHORS) if rng.random() < 0.6 else None
        out.append(Source(sid, f"{sid}_{rng.getrandbits(64):016x}.txt", outlet, basis,
                          "", author, published, relays))
    return out


def _number(rng: random.Random) -> str:
    n = int(rng.lognormvariate(3.5, 1.3)) + 2
    form = rng.random()
    if form < 0.3:
        return f"{n:,}"
    if form < 0.5:
        return f"at least {n:,}"
    if form < 0.7:
        return f"more than {n:,}"
    if form < 0.8:
        return f"some {n:,}"
    return rng.choice(("dozens of", "hundreds of", "thousands of", "a dozen"))


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def build_world(size: int, seed: int) -> World:
    """Draw the claim set in memory; :func:`write_world` writes it."""
    rng = random.Random(f"factdesk-bench:{seed}:{size}")
    n_persons, n_places, n_sources = _counts(size)
    places = _places(rng, n_places)
    speakers = _speakers(rng, n_persons, {p.lower() for p in places})
    sources = _sources(rng, n_sources)
    topics = vocab.TOPICS
    n_sp, n_tp, n_pl = len(speakers), len(topics), len(places)
    sp_order = list(range(n_sp))
    rng.shuffle(sp_order)
    sp_cum: list[float] = []
    acc = 0.0
    for rank in range(n_sp):  # Zipf-like: a few speakers say a lot
        acc += 1.0 / (rank + 1) ** 0.8
        sp_cum.append(acc)
    tp_cum: list[float] = []
    acc = 0.0
    for t in topics:
        acc += 1.0 / (t[3] + 2) ** 0.5
        tp_cum.append(acc)
    pl_cum: list[float] = []
    acc = 0.0
    for rank in range(n_pl):
        acc += 1.0 / (rank + 1) ** 0.5
        pl_cum.append(acc)
    draw_sp = rng.choices(range(n_sp), cum_weights=sp_cum, k=size)
    draw_tp = rng.choices(range(n_tp), cum_weights=tp_cum, k=size)
    draw_pl = rng.choices(range(n_pl), cum_weights=pl_cum, k=size)
    seen: set[int] = set()
    world = World(size, seed, speakers, places, sources, [], [], [], [], [])
    for i in range(size):
        s, t, p = sp_order[draw_sp[i]], draw_tp[i], draw_pl[i]
        key = (s * n_tp + t) * n_pl + p
        while key in seen:
            s = sp_order[rng.choices(range(n_sp), cum_weights=sp_cum)[0]]
            t = rng.randrange(n_tp)
            p = rng.randrange(n_pl)
            key = (s * n_tp + t) * n_pl + p
        seen.add(key)
        world.claim_speaker.append(s)
        world.claim_topic.append(t)
        world.claim_place.append(p)
    return world


def _claim_records(world: World, rng: random.Random):
    """Yield each claim's TOML text, adding its quote sentences to the articles."""
    topics = vocab.TOPICS
    sources = world.sources
    n_src = len(sources)
    for i in range(world.size):
        sp = world.speakers[world.claim_speaker[i]]
        tid, _label, _syn, _rank, templates = topics[world.claim_topic[i]]
        place = world.places[world.claim_place[i]]
        stmt_tpl, quote_tpl, _kw = templates[rng.randrange(len(templates))]
        values = {
            "S": sp.word, "N": _number(rng), "G": rng.choice(vocab.GROUPS), "P": place,
            "H": str(rng.randrange(2, 72)),
        }
        statement = _cap(stmt_tpl.format(**values))
        quote = _cap(quote_tpl.format(**values))
        cid = f"{_slug(sp.word)}-{tid}-{i:07d}"
        world.claim_ids.append(cid)
        world.statements.append(statement)
        said_on = _START + dt.timedelta(days=rng.randrange(14))
        r = rng.random()
        n_att = 1 if r < 0.72 else (2 if r < 0.95 else 3)
        picks = rng.sample(range(n_src), n_att) if n_src >= n_att else [0]
        atts = []
        origins = []
        for k in picks:
            src = sources[k]
            via = [rng.choice(src.relays)] if src.relays and rng.random() < 0.3 else []
            origins.append(via[0] if via else src.label)
            if sp.kind == "person":
                ref = rng.choice((sp.name, sp.aliases[0], f"{sp.role} {sp.word}", sp.word))
            else:
                ref = f"a spokesperson for the {rng.choice((sp.name, *sp.aliases))}"
            tail = f", according to {via[0]}" if via else ""
            src.sentences.append(f"\u201c{quote},\u201d {ref} said{tail}.")
            atts.append((src.id, via))
        distinct = sorted(set(origins))
        status = "corroborated" if len(distinct) >= 2 else "single_source"
        rationale = (
            f"Reported by {len(picks)} source(s) from {len(distinct)} independent "
            f"origin(s): {', '.join(distinct)}."
        )
        lines = [
            "[[claims]]",
            f"id = {_q(cid)}",
            f"statement = {_q(statement)}",
            f"speaker = {_q(sp.id)}",
            f"kind = {_q(rng.choice(('statement', 'allegation', 'report')))}",
            f"said_on = {said_on.isoformat()}",
            f"topics = [{_q(tid)}]",
            "",
            "[claims.evidence]",
            f"status = {_q(status)}",
            f"rationale = {_q(rationale)}",
        ]
        for sid, via in atts:
            lines += ["", "[[claims.attributions]]", f"source = {_q(sid)}", f"quote = {_q(quote)}"]
            if via:
                lines.append(f"via = [{_q(via[0])}]")
        yield "\n".join(lines) + "\n\n"


def _figure_records(world: World, rng: random.Random, n: int):
    bodies = [s for s in world.speakers if s.kind == "body"]
    for i in range(n):
        tid, clause = rng.choice(vocab.FIGURE_TOPICS)
        place = rng.choice(world.places)
        group = rng.choice(vocab.GROUPS)
        num = int(rng.lognormvariate(3.5, 1.3)) + 2
        form = rng.choice(("exact", "at_least", "more_than", "about", "vague"))
        low: int | None
        high: int | None
        if form == "exact":
            words, low, high = f"{num:,}", num, num
        elif form == "at_least":
            words, low, high = f"at least {num:,}", num, None
        elif form == "more_than":
            words, low, high = f"more than {num:,}", num + 1, None
        elif form == "about":
            words, low, high = f"about {num:,}", num, num
        else:
            words, low, high = "dozens", 12, None
        quote = _cap(clause.format(P=place, W=words, G=group))
        src = rng.choice(world.sources)
        # a count is never dated after the article that gives it (the loader checks)
        as_of = min(_START + dt.timedelta(days=rng.randrange(14)), src.published)
        src.sentences.append(f"{quote} by {as_of.day} January.")
        lines = [
            "[[figures]]",
            f"id = {_q(f'{tid}-{_slug(place)}-{i:07d}')}",
            f"topic = {_q(tid)}",
            f"scope = {_q(group)}",
        ]
        if low is not None:
            lines.append(f"low = {low}")
        if high is not None:
            lines.append(f"high = {high}")
        lines += [
            f"qualifier = {_q(form)}",
            f"words = {_q(words)}",
            'unit = "people"',
            f"as_of = {as_of.isoformat()}",
        ]
        if rng.random() < 0.5:
            lines.append(f"speaker = {_q(rng.choice(bodies).id)}")
        lines += [f"source = {_q(src.id)}", f"quote = {_q(quote)}"]
        yield "\n".join(lines) + "\n\n"


def _chunked_write(directory: Path, prefix: str, records, per_file: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    buf: list[str] = []
    n = 0
    for rec in records:
        buf.append(rec)
        if len(buf) == per_file:
            (directory / f"{prefix}{n:04d}.toml").write_text("".join(buf), encoding="utf-8")
            n += 1
            buf = []
    if buf or n == 0:
        (directory / f"{prefix}{n:04d}.toml").write_text("".join(buf), encoding="utf-8")


def _article(src: Source, world: World, rng: random.Random) -> str:
    sentences = src.sentences
    rng.shuffle(sentences)
    place = rng.choice(world.places)
    topic = rng.choice(vocab.TOPICS)[1].lower()
    src.headline = rng.choice((
        f"Unrest in {place}: officials speak of {topic}",
        f"{topic.capitalize()} reported in {place} as protests spread",
        f"What we know about the {topic} in {place}",
    ))
    paras = [src.headline]
    j = 0
    while j < len(sentences):
        k = rng.randint(2, 4)
        chunk = sentences[j : j + k]
        if rng.random() < 0.3:
            chunk.append(rng.choice(vocab.FILLER))
        paras.append(" ".join(chunk))
        j += k
    if len(paras) == 1:
        paras.append(rng.choice(vocab.FILLER))
    return "\n\n".join(paras) + "\n"


def write_world(world: World, out_dir: Path) -> None:
    """Write the claim-set files for ``world`` into ``out_dir`` (emptied first)."""
    rng = random.Random(f"factdesk-bench-text:{world.seed}:{world.size}")
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in list(out_dir.glob("claims/*.toml")) + list(out_dir.glob("figures/*.toml")) + list(
        out_dir.glob("sources/*")
    ):
        old.unlink()
    _chunked_write(out_dir / "claims", "claims-", _claim_records(world, rng), CLAIMS_PER_FILE)
    world.figures = max(1, world.size // 10)
    _chunked_write(out_dir / "figures", "figures-",
                   _figure_records(world, rng, world.figures), CLAIMS_PER_FILE)
    src_dir = out_dir / "sources"
    src_dir.mkdir(parents=True, exist_ok=True)
    toml = []
    for src in world.sources:
        (src_dir / src.file).write_text(_article(src, world, rng), encoding="utf-8")
        src.sentences = []
        toml += ["[[sources]]", f"id = {_q(src.id)}", f"file = {_q(src.file)}"]
        if src.outlet is not None:
            toml.append(f"outlet = {_q(src.outlet)}")
        toml.append(f"outlet_basis = {_q(src.basis)}")
        if src.basis == "inferred":
            toml.append('outlet_note = "Inferred from the site\'s footer and logo."')
        toml.append(f"headline = {_q(src.headline)}")
        if src.author:
            toml.append(f"author = {_q(src.author)}")
        toml += [f"published = {src.published.isoformat()}", 'published_basis = "stated"']
        toml.append(f"relays = [{', '.join(_q(r) for r in src.relays)}]")
        toml.append("")
    (src_dir / "sources.toml").write_text("\n".join(toml), encoding="utf-8")
    sp_lines = []
    for s in world.speakers:
        sp_lines += [
            "[[speakers]]", f"id = {_q(s.id)}", f"name = {_q(s.name)}", f"role = {_q(s.role)}",
            f"kind = {_q(s.kind)}", f"aliases = [{', '.join(_q(a) for a in s.aliases)}]", "",
        ]
    (out_dir / "speakers.toml").write_text("\n".join(sp_lines), encoding="utf-8")
    tp_lines = []
    for tid, label, synonyms, rank, _t in vocab.TOPICS:
        tp_lines += [
            "[[topics]]", f"id = {_q(tid)}", f"label = {_q(label)}",
            f"synonyms = [{', '.join(_q(s) for s in synonyms)}]", f"rank = {rank}", "",
        ]
    (out_dir / "topics.toml").write_text("\n".join(tp_lines), encoding="utf-8")
    (out_dir / "claimset.toml").write_text(
        "\n".join([
            f'id = "bench-{world.size}"',
            f'title = "Synthetic claim set, {world.size:,} claims"',
            f'version = "bench-g{GENERATOR_VERSION}-s{world.seed}-n{world.size}"',
            'description = "Generated by bench/generate.py; not real claims."',
            'sources = "sources/sources.toml"',
            'speakers = ["speakers.toml"]',
            'topics = ["topics.toml"]',
            'claims = ["claims/*.toml"]',
            'figures = ["figures/*.toml"]',
            "",
        ]),
        encoding="utf-8",
    )


def generate(size: int, seed: int, out_dir: Path) -> World:
    world = build_world(size, seed)
    write_world(world, out_dir)
    return world


def files_hash(directory: Path) -> str:
    """sha256 over every file's relative path and bytes (the reproducibility check)."""
    h = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(directory)).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()
