"""A fake Discord on 127.0.0.1: just enough REST and gateway for a discord.py bot.

REST (under ``/api/v10``): ``GET /users/@me``, ``GET /oauth2/applications/@me``,
``GET /applications/@me``, command bulk overwrite and listing (global and guild),
interaction callbacks, followups, ``@original`` (and followup) fetches, edits and
deletes, channel messages (create, edit), each with file uploads (multipart/form-data:
``payload_json`` and ``files[n]``; the files become the message's ``attachments``,
served back on loopback at their ``url`` as Discord's CDN would, and an embed's
``attachment://name`` becomes that url). The gateway (``/gateway``): HELLO, IDENTIFY,
heartbeats and their acks, READY, GUILD_CREATE, member chunks, dispatching
INTERACTION_CREATE (slash commands, with attachment options whose files it serves as its
CDN; button clicks; a modal's submit with the values typed), RESUME (with replay of what
was missed) or INVALID_SESSION, and
dropping the connection on purpose. Shards: ``GET /gateway/bot`` (url, recommended
shards, session start limit) and ``shard: [id, count]`` in IDENTIFY; each shard's session
gets the guilds of that shard, and a guild's interactions go to its shard's session.

Every REST request is recorded with the spec's route template and checked
(``spec_check``): its JSON body against the OpenAPI request schema, plus the rules the
spec cannot say. A request that breaks a rule is answered 400 with the reasons, and the
reasons are kept in ``violations`` (the ``fake`` fixture asserts there are none).
Every interaction must get its first response within 3 seconds.

Waiting is done on events, not sleeps: ``await fake.wait_for(predicate)`` wakes up on
every change of the fake's state.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import logging
import mimetypes
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, WSMsgType, web

from tests.e2e.spec_check import (
    SpecChecker,
    Upload,
    attachment_problems,
    command_name_problems,
    message_problems,
)

log = logging.getLogger(__name__)

FIRST_RESPONSE_LIMIT = 3.0  # seconds Discord gives an interaction for its first response
_DISCORD_EPOCH_MS = 1420070400000

# callback types (InteractionResponseType)
PONG, CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 1, 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9
# interaction types
APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
# component types in a modal: an action row, a text input, a label holding one component
ACTION_ROW, TEXT_INPUT, LABEL = 1, 4, 18
ATTACHMENT_OPTION = 11  # ApplicationCommandOptionType.ATTACHMENT
EPHEMERAL = 1 << 6
# GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT: off in the (fake) developer portal
PRIVILEGED_INTENTS = {1 << 1: "GUILD_MEMBERS", 1 << 8: "GUILD_PRESENCES",
                      1 << 15: "MESSAGE_CONTENT"}
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024  # bytes per file (also each interaction's limit)


def _json_response(data: Any, status: int = 200) -> web.Response:
    # discord.py parses JSON only when the content type is exactly "application/json";
    # aiohttp's json_response (and text=) add "; charset=utf-8".
    return web.Response(
        body=json.dumps(data).encode(), status=status, content_type="application/json"
    )


def _error(status: int, code: int, message: str) -> web.Response:
    return _json_response({"code": code, "message": message}, status)


@dataclass
class UploadedFile:
    """One ``files[n]`` part of a multipart request, as received."""

    field: str
    filename: str
    content_type: str
    data: bytes

    def upload(self) -> Upload:
        return Upload(self.field, self.filename, len(self.data))


@dataclass
class RecordedRequest:
    method: str
    path: str
    template: str | None
    query: dict[str, str]
    body: Any  # the JSON body, or a multipart request's payload_json
    status: int = 0
    violations: list[str] = field(default_factory=list)
    files: list[UploadedFile] = field(default_factory=list)
    multipart: bool = False


@dataclass
class SentInteraction:
    """An INTERACTION_CREATE the fake dispatched, and what the bot did with it."""

    id: str
    token: str
    type: int
    payload: dict[str, Any]
    sent_at: float
    first_response_at: float | None = None
    callback: dict[str, Any] | None = None  # the body of the first callback
    original_message_id: str | None = None
    followups: list[str] = field(default_factory=list)  # message ids

    @property
    def answered(self) -> bool:
        return self.callback is not None


@dataclass
class _Session:
    """One gateway session: a shard (id, count), its sequence and what it was sent."""

    id: str
    shard: tuple[int, int]
    seq: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)  # dispatches, for RESUME
    conn: _Connection | None = None  # the connection it is on (None while away)


@dataclass
class _Connection:
    ws: web.WebSocketResponse
    session: _Session | None = None
    heartbeats: int = 0
    close_code: int | None = None  # once closed: who closed it and how
    closed_by_client: bool = False

    @property
    def session_id(self) -> str | None:
        return self.session.id if self.session is not None else None


@dataclass(frozen=True)
class FakeGuild:
    """A server the bot is in: its one text channel and its editor role."""

    id: str
    channel_id: str
    editor_role_id: str
    name: str = "Verification desk"


def shard_of(guild_id: str | int, shard_count: int) -> int:
    """The shard that holds a guild: Discord's rule (discord.py's ``Guild.shard_id``)."""
    return (int(guild_id) >> 22) % shard_count


class FakeDiscord:
    """One application with one bot user, one guild (more with :meth:`add_guild`), each
    with one text channel, and one user.

    Sharding: ``GET /gateway/bot`` recommends ``recommended_shards``; an IDENTIFY with
    ``shard: [id, count]`` opens that shard's session, whose READY and GUILD_CREATEs
    carry only the guilds of that shard (``(guild_id >> 22) % count``), and every event
    of a guild (an interaction) goes to the session of the shard that holds it. Without
    ``shard`` a session is shard 0 of 1: every guild.
    """

    def __init__(
        self,
        *,
        token: str = "fake-token",
        checker: SpecChecker | None = None,
        heartbeat_interval_ms: int = 41250,
        first_response_limit: float = FIRST_RESPONSE_LIMIT,
    ) -> None:
        self.token = token
        self.checker = checker or SpecChecker.load()
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.first_response_limit = first_response_limit
        self._ids = itertools.count(1)
        self.application_id = self.snowflake()
        self.bot_user = {
            "id": self.application_id, "username": "Factdesk", "discriminator": "0",
            "global_name": None, "avatar": None, "bot": True, "flags": 0,
            "verified": True, "mfa_enabled": False, "public_flags": 0,
        }
        self.owner = {
            "id": self.snowflake(), "username": "owner", "discriminator": "0",
            "global_name": "Owner", "avatar": None, "public_flags": 0,
        }
        self.user = self.new_user("reporter")  # who runs commands unless told otherwise
        self.guild_id = self.snowflake()
        self.channel_id = self.snowflake()
        self.editor_role_id = self.snowflake()
        self.guilds: dict[str, FakeGuild] = {
            self.guild_id: FakeGuild(self.guild_id, self.channel_id, self.editor_role_id)
        }
        self.recommended_shards = 1  # what GET /gateway/bot says
        # Set to an Event: channel posts are made, then answered only once it is set.
        self.hold_posts: asyncio.Event | None = None
        self.held_posts: list[str] = []

        self.requests: list[RecordedRequest] = []
        self.violations: list[str] = []
        self.interactions: dict[str, SentInteraction] = {}
        self._by_token: dict[str, SentInteraction] = {}
        self.messages: dict[str, dict[str, Any]] = {}  # id -> message object
        self.uploads: dict[str, bytes] = {}  # attachment id -> the bytes uploaded
        self.channel_messages: list[str] = []  # ids posted with POST /channels/.../messages
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[str, list[dict[str, Any]]] = {}
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.resumable = True  # False: answer RESUME with INVALID_SESSION (d=false)
        self.connections: list[_Connection] = []
        self.shard_count = 1  # of the latest IDENTIFY
        self._sessions: dict[str, _Session] = {}  # by session id
        self._shards: dict[int, _Session] = {}  # the latest session of each shard id

        self._changed: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle --------------------------------------------------------------------

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        self._changed = asyncio.Condition()
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{attachment_id}/{filename}", self._cdn)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        log.info("fake Discord on %s", self.api_base)

    async def stop(self) -> None:
        if self.hold_posts is not None:
            self.hold_posts.set()  # answer what is held: nothing waits for a test gone
        for conn in self.connections:
            if not conn.ws.closed:
                await conn.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- waiting ----------------------------------------------------------------------

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 15.0) -> Any:
        """Wait until ``predicate()`` is truthy (re-checked on every change); return it."""
        assert self._changed is not None
        async with self._changed:
            try:
                return await asyncio.wait_for(self._changed.wait_for(predicate), timeout)
            except TimeoutError:
                raise AssertionError(
                    f"fake Discord: timed out after {timeout}s waiting for {predicate!r}; "
                    f"last requests: {[(r.method, r.path, r.status) for r in self.requests[-5:]]}"
                ) from None

    async def wait_identified(self, count: int = 1, timeout: float = 15.0) -> None:
        """Wait until the bot has identified ``count`` times (READY sent each time)."""
        await self.wait_for(lambda: len(self.identifies) >= count, timeout)

    async def wait_answered(self, interaction: SentInteraction, timeout: float = 15.0) -> None:
        await self.wait_for(lambda: interaction.answered, timeout)

    # -- ids and objects --------------------------------------------------------------

    def snowflake(self) -> str:
        ms = int(time.time() * 1000) - _DISCORD_EPOCH_MS
        return str((ms << 22) | (next(self._ids) & 0x3FFFFF))

    def add_guild(self, *, shard: int = 0, shard_count: int = 1) -> FakeGuild:
        """Another server with its own channel and editor role, on shard ``shard`` of
        ``shard_count`` (its id chosen so)."""
        ids = [self.snowflake() for _ in range(3)]
        base = int(ids[0])
        bump = (shard - shard_of(base, shard_count)) % shard_count
        guild_id = str(base + (bump << 22))  # a later millisecond, same counter bits
        guild = FakeGuild(guild_id, ids[1], ids[2], name=f"Desk {len(self.guilds) + 1}")
        self.guilds[guild_id] = guild
        return guild

    def guild_of_channel(self, channel_id: str) -> FakeGuild | None:
        return next((g for g in self.guilds.values() if g.channel_id == channel_id), None)

    @staticmethod
    def _now() -> str:
        return dt.datetime.now(dt.UTC).isoformat()

    def new_user(self, username: str = "reporter") -> dict[str, Any]:
        """Another member of the guild (each test can act as its own person)."""
        return {
            "id": self.snowflake(), "username": username[:32], "discriminator": "0",
            "global_name": username[:32], "avatar": None, "public_flags": 0,
        }

    def _member(self, user: dict[str, Any], roles: list[str] | None = None) -> dict[str, Any]:
        return {
            "user": user, "roles": roles or [], "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False, "mute": False, "flags": 0, "pending": False, "nick": None,
            "avatar": None, "premium_since": None, "communication_disabled_until": None,
        }

    def channel(self) -> dict[str, Any]:
        """The first guild's text channel (tests may replace this to change it)."""
        return {
            "id": self.channel_id, "type": 0, "guild_id": self.guild_id, "name": "desk",
            "position": 0, "permission_overwrites": [], "nsfw": False, "topic": None,
            "last_message_id": None, "parent_id": None, "rate_limit_per_user": 0, "flags": 0,
        }

    def channel_of(self, guild: FakeGuild) -> dict[str, Any]:
        """A guild's text channel."""
        if guild.id == self.guild_id:
            return self.channel()
        return dict(self.channel(), id=guild.channel_id, guild_id=guild.id)

    def guild(self, guild_id: str | None = None) -> dict[str, Any]:
        """A guild as GUILD_CREATE carries it (default: the first one)."""
        g = self.guilds[guild_id or self.guild_id]
        everyone = {
            "id": g.id, "name": "@everyone", "permissions": "2248473465835073",
            "position": 0, "color": 0, "hoist": False, "managed": False,
            "mentionable": False, "flags": 0,
        }
        editor = dict(everyone, id=g.editor_role_id, name="editor", position=1)
        return {
            "id": g.id, "name": g.name, "icon": None,
            "owner_id": self.owner["id"], "unavailable": False, "large": False,
            "member_count": 3, "features": [], "roles": [everyone, editor],
            "emojis": [], "stickers": [], "channels": [self.channel_of(g)], "threads": [],
            "members": [self._member(self.bot_user), self._member(self.owner),
                        self._member(self.user)],
            "voice_states": [], "presences": [], "stage_instances": [],
            "guild_scheduled_events": [], "soundboard_sounds": [],
            "verification_level": 0, "default_message_notifications": 0,
            "explicit_content_filter": 0, "mfa_level": 0, "nsfw_level": 0,
            "premium_tier": 0, "premium_subscription_count": 0,
            "preferred_locale": "en-US", "system_channel_id": None,
            "system_channel_flags": 0, "rules_channel_id": None,
            "public_updates_channel_id": None, "afk_channel_id": None, "afk_timeout": 300,
            "vanity_url_code": None, "description": None, "banner": None, "splash": None,
            "discovery_splash": None, "application_id": None, "max_members": 500000,
            "joined_at": "2024-01-01T00:00:00+00:00", "lazy": True,
        }

    def application(self) -> dict[str, Any]:
        return {
            "id": self.application_id, "name": "Factdesk", "icon": None,
            "description": "Sourced statements for a verification desk.",
            "summary": "", "type": None, "hook": True, "bot_public": False,
            "bot_require_code_grant": False, "verify_key": secrets.token_hex(32),
            "flags": 0, "owner": self.owner, "team": None, "bot": self.bot_user,
            "rpc_origins": [], "redirect_uris": [], "tags": [],
        }

    # -- gateway ----------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = _Connection(ws)
        self.connections.append(conn)
        await ws.send_str(json.dumps({
            "op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}, "s": None,
            "t": None,
        }))
        while True:
            msg = await ws.receive()
            if msg.type == WSMsgType.CLOSE:  # the bot closed it (aiohttp answers the close)
                conn.closed_by_client = True
                conn.close_code = msg.data
                break
            if msg.type in (WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                conn.close_code = ws.close_code
                break
            if msg.type != WSMsgType.TEXT:
                continue
            try:
                frame = json.loads(msg.data)
            except ValueError:
                self._violate(f"gateway: frame is not JSON: {msg.data[:80]!r}")
                continue
            await self._on_frame(conn, frame)
        if conn.session is not None and conn.session.conn is conn:
            conn.session.conn = None
        await self._notify()
        return ws

    async def _on_frame(self, conn: _Connection, frame: dict[str, Any]) -> None:
        op, data = frame.get("op"), frame.get("d")
        if op == 1:  # heartbeat
            conn.heartbeats += 1
            await conn.ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
        elif op == 2:  # identify
            await self._identify(conn, data or {})
        elif op == 6:  # resume
            await self._resume(conn, data or {})
        elif op == 8:  # request guild members
            guild_id = str((data or {}).get("guild_id") or self.guild_id)
            await self._send(conn.session, "GUILD_MEMBERS_CHUNK", {
                "guild_id": guild_id, "chunk_index": 0, "chunk_count": 1,
                "members": self.guild(guild_id)["members"] if guild_id in self.guilds else [],
                "not_found": [], "nonce": (data or {}).get("nonce"),
            })
        elif op in (3, 4):  # presence / voice state: accepted, ignored
            pass
        else:
            self._violate(f"gateway: unexpected op {op!r}")
        await self._notify()

    async def _identify(self, conn: _Connection, data: dict[str, Any]) -> None:
        if data.get("token") != self.token and data.get("token") != f"Bot {self.token}":
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            self._violate("gateway: IDENTIFY with the wrong token")
            return
        privileged = [name for bit, name in PRIVILEGED_INTENTS.items()
                      if int(data.get("intents") or 0) & bit]
        if privileged:
            # what Discord does when the portal has not enabled them: close 4014
            self._violate(f"gateway: IDENTIFY asks for privileged intents {privileged}")
            await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        shard = data.get("shard", [0, 1])
        if not (isinstance(shard, list) and len(shard) == 2
                and all(isinstance(n, int) for n in shard) and 0 <= shard[0] < shard[1]):
            self._violate(f"gateway: IDENTIFY with an invalid shard {shard!r}")
            await conn.ws.close(code=4010, message=b"Invalid shard.")
            return
        self.identifies.append(data)
        shard_id, count = shard
        self.shard_count = count
        session = _Session(secrets.token_hex(16), (shard_id, count), conn=conn)
        self._sessions[session.id] = self._shards[shard_id] = session
        conn.session = session
        guilds = [g for g in self.guilds if shard_of(g, count) == shard_id]
        await self._send(session, "READY", {
            "v": 10, "user": self.bot_user, "session_id": session.id,
            "resume_gateway_url": self.gateway_url, "session_type": "normal",
            "guilds": [{"id": g, "unavailable": True} for g in guilds],
            "application": {"id": self.application_id, "flags": 0},
            "private_channels": [], "relationships": [], "presences": [],
            "shard": [shard_id, count], "geo_ordered_rtc_regions": [],
        })
        for guild_id in guilds:
            await self._send(session, "GUILD_CREATE", self.guild(guild_id))

    async def _resume(self, conn: _Connection, data: dict[str, Any]) -> None:
        self.resumes.append(data)
        session = self._sessions.get(str(data.get("session_id")))
        ok = (
            self.resumable
            and session is not None
            and self._shards.get(session.shard[0]) is session
            and data.get("token") in (self.token, f"Bot {self.token}")
        )
        if not ok or session is None:
            await conn.ws.send_str(json.dumps({"op": 9, "d": False, "s": None, "t": None}))
            return
        conn.session, session.conn = session, conn
        last = data.get("seq") or 0
        for frame in session.events:
            if frame["s"] > last:
                await conn.ws.send_str(json.dumps(frame))
        await self._send(session, "RESUMED", {})

    async def _send(self, session: _Session | None, event: str, data: Any) -> None:
        """A dispatch in ``session`` (kept for replay; sent now when it is connected)."""
        if session is None:
            return
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.events.append(frame)
        conn = session.conn
        if conn is not None and not conn.ws.closed:
            await conn.ws.send_str(json.dumps(frame))

    def session_for(self, guild_id: str | None = None) -> _Session | None:
        """The latest session of the shard holding the guild (default: the first guild)."""
        return self._shards.get(shard_of(guild_id or self.guild_id, self.shard_count))

    def sessions(self) -> list[_Session]:
        """The latest session of each shard, by shard id."""
        return [self._shards[k] for k in sorted(self._shards)]

    @property
    def connected(self) -> bool:
        """The first guild's shard is connected."""
        session = self.session_for()
        return session is not None and session.conn is not None and not session.conn.ws.closed

    @property
    def last_connection(self) -> _Connection | None:
        return self.connections[-1] if self.connections else None

    @property
    def heartbeats(self) -> int:
        return sum(c.heartbeats for c in self.connections)

    async def drop(self, code: int = 4000, *, resumable: bool = True,
                   guild_id: str | None = None) -> None:
        """Close the gateway connection of the guild's shard on purpose (4000: 'unknown
        error', resumable)."""
        self.resumable = resumable
        session = self.session_for(guild_id)
        conn = session.conn if session is not None else None
        assert session is not None and conn is not None, "the bot is not connected"
        session.conn = None
        await conn.ws.close(code=code, message=b"dropped by the fake on purpose")
        await self._notify()

    async def dispatch(self, event: str, data: Any, *, guild_id: str | None = None) -> None:
        """Send a dispatch to the shard holding the guild; while that shard is away it is
        kept and replayed on RESUME."""
        await self._send(self.session_for(guild_id), event, data)

    # -- interactions -----------------------------------------------------------------

    def _interaction(self, itype: int, data: dict[str, Any], *, user: dict[str, Any] | None,
                     roles: list[str] | None, message: dict[str, Any] | None,
                     guild_id: str | None = None) -> dict[str, Any]:
        interaction_id = self.snowflake()
        guild = self.guilds[guild_id or self.guild_id]
        payload: dict[str, Any] = {
            "id": interaction_id, "application_id": self.application_id, "type": itype,
            "data": data, "guild_id": guild.id, "channel_id": guild.channel_id,
            "channel": self.channel_of(guild),
            "member": dict(self._member(user or self.user, roles),
                           permissions="2248473465835073"),
            "token": "tok-" + secrets.token_urlsafe(24), "version": 1,
            "app_permissions": "2248473465835073", "locale": "en-US",
            "guild_locale": "en-US", "entitlements": [], "authorizing_integration_owners":
            {"0": guild.id}, "context": 0, "attachment_size_limit": 10485760,
        }
        if message is not None:
            payload["message"] = message
        return payload

    async def _send_interaction(self, payload: dict[str, Any]) -> SentInteraction:
        sent = SentInteraction(
            id=payload["id"], token=payload["token"], type=payload["type"],
            payload=payload, sent_at=time.monotonic(),
        )
        self.interactions[sent.id] = sent
        self._by_token[sent.token] = sent
        await self.dispatch("INTERACTION_CREATE", payload, guild_id=payload["guild_id"])
        await self._notify()
        return sent

    def _is_guild_command(self, name: str, guild_command: bool | None,
                          guild_id: str | None = None) -> bool:
        if guild_command is not None:
            return guild_command
        return any(c["name"] == name
                   for c in self.guild_commands.get(guild_id or self.guild_id, []))

    def command(self, name: str) -> dict[str, Any] | None:
        """The registered definition of ``/name`` (the guild's first, then global)."""
        for command in [*self.guild_commands.get(self.guild_id, []), *self.global_commands]:
            if command["name"] == name:
                return command
        return None

    def _command_id(self, name: str) -> str:
        for command in [*self.guild_commands.get(self.guild_id, []), *self.global_commands]:
            if command["name"] == name:
                return command["id"]
        return self.snowflake()

    def attachment(self, filename: str, data: bytes,
                   content_type: str | None = "text/plain; charset=utf-8") -> dict[str, Any]:
        """A file a user picked for an attachment option: uploaded to the (fake) CDN, and
        the attachment object Discord puts in ``resolved.attachments``."""
        attachment_id = self.snowflake()
        self.uploads[attachment_id] = data
        url = self.attachment_url(attachment_id, filename)
        found: dict[str, Any] = {
            "id": attachment_id, "filename": filename, "size": len(data), "url": url,
            "proxy_url": url, "ephemeral": True,
        }
        if content_type is not None:
            found["content_type"] = content_type
        return found

    async def slash(
        self, name: str, options: list[dict[str, Any]] | None = None, *,
        guild_command: bool | None = None, user: dict[str, Any] | None = None,
        roles: list[str] | None = None, guild_id: str | None = None,
        attachments: dict[str, dict[str, Any]] | None = None,
    ) -> SentInteraction:
        """Someone runs ``/name`` with options (``[{"name", "type", "value"}]``) in a guild
        (default: the first one).

        ``data.guild_id`` is set when ``/name`` is registered as a guild command (as
        Discord does), unless ``guild_command`` says otherwise. ``attachments``: option
        name -> an :meth:`attachment`, given as Discord does (the option's value is the
        attachment id, the object is in ``data.resolved.attachments``).
        """
        data: dict[str, Any] = {"id": self._command_id(name), "name": name, "type": 1}
        options = list(options or [])
        for option, attachment in (attachments or {}).items():
            options.append({"name": option, "type": ATTACHMENT_OPTION,
                            "value": attachment["id"]})
            data.setdefault("resolved", {}).setdefault("attachments", {})[
                attachment["id"]] = attachment
        if options:
            data["options"] = options
        if self._is_guild_command(name, guild_command, guild_id):
            data["guild_id"] = guild_id or self.guild_id
        return await self._send_interaction(self._interaction(
            APPLICATION_COMMAND, data, user=user, roles=roles, message=None, guild_id=guild_id))

    async def autocomplete(
        self, name: str, option: str, typed: str, *,
        others: list[dict[str, Any]] | None = None, guild_command: bool | None = None,
        guild_id: str | None = None,
    ) -> SentInteraction:
        """Someone is typing ``typed`` into option ``option`` of ``/name``."""
        options = [*(others or []), {"name": option, "type": 3, "value": typed, "focused": True}]
        data: dict[str, Any] = {"id": self._command_id(name), "name": name, "type": 1,
                                "options": options}
        if self._is_guild_command(name, guild_command, guild_id):
            data["guild_id"] = guild_id or self.guild_id
        return await self._send_interaction(self._interaction(
            AUTOCOMPLETE, data, user=None, roles=None, message=None, guild_id=guild_id))

    async def click(self, message_id: str, custom_id: str, *,
                    user: dict[str, Any] | None = None,
                    roles: list[str] | None = None) -> SentInteraction:
        """Someone (holding ``roles``) clicks the button ``custom_id`` on a message the bot
        sent."""
        message = self.messages[message_id]
        data = {"custom_id": custom_id, "component_type": 2}
        guild = self.guild_of_channel(message["channel_id"])
        return await self._send_interaction(self._interaction(
            MESSAGE_COMPONENT, data, user=user, roles=roles, message=message,
            guild_id=guild.id if guild else None))

    async def click_label(self, message_id: str, label: str, *,
                          user: dict[str, Any] | None = None,
                          roles: list[str] | None = None) -> SentInteraction:
        """Click the button whose label is ``label`` (discord.py makes random custom ids)."""
        for button in self.buttons(message_id):
            if button.get("label") == label:
                assert not button.get("disabled"), f"button {label!r} is disabled"
                return await self.click(message_id, button["custom_id"], user=user,
                                        roles=roles)
        labels = [b.get("label") for b in self.buttons(message_id)]
        raise AssertionError(f"no button {label!r} on message {message_id}; buttons: {labels}")

    @staticmethod
    def modal_inputs(sent: SentInteraction) -> list[dict[str, Any]]:
        """The text inputs of the modal the bot opened in answer to ``sent``."""
        callback = sent.callback or {}
        assert callback.get("type") == MODAL, f"interaction {sent.id} got no modal: {callback}"
        found: list[dict[str, Any]] = []

        def walk(components: list[dict[str, Any]]) -> None:
            for component in components:
                if component.get("type") == ACTION_ROW:
                    walk(component.get("components") or [])
                elif component.get("type") == LABEL:
                    walk([component["component"]])
                elif component.get("type") == TEXT_INPUT:
                    found.append(component)

        walk(callback["data"].get("components") or [])
        return found

    async def submit_modal(self, sent: SentInteraction, values: dict[str, str], *,
                           user: dict[str, Any] | None = None,
                           roles: list[str] | None = None) -> SentInteraction:
        """The user fills the modal opened for ``sent`` and submits it: a MODAL_SUBMIT
        interaction with each text input's value, by its label or custom id (unnamed
        inputs keep the value the bot put in them, as Discord sends what the box holds);
        a modal opened from a button carries that button's message."""
        inputs = self.modal_inputs(sent)
        known = {i.get("label") for i in inputs} | {i["custom_id"] for i in inputs}
        unknown = set(values) - known
        assert not unknown, f"no input {sorted(unknown)} in the modal; it has {sorted(known)}"
        rows = []
        for text_input in inputs:
            value = values.get(text_input.get("label") or "", values.get(
                text_input["custom_id"], text_input.get("value") or ""))
            rows.append({"type": ACTION_ROW, "components": [
                {"type": TEXT_INPUT, "custom_id": text_input["custom_id"], "value": value}]})
        data = {"custom_id": sent.callback["data"]["custom_id"],  # type: ignore[index]
                "components": rows}
        member = sent.payload["member"]
        message = sent.payload.get("message")
        return await self._send_interaction(self._interaction(
            MODAL_SUBMIT, data, user=user or member["user"],
            roles=member.get("roles") if roles is None else roles, message=message,
            guild_id=sent.payload.get("guild_id")))

    def buttons(self, message_id: str) -> list[dict[str, Any]]:
        """The buttons of a stored message, in order (custom_id, label, disabled...)."""
        found = []
        for row in self.messages[message_id].get("components") or []:
            for component in row.get("components") or []:
                if component.get("type") == 2:
                    found.append(component)
        return found

    def response_message(self, interaction: SentInteraction) -> dict[str, Any] | None:
        """The message the interaction's first response created or last edited."""
        if interaction.original_message_id is None:
            return None
        return self.messages.get(interaction.original_message_id)

    def unanswered(self) -> list[SentInteraction]:
        return [i for i in self.interactions.values() if not i.answered]

    # -- REST -------------------------------------------------------------------------

    def _violate(self, reason: str, record: RecordedRequest | None = None) -> None:
        log.error("fake Discord: %s", reason)
        self.violations.append(reason)
        if record is not None:
            record.violations.append(reason)

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        record = RecordedRequest(request.method, path, None, dict(request.query), None)
        self.requests.append(record)
        try:
            response = await self._handle(request, record)
        except Exception as exc:  # a bug in the fake must show up, not hang the bot
            log.exception("fake Discord: handler failed")
            self._violate(f"{request.method} {path}: fake failed: {exc!r}", record)
            response = _error(500, 0, "fake failed")
        record.status = response.status
        # Send the answer before waking the test: the bot has its message (and registers
        # its buttons) before a test can act on it, as a user sees a message after the
        # bot got Discord's answer.
        await response.prepare(request)
        await response.write_eof()
        await self._notify()
        return response

    async def _body(self, request: web.Request, record: RecordedRequest) -> Any:
        if not request.can_read_body:
            return None
        ctype = request.content_type
        if ctype == "application/json":
            return json.loads(await request.text())
        if ctype == "multipart/form-data":
            record.multipart = True
            payload: Any = None
            async for part in await request.multipart():
                if not isinstance(part, BodyPartReader):
                    self._violate(f"{request.method} {request.path}: nested multipart", record)
                    continue
                data = await part.read()
                if part.name == "payload_json":
                    payload = json.loads(data)
                else:
                    record.files.append(UploadedFile(
                        part.name or "", part.filename or "",
                        part.headers.get("Content-Type", ""), bytes(data)))
            return payload
        self._violate(f"{request.method} {request.path}: unexpected content type {ctype}",
                      record)
        return None

    async def _handle(self, request: web.Request, record: RecordedRequest) -> web.Response:
        auth = request.headers.get("Authorization")
        body = await self._body(request, record)
        record.body = body
        fields = [f.field for f in record.files] if record.multipart else None
        route, problems = self.checker.check(request.method, request.path, body, fields)
        record.template = route.template if route else None
        method = request.method.upper()
        if route is None:
            for reason in problems:
                self._violate(reason, record)
            return _error(404, 0, "404: Not Found")
        template, params = route.template, route.params
        is_webhook = template.startswith(("/webhooks/", "/interactions/"))
        if not is_webhook and auth not in (f"Bot {self.token}",):
            self._violate(f"{method} {template}: missing or wrong Authorization", record)
            return _error(401, 0, "401: Unauthorized")
        problems += self._house_rules(method, template, body)
        problems += self._attachment_rules(method, template, params, body, record)
        if problems:
            for reason in problems:
                self._violate(reason, record)
            return _error(400, 50035, "Invalid Form Body: " + "; ".join(problems))
        handler = self._handlers().get((method, template))
        if handler is None:
            self._violate(f"{method} {template}: route not covered by the fake", record)
            return _error(404, 0, "404: Not Found")
        return await handler(request, params, body, record)

    def _handlers(self) -> dict[tuple[str, str], Callable[..., Any]]:
        return {
            ("GET", "/users/@me"): self._get_me,
            ("GET", "/gateway/bot"): self._get_gateway_bot,
            ("GET", "/oauth2/applications/@me"): self._get_app,
            ("GET", "/applications/@me"): self._get_app,
            ("GET", "/applications/{application_id}/commands"): self._get_commands,
            ("PUT", "/applications/{application_id}/commands"): self._put_commands,
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands"):
                self._get_commands,
            ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands"):
                self._put_commands,
            ("POST", "/interactions/{interaction_id}/{interaction_token}/callback"):
                self._callback,
            ("POST", "/webhooks/{webhook_id}/{webhook_token}"): self._followup,
            ("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"):
                self._webhook_message,
            ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"):
                self._webhook_message,
            ("DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"):
                self._webhook_message,
            ("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"):
                self._webhook_message,
            ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"):
                self._webhook_message,
            ("DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"):
                self._webhook_message,
            ("POST", "/channels/{channel_id}/messages"): self._channel_post,
            ("GET", "/channels/{channel_id}/messages"): self._channel_history,
            ("GET", "/channels/{channel_id}/messages/{message_id}"): self._channel_get,
            ("PATCH", "/channels/{channel_id}/messages/{message_id}"): self._channel_edit,
            ("GET", "/channels/{channel_id}"): self._get_channel,
        }

    def _house_rules(self, method: str, template: str, body: Any) -> list[str]:
        """Rules the spec cannot express, for the routes that carry them."""
        if not isinstance(body, (dict, list)):
            return []
        if method == "PUT" and template.endswith("/commands"):
            return command_name_problems(body)
        if method == "POST" and template.endswith("/commands"):
            return command_name_problems([body])
        if not isinstance(body, dict):
            return []
        if template.endswith("/callback"):
            if body.get("type") in (CHANNEL_MESSAGE, UPDATE_MESSAGE):
                return [f"callback data: {p}" for p in message_problems(body.get("data") or {})]
            return []
        if template.startswith(("/webhooks/", "/channels/{channel_id}/messages")):
            return message_problems(body)
        return []

    def _attachment_rules(self, method: str, template: str, params: dict[str, str],
                          body: Any, record: RecordedRequest) -> list[str]:
        """A message's files against its ``attachments`` array and its embeds."""
        if not isinstance(body, dict):
            return []
        limit, existing, message = ATTACHMENT_SIZE_LIMIT, {}, body
        if template.endswith("/callback"):
            sent = self.interactions.get(params["interaction_id"])
            if sent is not None:
                limit = int(sent.payload.get("attachment_size_limit") or limit)
            message = body.get("data") if isinstance(body.get("data"), dict) else {}
            if body.get("type") == UPDATE_MESSAGE and sent is not None:
                target = (sent.payload.get("message") or {}).get("id")
                existing = self._attachments_of(target)
        elif template.startswith("/webhooks/"):
            sent = self._by_token.get(params["webhook_token"])
            if sent is not None:
                limit = int(sent.payload.get("attachment_size_limit") or limit)
                target = params.get("message_id")
                if method == "PATCH":
                    existing = self._attachments_of(target or sent.original_message_id)
        elif template == "/channels/{channel_id}/messages/{message_id}":
            existing = self._attachments_of(params["message_id"])
        elif template != "/channels/{channel_id}/messages":
            return []
        if not record.files and not message.get("attachments") and not existing and not any(
            "attachment://" in json.dumps(e) for e in message.get("embeds") or []
        ):
            return []
        return attachment_problems(message, [f.upload() for f in record.files],
                                   size_limit=limit, existing=existing)

    def _attachments_of(self, message_id: str | None) -> dict[str, str]:
        message = self.messages.get(message_id or "") or {}
        return {str(a["id"]): a["filename"] for a in message.get("attachments") or []}

    # handlers: each (request, params, body, record) -> Response

    async def _get_me(self, *_: Any) -> web.Response:
        return _json_response(self.bot_user)

    async def _get_app(self, *_: Any) -> web.Response:
        return _json_response(self.application())

    async def _get_channel(self, _req: web.Request, params: dict[str, str], *_: Any,
                           ) -> web.Response:
        guild = self.guild_of_channel(params["channel_id"])
        if guild is None:
            return _error(404, 10003, "Unknown Channel")
        return _json_response(self.channel_of(guild))

    async def _get_gateway_bot(self, *_: Any) -> web.Response:
        return _json_response({
            "url": self.gateway_url, "shards": self.recommended_shards,
            "session_start_limit": {"total": 1000, "remaining": 999,
                                    "reset_after": 86_400_000, "max_concurrency": 1},
        })

    async def _hold_channel_post(self, message: dict[str, Any]) -> None:
        """With ``hold_posts`` set: the message exists, but the answer waits until the
        test opens the gate (a bot killed meanwhile never learns its id)."""
        if self.hold_posts is None:
            return
        self.held_posts.append(message["id"])
        await self._notify()
        await self.hold_posts.wait()

    def _commands_for(self, params: dict[str, str]) -> list[dict[str, Any]] | None:
        if params.get("application_id") != self.application_id:
            return None
        if "guild_id" in params:
            return self.guild_commands.get(params["guild_id"], [])
        return self.global_commands

    async def _get_commands(self, _req: web.Request, params: dict[str, str], *_: Any,
                            ) -> web.Response:
        commands = self._commands_for(params)
        if commands is None:
            return _error(404, 10002, "Unknown Application")
        return _json_response(commands)

    async def _put_commands(self, _req: web.Request, params: dict[str, str], body: Any,
                            record: RecordedRequest) -> web.Response:
        if params.get("application_id") != self.application_id:
            self._violate(f"command overwrite for unknown application {params}", record)
            return _error(404, 10002, "Unknown Application")
        stored = []
        for command in body or []:
            full = {
                "id": self._command_id(command["name"]), "application_id": self.application_id,
                "version": self.snowflake(), "type": command.get("type", 1),
                "description": command.get("description", ""),
                "default_member_permissions": command.get("default_member_permissions"),
                "nsfw": command.get("nsfw", False), **command,
            }
            if "guild_id" in params:
                full["guild_id"] = params["guild_id"]
            stored.append(full)
        if "guild_id" in params:
            self.guild_commands[params["guild_id"]] = stored
        else:
            self.global_commands = stored
        return _json_response(stored)

    def _make_message(self, data: dict[str, Any], *, interaction: SentInteraction | None,
                      webhook: bool, files: list[UploadedFile] | None = None,
                      channel_id: str | None = None) -> dict[str, Any]:
        message_id = self.snowflake()
        if interaction is not None:
            channel_id = interaction.payload["channel_id"]
        message: dict[str, Any] = {
            "id": message_id, "channel_id": channel_id or self.channel_id,
            "type": 0 if not interaction
            else 20, "content": data.get("content") or "", "author": self.bot_user,
            "embeds": data.get("embeds") or [], "components": data.get("components") or [],
            "attachments": [], "mentions": [], "mention_roles": [], "mention_everyone": False,
            "pinned": False, "tts": bool(data.get("tts")), "timestamp": self._now(),
            "edited_timestamp": None, "flags": data.get("flags") or 0,
            "allowed_mentions": data.get("allowed_mentions"),
        }
        self._attach(message, data, files or [])
        if webhook:
            message["webhook_id"] = self.application_id
            message["application_id"] = self.application_id
        if interaction is not None:
            user = interaction.payload["member"]["user"]
            message["interaction_metadata"] = {
                "id": interaction.id, "type": interaction.type, "user": user,
                "authorizing_integration_owners": {"0": interaction.payload["guild_id"]},
            }
        self.messages[message_id] = message
        return message

    def _apply_edit(self, message: dict[str, Any], data: dict[str, Any],
                    files: list[UploadedFile] | None = None) -> None:
        for key in ("content", "embeds", "components", "flags", "allowed_mentions"):
            if key in data:
                message[key] = data[key] if data[key] is not None else (
                    "" if key == "content" else [] if key != "flags" else 0)
        self._attach(message, data, files or [])
        message["edited_timestamp"] = self._now()

    def attachment_url(self, attachment_id: str, filename: str) -> str:
        return f"http://127.0.0.1:{self.port}/attachments/{attachment_id}/{filename}"

    def _attach(self, message: dict[str, Any], data: dict[str, Any],
                files: list[UploadedFile]) -> None:
        """The message's attachments after ``data`` and its ``files`` (an edit keeps those
        its ``attachments`` array names, all when it has none); ``attachment://name`` in
        an embed becomes the attachment's url."""
        old = {str(a["id"]): a for a in message.get("attachments") or []}
        named = {str(a.get("id")) for a in data.get("attachments") or [] if isinstance(a, dict)}
        kept = [a for k, a in old.items() if k in named] if "attachments" in data else list(
            old.values())
        for upload in files:
            attachment_id = self.snowflake()
            self.uploads[attachment_id] = upload.data
            url = self.attachment_url(attachment_id, upload.filename)
            kept.append({
                "id": attachment_id, "filename": upload.filename, "size": len(upload.data),
                "url": url, "proxy_url": url,
                "content_type": mimetypes.guess_type(upload.filename)[0]
                or "application/octet-stream",
            })
        message["attachments"] = kept
        by_name = {a["filename"]: a["url"] for a in kept}
        for embed in message.get("embeds") or []:
            image = embed.get("image") or {}
            url = image.get("url") or ""
            if url.startswith("attachment://") and url[len("attachment://"):] in by_name:
                image["url"] = image["proxy_url"] = by_name[url[len("attachment://"):]]

    def attachment_bytes(self, message: dict[str, Any], filename: str) -> bytes:
        """What was uploaded as ``filename`` to ``message``."""
        for attachment in message.get("attachments") or []:
            if attachment["filename"] == filename:
                return self.uploads[attachment["id"]]
        names = [a["filename"] for a in message.get("attachments") or []]
        raise AssertionError(f"message {message['id']} has no {filename!r}; it has {names}")

    async def _cdn(self, request: web.Request) -> web.Response:
        """Discord's CDN for what was uploaded here: the bytes at an attachment's url."""
        data = self.uploads.get(request.match_info["attachment_id"])
        if data is None:
            return web.Response(status=404)
        ctype = mimetypes.guess_type(request.match_info["filename"])[0]
        return web.Response(body=data, content_type=ctype or "application/octet-stream")

    async def _callback(self, request: web.Request, params: dict[str, str], body: Any,
                        record: RecordedRequest) -> web.Response:
        now = time.monotonic()
        sent = self.interactions.get(params["interaction_id"])
        if sent is None or sent.token != params["interaction_token"]:
            self._violate(f"callback for unknown interaction {params['interaction_id']}", record)
            return _error(404, 10062, "Unknown interaction")
        if sent.answered:
            self._violate(f"interaction {sent.id} acknowledged twice", record)
            return _error(400, 40060, "Interaction has already been acknowledged.")
        elapsed = now - sent.sent_at
        if elapsed > self.first_response_limit:
            self._violate(f"interaction {sent.id} ({self.describe(sent)}): first response "
                          f"after {elapsed:.2f}s, over {self.first_response_limit}s", record)
            return _error(404, 10062, "Unknown interaction")
        sent.first_response_at = now
        sent.callback = body
        ctype = body["type"]
        data = body.get("data") or {}
        message: dict[str, Any] | None = None
        if ctype == CHANNEL_MESSAGE:
            message = self._make_message(data, interaction=sent, webhook=True,
                                         files=record.files)
        elif ctype == DEFERRED_CHANNEL_MESSAGE:
            message = self._make_message({"content": "", "flags": data.get("flags", 0) | 128},
                                         interaction=sent, webhook=True)
        elif ctype in (UPDATE_MESSAGE, DEFERRED_UPDATE):
            target = sent.payload.get("message")
            if target is None:
                self._violate(f"callback type {ctype} for an interaction with no message",
                              record)
                return _error(400, 50035, "Invalid Form Body")
            message = self.messages.get(target["id"], target)
            if ctype == UPDATE_MESSAGE:
                self._apply_edit(message, data, record.files)
        if message is not None:
            sent.original_message_id = message["id"]
        await self._notify()
        if request.query.get("with_response") not in ("1", "true", "True"):
            return web.Response(status=204)
        answer: dict[str, Any] = {"interaction": {"id": sent.id, "type": sent.type}}
        if message is not None:
            answer["interaction"].update(
                response_message_id=message["id"],
                response_message_loading=ctype == DEFERRED_CHANNEL_MESSAGE,
                response_message_ephemeral=bool(message.get("flags", 0) & EPHEMERAL),
            )
            answer["resource"] = {"type": ctype, "message": message}
        else:
            answer["resource"] = {"type": ctype}
        return _json_response(answer)

    def _interaction_for_webhook(self, params: dict[str, str], record: RecordedRequest,
                                 ) -> SentInteraction | None:
        sent = self._by_token.get(params["webhook_token"])
        if sent is None or params["webhook_id"] != self.application_id:
            self._violate(f"webhook call with an unknown token or id {params['webhook_id']}",
                          record)
            return None
        if not sent.answered:
            self._violate(f"webhook call for interaction {sent.id} before its first response",
                          record)
            return None
        return sent

    async def _followup(self, request: web.Request, params: dict[str, str], body: Any,
                        record: RecordedRequest) -> web.Response:
        sent = self._interaction_for_webhook(params, record)
        if sent is None:
            return _error(404, 10015, "Unknown Webhook")
        if sent.original_message_id and self.messages[sent.original_message_id]["flags"] & 128:
            # a followup to a deferred "thinking" response replaces the loading message
            message = self.messages[sent.original_message_id]
            message["flags"] &= ~128
            self._apply_edit(message, body or {}, record.files)
        else:
            message = self._make_message(body or {}, interaction=sent, webhook=True,
                                         files=record.files)
            sent.followups.append(message["id"])
        if request.query.get("wait") in ("1", "true", "True"):
            return _json_response(message)
        return web.Response(status=204)

    async def _webhook_message(self, request: web.Request, params: dict[str, str], body: Any,
                               record: RecordedRequest) -> web.Response:
        sent = self._interaction_for_webhook(params, record)
        if sent is None:
            return _error(404, 10015, "Unknown Webhook")
        message_id = params.get("message_id") or sent.original_message_id
        if message_id is None or message_id not in self.messages:
            return _error(404, 10008, "Unknown Message")
        message = self.messages[message_id]
        if request.method == "PATCH":
            self._apply_edit(message, body or {}, record.files)
            message["flags"] = message.get("flags", 0) & ~128
        elif request.method == "DELETE":
            del self.messages[message_id]
            return web.Response(status=204)
        return _json_response(message)

    async def _channel_post(self, _req: web.Request, params: dict[str, str], body: Any,
                            record: RecordedRequest) -> web.Response:
        channel_id = params["channel_id"]
        if self.guild_of_channel(channel_id) is None:
            self._violate(f"message to unknown channel {channel_id}", record)
            return _error(404, 10003, "Unknown Channel")
        body = body or {}
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            for message_id in self.channel_messages:  # Discord dedupes recent nonces
                old = self.messages.get(message_id, {})
                if old.get("nonce") == nonce and old.get("channel_id") == channel_id:
                    return _json_response(old)
        message = self._make_message(body, interaction=None, webhook=False, files=record.files,
                                     channel_id=channel_id)
        if nonce is not None:
            message["nonce"] = nonce
        self.channel_messages.append(message["id"])
        await self._hold_channel_post(message)
        return _json_response(message)

    async def _channel_history(self, request: web.Request, params: dict[str, str], *_: Any,
                               ) -> web.Response:
        if self.guild_of_channel(params["channel_id"]) is None:
            return _error(404, 10003, "Unknown Channel")
        found = [self.messages[m] for m in self.channel_messages
                 if m in self.messages and self.messages[m]["channel_id"] == params["channel_id"]]
        after, before = request.query.get("after"), request.query.get("before")
        if after:
            found = [m for m in found if int(m["id"]) > int(after)]
        if before:
            found = [m for m in found if int(m["id"]) < int(before)]
        limit = int(request.query.get("limit", "50"))
        # always newest first; with `after`, the `limit` messages just after it
        found = list(reversed(found[:limit])) if after else list(reversed(found))[:limit]
        return _json_response(found)

    async def _channel_get(self, _req: web.Request, params: dict[str, str], *_: Any,
                           ) -> web.Response:
        message = self.messages.get(params["message_id"])
        if message is None or message["channel_id"] != params["channel_id"]:
            return _error(404, 10008, "Unknown Message")
        return _json_response(message)

    async def _channel_edit(self, _req: web.Request, params: dict[str, str], body: Any,
                            record: RecordedRequest) -> web.Response:
        message = self.messages.get(params["message_id"])
        if message is None:
            return _error(404, 10008, "Unknown Message")
        self._apply_edit(message, body or {}, record.files)
        return _json_response(message)

    # -- reporting --------------------------------------------------------------------

    @staticmethod
    def describe(sent: SentInteraction) -> str:
        data = sent.payload.get("data") or {}
        return data.get("name") or data.get("custom_id") or str(sent.type)

    def final_violations(self) -> list[str]:
        """Everything wrong so far, including interactions never answered."""
        late = [
            f"interaction {i.id} ({self.describe(i)}) never got a first response"
            for i in self.unanswered()
        ]
        return [*self.violations, *late]
