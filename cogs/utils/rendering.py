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
from cogs.utils.escape import code_text, escape

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
        return _no_match(what, answer.query, answer.suggestions, version)
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
            f.words,
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
    blocks: list[str] = []
    current: list[str] = []
    for row in body:
        candidate = "```\n" + "\n".join([*header, *current, row]) + "\n```"
        if current and len(candidate) > budget:
            blocks.append("```\n" + "\n".join([*header, *current]) + "\n```")
            current = []
        current.append(row)
    blocks.append("```\n" + "\n".join([*header, *current]) + "\n```")
    return blocks


def render_figures(answer: FiguresAnswer, version: str) -> list[Page]:
    if answer.topic is None:
        return _no_match("topic", answer.query, answer.suggestions, version)
    label = answer.topic_label or answer.topic
    # A contradiction shows in the "disputed" colour; otherwise a neutral one: figures
    # that differ by scope, date or precision are not corroboration either.
    if answer.conflict:
        emoji, colour = style(EvidenceStatus.DISPUTED).emoji, style(EvidenceStatus.DISPUTED).colour
    else:
        emoji, colour = FIGURES_EMOJI, INFO_COLOUR
    verdict = escape(answer.explanation) or (
        "The sources contradict each other." if answer.conflict else "No contradiction."
    )
    # No envelope over every figure here: it would mix scopes (demonstrators with all
    # deaths); the verdict and the "By scope" lines give each group its own range.
    head = f"**{truncate(verdict, 1500)}**"
    if answer.groups:  # the verdict as one line per scope group
        lines = [f"• {escape(g.summary)}" for g in answer.groups]
        head = truncate(
            "\n".join([f"**{escape(label)}, by scope:**", *lines,
                       f"**{escape(answer.assessment)}**"]),
            1500,
        )
    footer = f"topic {answer.topic} · claim set {version}"
    title = truncate(
        f"{emoji} {escape(label)}: {len(answer.figures)} figure"
        f"{'s' if len(answer.figures) != 1 else ''}",
        limits.EMBED_TITLE_MAX,
    )
    budget = DESCRIPTION_BUDGET - len(head) - 4
    chunks = [head, *(_tables(answer.figures, budget) if answer.figures else [])]
    if answer.caveats:
        chunks.append(
            "**Caveats in the sources**\n" + "\n".join(f"• {escape(c)}" for c in answer.caveats)
        )
    # Pairs that count different groups are summed up by the scope lines above; only the
    # relations within a group (and a part larger than its whole) are listed one by one.
    order = {"contradiction": 0, "date": 1, "precision": 2, "agree": 3, "same_report": 4}
    relations = sorted(
        (c for c in answer.comparisons if c.relation in order), key=lambda c: order[c.relation]
    )
    if relations:
        chunks.append(
            "**How the figures relate**\n"
            + "\n".join(f"• {escape(c.relation)}: {escape(c.explanation)}" for c in relations)
        )
    for f in answer.figures:
        who = "the article itself" if f.own_voice else escape(f.speaker or "unattributed")
        reads = escape(f.reads) or f"{compact_interval(f.low, f.high)} {escape(f.unit)}"
        note = f"\n*{escape(f.note)}*" if f.note else ""
        chunks.append(
            f"**{escape(f.words)}** → {reads} (coded: {escape(f.qualifier.replace('_', ' '))})\n"
            f"{escape(f.scope)} · as of {_date(f.as_of)} · {who}{_relay(f.via)}, "
            f"source {escape(f.source_id)} ({escape(f.outlet or 'outlet unknown')})\n"
            f"{blockquote(f.quote)}{note}"
        )
    draft = _Draft(title=title, colour=colour, chunks=chunks, footer=footer)
    return _number_pages(
        [Page(embeds=[embed], match_id=answer.topic) for embed in _embeds(draft)]
    )


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
