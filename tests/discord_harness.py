"""A recording Discord REST stub on 127.0.0.1, and real interaction payloads.

The bot under test is the real FactdeskBot with real discord.py objects; the only
fake is Discord's REST API, served by aiohttp on loopback (``Route.BASE`` points at
it). Every request is recorded (method, path, JSON body) for the tests to check.
Interactions are built from payload dicts the way the gateway delivers them and
run through the real command tree (``tree._call``) or the real view store
(``ConnectionState.parse_interaction_create``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import discord
import yarl
from aiohttp import web

from bot.client import FactdeskBot
from bot.desk import Desk
from bot.settings import DiscordSettings, Settings

log = logging.getLogger(__name__)

APP_ID = 710000000000000001
BOT_ID = 710000000000000001
OWNER_ID = 720000000000000001
USER_ID = 730000000000000001
OTHER_USER_ID = 730000000000000002
GUILD_ID = 740000000000000001
CHANNEL_ID = 750000000000000001
EPHEMERAL = 1 << 6


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: Any  # the JSON body, or a multipart request's payload_json
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # files[n]: name, bytes


def _user(uid: int, name: str, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(uid),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": bot,
    }


class RecordingDiscord:
    """Just enough of Discord's REST API for login, interaction replies and sync."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.messages: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(900000000000000001)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._changed = asyncio.Event()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    async def __aenter__(self) -> RecordingDiscord:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what the tests read -------------------------------------------------------------

    def calls(self, method: str | None = None, contains: str = "") -> list[Recorded]:
        return [
            r
            for r in self.requests
            if (method is None or r.method == method) and contains in r.path
        ]

    def callbacks(self) -> list[Recorded]:
        return self.calls("POST", "/callback")

    async def wait_for(self, count: int, timeout: float = 5.0) -> list[Recorded]:
        """Wait until at least ``count`` requests were recorded in all."""
        async with asyncio.timeout(timeout):
            while len(self.requests) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.requests

    # -- the stub ------------------------------------------------------------------------

    def _message(self, body: dict[str, Any], mid: str | None = None) -> dict[str, Any]:
        mid = mid or str(next(self._ids))
        message = {
            "id": mid,
            "channel_id": str(CHANNEL_ID),
            "type": 0,
            "author": _user(BOT_ID, "Factdesk", bot=True),
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "timestamp": dt.datetime.now(dt.UTC).isoformat(),
            "edited_timestamp": None,
            "flags": body.get("flags") or 0,
        }
        self.messages[mid] = message
        return message

    @staticmethod
    def _json(data: Any, status: int = 200) -> web.Response:
        # discord.py reads JSON only when the content type is exactly application/json.
        return web.Response(
            status=status, body=json.dumps(data).encode(), content_type="application/json"
        )

    @staticmethod
    async def _read(request: web.Request) -> tuple[Any, dict[str, tuple[str, bytes]]]:
        """The JSON body (a multipart request's payload_json) and any files[n] parts."""
        files: dict[str, tuple[str, bytes]] = {}
        if not request.can_read_body:
            return None, files
        if request.content_type == "multipart/form-data":
            body: Any = None
            async for part in await request.multipart():
                data = await part.read()  # type: ignore[union-attr]
                if part.name == "payload_json":
                    body = json.loads(data)
                elif part.name:
                    files[part.name] = (part.filename or "", bytes(data))  # type: ignore[union-attr]
            return body, files
        raw = await request.read()
        try:
            return (json.loads(raw) if raw else None), files
        except ValueError:
            return raw.decode(errors="replace"), files

    async def _handle(self, request: web.Request) -> web.Response:
        body, files = await self._read(request)
        path = request.path.removeprefix("/api/v10")
        self.requests.append(Recorded(request.method, path, dict(request.query), body, files))
        self._changed.set()
        parts = path.strip("/").split("/")

        if request.method == "GET" and path == "/users/@me":
            return self._json(_user(BOT_ID, "Factdesk", bot=True))
        if request.method == "GET" and path == "/oauth2/applications/@me":
            return self._json(
                {
                    "id": str(APP_ID),
                    "name": "Factdesk",
                    "icon": None,
                    "description": "",
                    "bot_public": False,
                    "bot_require_code_grant": False,
                    "verify_key": "0" * 64,
                    "flags": 0,
                    "owner": _user(OWNER_ID, "owner"),
                    "team": None,
                }
            )
        if request.method == "POST" and parts[0] == "interactions" and parts[-1] == "callback":
            rtype = body["type"]
            resource: dict[str, Any] = {"type": rtype}
            if rtype in (4, 7):
                mid = None
                if rtype == 7:
                    mid = str(next(self._ids))
                resource["message"] = self._message(body.get("data") or {}, mid)
            interaction = {
                "id": parts[1],
                "type": 2,
                "response_message_id": resource.get("message", {}).get("id"),
                "response_message_loading": rtype == 5,
                "response_message_ephemeral": bool(
                    ((body.get("data") or {}).get("flags") or 0) & EPHEMERAL
                ),
            }
            return self._json({"interaction": interaction, "resource": resource})
        if parts[0] == "webhooks":
            if request.method == "POST":
                return self._json(self._message(body or {}))
            if request.method == "PATCH":
                mid = parts[-1] if parts[-1] != "@original" else None
                return self._json(self._message(body or {}, mid))
            if request.method == "DELETE":
                return web.Response(status=204)
        if request.method == "PUT" and parts[0] == "applications" and parts[-1] == "commands":
            out = []
            for command in body:
                out.append(
                    {
                        **command,
                        "id": str(next(self._ids)),
                        "application_id": str(APP_ID),
                        "version": "1",
                        "guild_id": parts[3] if "guilds" in parts else None,
                    }
                )
            return self._json(out)
        return self._json({"message": "Unknown route", "code": 0}, status=404)


# -- payloads --------------------------------------------------------------------------


_interaction_ids = itertools.count(960000000000000001)


def _base_payload(
    itype: int, *, user_id: int = USER_ID, guild: bool = True, roles: list[int] | None = None
) -> dict[str, Any]:
    iid = next(_interaction_ids)
    payload: dict[str, Any] = {
        "id": str(iid),
        "application_id": str(APP_ID),
        "type": itype,
        "token": f"token-{iid}",
        "version": 1,
        "locale": "en-US",
        "attachment_size_limit": 8 * 1024 * 1024,
        "app_permissions": str(discord.Permissions.all().value),
    }
    user = _user(user_id, f"user{user_id % 1000}")
    if guild:
        payload["guild_id"] = str(GUILD_ID)
        payload["guild_locale"] = "en-US"
        payload["channel_id"] = str(CHANNEL_ID)
        payload["channel"] = {
            "id": str(CHANNEL_ID),
            "type": 0,
            "guild_id": str(GUILD_ID),
            "name": "desk",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
        }
        payload["member"] = {
            "user": user,
            "roles": [str(r) for r in roles or []],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": str(discord.Permissions.DEFAULT_VALUE),
        }
    else:
        payload["channel_id"] = "760000000000000001"
        payload["channel"] = {"id": "760000000000000001", "type": 1, "recipients": [user]}
        payload["user"] = user
    return payload


def _option(name: str, value: Any, focused: bool = False) -> dict[str, Any]:
    otype = 4 if isinstance(value, int) and not isinstance(value, bool) else 3
    option: dict[str, Any] = {"name": name, "type": otype, "value": value}
    if focused:
        option["focused"] = True
    return option


def command_payload(
    name: str,
    options: dict[str, Any] | None = None,
    *,
    sub: str | None = None,
    focused: str | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """An APPLICATION_COMMAND (or, with ``focused``, an AUTOCOMPLETE) interaction."""
    payload = _base_payload(4 if focused else 2, **kwargs)
    opts = [_option(k, v, focused=(k == focused)) for k, v in (options or {}).items()]
    if sub is not None:
        opts = [{"name": sub, "type": 1, "options": opts}]
    payload["data"] = {"id": "970000000000000001", "name": name, "type": 1, "options": opts}
    return payload


def component_payload(message: dict[str, Any], custom_id: str, **kwargs: Any) -> dict[str, Any]:
    payload = _base_payload(3, **kwargs)
    payload["message"] = message
    payload["data"] = {"custom_id": custom_id, "component_type": 2}
    return payload


def button_id(message: dict[str, Any], label: str) -> str:
    for row in message.get("components") or []:
        for item in row.get("components") or []:
            if item.get("label") == label:
                return item["custom_id"]
    raise AssertionError(f"no button {label!r} in {message.get('components')}")


def button_labels(message: dict[str, Any]) -> dict[str, bool]:
    """label -> disabled, for every button of a message."""
    return {
        item.get("label"): bool(item.get("disabled"))
        for row in message.get("components") or []
        for item in row.get("components") or []
    }


# -- the bot ---------------------------------------------------------------------------


def make_settings(api_base: str, **discord_overrides: Any) -> Settings:
    return Settings(discord=DiscordSettings(api_base=api_base, **discord_overrides))


@asynccontextmanager
async def running_bot(
    engine: Any, **discord_overrides: Any
) -> AsyncIterator[tuple[FactdeskBot, RecordingDiscord]]:
    """A logged-in FactdeskBot (no gateway) talking to a RecordingDiscord."""
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    async with RecordingDiscord() as rest:
        settings = make_settings(rest.api_base, **discord_overrides)
        discord.http.Route.BASE = rest.api_base
        try:
            async with FactdeskBot(settings, Desk(settings, engine)) as bot:
                await bot.login("test-token")
                yield bot, rest
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway or yarl.URL(
                "wss://gateway.discord.gg"
            )


async def invoke(bot: FactdeskBot, payload: dict[str, Any]) -> discord.Interaction:
    """Run an application-command or autocomplete interaction through the real tree."""
    interaction = discord.Interaction(data=payload, state=bot._connection)
    await bot.tree._call(interaction)
    return interaction


async def press(
    bot: FactdeskBot, rest: RecordingDiscord, payload: dict[str, Any], expect: int = 1
) -> list[Recorded]:
    """Deliver a component interaction the way the gateway does; wait for its requests."""
    before = len(rest.requests)
    bot._connection.parse_interaction_create(payload)
    await rest.wait_for(before + expect)
    await asyncio.sleep(0.05)  # let a second request (an edit after a reply) land
    return rest.requests[before:]
