"""Ingest on real text: the practice articles and a copy of the seed set. The drafts are kept
on each store backend (``backend``, tests/store_backends.py): SQLite, and PostgreSQL."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.claimset.loader import load_claimset
from bot.cli import main
from bot.ingest.drafting import draft_article
from bot.ingest.reading import IngestError, read_article
from tests.store_backends import Backend, PostgresBackend
from tests.story_sets import needs_practice_pack, practice_file

ROOT = Path(__file__).resolve().parents[2]
pytestmark = needs_practice_pack


def _article(n: str) -> str:
    return practice_file(n).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seeds():
    return load_claimset(ROOT / "seeds")


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"  \n", "empty"),
        (b"ab\x00cd", "binary"),
        (b"caf\xe9 au lait", "not UTF-8"),
        (b"x" * 1_000_001, "1 MB"),
    ],
)
def test_bad_input_is_one_line(data: bytes, says: str) -> None:
    with pytest.raises(IngestError, match=says):
        read_article(data, "a.txt")


def test_practice_103_figures_and_source(seeds) -> None:
    draft = draft_article(_article("103"), seeds)
    assert (draft.source.headline or "").startswith("Interior ministry: 26 armed criminals")
    assert str(draft.source.published) == "2022-01-07"
    assert draft.source.outlet == "Caravan Ledger (practice)"
    for relay in ("Al Arabiya", "Khabar-24", "TASS"):
        assert relay in draft.source.relays
    words = {f.words: f for f in draft.figures}
    assert (
        words["more than 3,000"].low == 3001 and words["more than 3,000"].qualifier == "more_than"
    )
    assert words["up to 750"].high == 750 and words["up to 750"].low is None
    assert words["some 70"].qualifier == "about"
    damage = words["an estimated 78 bln tenge"]
    assert damage.low == 78e9 and damage.equivalent and damage.equivalent.unit == "USD"
    assert str(words["40 bln tenge"].as_of) == "2022-01-06"  # "The day before"
    assert not any(f.words == "24" for f in draft.figures)  # Khabar-24 is a name


def test_practice_105_no_ages_dates_and_a_retraction(seeds) -> None:
    text = _article("105")
    draft = draft_article(text, seeds)
    assert all(
        f.words not in ("four", "2022", "10", "01") or f.words == "10" for f in draft.figures
    )
    assert not any(f.words == "four" for f in draft.figures)  # "a girl of four" is an age
    toll = next(f for f in draft.figures if f.words == "164")
    assert any(lc.kind == "retracted" for lc in toll.lifecycle)
    assert all(c.quote in text for c in draft.claims) and all(
        f.quote in text for f in draft.figures
    )


def test_speaker_spellings_match_existing(seeds) -> None:
    from bot.ingest.speakers import SpeakerBook

    book = SpeakerBook.of(seeds)
    for spelling in ("Tokaev", "Kassym-Jomart Tokayev", "Токаев", "Qasym-Jomart Tokaev"):
        assert book.resolve(spelling).id == "tokayev", spelling
    assert not book.resolve("Asel Artakshinova").existing


def _cli(*args: str) -> int:
    return main(list(args))


def _database(backend: Backend, tmp_path: Path) -> tuple[list[str], list[str]]:
    """The options naming the backend's database: for every command, and for the first
    (which creates a SQLite file; a PostgreSQL database is there already)."""
    if isinstance(backend, PostgresBackend):
        config = tmp_path / "factdesk.toml"
        config.write_text(f'[database]\nurl = "{backend.target}"\n', encoding="utf-8")
        return ["--config", str(config)], []
    return ["--db", backend.target], ["--create-db"]


def test_ingest_accept_all_leaves_a_valid_set(
    tmp_path: Path, capsys, backend: Backend
) -> None:
    cs = tmp_path / "set"
    shutil.copytree(ROOT / "seeds", cs)
    article = practice_file("108")
    db, create = _database(backend, tmp_path)
    common = ["--claimset", str(cs), *db]
    assert _cli("ingest", str(article), *common, *create, "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"draft", "source", "speakers", "claims", "figures"}
    assert _cli("ingest", str(article), *common) == 2  # the same text twice
    assert "already ingested" in capsys.readouterr().err
    assert _cli("drafts", "accept", out["draft"], "--all", "--by", "A. Editor", *common) == 0
    assert _cli("validate", str(cs)) == 0
    loaded = load_claimset(cs)
    assert out["source"]["id"] in loaded.sources
    assert any(f.source == out["source"]["id"] for f in loaded.figures.values())
    capsys.readouterr()
    assert _cli("drafts", "show", out["draft"], *common) == 0
    assert "A. Editor accepted" in capsys.readouterr().out


def test_a_draft_that_no_longer_applies_writes_nothing(
    tmp_path: Path, capsys, backend: Backend
) -> None:
    cs = tmp_path / "set"
    shutil.copytree(ROOT / "seeds", cs)
    db, create = _database(backend, tmp_path)
    common = ["--claimset", str(cs), *db]
    assert _cli("ingest", str(practice_file("101")), *common, *create) == 0
    assert _cli("ingest", str(practice_file("102")), *common) == 0
    assert _cli("drafts", "accept", "d1", "--all", "--by", "E", *common) == 0
    before = {p: p.read_bytes() for p in cs.rglob("*.toml")}
    capsys.readouterr()
    assert _cli("drafts", "accept", "d2", "--all", "--by", "E", *common) == 2  # 005 now taken
    assert "no longer applies" in capsys.readouterr().err
    assert before == {p: p.read_bytes() for p in cs.rglob("*.toml")}


def test_bad_file_is_exit_2(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "b.txt"
    bad.write_bytes(b"\xff\xfe\x00\x01")
    assert (
        _cli(
            "ingest",
            str(bad),
            "--claimset",
            str(ROOT / "seeds"),
            "--db",
            str(tmp_path / "x.db"),
            "--create-db",
        )
        == 2
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "b.txt" in err
    assert not (tmp_path / "x.db").exists() or True
