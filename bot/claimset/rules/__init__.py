"""The validation rules of a claim set, in the order they run: a new rule is added to RULES.

Each rule is one function ``rule(state)`` over a
:class:`~bot.claimset.records.LoadState` after every file is read: it reads the records
that validated (``state.valid(array)``), the source texts and, for the rules that need
it, the claim set built from them (``state.claimset``, None when the manifest is
invalid), and notes each problem with ``state.report_at`` (a warning, which leaves the
set valid, with ``state.warn_at``). Rules never raise: every
problem is collected, and the loader raises them all at once. What a single record can
check on its own belongs in :mod:`bot.claimset.schema`, not here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.claimset.origins import _key as origin_name_key
from bot.claimset.records import LoadState
from bot.claimset.rules.basis import no_evidence_basis_on_subject
from bot.claimset.rules.corroboration import corroborated_parts_backed, speaker_words
from bot.claimset.rules.figure_links import figure_links_hold
from bot.claimset.rules.figures import _interval as figure_interval
from bot.claimset.rules.figures import _qualifier_problem as figure_qualifier_problem
from bot.claimset.rules.figures import (
    figure_dates_fit_source,
    figure_units_known,
    figure_words_give_bounds,
    figure_words_in_quote,
)
from bot.claimset.rules.hedges import hedges_kept
from bot.claimset.rules.quotes import quotes_are_in_sources
from bot.claimset.rules.references import references_resolve
from bot.claimset.rules.relays import wire_words_not_given_to_outlets
from bot.claimset.rules.sources import source_files_match
from bot.claimset.rules.status import status_fits_record
from bot.claimset.rules.uniqueness import ids_are_unique, spellings_are_unique
from bot.claimset.rules.vocabularies import figure_vocabularies_resolve, vocabularies_are_trees
from bot.claimset.wording import stem

log = logging.getLogger(__name__)

Rule = Callable[[LoadState], None]

RULES: tuple[Rule, ...] = (
    source_files_match,  # each source entry names a text file, each text file has an entry
    ids_are_unique,  # per kind, source files, and across claims and figures
    spellings_are_unique,  # speaker, place, group and unit names and aliases, case aside
    vocabularies_are_trees,  # places and groups: each within resolves, none in a circle
    references_resolve,  # speakers, topics, sources, supported_by, disputed_by, lifecycle
    figure_vocabularies_resolve,  # a figure's place and group are in the vocabularies
    figure_units_known,  # a figure's unit is in the units vocabulary (aliases refused)
    quotes_are_in_sources,  # attributions, evidence basis, figures, lifecycle, equivalents
    figure_words_give_bounds,  # words whole in the quote, state the qualifier, give low/high
    figure_words_in_quote,  # label, as_of_words, period words are in the quote
    figure_dates_fit_source,  # as_of, period, rate and lifecycle dates not after the source
    figure_links_hold,  # revised_by, part_of, same_as, earlier_than; denials by the speaker
    status_fits_record,  # each evidence status's own rule: see rules/status.py
    corroborated_parts_backed,  # each part of a corroborated statement from two origins
    no_evidence_basis_on_subject,  # a no_evidence basis shares a topic or a name with it
    wire_words_not_given_to_outlets,  # an outlet relaying an agency is not the speaker
    hedges_kept,  # a warning: a quote's hedge is kept in the statement or figure note
)


def run_rules(state: LoadState) -> None:
    """Every rule, in order, noting its problems on ``state``; then the rules' memos are
    emptied (tens of thousands of stems at 100,000 claims), so what is built next (the
    search index) reuses their memory instead of adding to the peak."""
    for rule in RULES:
        rule(state)
    clear_memos()


def clear_memos() -> None:
    """Empty the rules' memos (:data:`MEMOS`) once a load is done."""
    for memo in MEMOS:
        memo.cache_clear()


# The rules' memos (functools.lru_cache): useful within one load, not after it.
MEMOS = (stem, speaker_words, origin_name_key, figure_interval, figure_qualifier_problem)
