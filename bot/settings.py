"""Settings: one pydantic model, read from config.toml and overridden by the environment.

Built once at start-up (``load_settings``) and passed in; never read at import time.
Every key is optional; the defaults are documented in ``config.example.toml``. The
token is read only from the ``DISCORD_TOKEN`` environment variable, never from the file.
Environment overrides are named ``FACTDESK_<SECTION>_<KEY>`` (``FACTDESK_DISCORD_API_BASE``);
lists there are comma-separated (``FACTDESK_DISCORD_GUILD_IDS=123,456``).

A bad file is reported whole: ``SettingsError.problems`` holds one line per bad key,
``"config.toml: discord.guild_ids: must be a list of integers"``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import tomllib
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    Strict,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from rapidfuzz import process

from bot.errors import FactdeskError
from bot.paths import DEFAULT_CLAIMSET

log = logging.getLogger(__name__)

DEFAULT_CONFIG = Path("config.toml")
DEFAULT_API_BASE = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg"
TOKEN_ENV = "DISCORD_TOKEN"
ENV_PREFIX = "FACTDESK_"

MAX_SHARDS = 65536  # far above what any bot runs; a typo such as 1e9 is refused
SNOWFLAKE_MAX = 2**64 - 1  # Discord ids are unsigned 64-bit integers, never 0
Snowflake = Annotated[int, Strict()]  # an int, not a bool, a float or a string
Flag = Annotated[bool, Strict()]  # true or false, not "yes" or 1
_HH_MM = re.compile(r"\d{1,2}:\d{2}")


class SettingsError(FactdeskError):
    """Bad settings: ``problems`` has one line per bad key; ``str`` joins them."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClaimsetSettings(_Section):
    path: Path = Field(DEFAULT_CLAIMSET, description="a path to claimset.toml or its folder")
    # Where a claim set that validated is kept (with its search index) so that a restart
    # over the same bytes skips parsing, validation and indexing; None = no cache.
    cache_dir: Path | None = Field(None, description="a folder path, or leave it out")
    # A story (other than the first) not asked for in this many minutes is unloaded
    # (its engine freed; the next question loads it again); 0 = never.
    idle_unload_minutes: Annotated[int, Strict()] = Field(
        0, ge=0, le=100_000, description="a number of minutes (0 = never unload)"
    )


STORY_ID_MAX = 32
STORY_ID = re.compile(rf"[a-z0-9][a-z0-9_-]{{0,{STORY_ID_MAX - 1}}}")
DEFAULT_STORY_ID = "default"  # the story of a config without [[stories]] (and old records)
STORY_TITLE_MAX = 100


class StorySettings(_Section):
    """One ``[[stories]]`` entry: a claim set the bot answers from, by id."""

    id: str = Field(description="a story id: 1-32 of a-z, 0-9, - and _")
    title: str = Field("", description=f"a title of at most {STORY_TITLE_MAX} characters")
    path: Path = Field(description="a path to claimset.toml or its folder")

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not STORY_ID.fullmatch(value):
            raise ValueError(
                f"{value!r} is not a story id (1-32 of a-z, 0-9, - and _, starting with a "
                "letter or digit)"
            )
        return value

    @field_validator("title")
    @classmethod
    def _short_title(cls, value: str) -> str:
        value = " ".join(value.split())
        if len(value) > STORY_TITLE_MAX:
            raise ValueError(f"is {len(value)} characters; at most {STORY_TITLE_MAX}")
        return value

    @field_validator("path")
    @classmethod
    def _exists(cls, value: Path) -> Path:
        if not value.exists():
            raise ValueError(f"{value}: no such file or folder")
        return value


class DatabaseSettings(_Section):
    path: Path = Field(Path("factdesk.sqlite3"), description="a path to the SQLite file")
    # A PostgreSQL database instead of the SQLite file (several processes, one record).
    url: str | None = Field(None, description="a postgresql:// URL, or leave it out")

    @field_validator("url")
    @classmethod
    def _postgres_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not value.startswith(("postgresql://", "postgres://")) or len(value) < 14:
            raise ValueError("must be a postgresql://USER@HOST/DATABASE URL")
        return value


def _snowflakes(value: list[int]) -> list[int]:
    if any(not 1 <= v <= SNOWFLAKE_MAX for v in value):
        raise ValueError(f"must be a list of ids, each from 1 to {SNOWFLAKE_MAX}")
    return value


class DiscordSettings(_Section):
    guild_ids: list[Snowflake] = Field(
        default_factory=list, description="a list of integers (server ids)"
    )
    owner_ids: list[Snowflake] = Field(
        default_factory=list, description="a list of integers (user ids)"
    )
    editor_role_ids: list[Snowflake] = Field(
        default_factory=list, description="a list of integers (role ids)"
    )
    ephemeral: Flag = Field(True, description="true or false")
    api_base: str = Field(DEFAULT_API_BASE, description="an http:// or https:// URL")
    gateway_url: str = Field(DEFAULT_GATEWAY_URL, description="a ws:// or wss:// URL")
    # Sharding (discord.py's AutoShardedBot): 0 = one gateway connection, no shards; N =
    # the bot's shards in all, of which this process runs shard_ids (empty: all N).
    shard_count: Annotated[int, Strict()] = Field(
        0, ge=0, le=MAX_SHARDS, description=f"a number of shards from 0 to {MAX_SHARDS}"
    )
    shard_ids: list[Annotated[int, Strict()]] = Field(
        default_factory=list, description="a list of shard numbers"
    )
    # true with no shard_count: one process runs as many shards as Discord recommends.
    autoshard: Flag = Field(False, description="true or false")

    _check_ids = field_validator("guild_ids", "owner_ids", "editor_role_ids")(_snowflakes)

    @field_validator("shard_ids")
    @classmethod
    def _shards_of_the_count(cls, value: list[int], info: ValidationInfo) -> list[int]:
        if "shard_count" not in info.data:  # itself refused: that is the one line
            return value
        count = info.data["shard_count"]
        if value and not count:
            raise ValueError("needs discord.shard_count (how many shards the bot has in all)")
        if count and any(not 0 <= v < count for v in value):
            raise ValueError(f"must be shard numbers from 0 to {count - 1} (shard_count {count})")
        if len(set(value)) != len(value):
            raise ValueError("names a shard twice")
        return value

    @field_validator("autoshard")
    @classmethod
    def _auto_or_counted(cls, value: bool, info: ValidationInfo) -> bool:
        if value and info.data.get("shard_count"):
            raise ValueError("leave it out with discord.shard_count (autoshard asks Discord "
                             "for the count)")
        return value

    @field_validator("api_base")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")) or len(value) < 10:
            raise ValueError(f"must be an http:// or https:// URL, not {value!r}")
        return value.rstrip("/")

    @field_validator("gateway_url")
    @classmethod
    def _ws_url(cls, value: str) -> str:
        if not value.startswith(("ws://", "wss://")) or len(value) < 8:
            raise ValueError(f"must be a ws:// or wss:// URL, not {value!r}")
        return value


class DigestSettings(_Section):
    channel_id: Snowflake = Field(
        0, ge=0, le=SNOWFLAKE_MAX, description="a channel id (0 = no digest)"
    )
    time: dt.time = Field(dt.time(8, 0), description='a time of day, "HH:MM"')
    timezone: str = Field("UTC", description='an IANA time zone name, "Europe/Berlin"')
    post_when_empty: Flag = Field(True, description="true or false")

    @field_validator("time", mode="before")
    @classmethod
    def _hh_mm(cls, value: Any) -> dt.time:
        """ "HH:MM" (or a TOML local time); a number such as 8 is refused, not read as 8 s."""
        if isinstance(value, dt.time):
            return value
        if isinstance(value, str) and _HH_MM.fullmatch(value.strip()):
            try:
                return dt.datetime.strptime(value.strip(), "%H:%M").time()
            except ValueError:
                pass
        raise ValueError(f'must be a time of day "HH:MM" in quotes, not {value!r}')

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name)") from None
        return value

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Settings(_Section):
    claimset: ClaimsetSettings = Field(default_factory=ClaimsetSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    discord: DiscordSettings = Field(default_factory=DiscordSettings)
    digest: DigestSettings = Field(default_factory=DigestSettings)
    # [[stories]]: the claim sets the bot answers from, the first the default. None
    # given: one story, "default", from [claimset] path.
    stories: list[StorySettings] = Field(default_factory=list)
    token: SecretStr | None = None  # from DISCORD_TOKEN only
    config_path: Path | None = None  # the file these were read from, if any

    @field_validator("stories")
    @classmethod
    def _unique_ids(cls, value: list[StorySettings]) -> list[StorySettings]:
        seen: set[str] = set()
        for story in value:
            if story.id in seen:
                raise ValueError(f"the story id {story.id!r} is given twice")
            seen.add(story.id)
        return value

    def story_list(self) -> list[StorySettings]:
        """Every story, the default first: ``[[stories]]``, else one from [claimset]."""
        if self.stories:
            return list(self.stories)
        return [StorySettings.model_construct(
            id=DEFAULT_STORY_ID, title="", path=self.claimset.path
        )]

    def story(self, story_id: str | None = None) -> StorySettings:
        """The story ``story_id`` (None: the default); UnknownStory when there is none."""
        stories = self.story_list()
        if story_id is None:
            return stories[0]
        for story in stories:
            if story.id == story_id.strip():
                return story
        raise UnknownStory(story_id, [s.id for s in stories])

    def with_story_path(self, story_id: str | None, path: Path) -> Settings:
        """These settings with the story's claim set at ``path`` (``--claimset``)."""
        target = self.story(story_id)
        if not self.stories:
            return self.model_copy(
                update={"claimset": self.claimset.model_copy(update={"path": path})}
            )
        stories = [s.model_copy(update={"path": path}) if s.id == target.id else s
                   for s in self.stories]
        return self.model_copy(update={"stories": stories})


class UnknownStory(FactdeskError):
    """A story id that names no configured story: one line listing the known ones."""

    def __init__(self, story_id: str, known: list[str]) -> None:
        self.story_id = story_id
        self.known = known
        super().__init__(f"unknown story {story_id!r}; the stories are: {', '.join(known)}")


_SECTIONS: dict[str, type[_Section]] = {
    "claimset": ClaimsetSettings,
    "database": DatabaseSettings,
    "discord": DiscordSettings,
    "digest": DigestSettings,
}


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise SettingsError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError([f"{path}: not valid TOML: {exc}"]) from None


def _env_scalar(field_type: Any, text: str) -> Any:
    """One environment word as a strict field wants it (left as text when it is not)."""
    base = getattr(field_type, "__origin__", field_type)  # Annotated[int, ...] -> int
    if base is bool:
        lowered = text.lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
    if base is int and re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    return text


def _env_value(field_type: Any, raw: str) -> Any:
    """An environment string as the field wants it; pydantic checks the rest."""
    text = raw.strip()
    if getattr(field_type, "__origin__", None) is list:
        (item,) = field_type.__args__
        text = text.strip("[]")
        return [_env_scalar(item, part.strip()) for part in text.split(",") if part.strip()]
    return _env_scalar(field_type, text)


def _env_names() -> list[str]:
    """Every ``FACTDESK_<SECTION>_<KEY>`` variable the settings read."""
    return [
        f"{ENV_PREFIX}{section}_{key}".upper()
        for section, model in _SECTIONS.items()
        for key in model.model_fields
    ]


def _unknown_env(env: Mapping[str, str]) -> list[str]:
    """One line per ``FACTDESK_`` variable that names no setting, with the nearest one."""
    known = _env_names()
    problems = []
    for var in sorted(v for v in env if v.upper().startswith(ENV_PREFIX) and v not in known):
        nearest = process.extractOne(var.upper(), known)
        hint = f"; did you mean {nearest[0]}?" if nearest else ""
        problems.append(f"environment: {var}: unknown setting{hint}")
    return problems


def _env_overrides(env: Mapping[str, str]) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """``FACTDESK_<SECTION>_<KEY>`` values, and where each came from ("section.key" -> var)."""
    data: dict[str, dict[str, Any]] = {}
    origin: dict[str, str] = {}
    for section, model in _SECTIONS.items():
        for key, info in model.model_fields.items():
            var = f"{ENV_PREFIX}{section}_{key}".upper()
            if var in env:
                data.setdefault(section, {})[key] = _env_value(info.annotation, env[var])
                origin[f"{section}.{key}"] = var
    return data, origin


def _message(error: Mapping[str, Any]) -> str:
    """One short phrase for one pydantic error, in the settings' own words."""
    loc = [str(part) for part in error["loc"]]
    if error["type"] == "extra_forbidden":
        return "unknown key"
    if error["type"] == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if error["type"] in {"dict_type", "model_type"}:
        return "must be a table"
    model: type[BaseModel] | None = _SECTIONS.get(loc[0]) if loc else None
    if model is not None and len(loc) > 1 and loc[1] in model.model_fields:
        description = model.model_fields[loc[1]].description
        if description:
            return f"must be {description}"
    return str(error["msg"])


def _stories(
    value: Any, where: str, base: Path | None, problems: list[str]
) -> list[Any]:
    """The ``[[stories]]`` array as read, each path resolved against the file's folder."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        problems.append(f"{where}: stories: must be an array of tables ([[stories]])")
        return []
    out = []
    for entry in value:
        entry = dict(entry)
        raw = entry.get("path")
        if isinstance(raw, str) and raw.strip():
            entry["path"] = _file_path(raw, base)
        out.append(entry)
    return out


def _file_path(value: str, base: Path | None) -> Path:
    """A configured path, ``~`` expanded; a relative one resolved against ``base`` (the
    config file's folder; None: left relative to the working directory)."""
    p = Path(value).expanduser()
    return base / p if not p.is_absolute() and base is not None else p


def _story_message(error: Mapping[str, Any]) -> str:
    loc = [str(part) for part in error["loc"]]
    if error["type"] == "missing":
        return "is required"
    if error["type"] in {"value_error", "extra_forbidden"}:
        return _message(error)
    description = StorySettings.model_fields[loc[2]].description if (
        len(loc) > 2 and loc[2] in StorySettings.model_fields) else None
    return f"must be {description}" if description else str(error["msg"])


def load_settings(path: Path | None = None, env: Mapping[str, str] = os.environ) -> Settings:
    """Read ``path`` (or ./config.toml when it exists), apply the environment, validate.

    Relative paths in the file are resolved against the file's folder; relative paths
    from the environment against the working directory.
    """
    if path is None:
        path = DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None
    raw: dict[str, Any] = _read_file(path) if path is not None else {}
    where = str(path) if path is not None else "settings"
    problems: list[str] = []

    if "token" in raw or any(isinstance(v, dict) and "token" in v for v in raw.values()):
        problems.append(
            f"{where}: token: never put the token in the file; "
            f"set the {TOKEN_ENV} environment variable"
        )
    merged: dict[str, Any] = {}
    base = path.absolute().parent if path is not None else None
    for key, value in raw.items():
        if key == "stories":
            merged[key] = _stories(value, where, base, problems)
            continue
        if key not in _SECTIONS:
            if key != "token":
                problems.append(f"{where}: {key}: unknown section")
            continue
        if not isinstance(value, dict):
            problems.append(f"{where}: {key}: must be a table ([{key}])")
            continue
        merged[key] = {k: v for k, v in value.items() if k != "token"}

    problems.extend(_unknown_env(env))
    overrides, origin = _env_overrides(env)
    for section, values in overrides.items():
        merged.setdefault(section, {}).update(values)

    for section, key in (("claimset", "path"), ("claimset", "cache_dir"), ("database", "path")):
        value = merged.get(section, {}).get(key)
        if isinstance(value, str) and value.strip():
            from_env = f"{section}.{key}" in origin  # relative to the working directory
            merged[section][key] = _file_path(value, None if from_env else base)

    try:
        settings = Settings.model_validate(merged)
    except ValidationError as exc:
        for error in exc.errors():
            loc = [str(part) for part in error["loc"]]
            if loc and loc[0] == "stories":  # stories[N].key, N counted from 1 as read
                at = f"[{int(loc[1]) + 1}]" if len(loc) > 1 and loc[1].isdigit() else ""
                key = f".{loc[2]}" if len(loc) > 2 else ""
                problems.append(f"{where}: stories{at}{key}: {_story_message(error)}")
                continue
            dotted = ".".join(loc[:2])
            source = origin.get(dotted, where)
            problems.append(f"{source}: {dotted}: {_message(error)}")
        settings = None

    if problems:
        # One line per key: a list with two bad items is still one bad key.
        raise SettingsError(list(dict.fromkeys(problems)))
    assert settings is not None
    token = env.get(TOKEN_ENV, "").strip()
    return settings.model_copy(
        update={"token": SecretStr(token) if token else None, "config_path": path}
    )
