"""Plain-text rendering of answer objects: what the CLI and the demo console print."""

from __future__ import annotations

import logging
import textwrap

from bot.answers.models import (
    ClaimAnswer,
    ClaimList,
    EvidenceAnswer,
    FigureRow,
    FiguresAnswer,
    SourceRef,
)
from bot.claimset.status import style
from bot.formatting import format_interval, one_line

log = logging.getLogger(__name__)

WIDTH = 100


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(
        " ".join(text.split()), WIDTH, initial_indent=indent, subsequent_indent=indent
    )


def _source(ref: SourceRef) -> str:
    """"003 time news (outlet inferred), 2022-01-10 (inferred) [file]";
    "004 (outlet unknown), 2022-01-06 (inferred), via Reuters [file]"."""
    if ref.outlet is None:
        outlet = " (outlet unknown)"
    elif ref.outlet_basis == "inferred":
        outlet = f" {ref.outlet} (outlet inferred)"
    else:
        outlet = f" {ref.outlet}"
    date = ref.published.isoformat() if ref.published else "undated"
    if ref.published and ref.published_basis == "inferred":
        date += " (inferred)"
    via = f", via {' -> '.join(ref.via)}" if ref.via else ""
    return f"{ref.source_id}{outlet}, {date}{via} [{ref.file}]"


def _quotes(refs: list[SourceRef], indent: str = "  ") -> list[str]:
    """Each source line once, with every quote from it underneath (in the given order)."""
    lines: list[str] = []
    last = None
    for ref in refs:
        line = _source(ref)
        if line != last:
            lines.append(f"{indent}- {line}")
            last = line
        lines.append(_wrap(f"“{ref.quote}”", indent + "    "))
    return lines


def _status(answer: ClaimAnswer) -> str:
    s = style(answer.status)
    line = f"{s.emoji} {s.label}"
    if answer.editorial is not None:
        e = answer.editorial
        line += f" (editor {e.by}, {e.at:%Y-%m-%d}: {e.reason}; derived: {answer.derived_status})"
    return line


def render_claim(answer: ClaimAnswer, number: int | None = None, *, why: bool = True) -> str:
    head = f"{number}. " if number is not None else ""
    role = f" — {answer.speaker.role}" if answer.speaker.role else ""
    lines = [
        f"{head}{answer.statement}",
        f"  who: {answer.speaker.name}{role}",
        f"  status: {_status(answer)}",
    ]
    if why:
        lines.append(_wrap(f"why: {answer.rationale}", "  "))
    lines.extend(_quotes(answer.sources))
    lines.append(f"  id: {answer.id}")
    return "\n".join(lines)


def _no_match(query: str, suggestions: list[str]) -> str:
    text = f"no match for “{query}”"
    if suggestions:
        text += "; nearest: " + ", ".join(suggestions)
    return text


SUMMARY_STATEMENT_MAX = 90
LISTINGS = {"speaker", "source"}  # answers listing everything one speaker or source said


def claim_line(answer: ClaimAnswer, number: int) -> str:
    """One line of a listing: number, status, statement (cut), id."""
    statement = one_line(answer.statement, SUMMARY_STATEMENT_MAX)
    return f"{number:>3}. {style(answer.status).emoji} {statement} [{answer.id}]"


def render_claims(answer: ClaimList, *, full: bool = False) -> str:
    """Claims in full; a speaker's or a source's listing as one line per claim unless
    ``full`` (the details of one claim: ``claim ID``)."""
    if not answer.results:
        text = _no_match(answer.query, answer.suggestions)
        if answer.on_names:
            lines = [claim_line(c, i) for i, c in enumerate(answer.on_names, 1)]
            text += "\n\n" + "\n".join([f"what the sources say on {', '.join(answer.names)}:",
                                          *lines])
        return text
    what = {"claim": "claims matching", "speaker": "claims by", "source": "claims from"}
    title = answer.resolved or answer.query
    head = f"{what[answer.command]} {title} — {answer.total}"
    if answer.total > len(answer.results):
        head += f" (showing {len(answer.results)})"
    if answer.command in LISTINGS and not full:
        lines = [claim_line(c, i) for i, c in enumerate(answer.results, 1)]
        tail = "details: claim ID for one claim (quotes, sources, why), or add --full for all"
        return "\n".join([head, "", *lines, "", tail])
    body = [render_claim(c, i) for i, c in enumerate(answer.results, 1)]
    return "\n\n".join([head, *body])


def figure_who(f: FigureRow) -> str:
    """Who gives the number and where: "the article itself, in source 004 (outlet unknown)",
    "Kassym-Jomart Tokayev, in source 003 (time news)". The source id appears once."""
    who = "the article itself" if f.own_voice else f.speaker or "unattributed"
    via = f" via {' -> '.join(f.via)}" if f.via else ""
    return f"{who}{via}, in source {f.source_id} ({f.outlet or 'outlet unknown'})"


def figure_coding(f: FigureRow) -> str:
    """The coded interval in words beside the source's own words:
    "→ 12 or more people (coded: vague)"."""
    reads = f.reads or f"{format_interval(f.low, f.high)} {f.unit}"
    return f"→ {reads} (coded: {f.qualifier.replace('_', ' ')})"


VERDICT_ORDER = {"contradiction": 0, "date": 1, "precision": 2, "agree": 3, "same_report": 4,
                 "withdrawn": 5}


def figure_status(f: FigureRow) -> str:
    """"" for a reported figure; "[withdrawn: retracted]", "[alleged]", "[revised]"."""
    if f.withdrawn:
        return f"[withdrawn: {f.status}]" if f.status in ("retracted", "denied") else (
            "[withdrawn with what it belongs to]")
    return f"[{f.status}]" if f.status != "reported" else ""


def render_figures(answer: FiguresAnswer) -> str:
    """The verdict first (at most eight lines, one per line), then the caveats, the
    figures (withdrawn ones marked), and the pairwise relations when they were asked for."""
    if answer.topic is None:
        text = f"no match: no topic for “{answer.query}”"
        if answer.suggestions:
            text += "; nearest topics: " + ", ".join(answer.suggestions)
        return text
    n = len(answer.figures)
    lines = [f"figures for {answer.topic_label} ({answer.topic}): {n}"]
    lines.append(f"contradiction: {'yes' if answer.conflict else 'no'}")
    if answer.verdict:
        label = answer.topic_label or answer.topic
        lines.append(f"{label}, by scope:")
        lines.extend(f"- {line}" for line in answer.verdict)
    else:
        lines.append(textwrap.fill(answer.explanation, WIDTH))
    if answer.caveats:
        lines.append("caveats in the sources:")
        for note in answer.caveats:
            lines.append(_wrap(f"- {note}", "  ").replace("  - ", "- ", 1))
    lines.append("")
    lines.append("figures:")
    for f in answer.figures:
        date = f.as_of.isoformat() if f.as_of else "undated"
        mark = figure_status(f)
        equivalent = f" (= {f.equivalent})" if f.equivalent else ""
        lines.append(f"- {f.words}{equivalent}  {figure_coding(f)}{' ' + mark if mark else ''}")
        lines.append(f"    scope: {f.scope}; as of {date}")
        lines.append(f"    {figure_who(f)} [{f.file}]")
        lines.append(_wrap(f"“{f.quote}”", "    "))
        for event in f.lifecycle:
            by = f" by {event.by}" if event.by else ""
            lines.append(_wrap(f"{event.kind}{by}: “{event.quote}” ({event.source_id})", "    "))
        for note in f.caveats:
            lines.append(_wrap(f"caveat: {note}", "    "))
    if answer.relations:
        relations = sorted(
            (c for c in answer.comparisons if c.relation in VERDICT_ORDER),
            key=lambda c: VERDICT_ORDER[c.relation],
        )
        lines.append("")
        lines.append(f"how they relate ({len(relations)} pairs within a scope, or a part "
                     "against its whole):")
        for c in relations:
            lines.append(_wrap(f"{c.relation}: {c.explanation}", "  "))
    return "\n".join(lines)


def render_evidence(answer: EvidenceAnswer) -> str:
    if answer.claim is None:
        return _no_match(answer.query, answer.suggestions)
    # The content line carries the rationale; the claim's "why" would repeat it.
    why = " ".join(answer.claim.rationale.split()) not in " ".join(answer.content.split())
    lines = [
        render_claim(answer.claim, why=why),
        "",
        f"independent origins: {answer.independent_origins} ({', '.join(answer.origins)})",
        textwrap.fill(f"attribution: {answer.attribution}", WIDTH),
        textwrap.fill(f"content: {answer.content}", WIDTH),
    ]
    if answer.basis:
        lines.append("what the sources say about evidence:")
        lines.extend(_quotes(answer.basis))
    for note in answer.notes:
        lines.append(_wrap(f"note: {note}", ""))
    return "\n".join(lines)


def render(
    answer: ClaimList | FiguresAnswer | EvidenceAnswer | ClaimAnswer, *, full: bool = False
) -> str:
    """The plain text for any answer object (``full``: a listing with every detail)."""
    if isinstance(answer, ClaimList):
        return render_claims(answer, full=full)
    if isinstance(answer, FiguresAnswer):
        return render_figures(answer)
    if isinstance(answer, EvidenceAnswer):
        return render_evidence(answer)
    if isinstance(answer, ClaimAnswer):
        return render_claim(answer)
    raise TypeError(f"cannot render {type(answer).__name__}")
