"""Embeds rendered from the answer objects in bot.answers (the CLI renders the same objects).

``render(answer, version=...)`` returns a list of :class:`Page`; each page is one
message's worth (content + embeds) that fits Discord's limits on its own, so a long
answer becomes several pages that the paginator in :mod:`cogs.utils.views` steps through.
Every piece of text that comes from the claim set or from the user is escaped
(markdown and mentions) before it is put into an embed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import discord

from bot.answers.models import (
    ClaimAnswer,
    ClaimList,
    EditorialRuling,
    EvidenceAnswer,
    FigureRow,
    FiguresAnswer,
    SourceRef,
)
from bot.claimset.status import EvidenceStatus, style
from bot.formatting import compact_interval
from bot.rendering.editorial import render_history
from cogs.utils import limits
from cogs.utils.escape import code_text, escape, strike

if TYPE_CHECKING:
    from bot.record.editorial import StatusHistory

log = logging.getLogger(__name__)

NO_MATCH_COLOUR = 0x99AAB5
INFO_COLOUR = 0x5865F2
NEUTRAL_COLOUR = 0x607D8B  # editorial replies with no status to colour them
HISTORY_SHOWN = 15  # at most this many newest changes in /status history
FIGURES_EMOJI = "📊"
# Room kept free in every embed, below Discord's 6000 total, for the page counter.
EMBED_BUDGET = limits.EMBEDS_TOTAL_MAX - 100
DESCRIPTION_BUDGET = limits.EMBED_DESCRIPTION_MAX - 96
QUOTE_MAX = 900  # one quote in a block; longer ones are cut with an ellipsis
TABLE_WIDTHS = {"words": 20, "range": 13, "scope": 16, "as of": 10, "source": 14}
WITHDRAWN_MARK = "✗ "  # before a withdrawn figure's words in the table (code: no strike)
VERDICT_LINE_MAX = 420  # one verdict line, escaped: eight fit the first page with room
# A topic with thousands of figures: the table lists the first MAX_TABLE_ROWS (withdrawn
# ones always), the figures in full the first MAX_FIGURES_IN_FULL; the CLI lists every one.
MAX_TABLE_ROWS = 250
MAX_FIGURES_IN_FULL = 40


@dataclass
class Page:
    """One message: optional content and the embeds, plus what the page is about."""

    embeds: list[discord.Embed]
    content: str | None = None
    match_id: str | None = None  # the claim or topic id shown, for "Wrong match"


@dataclass
class _Draft:
    title: str
    colour: int
    footer: str
    chunks: list[str]
    author: str | None = None
    fields: list[tuple[str, str]] = field(default_factory=list)
    url: str | None = None


# -- text helpers -------------------------------------------------------------


def truncate(text: str, limit: int) -> str:
    """At most ``limit`` characters, an ellipsis marking a cut; never ends in a lone ``\\``."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    # Do not leave half an escape sequence ("\" + the cut character) behind.
    stripped = cut.rstrip("\\")
    if (len(cut) - len(stripped)) % 2:
        cut = cut[:-1]
    return cut + "…"


def quoted(query: str, limit: int = 200) -> str:
    return f"“{truncate(escape(query.strip()), limit)}”"


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else "date unknown"


def blockquote(text: str, limit: int = QUOTE_MAX) -> str:
    body = truncate(escape(" ".join(text.split())), limit)
    return "> " + body


def _outlet(ref: SourceRef) -> str:
    if ref.outlet is None:
        return f"unknown outlet ({escape(ref.file)})"
    name = f"**{escape(ref.outlet)}**"
    return f"{name} (outlet inferred)" if ref.outlet_basis == "inferred" else name


def _relay(via: Sequence[str]) -> str:
    return f", via {escape(' → '.join(via))}" if via else ""


def source_line(ref: SourceRef) -> str:
    published = _date(ref.published)
    if ref.published and ref.published_basis == "inferred":
        published += " (inferred)"
    return f"— {_outlet(ref)}, {published}{_relay(ref.via)} · source {escape(ref.source_id)}"


def quote_block(ref: SourceRef) -> str:
    return f"{blockquote(ref.quote)}\n{source_line(ref)}"


def _status_title(status: EvidenceStatus, text: str) -> str:
    st = style(status)
    return truncate(f"{st.emoji} {escape(text)}", limits.EMBED_TITLE_MAX)


# -- packing ------------------------------------------------------------------


def _pack(chunks: Iterable[str], budget: int) -> list[str]:
    """Chunks joined by blank lines into as few descriptions as fit ``budget`` each."""
    out: list[str] = []
    current = ""
    for chunk in chunks:
        chunk = truncate(chunk, budget)
        joined = f"{current}\n\n{chunk}" if current else chunk
        if len(joined) <= budget:
            current = joined
        else:
            out.append(current)
            current = chunk
    if current:
        out.append(current)
    return out or [""]


def _embeds(draft: _Draft) -> list[discord.Embed]:
    """One or more embeds for a draft: fields on the first, the chunks spread over all."""
    first = discord.Embed(title=truncate(draft.title, limits.EMBED_TITLE_MAX), colour=draft.colour)
    if draft.author:
        first.set_author(name=truncate(draft.author, limits.AUTHOR_MAX))
    fields = [(n, v) for n, v in draft.fields if n.strip() and v.strip()]
    if len(fields) > limits.EMBED_FIELDS_MAX:
        extra = len(fields) - limits.EMBED_FIELDS_MAX + 1
        fields = [*fields[: limits.EMBED_FIELDS_MAX - 1], ("More", f"… and {extra} more")]
    for name, value in fields:
        first.add_field(
            name=truncate(name, limits.FIELD_NAME_MAX),
            value=truncate(value, limits.FIELD_VALUE_MAX),
            inline=False,
        )
    footer = truncate(draft.footer, 1000)
    first.set_footer(text=footer)
    room_first = min(DESCRIPTION_BUDGET, EMBED_BUDGET - len(first))
    room_rest = min(
        DESCRIPTION_BUDGET, EMBED_BUDGET - len(first.title or "") - len(footer) - 20
    )
    descriptions = _pack(draft.chunks, room_first)
    if len(descriptions) > 1:
        # Re-pack what did not fit on the first page with the roomier later pages.
        rest = _pack(descriptions[1:], room_rest) if room_rest > room_first else descriptions[1:]
        descriptions = [descriptions[0], *rest]
    embeds = []
    for i, description in enumerate(descriptions):
        if i == 0:
            embed = first
        else:
            embed = discord.Embed(
                title=truncate(f"{draft.title} (continued)", limits.EMBED_TITLE_MAX),
                colour=draft.colour,
            )
            embed.set_footer(text=footer)
        if description:
            embed.description = description
        embeds.append(embed)
    return embeds


def _number_pages(pages: list[Page]) -> list[Page]:
    if len(pages) > 1:
        for i, page in enumerate(pages, 1):
            for embed in page.embeds:
                embed.set_footer(text=f"{embed.footer.text} · page {i}/{len(pages)}")
    return pages


def _no_match(what: str, query: str, suggestions: Sequence[str], version: str) -> list[Page]:
    embed = discord.Embed(
        title=truncate(f"No {what} matches {quoted(query, 180)}", limits.EMBED_TITLE_MAX),
        colour=NO_MATCH_COLOUR,
    )
    if suggestions:
        lines = [f"• {truncate(escape(s), 150)}" for s in suggestions[:15]]
        embed.description = "Did you mean:\n" + "\n".join(lines)
    else:
        embed.description = "Nothing close either. Try fewer or other words."
    embed.set_footer(text=f"claim set {version}")  # footers are plain text: no escaping
    return [Page(embeds=[embed])]


# -- claims -------------------------------------------------------------------


def _ruling_field(ruling: EditorialRuling) -> tuple[str, str]:
    st = style(ruling.status)
    return (
        "Editor's ruling",
        f"{st.emoji} {st.label} by {escape(ruling.by)} on {ruling.at:%Y-%m-%d}: "
        f"{escape(ruling.reason)}",
    )


def _claim_draft(claim: ClaimAnswer, version: str) -> _Draft:
    st = style(claim.status)
    chunks = [f"**{st.label}** · {escape(claim.rationale)}"]
    chunks.extend(quote_block(ref) for ref in claim.sources)
    fields: list[tuple[str, str]] = []
    if claim.editorial is not None:
        fields.append(_ruling_field(claim.editorial))
    if claim.derived_status != claim.status:
        derived = style(claim.derived_status)
        fields.append(("From the sources", f"{derived.emoji} {derived.label}"))
    said = f" · said {claim.said_on.isoformat()}" if claim.said_on else ""
    return _Draft(
        title=_status_title(claim.status, claim.statement),
        colour=st.colour,
        author=f"{claim.speaker.name} — {claim.speaker.role}"[: limits.AUTHOR_MAX],
        chunks=chunks,
        fields=fields,
        footer=f"claim {claim.id} · {claim.kind}{said} · claim set {version}",
    )


def claim_pages(claim: ClaimAnswer, version: str, content: str | None = None) -> list[Page]:
    return [
        Page(embeds=[embed], content=content, match_id=claim.id)
        for embed in _embeds(_claim_draft(claim, version))
    ]


def render_claim_list(answer: ClaimList, version: str) -> list[Page]:
    if not answer.results:
        what = {"claim": "claim", "speaker": "speaker", "source": "source"}[answer.command]
        none = _no_match(what, answer.query, answer.suggestions, version)
        if answer.on_names:
            lines = [f"• {style(c.status).emoji} {truncate(escape(c.statement), 180)} "
                     f"`{code_text(c.id)}`" for c in answer.on_names]
            names = truncate(escape(", ".join(answer.names)), 150)
            none[0].embeds[0].add_field(
                name=truncate(f"What the sources say on {names}", limits.FIELD_NAME_MAX),
                value=truncate("\n".join(lines), limits.FIELD_VALUE_MAX), inline=False)
        return none
    head = {
        "claim": f"Claims matching {quoted(answer.query)}",
        "speaker": f"Claims by **{escape(answer.resolved or answer.query)}**",
        "source": f"Claims in **{escape(answer.resolved or answer.query)}**",
    }[answer.command]
    total = max(answer.total, len(answer.results))
    pages: list[Page] = []
    for i, claim in enumerate(answer.results, 1):
        shown = f"{i} of {len(answer.results)}"
        if total > len(answer.results):
            shown += f" (of {total} found)"
        pages.extend(claim_pages(claim, version, truncate(f"{head}: {shown}", 1900)))
    return _number_pages(pages)


# -- evidence -----------------------------------------------------------------


def render_evidence(answer: EvidenceAnswer, version: str) -> list[Page]:
    claim = answer.claim
    if claim is None:
        return _no_match("claim", answer.query, answer.suggestions, version)
    status = answer.status or claim.status
    st = style(status)
    chunks = [f"**{st.label}** — {st.meaning}."]
    if answer.attribution:
        chunks.append(escape(answer.attribution))
    if answer.content:
        chunks.append(f"**Content:** {escape(answer.content)}")
    why = answer.rationale or claim.rationale
    if why.strip() not in answer.content:
        chunks.append(f"**Why:** {escape(why)}")
    if answer.basis:
        chunks.append("**What the sources say about evidence:**")
        chunks.extend(quote_block(ref) for ref in answer.basis)
    fields: list[tuple[str, str]] = []
    origins = "\n".join(f"• {escape(o)}" for o in answer.origins) or "none named"
    fields.append((f"Independent origins: {answer.independent_origins}", origins))
    fields.append(
        ("Reported in", ", ".join(sorted({_outlet(ref) for ref in claim.sources})) or "—")
    )
    if claim.editorial is not None:
        fields.append(_ruling_field(claim.editorial))
    fields.extend(("Editor's note", escape(note)) for note in answer.notes)
    draft = _Draft(
        title=_status_title(status, claim.statement),
        colour=st.colour,
        author=f"{claim.speaker.name} — {claim.speaker.role}",
        chunks=chunks,
        fields=fields,
        footer=f"claim {claim.id} · claim set {version}",
    )
    return _number_pages(
        [Page(embeds=[embed], match_id=claim.id) for embed in _embeds(draft)]
    )


# -- figures ------------------------------------------------------------------


def _cell(text: str, width: int) -> str:
    text = code_text(" ".join(text.split()))
    return text if len(text) <= width else text[: width - 1] + "…"


def _table_rows(figures: Sequence[FigureRow]) -> list[str]:
    cols = list(TABLE_WIDTHS)
    rows = [
        [
            (WITHDRAWN_MARK if f.withdrawn else "") + f.words,
            compact_interval(f.low, f.high),
            f.scope,
            f.as_of.isoformat() if f.as_of else "?",
            f.outlet or f"source {f.source_id}",
        ]
        for f in figures
    ]
    widths = [
        min(TABLE_WIDTHS[c], max([len(c), *(len(r[i]) for r in rows)])) for i, c in enumerate(cols)
    ]
    line = "  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True))
    out = [line.rstrip(), "  ".join("-" * w for w in widths)]
    for row in rows:
        cells = [_cell(v, w).ljust(w) for v, w in zip(row, widths, strict=True)]
        out.append("  ".join(cells).rstrip())
    return out


def _tables(figures: Sequence[FigureRow], budget: int) -> list[str]:
    """The figures table as code blocks, split by rows so each block fits ``budget``."""
    rows = _table_rows(figures)
    header, body = rows[:2], rows[2:]
    fence = len("```\n") + len("\n```")
    head_size = sum(len(h) + 1 for h in header)
    blocks: list[str] = []
    current: list[str] = []
    size = fence + head_size  # the block's length with the rows so far (one pass)
    for row in body:
        if current and size + len(row) + 1 > budget:
            blocks.append("```\n" + "\n".join([*header, *current]) + "\n```")
            current, size = [], fence + head_size
        current.append(row)
        size += len(row) + 1
    blocks.append("```\n" + "\n".join([*header, *current]) + "\n```")
    return blocks


def _listed(figures: Sequence[FigureRow], limit: int) -> list[FigureRow]:
    """The first ``limit`` figures in the answer's order, and every withdrawn one."""
    if len(figures) <= limit:
        return list(figures)
    return [f for i, f in enumerate(figures) if i < limit or f.withdrawn]


def _verdict_chunk(answer: FiguresAnswer, label: str) -> str:
    """The verdict as the first page's head: every line of it (at most eight), each
    escaped and cut to ``VERDICT_LINE_MAX``, so the whole verdict fits one page."""
    if not answer.verdict:
        text = escape(answer.explanation) or (
            "The sources contradict each other." if answer.conflict else "No contradiction.")
        return f"**{truncate(text, 1500)}**"
    lines = [f"• {truncate(escape(line), VERDICT_LINE_MAX)}" for line in answer.verdict]
    return "\n".join([f"**{escape(label)}, by scope:**", *lines])


def _figure_chunk(f: FigureRow) -> str:
    """One figure in full; a withdrawn one struck (its lifecycle said under it)."""
    who = "the article itself" if f.own_voice else escape(f.speaker or "unattributed")
    reads = escape(f.reads) or f"{compact_interval(f.low, f.high)} {escape(f.unit)}"
    words = strike(f.words) if f.withdrawn else f"**{escape(f.words)}**"
    if f.equivalent:
        words += f" (= {escape(f.equivalent)})"
    status = f" · **{escape(f.status)}**" if f.status != "reported" or f.withdrawn else ""
    note = f"\n*{escape(f.note)}*" if f.note else ""
    events = "".join(
        f"\n{escape(e.kind)}{' by ' + escape(e.by) if e.by else ''}: "
        f"“{truncate(escape(e.quote), 300)}” (source {escape(e.source_id)})"
        for e in f.lifecycle
    )
    return (
        f"{words} → {reads} (coded: {escape(f.qualifier.replace('_', ' '))}){status}\n"
        f"{escape(f.scope)} · as of {_date(f.as_of)} · {who}{_relay(f.via)}, "
        f"source {escape(f.source_id)} ({escape(f.outlet or 'outlet unknown')})\n"
        f"{blockquote(f.quote)}{events}{note}"
    )


def render_figures(answer: FiguresAnswer, version: str) -> list[Page]:
    """The verdict on the first page (all of it), then the table of figures (withdrawn
    ones marked), the caveats, each figure in full (withdrawn ones struck); the pairwise
    relations only when the answer holds them (:func:`render_relations`)."""
    if answer.topic is None:
        return _no_match("topic", answer.query, answer.suggestions, version)
    label = answer.topic_label or answer.topic
    # A contradiction shows in the "disputed" colour; otherwise a neutral one: figures
    # that differ by scope, date or precision are not corroboration either.
    if answer.conflict:
        emoji, colour = style(EvidenceStatus.DISPUTED).emoji, style(EvidenceStatus.DISPUTED).colour
    else:
        emoji, colour = FIGURES_EMOJI, INFO_COLOUR
    head = _verdict_chunk(answer, label)
    footer = f"topic {answer.topic} · claim set {version}"
    title = truncate(
        f"{emoji} {escape(label)}: {len(answer.figures)} figure"
        f"{'s' if len(answer.figures) != 1 else ''}",
        limits.EMBED_TITLE_MAX,
    )
    budget = DESCRIPTION_BUDGET - len(head) - 4
    listed = _listed(answer.figures, MAX_TABLE_ROWS)
    chunks = [head, *(_tables(listed, budget) if listed else [])]
    if len(listed) < len(answer.figures):
        chunks.append(f"… and {len(answer.figures) - len(listed)} more figures: every one with "
                      f"`python -m bot figures {code_text(answer.topic)}` (or `--json`).")
    if answer.caveats:
        chunks.append(
            "**Caveats in the sources**\n" + "\n".join(f"• {escape(c)}" for c in answer.caveats)
        )
    if answer.relations:
        chunks.extend(_relation_chunks(answer))
    in_full = _listed(answer.figures, MAX_FIGURES_IN_FULL)
    chunks.extend(_figure_chunk(f) for f in in_full)
    if len(in_full) < len(answer.figures):
        chunks.append(f"{len(in_full)} of {len(answer.figures)} figures in full here; the table "
                      "above lists them.")
    draft = _Draft(title=title, colour=colour, chunks=chunks, footer=footer)
    return _number_pages(
        [Page(embeds=[embed], match_id=answer.topic) for embed in _embeds(draft)]
    )


RELATION_ORDER = {"contradiction": 0, "date": 1, "precision": 2, "agree": 3, "same_report": 4,
                  "withdrawn": 5}


def _relation_chunks(answer: FiguresAnswer) -> list[str]:
    """The pairs within a scope (and a part against its whole), contradictions first."""
    relations = sorted(
        (c for c in answer.comparisons if c.relation in RELATION_ORDER),
        key=lambda c: RELATION_ORDER[c.relation],
    )
    if not relations:
        return ["**How the figures relate**\nNo two figures of one scope to relate."]
    lines = [f"• {escape(c.relation)}: {escape(c.explanation)}" for c in relations]
    return ["**How the figures relate**\n" + lines[0], *lines[1:]]


def render_relations(answer: FiguresAnswer, version: str) -> list[Page]:
    """The pairwise relations of a /figures answer asked with relations (the "Relations"
    button): pages of their own, every one within Discord's limits."""
    if answer.topic is None:
        return _no_match("topic", answer.query, answer.suggestions, version)
    label = answer.topic_label or answer.topic
    draft = _Draft(
        title=truncate(f"{FIGURES_EMOJI} {escape(label)}: how the figures relate",
                       limits.EMBED_TITLE_MAX),
        colour=INFO_COLOUR,
        chunks=_relation_chunks(answer),
        footer=f"topic {answer.topic} · claim set {version}",
    )
    return _number_pages([Page(embeds=[embed], match_id=None) for embed in _embeds(draft)])


def show_image(page: Page, filename: str) -> None:
    """Point the page's first embed at an attached image (``attachment://filename``)."""
    if page.embeds:
        page.embeds[0].set_image(url=f"attachment://{filename}")


# -- editors' replies ---------------------------------------------------------


def text_embed(title: str, text: str, colour: int = NEUTRAL_COLOUR) -> discord.Embed:
    """One embed showing a plain text as written (editorial replies, reload reports).

    The texts of :mod:`bot.rendering` carry reasons, notes, names and queries that
    users typed, and no markdown of their own: all of it is escaped here.
    """
    return discord.Embed(
        title=truncate(escape(title), limits.EMBED_TITLE_MAX),
        description=truncate(escape(text), limits.EMBED_DESCRIPTION_MAX),
        colour=colour,
    )


def history_text(history: StatusHistory) -> str:
    """The newest changes whose escaped text fits one embed (the older ones are on the CLI)."""
    for shown in range(HISTORY_SHOWN, 0, -1):
        text = render_history(history, shown)
        if len(escape(text)) <= limits.EMBED_DESCRIPTION_MAX:
            return text
    return render_history(history, 1)


# -- about --------------------------------------------------------------------


def about_page(
    *, title: str, version: str, counts: dict[str, int], uptime: dt.timedelta, latency_ms: float
) -> Page:
    embed = discord.Embed(title=truncate(f"Factdesk — {escape(title)}", 256), colour=INFO_COLOUR)
    embed.add_field(name="Claim set version", value=truncate(escape(version), 1024), inline=False)
    for name, count in counts.items():
        embed.add_field(name=name.capitalize(), value=str(count))
    seconds = int(uptime.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    up = (f"{days}d " if days else "") + f"{hours:02d}:{minutes:02d}:{secs:02d}"
    embed.add_field(name="Uptime", value=up)
    if latency_ms == latency_ms and latency_ms != float("inf"):  # not NaN, not inf
        embed.add_field(name="Gateway latency", value=f"{latency_ms:.0f} ms")
    embed.set_footer(text=f"claim set {truncate(version, 200)}")
    return Page(embeds=[embed])


# -- dispatch -----------------------------------------------------------------


def render(answer: object, *, version: str) -> list[Page]:
    """Pages for any answer object; each page fits Discord's limits."""
    if isinstance(answer, ClaimList):
        return render_claim_list(answer, version)
    if isinstance(answer, FiguresAnswer):
        return render_figures(answer, version)
    if isinstance(answer, EvidenceAnswer):
        return render_evidence(answer, version)
    if isinstance(answer, ClaimAnswer):
        return _number_pages(claim_pages(answer, version))
    raise TypeError(f"no embed rendering for {type(answer).__name__}")
