"""Stories (bot.desk.stories): each loads on first ask, validates and reloads on its own,
a broken one never stops the others, an idle one is unloaded (and says so), and each
(story, server) has its own record."""

from __future__ import annotations

import logging
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.desk import Desk, open_desk
from bot.desk.stories import RETRY_SECONDS, Stories, StoryUnavailable
from bot.settings import SettingsError, UnknownStory, load_settings

MINI = Path(__file__).resolve().parents[1] / "data" / "mini"
CLAIM = "fighters-crossed"  # a claim of the mini set


def story_copy(root: Path, name: str) -> Path:
    target = root / name
    shutil.copytree(MINI, target)
    manifest = target / "claimset.toml"
    manifest.write_text(manifest.read_text().replace('id = "mini"', f'id = "{name}"'))
    return target


def break_set(root: Path) -> None:
    claims = root / "claims" / "main.toml"
    claims.write_text(claims.read_text().replace('speaker = "ambassador"', 'speaker = "nobody-x"'))


def bump_version(root: Path, version: str) -> None:
    manifest = root / "claimset.toml"
    text = manifest.read_text()
    manifest.write_text(text.replace('version = "1"', f'version = "{version}"'))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@asynccontextmanager
async def opened(config: Path) -> AsyncIterator[tuple[Desk, Stories]]:
    """The desk of the config's first story, and its stories."""
    async with open_desk(load_settings(config, env={})) as desk:
        assert desk.stories is not None
        yield desk, desk.stories


@pytest.fixture
def config(tmp_path: Path) -> Path:
    for name in ("alpha", "beta", "gamma"):
        story_copy(tmp_path, name)
    path = tmp_path / "config.toml"
    path.write_text(
        '[database]\npath = "desk.sqlite3"\n[claimset]\nidle_unload_minutes = 10\n'
        '[[stories]]\nid = "alpha"\ntitle = "Alpha story"\npath = "alpha"\n'
        '[[stories]]\nid = "beta"\npath = "beta"\n'
        '[[stories]]\nid = "gamma"\npath = "gamma/claimset.toml"\n'
    )
    return path


async def test_stories_load_on_first_ask_and_each_server_has_its_own_record(config: Path):
    async with opened(config) as (desk, stories):
        assert desk.scope.story == "alpha"
        assert stories.loaded("alpha") is not None and stories.loaded("beta") is None
        beta_a = await stories.desk("beta", 111)
        assert stories.loaded("beta") is not None
        assert beta_a.claimset.manifest.id == "beta" and beta_a.scope.guild == 111
        assert await stories.desk("beta", 111) is beta_a
        await beta_a.require_editorial().set_status(CLAIM, "false", "made up", by="Ann")
        assert beta_a.engine.claim_by_id(CLAIM).status == "false"
        beta_b = await stories.desk("beta", 222)
        alpha_a = await stories.desk("alpha", 111)
        for other in (beta_b, alpha_a, desk):
            assert other.engine.claim_by_id(CLAIM).editorial is None
        # One engine per story, shared by its servers: only the record differs.
        assert beta_a.engine.index is beta_b.engine.index
        assert (await beta_b.require_editorial().history(CLAIM)).changes == []


async def test_a_broken_story_answers_one_line_and_the_others_keep_answering(
    config: Path, caplog
):
    break_set(config.parent / "beta")
    async with opened(config) as (_desk, stories):
        with pytest.raises(StoryUnavailable) as err:
            await stories.desk("beta")
        message = str(err.value)
        assert message.startswith("story beta could not be loaded:") and "\n" not in message
        assert "nobody-x" in message
        gamma = await stories.desk("gamma", 5)
        assert gamma.engine.claim(CLAIM.replace("-", " ")).results
        listing = await stories.listing()
        by_id = {s.id: s for s in listing.stories}
        assert by_id["beta"].error and not by_id["beta"].loaded
        assert by_id["alpha"].loaded and by_id["alpha"].default
        report = await stories.reload("beta")  # an explicit reload says why, all of it
        assert not report.ok and "it is not loaded" in report.text()
        assert any("nobody-x" in line for line in report.problem_lines())
        # Fixed: asked again after the retry delay, it loads.
        (config.parent / "beta" / "claims" / "main.toml").write_text(
            (MINI / "claims" / "main.toml").read_text())
        stories._clock = Clock()
        stories._failed["beta"] = (stories._clock() - RETRY_SECONDS - 1, "old")
        assert (await stories.desk("beta")).claimset.manifest.id == "beta"


async def test_an_idle_story_is_unloaded_and_says_so(config: Path, caplog):
    async with opened(config) as (desk, stories):
        clock = stories._clock = Clock()
        beta = await stories.desk("beta", 7)
        await stories.desk("gamma")
        gamma_7 = await stories.desk("gamma", 7)
        clock.now += 9 * 60
        await stories.desk("gamma")  # asked again: stays
        clock.now += 2 * 60  # beta: 11 minutes unasked, gamma 2, alpha (the desk's) pinned
        with caplog.at_level(logging.INFO, logger="bot.desk.stories"):
            assert stories.unload_idle() == ["beta"]
        assert stories.loaded("beta") is None and stories.loaded("alpha") is not None
        assert stories.loaded("gamma") is not None
        assert any("story beta unloaded" in r.getMessage() for r in caplog.records)
        # Server 7's record of gamma was not asked for either: closed, reopened on demand.
        assert gamma_7 not in stories.desks() and desk in stories.desks()
        assert await stories.desk("gamma", 7) is not gamma_7
        again = await stories.desk("beta", 7)  # the next question loads it again
        assert again is not beta and again.claimset.manifest.id == "beta"


async def test_a_story_reloads_on_its_own_and_a_failed_reload_keeps_its_set(config: Path):
    async with opened(config) as (desk, stories):
        beta_a, beta_b = await stories.desk("beta", 1), await stories.desk("beta", 2)
        gamma = await stories.desk("gamma")
        gamma_engine = gamma.engine
        bump_version(config.parent / "beta", "2")
        report = await beta_a.reload()
        assert report.ok and report.version == "2"
        assert beta_a.claimset.version == beta_b.claimset.version == "2"
        assert gamma.engine is gamma_engine and desk.claimset.version == "1"
        break_set(config.parent / "beta")
        report = await beta_b.reload()
        assert not report.ok and beta_a.claimset.version == beta_b.claimset.version == "2"


async def test_which_story_a_server_and_a_channel_answer_from(config: Path):
    async with opened(config) as (_desk, stories):
        assert await stories.resolve(111, 42) == "alpha"  # nothing set: the first story
        await stories.set_default(111, None, "beta", by="Ann")
        assert await stories.resolve(111, 42) == "beta"
        await stories.set_default(111, 42, "gamma", by="Ann")
        assert await stories.resolve(111, 42) == "gamma"
        assert await stories.resolve(111, 43) == "beta"
        assert await stories.resolve(222, 42) == "alpha"  # another server: its own choice
        assert await stories.resolve(111, 42, asked="alpha") == "alpha"
        with pytest.raises(UnknownStory, match="the stories are: alpha, beta, gamma"):
            await stories.resolve(111, 42, asked="nope")
        with pytest.raises(UnknownStory):
            await stories.set_default(111, None, "nope", by="Ann")


def test_stories_settings_are_checked_one_line_each(tmp_path: Path):
    story_copy(tmp_path, "alpha")
    path = tmp_path / "config.toml"
    path.write_text('[[stories]]\nid = "a"\npath = "alpha"\n' * 2)
    with pytest.raises(SettingsError) as err:
        load_settings(path, env={})
    assert err.value.problems == [f"{path}: stories: the story id 'a' is given twice"]
    path.write_text('[[stories]]\nid = "Not OK"\npath = "nowhere"\n[[stories]]\ntitle = "x"\n')
    with pytest.raises(SettingsError) as err:
        load_settings(path, env={})
    problems = err.value.problems
    assert any(p.startswith(f"{path}: stories[1].id: 'Not OK' is not a story id") for p in problems)
    assert any(p.startswith(f"{path}: stories[1].path: ") and "no such file" in p
               for p in problems)
    assert f"{path}: stories[2].id: is required" in problems
    path.write_text('stories = "alpha"\n')
    with pytest.raises(SettingsError, match=r"stories: must be an array of tables"):
        load_settings(path, env={})


def test_without_stories_there_is_one_default_story_from_the_claimset(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_text(f'[claimset]\npath = "{MINI}"\n')
    settings = load_settings(path, env={})
    (story,) = settings.story_list()
    assert (story.id, story.path) == ("default", MINI)
    assert settings.story().id == "default"


async def test_a_digest_is_built_from_its_subscriptions_story_and_server(config: Path):
    async with opened(config) as (desk, stories):
        beta_a, beta_b = await stories.desk("beta", 111), await stories.desk("beta", 222)
        assert beta_a.subscriptions is not None
        sub = await beta_a.subscriptions.subscribe(
            channel_id=55, guild_id=111, time="08:00", timezone="UTC", post_when_empty=True,
            by="Ann")
        assert sub.story == "beta"
        await beta_a.require_editorial().set_status(CLAIM, "false", "made up", by="Ann")
        await beta_b.require_editorial().set_status(CLAIM, "confirmed", "seen", by="Bob")
        await desk.require_editorial().set_status(CLAIM, "in_review", "alpha's", by="Cy")

        async def never(channel: int, content: str, nonce: str) -> int:
            raise AssertionError("nothing is sent here")

        runner = desk.digest_runner(never, render=lambda answer, footer: [])
        answer, *_ = await runner.build(sub)  # the bot's runner, from the alpha desk
        assert answer.claimset == "beta"
        assert [(c.claim_id, c.status) for c in answer.status_changes] == [(CLAIM, "false")]


async def test_run_watch_reloads_each_loaded_story_on_its_own(config: Path):
    from bot.desk.watch import check_once

    async with opened(config) as (desk, stories):
        beta = await stories.desk("beta", 3)
        paths = {s.id: s.path for s in desk.settings.story_list()}

        async def look(seen: dict) -> dict:
            out = {}
            for sid, path in paths.items():
                root = path if path.is_dir() else path.parent
                out[sid] = await check_once(desk, path, root, seen.get(sid), story=sid)
            return out

        seen = await look({})
        bump_version(config.parent / "beta", "22")
        bump_version(config.parent / "gamma", "22")
        await look(seen)
        assert beta.claimset.version == "22"  # loaded: reloaded, for every server
        assert stories.loaded("gamma") is None  # not loaded: left alone
        assert desk.claimset.version == "1"
        assert (await stories.desk("gamma")).claimset.version == "22"
