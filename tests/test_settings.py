"""Settings: defaults, config.example.toml, environment overrides, one line per bad key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.paths import DEFAULT_CLAIMSET, PROJECT_ROOT
from bot.settings import (
    DEFAULT_API_BASE,
    DEFAULT_GATEWAY_URL,
    Settings,
    SettingsError,
    load_settings,
)

EXAMPLE = PROJECT_ROOT / "config.example.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_file_documents_every_key_with_its_default() -> None:
    import tomllib

    text = EXAMPLE.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    for section, model in (
        ("claimset", Settings.model_fields["claimset"].annotation),
        ("database", Settings.model_fields["database"].annotation),
        ("discord", Settings.model_fields["discord"].annotation),
        ("digest", Settings.model_fields["digest"].annotation),
    ):
        fields = model.model_fields  # type: ignore[union-attr]
        # TOML has no null: a key whose default is "none" is shown commented out.
        optional = {k for k, f in fields.items() if f.default is None}
        assert set(data[section]) == set(fields) - optional, section
        for key in optional:
            assert f"\n# {key} = " in text.split(f"[{section}]")[1], (section, key)
    example = load_settings(EXAMPLE, env={})
    defaults = Settings()
    assert example.discord == defaults.discord
    assert example.digest == defaults.digest
    assert example.claimset.path.resolve() == DEFAULT_CLAIMSET.resolve()
    assert "token" not in EXAMPLE.read_text(encoding="utf-8").split("[claimset]")[1]


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./config.toml here
    settings = load_settings(None, env={})
    assert settings.discord.api_base == DEFAULT_API_BASE
    assert settings.discord.gateway_url == DEFAULT_GATEWAY_URL
    assert settings.discord.ephemeral is True
    assert settings.digest.time == dt.time(8, 0)
    assert settings.token is None
    assert settings.config_path is None


def test_reads_config_toml_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "[discord]\nguild_ids = [123]\n")
    monkeypatch.chdir(tmp_path)
    assert load_settings(None, env={}).discord.guild_ids == [123]


def test_values_and_relative_paths(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[claimset]
path = "claims/claimset.toml"
cache_dir = "cache"
[database]
path = "desk.sqlite3"
[discord]
guild_ids = [111, 222]
owner_ids = [333]
editor_role_ids = [444]
ephemeral = false
api_base = "http://127.0.0.1:8080/api/v10/"
gateway_url = "ws://127.0.0.1:8080/gateway"
[digest]
channel_id = 555
time = "07:30"
timezone = "Asia/Almaty"
post_when_empty = false
""",
    )
    s = load_settings(path, env={"DISCORD_TOKEN": " secret "})
    assert s.claimset.path == tmp_path / "claims/claimset.toml"
    assert s.claimset.cache_dir == tmp_path / "cache"
    assert s.database.path == tmp_path / "desk.sqlite3"
    assert s.discord.guild_ids == [111, 222]
    assert s.discord.owner_ids == [333]
    assert s.discord.editor_role_ids == [444]
    assert s.discord.ephemeral is False
    assert s.discord.api_base == "http://127.0.0.1:8080/api/v10"  # trailing slash dropped
    assert s.discord.gateway_url == "ws://127.0.0.1:8080/gateway"
    assert s.digest.channel_id == 555
    assert s.digest.time == dt.time(7, 30)
    assert str(s.digest.tzinfo) == "Asia/Almaty"
    assert s.digest.post_when_empty is False
    assert s.token is not None and s.token.get_secret_value() == "secret"
    assert "secret" not in repr(s)


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[discord]\nguild_ids = [1]\napi_base = "https://a.example/api"\n')
    s = load_settings(
        path,
        env={
            "FACTDESK_DISCORD_GUILD_IDS": "7, 8",
            "FACTDESK_DISCORD_EPHEMERAL": "false",
            "FACTDESK_DISCORD_API_BASE": "http://127.0.0.1:9/api/v10",
            "FACTDESK_DIGEST_TIME": "21:05",
            "FACTDESK_DATABASE_PATH": "rel.sqlite3",
        },
    )
    assert s.discord.guild_ids == [7, 8]
    assert s.discord.ephemeral is False
    assert s.discord.api_base == "http://127.0.0.1:9/api/v10"
    assert s.digest.time == dt.time(21, 5)
    assert s.database.path == Path("rel.sqlite3")  # relative to the working directory


def test_every_bad_key_is_one_line_naming_file_and_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[discord]
guild_ids = [1, "two", "three"]
ephemeral = "perhaps"
api_base = "ftp://example"
colour = "blue"
[digest]
time = "25:61"
timezone = "Mars/Olympus_Mons"
channel_id = -4
[extras]
x = 1
""",
    )
    with pytest.raises(SettingsError) as info:
        load_settings(path, env={"FACTDESK_DISCORD_GATEWAY_URL": "http://not-ws"})
    problems = info.value.problems
    assert all("\n" not in p for p in problems)
    expected = {
        "discord.guild_ids: must be a list of integers",
        "discord.ephemeral: must be true or false",
        "discord.api_base: must be an http:// or https:// URL",
        "discord.colour: unknown key",
        "digest.time: must be a time of day",
        "digest.timezone: unknown time zone",
        "digest.channel_id: must be a channel id",
        "extras: unknown section",
    }
    for fragment in expected:
        hits = [p for p in problems if fragment in p]
        assert len(hits) == 1, (fragment, problems)
        assert hits[0].startswith(f"{path}: ")
    gateway = [p for p in problems if "gateway_url" in p]
    assert gateway == [
        "FACTDESK_DISCORD_GATEWAY_URL: discord.gateway_url: must be a ws:// or wss:// URL, "
        "not 'http://not-ws'"
    ]
    assert len(problems) == len(expected) + 1


def test_token_in_the_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '[discord]\ntoken = "abc"\n')
    with pytest.raises(SettingsError) as info:
        load_settings(path, env={})
    assert info.value.problems == [
        f"{path}: token: never put the token in the file; "
        "set the DISCORD_TOKEN environment variable"
    ]


def test_unreadable_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"nope\.toml: cannot read"):
        load_settings(tmp_path / "nope.toml", env={})
    path = write(tmp_path, "[discord\n")
    with pytest.raises(SettingsError, match=r"config\.toml: not valid TOML"):
        load_settings(path, env={})


@pytest.mark.parametrize(
    ("toml", "fragment"),
    [
        ("[digest]\ntime = 8", 'digest.time: must be a time of day "HH:MM" in quotes, not 8'),
        ("[digest]\ntime = 8.5", "digest.time: must be a time of day"),
        ('[digest]\ntime = "8"', "digest.time: must be a time of day"),
        ('[discord]\nephemeral = "yes"', "discord.ephemeral: must be true or false"),
        ("[discord]\nephemeral = 1", "discord.ephemeral: must be true or false"),
        ("[digest]\npost_when_empty = 0", "digest.post_when_empty: must be true or false"),
        (f"[discord]\nguild_ids = [{2**64}]", "discord.guild_ids: must be a list of ids"),
        ("[discord]\nowner_ids = [0]", "discord.owner_ids: must be a list of ids"),
        ("[discord]\neditor_role_ids = [true]", "discord.editor_role_ids: must be a list"),
        ("[discord]\nguild_ids = [1.0]", "discord.guild_ids: must be a list"),
        (f"[digest]\nchannel_id = {2**64}", "digest.channel_id: must be a channel id"),
    ],
)
def test_wrong_values_do_not_pass(tmp_path: Path, toml: str, fragment: str) -> None:
    path = write(tmp_path, toml + "\n")
    with pytest.raises(SettingsError) as info:
        load_settings(path, env={})
    assert len(info.value.problems) == 1 and fragment in info.value.problems[0], info.value


def test_right_values_still_pass(tmp_path: Path) -> None:
    path = write(tmp_path, f'[digest]\ntime = "8:05"\n[discord]\nguild_ids = [{2**64 - 1}]\n'
                 "ephemeral = false\n")
    settings = load_settings(path, env={"FACTDESK_DISCORD_OWNER_IDS": "5,6",
                                        "FACTDESK_DIGEST_POST_WHEN_EMPTY": "no",
                                        "FACTDESK_DIGEST_CHANNEL_ID": "7"})
    assert settings.digest.time == dt.time(8, 5) and settings.discord.guild_ids == [2**64 - 1]
    assert settings.discord.owner_ids == [5, 6] and settings.discord.ephemeral is False
    assert settings.digest.post_when_empty is False and settings.digest.channel_id == 7


def test_a_misspelt_environment_variable_is_reported_with_the_nearest_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no config.toml
    with pytest.raises(SettingsError) as info:
        load_settings(None, env={"FACTDESK_DISCORD_GUILD_ID": "1", "FACTDESK_DIGEST_TMIE": "x",
                                 "FACTDESK_DISCORD_EPHEMERAL": "maybe"})
    assert info.value.problems == [
        "environment: FACTDESK_DIGEST_TMIE: unknown setting; did you mean FACTDESK_DIGEST_TIME?",
        "environment: FACTDESK_DISCORD_GUILD_ID: unknown setting; "
        "did you mean FACTDESK_DISCORD_GUILD_IDS?",
        "FACTDESK_DISCORD_EPHEMERAL: discord.ephemeral: must be true or false",
    ]


def test_database_url_picks_postgresql_and_a_bad_one_is_one_line_without_its_password(
    tmp_path: Path,
) -> None:
    url = "postgresql://desk@db.example:5432/factdesk"
    assert load_settings(None, env={"FACTDESK_DATABASE_URL": url}).database.url == url
    assert load_settings(None, env={}).database.url is None  # SQLite, the default
    path = write(tmp_path, '[database]\nurl = "mysql://desk:hunter2@db.example/factdesk"\n')
    with pytest.raises(SettingsError) as info:
        load_settings(path, env={})
    assert info.value.problems == [
        f"{path}: database.url: must be a postgresql://USER@HOST/DATABASE URL"
    ]


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ("shard_ids = [0]", "discord.shard_ids: needs discord.shard_count"),
        ("shard_count = 2\nshard_ids = [2]",
         "discord.shard_ids: must be shard numbers from 0 to 1 (shard_count 2)"),
        ("shard_count = 2\nshard_ids = [1, 1]", "discord.shard_ids: names a shard twice"),
        ("shard_count = -1", "discord.shard_count: must be a number of shards from 0 to"),
        ('shard_count = "2"', "discord.shard_count: must be a number of shards"),
        ("shard_count = 2\nshard_ids = [true]", "discord.shard_ids: must be a list of shard"),
        ("shard_count = 2\nautoshard = true", "discord.autoshard: leave it out with"),
    ],
)
def test_shard_settings_are_checked_as_one_line(tmp_path: Path, toml: str, problem: str) -> None:
    path = write(tmp_path, f"[discord]\n{toml}\n")
    with pytest.raises(SettingsError) as info:
        load_settings(path, env={})
    assert len(info.value.problems) == 1 and problem in info.value.problems[0], info.value


def test_shards_from_the_file_and_the_environment(tmp_path: Path) -> None:
    path = write(tmp_path, "[discord]\nshard_count = 4\nshard_ids = [0, 2]\n")
    discord = load_settings(path, env={}).discord
    assert (discord.shard_count, discord.shard_ids, discord.autoshard) == (4, [0, 2], False)
    env = {"FACTDESK_DISCORD_SHARD_COUNT": "2", "FACTDESK_DISCORD_SHARD_IDS": "1"}
    discord = load_settings(None, env=env).discord
    assert (discord.shard_count, discord.shard_ids) == (2, [1])
    assert load_settings(None, env={"FACTDESK_DISCORD_AUTOSHARD": "true"}).discord.autoshard
    with pytest.raises(SettingsError) as info:
        load_settings(None, env={"FACTDESK_DISCORD_SHARD_IDS": "0,1"})
    assert info.value.problems == [
        "FACTDESK_DISCORD_SHARD_IDS: discord.shard_ids: needs discord.shard_count "
        "(how many shards the bot has in all)"
    ]
