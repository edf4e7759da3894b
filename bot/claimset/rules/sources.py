"""Rule: each source entry names a text file in the sources folder, and each text file has one."""

from __future__ import annotations

import logging

from bot.claimset.problems import display_path
from bot.claimset.records import LoadState

log = logging.getLogger(__name__)


def source_files_match(state: LoadState) -> None:
    if state.sources_file is None:
        return
    sources_file = state.sources_file
    folder = sources_file.path.parent
    # every file named, by valid entries or not: an invalid entry is reported already
    listed = {
        r.model.file if r.model is not None else r.raw.get("file")
        for r in state.records.get("sources", [])
    }
    for rec in state.valid("sources"):
        if not (folder / rec.model.file).is_file():
            state.report_at(rec, ("file",), f"no file {rec.model.file!r} in {display_path(folder)}")
    for path in sorted(folder.glob("*.txt")):
        if path.name not in listed:
            state.report(
                sources_file,
                None,
                "source",
                path.name,
                "file",
                f"text file {path.name!r} has no entry in {sources_file.path.name}",
            )
