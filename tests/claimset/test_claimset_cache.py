"""The claim-set cache: a hit only for the very bytes (and code) that validated; any
changed, added or removed input is loaded and validated from the files again."""

from __future__ import annotations

import logging
import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.claimset import cache as claimset_cache
from bot.claimset import loader
from bot.claimset.loader import ClaimSetInvalid, load_claimset

MINI = Path(__file__).parents[1] / "data" / "mini"
CLAIMS = "claims/main.toml"



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
    assert not list(cache.glob("*.pickle"))


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
    # the lookups beside the index are filled whether the index was built or read
    for engine in (built, warm):
        assert engine._by_speaker == fresh._by_speaker and engine._by_via == fresh._by_via
        assert engine._by_source == fresh._by_source and fresh._by_via
        assert [r.id for r in engine.claim("via:AFP").results] == [
            r.id for r in fresh.claim("via:AFP").results]
    # a changed claim file changes the set's key: the index is built again
    replace(mini, CLAIMS, "Thousands of fighters crossed", "Thousands of soldiers crossed")
    with pytest.raises(AssertionError, match="index built again"):
        Factdesk(load_claimset(mini, cache_dir=cache))


# -- a cache that cannot run someone else's code ---------------------------------------------


class Planted:
    """What an attacker pickles: unpickling it creates ``marker`` (any code would run)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return open, (str(self.marker), "w")


def plant(mini: Path, cache: Path, marker: Path, secret: bytes) -> Path:
    """A cache entry for ``mini`` with the right key (anyone who can read the claim set
    computes it), holding a pickle that creates ``marker``, signed with ``secret``."""
    manifest = mini.absolute() / "claimset.toml"
    key = claimset_cache.input_key(manifest)
    payload = pickle.dumps(Planted(marker))
    mac = claimset_cache._mac_hash(secret, key)
    mac.update(payload)
    path = claimset_cache.cache_file(cache, manifest)
    path.write_bytes(claimset_cache._FORMAT + key.encode() + b"\n" + mac.hexdigest().encode()
                     + b"\n" + payload)
    path.chmod(0o600)
    return path


@pytest.fixture(autouse=True)
def _fresh_warnings() -> None:
    claimset_cache._warned.clear()


def test_a_planted_pickle_is_never_unpickled(mini: Path, cache: Path, tmp_path: Path, caplog):
    first = load_claimset(mini, cache_dir=cache)  # the folder and its secret exist now
    marker = tmp_path / "pwned"
    entry = plant(mini, cache, marker, secret=b"x" * 32)  # not the folder's secret
    with caplog.at_level(logging.WARNING, logger="bot.claimset.cache"):
        again = load_claimset(mini, cache_dir=cache)
    assert not marker.exists()
    assert again.counts() == first.counts()  # loaded from the files
    assert f"claim-set cache entry {entry} refused (not signed with this folder's secret)" in (
        caplog.text)
    assert load_claimset(mini, cache_dir=cache).counts() == first.counts()  # rewritten, a hit


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757])
def test_a_folder_others_can_write_is_refused_even_with_a_valid_signature(
    mini: Path, cache: Path, tmp_path: Path, caplog, mode: int
):
    load_claimset(mini, cache_dir=cache)
    secret = (cache / claimset_cache.SECRET_NAME).read_bytes()
    marker = tmp_path / "pwned"
    plant(mini, cache, marker, secret)  # whoever can write the folder could plant the key too
    cache.chmod(mode)
    with caplog.at_level(logging.WARNING, logger="bot.claimset.cache"):
        assert load_claimset(mini, cache_dir=cache).counts()["claims"] == 4
    assert not marker.exists()
    assert [r.getMessage() for r in caplog.records] == [
        f"claim-set cache {cache} not used ({cache} is writable by group or others "
        f"(mode {mode:04o})); loading from the files"
    ]


def test_an_entry_that_is_a_symlink_or_not_ours_is_refused(
    mini: Path, cache: Path, tmp_path: Path, caplog
):
    load_claimset(mini, cache_dir=cache)
    secret = (cache / claimset_cache.SECRET_NAME).read_bytes()
    marker = tmp_path / "pwned"
    elsewhere = plant(mini, cache, marker, secret)
    target = tmp_path / "elsewhere.pickle"
    elsewhere.rename(target)
    elsewhere.symlink_to(target)
    with caplog.at_level(logging.WARNING, logger="bot.claimset.cache"):
        load_claimset(mini, cache_dir=cache)
    assert not marker.exists() and "is a symlink" in caplog.text
    if os.geteuid() == 0:  # only root can give a file away
        elsewhere.unlink()
        plant(mini, cache, marker, secret)
        os.chown(elsewhere, 65534, 65534)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="bot.claimset.cache"):
            load_claimset(mini, cache_dir=cache)
        assert not marker.exists() and "owned by uid 65534" in caplog.text


def test_the_secret_is_created_private_and_refused_when_others_can_read_it(
    mini: Path, cache: Path, caplog
):
    load_claimset(mini, cache_dir=cache)
    key = cache / claimset_cache.SECRET_NAME
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == 32
    key.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="bot.claimset.cache"):
        load_claimset(mini, cache_dir=cache)
    assert f"{key} is readable by others (mode 0644)" in caplog.text


def test_an_unusable_cache_dir_is_one_warning_line_at_start(mini: Path, tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f'[claimset]\npath = "{mini}"\ncache_dir = "{blocker / "cache"}"\n',
                      encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "claim", "ministry", "--config", str(config)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if not k.startswith("FACTDESK_")},
    )
    assert done.returncode == 0
    assert done.stderr == (f"warning: claim-set cache {blocker / 'cache'} not used (Not a "
                           f"directory: {blocker / 'cache'}); loading from the files\n")
