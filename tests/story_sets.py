"""Fixture claim sets for content tests, so that a desk adding an article to seeds/ never
turns them red: the practice story (tests/data/practice: the seed articles plus the eight
practice articles) and the five-article story cut from it (the seed articles 000-004 and
their claim set as issue 11 left them)."""

from __future__ import annotations

import logging
import shutil
import tomllib
from pathlib import Path

import pytest
import rtoml

log = logging.getLogger(__name__)

PRACTICE = Path(__file__).parent / "data" / "practice"
# ../shared/practice beside the repository: the eight practice articles and their key.
PRACTICE_PACK = Path(__file__).resolve().parents[2] / "shared" / "practice"
needs_practice_pack = pytest.mark.skipif(not PRACTICE_PACK.exists(), reason="no practice pack")


def practice_file(n: str) -> Path:
    """The practice article numbered ``n`` ("101".."108")."""
    return next(PRACTICE_PACK.glob(f"{n}_*.txt"))


def practice_article(n: str) -> bytes:
    """The practice article numbered ``n``, as the bytes an editor uploads."""
    return practice_file(n).read_bytes()


def five_article_story(dest: Path) -> Path:
    """Write the five-article story to ``dest`` (the practice set without its practice
    articles and their figures); its directory."""
    shutil.copytree(PRACTICE, dest)
    sources = dest / "sources" / "sources.toml"
    data = tomllib.loads(sources.read_text(encoding="utf-8"))
    kept = [s for s in data["sources"] if int(s["id"]) < 100]
    for s in data["sources"]:
        if s not in kept:
            (dest / "sources" / s["file"]).unlink()
    sources.write_text(rtoml.dumps({"sources": kept}), encoding="utf-8")
    for path in dest.glob("figures/practice-*.toml"):
        path.unlink()
    return dest
