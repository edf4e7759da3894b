"""The claim-set cache: a hit only for the very bytes (and code) that validated; any
changed, added or removed input is loaded and validated from the files again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.claimset import cache as claimset_cache
from bot.claimset import loader
from bot.claimset.loader import ClaimSetInvalid, load_claimset

MINI = Path(__file__).parents[1] / "data" / "mini"
CLAIMS = "claims/main.toml"


@pytest.fixture
def mini(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "set"
    shutil.copytree(MINI, root)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def no_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, any load that reads and validates the files fails the test."""

    def refuse(*args: object) -> None:
        raise AssertionError("validated from the files")

    monkeypatch.setattr(loader, "load_files", refuse)


def replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_hit_returns_the_same_set_without_validating(
    mini: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_claimset(mini, cache_dir=cache)
    assert len(list(cache.glob("*.pickle"))) == 1
    no_validation(monkeypatch)
    again = load_claimset(mini, cache_dir=cache)
    assert again is not first
    assert again.counts() == first.counts()
    assert again.claims == first.claims and again.figures == first.figures
    assert again.texts == first.texts
    # lines are still found on demand, from the unchanged file
    assert again.locations["claim:arrests-7939"] == first.locations["claim:arrests-7939"]
    assert again.locations["claim:arrests-7939"].line is not None


def test_one_changed_byte_is_loaded_from_the_files(mini: Path, cache: Path) -> None:
    load_claimset(mini, cache_dir=cache)
    replace(mini, CLAIMS, "Thousands of fighters crossed", "Thousands of fighters crossed!")
    cs = load_claimset(mini, cache_dir=cache)
    assert cs.claims["fighters-crossed"].statement.endswith("crossed! the border.")


def test_an_invalid_change_is_reported_though_the_old_set_is_cached(
    mini: Path, cache: Path
) -> None:
    load_claimset(mini, cache_dir=cache)
    replace(mini, CLAIMS, 'speaker = "ambassador"', 'speaker = "nobody"')
    with pytest.raises(ClaimSetInvalid, match="unknown speaker 'nobody'"):
        load_claimset(mini, cache_dir=cache)


def test_an_added_source_text_is_seen(mini: Path, cache: Path) -> None:
    load_claimset(mini, cache_dir=cache)
    (mini / "sources/004_delta.txt").write_text("New.\n", encoding="utf-8")
    with pytest.raises(ClaimSetInvalid, match=r"has no entry in sources\.toml"):
        load_claimset(mini, cache_dir=cache)


def test_a_changed_source_text_is_seen(mini: Path, cache: Path) -> None:
    load_claimset(mini, cache_dir=cache)
    text = (mini / "sources/001_alpha.txt").read_text(encoding="utf-8")
    (mini / "sources/001_alpha.txt").write_text(text.replace("fighters", "men"), encoding="utf-8")
    with pytest.raises(ClaimSetInvalid, match="not in source 001"):
        load_claimset(mini, cache_dir=cache)


def test_an_invalid_set_is_never_cached(mini: Path, cache: Path) -> None:
    replace(mini, CLAIMS, 'speaker = "ambassador"', 'speaker = "nobody"')
    with pytest.raises(ClaimSetInvalid):
        load_claimset(mini, cache_dir=cache)
    assert not cache.exists() or not list(cache.iterdir())


def test_other_loader_code_is_a_miss(
    mini: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_claimset(mini, cache_dir=cache)
    monkeypatch.setattr(claimset_cache, "_code_key", b"another loader version")
    no_validation(monkeypatch)
    with pytest.raises(Exception, match="validated from the files"):
        load_claimset(mini, cache_dir=cache)


def test_the_code_key_covers_every_module_of_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """The validation rules live in a subpackage: a change there is a miss too."""
    hashed: list[Path] = []
    monkeypatch.setattr(claimset_cache, "_code_key", None)
    monkeypatch.setattr(claimset_cache, "_hash_file", lambda h, path: hashed.append(path))
    claimset_cache.code_key()
    package = Path(claimset_cache.__file__).parent
    assert set(hashed) == set(package.rglob("*.py"))
    assert package / "rules" / "status.py" in hashed
    assert package / "loader.py" in hashed


def test_a_damaged_cache_file_is_ignored(mini: Path, cache: Path) -> None:
    first = load_claimset(mini, cache_dir=cache)
    (path,) = cache.glob("*.pickle")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert load_claimset(mini, cache_dir=cache).counts() == first.counts()
    path.write_bytes(b"not a cache at all")
    assert load_claimset(mini, cache_dir=cache).counts() == first.counts()


def test_an_unwritable_cache_only_costs_time(mini: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert load_claimset(mini, cache_dir=blocker / "cache").counts()["claims"] == 4


def test_the_search_index_is_cached_beside_the_set_and_answers_the_same(
    mini: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.answers import search_index
    from bot.answers.engine import Factdesk

    fresh = Factdesk(load_claimset(mini))  # no cache: built
    assert not cache.exists()
    built = Factdesk(load_claimset(mini, cache_dir=cache))
    assert len(list(cache.glob("search-index-*.pickle"))) == 1

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("index built again")

    monkeypatch.setattr(search_index.SearchIndex, "__init__", refuse)
    warm = Factdesk(load_claimset(mini, cache_dir=cache))
    for query in ("thousands of fighters", "arrested", "billions damage"):
        expected = [r.id for r in fresh.claim(query).results]
        assert expected, query
        assert [r.id for r in built.claim(query).results] == expected
        assert [r.id for r in warm.claim(query).results] == expected
    # a changed claim file changes the set's key: the index is built again
    replace(mini, CLAIMS, "Thousands of fighters crossed", "Thousands of soldiers crossed")
    with pytest.raises(AssertionError, match="index built again"):
        Factdesk(load_claimset(mini, cache_dir=cache))
