"""Checks one request to the fake Discord against Discord's OpenAPI spec and house rules.

The spec (``/work/shared/discord-api-spec/openapi.json`` or the copy named by
``FACTDESK_DISCORD_SPEC``) is OpenAPI 3.1, whose schemas are JSON Schema 2020-12. A
request's route is found by matching its path against the spec's path templates
(literal segments win over ``{params}``); its JSON body is validated against the
``requestBody`` ``application/json`` schema of that route and method, with every
``$ref`` resolved inside the spec document.

What the spec cannot say is checked here by hand:

- all embeds of one message: at most 6000 characters together;
- chat-input command and option names: ``^[-_'\\p{L}\\p{N}]{1,32}$`` and lowercase;
- allowed mentions: ``parse`` may not name ``users``/``roles`` when the explicit lists
  are given; and, for this bot, nothing may ping: every message carries
  ``allowed_mentions`` with ``parse: []``, no user or role lists, no ``replied_user``.

A message with files is ``multipart/form-data``: its ``payload_json`` part is validated
as the JSON body would be, the other parts must be ``files[n]`` (n below 10, and named
by the route's multipart schema where it lists them), and :func:`attachment_problems`
checks the ``attachments`` array against them: one entry per file with ``id`` n and the
file's name, an ``attachment://`` URL in an embed naming an uploaded file, no file over
the size limit. discord.py sends an upload's ``id`` as the number n where the spec says a
snowflake string; Discord accepts both, so numbers are read as strings before validating.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import referencing
from jsonschema.exceptions import best_match
from referencing.jsonschema import DRAFT202012

log = logging.getLogger(__name__)

SPEC_URI = "urn:discord-openapi"
API_PREFIX = "/api/v10"
EMBED_TOTAL_LIMIT = 6000

_SPEC_CANDIDATES = (
    Path(os.environ.get("FACTDESK_DISCORD_SPEC", "/nonexistent")),
    Path(__file__).resolve().parents[2] / "tests" / "e2e" / "discord-openapi.json",
    Path("/work/shared/discord-api-spec/openapi.json"),
)


def spec_path() -> Path:
    """The OpenAPI file to check against: env override, a vendored copy, the shared one."""
    for candidate in _SPEC_CANDIDATES:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        "Discord OpenAPI spec not found; set FACTDESK_DISCORD_SPEC to openapi.json"
    )


@dataclass(frozen=True)
class Route:
    template: str  # "/interactions/{interaction_id}/{interaction_token}/callback"
    params: dict[str, str]


class SpecChecker:
    """Finds a request's route in the spec and lists everything wrong with its body."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self._registry: referencing.Registry = referencing.Registry().with_resource(
            SPEC_URI, DRAFT202012.create_resource(spec)
        )
        self._templates: list[tuple[int, str, re.Pattern[str]]] = []
        for template in spec["paths"]:
            pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
            n_params = template.count("{")
            self._templates.append((n_params, template, re.compile(f"^{pattern}$")))
        self._templates.sort(key=lambda item: item[0])  # literal segments win
        self._validators: dict[tuple[str, str], jsonschema.protocols.Validator | None] = {}

    @classmethod
    @functools.cache
    def load(cls, path: Path | None = None) -> SpecChecker:
        path = path or spec_path()
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def route(self, path: str) -> Route | None:
        """The spec's path template for a request path (with or without /api/v10)."""
        if path.startswith(API_PREFIX):
            path = path[len(API_PREFIX):]
        for _, template, pattern in self._templates:
            found = pattern.match(path)
            if found:
                return Route(template, found.groupdict())
        return None

    def _validator(self, template: str, method: str) -> jsonschema.protocols.Validator | None:
        key = (template, method)
        if key not in self._validators:
            operation = self.spec["paths"][template].get(method, {})
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                self._validators[key] = None
            else:
                pointer = "/".join(
                    part.replace("~", "~0").replace("/", "~1")
                    for part in (
                        "paths", template, method, "requestBody", "content",
                        "application/json", "schema",
                    )
                )
                schema = {"$ref": f"{SPEC_URI}#/{pointer}"}
                self._validators[key] = jsonschema.Draft202012Validator(
                    schema, registry=self._registry
                )
        return self._validators[key]

    def multipart_fields(self, template: str, method: str) -> set[str] | None:
        """The file fields a route's multipart schema names (``files[0]``...), None when
        the route takes no multipart body, an empty set when it names none."""
        operation = self.spec["paths"][template].get(method, {})
        content = operation.get("requestBody", {}).get("content", {})
        if "multipart/form-data" not in content:
            return None
        schema = content["multipart/form-data"]["schema"]
        fields: set[str] = set()
        for part in schema.get("allOf", []):
            fields.update(k for k in part.get("properties", {}) if k.startswith("files["))
        return fields

    def check(
        self, method: str, path: str, body: Any, files: list[str] | None = None
    ) -> tuple[Route | None, list[str]]:
        """(route, violations) for one request; ``body`` is the parsed JSON or None
        (for multipart, the ``payload_json`` part), ``files`` the other parts' names."""
        method = method.lower()
        route = self.route(path)
        if route is None:
            return None, [f"{method.upper()} {path}: no such route in the Discord spec"]
        operation = self.spec["paths"][route.template]
        if method not in operation:
            return route, [f"{method.upper()} {route.template}: method not in the Discord spec"]
        problems: list[str] = []
        if files is not None:
            problems += self._file_field_problems(route.template, method, files)
            body = _snowflake_ids(body)
        validator = self._validator(route.template, method)
        required = operation[method].get("requestBody", {}).get("required", False)
        if validator is not None:
            if body is None:
                if required:
                    problems.append(f"{method.upper()} {route.template}: request body required")
            else:
                error = best_match(validator.iter_errors(body))
                if error is not None:
                    reasons = []
                    for leaf in _leaves(_narrow(error)):
                        where = "/".join(str(p) for p in leaf.absolute_path) or "(body)"
                        reasons.append(f"{where}: {_say(leaf)}")
                    problems.append(f"{method.upper()} {route.template}: " + " | ".join(reasons))
        return route, problems


    def _file_field_problems(self, template: str, method: str, names: list[str]) -> list[str]:
        where = f"{method.upper()} {template}"
        declared = self.multipart_fields(template, method)
        if declared is None:
            return [f"{where}: multipart/form-data is not a content type of this route"]
        problems = []
        for name in names:
            found = _FILE_FIELD.match(name)
            if not found or int(found.group(1)) >= MAX_FILES:
                problems.append(f"{where}: form part {name!r} is neither payload_json nor "
                                f"files[n] with n below {MAX_FILES}")
            elif declared and name not in declared:
                problems.append(f"{where}: form part {name!r} not in the multipart schema")
        return problems


MAX_FILES = 10  # attachments of one message
_FILE_FIELD = re.compile(r"^files\[(\d+)\]$")
_ATTACHMENT_URL = "attachment://"


def _snowflake_ids(body: Any) -> Any:
    """``attachments[].id`` numbers (as discord.py sends them) read as snowflake strings."""
    if not isinstance(body, dict):
        return body
    out = dict(body)
    for key in ("attachments",):
        if isinstance(out.get(key), list):
            out[key] = [dict(a, id=str(a["id"])) if isinstance(a, dict)
                        and isinstance(a.get("id"), int) else a for a in out[key]]
    if isinstance(out.get("data"), dict):  # an interaction callback's message
        out["data"] = _snowflake_ids(out["data"])
    return out


@dataclass(frozen=True)
class Upload:
    """One ``files[n]`` part of a multipart request."""

    field: str  # "files[0]"
    filename: str
    size: int


def _embed_urls(embed: dict[str, Any]) -> Iterator[str]:
    for key in ("image", "thumbnail"):
        url = (embed.get(key) or {}).get("url")
        if url:
            yield url
    for key in ("author", "footer"):
        url = (embed.get(key) or {}).get("icon_url")
        if url:
            yield url


def attachment_problems(
    message: dict[str, Any], uploads: list[Upload], *, size_limit: int,
    existing: Mapping[str, str] | None = None,
) -> list[str]:
    """The ``attachments`` array and the embeds of one message against its files.

    ``existing``: id -> filename of the attachments the message already has (an edit:
    those its ``attachments`` array names are kept, all of them when it has none).
    """
    problems: list[str] = []
    existing = existing or {}
    uploads = [u for u in uploads if _FILE_FIELD.match(u.field)]  # others: a form problem
    entries = [a for a in message.get("attachments") or [] if isinstance(a, dict)]
    by_id = {str(a.get("id")): a for a in entries}
    indexes = {u.field[len("files["):-1] for u in uploads}
    for key in by_id:
        if key not in indexes and key not in existing:
            problems.append(f"attachments entry {key} is neither an uploaded file nor an "
                            "attachment the message has")
    if "attachments" in message:
        kept = {existing[k] for k in by_id if k in existing}
    else:
        kept = set(existing.values())
    for upload in uploads:
        index = upload.field[len("files["):-1]
        entry = by_id.get(index)
        if entry is None:
            problems.append(f"{upload.field} ({upload.filename}) has no attachments entry "
                            f"with id {index}")
        elif entry.get("filename") not in (None, upload.filename):
            problems.append(f"attachments entry {index} names {entry.get('filename')!r}, "
                            f"its file is {upload.filename!r}")
        if upload.size > size_limit:
            problems.append(f"{upload.field} ({upload.filename}) is {upload.size} bytes, "
                            f"over the {size_limit} limit")
        if upload.size == 0:
            problems.append(f"{upload.field} ({upload.filename}) is empty")
    names = {u.filename for u in uploads} | kept
    for embed in message.get("embeds") or []:
        for url in _embed_urls(embed if isinstance(embed, dict) else {}):
            if url.startswith(_ATTACHMENT_URL) and url[len(_ATTACHMENT_URL):] not in names:
                problems.append(f"embed points at {url}, which is not attached")
    return problems


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _narrow(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """Into an anyOf/oneOf failure: the branch whose discriminator (``type``) matched."""
    while error.validator in ("anyOf", "oneOf") and error.context:
        branches: dict[Any, list[jsonschema.ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        fitting = [
            errs for errs in branches.values()
            if not any(
                list(e.relative_path)[-1:] == ["type"] and e.validator in ("enum", "const")
                for e in errs
            )
            and not any(e.validator == "type" and not e.relative_path for e in errs)
        ]
        if len(fitting) != 1:
            break
        error = best_match(fitting[0]) or error
    return error


def _leaves(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """For a union no branch of which fits: the failures every branch shares, else the deepest."""
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return [error]
    branches: dict[Any, list[jsonschema.ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).extend(_leaves(sub))
    keyed = {
        index: {(tuple(e.absolute_path), e.validator): e for e in errs}
        for index, errs in branches.items()
    }
    common = set.intersection(*(set(k) for k in keyed.values()))
    first = next(iter(keyed.values()))
    if common:
        chosen = [first[k] for k in sorted(common, key=str)]
    else:
        every = [e for errs in branches.values() for e in errs]
        depth = max(len(e.absolute_path) for e in every)
        chosen = list({(tuple(e.absolute_path), e.validator): e
                       for e in every if len(e.absolute_path) == depth}.values())
    return chosen[:3]


def _say(error: jsonschema.ValidationError) -> str:
    """A short reason: the rule broken and the offending value, never a whole payload."""
    rule, limit = error.validator, error.validator_value
    if rule in ("maxLength", "minLength", "maxItems", "minItems", "maximum", "minimum",
                "pattern", "enum", "const", "type", "uniqueItems"):
        return f"{rule} {_short(limit)} not met by {_short(error.instance)}"
    return error.message[:300]


# -- what the spec cannot say ---------------------------------------------------------

_NAME_EXTRA = frozenset("-_'")


def valid_command_name(name: str) -> bool:
    """``^[-_'\\p{L}\\p{N}]{1,32}$`` and lowercase (Discord's rule for chat-input names)."""
    if not 1 <= len(name) <= 32 or name != name.lower():
        return False
    return all(
        ch in _NAME_EXTRA or unicodedata.category(ch)[0] in ("L", "N") for ch in name
    )


def _option_names(options: list[dict[str, Any]] | None, prefix: str) -> Iterator[str]:
    for option in options or []:
        name = option.get("name", "")
        yield f"{prefix} {name}".strip(), name
        if option.get("type") in (1, 2):  # subcommand, subcommand group
            yield from _option_names(option.get("options"), f"{prefix} {name}")


def command_name_problems(commands: Any) -> list[str]:
    """Names of chat-input commands and all their options must match the pattern."""
    problems: list[str] = []
    if not isinstance(commands, list):
        commands = [commands]
    for command in commands:
        if not isinstance(command, dict) or command.get("type", 1) != 1:
            continue  # user and message commands may use spaces and capitals
        name = command.get("name", "")
        if not valid_command_name(name):
            problems.append(f"command name {name!r} does not match ^[-_'\\p{{L}}\\p{{N}}]{{1,32}}$"
                            " (lowercase)")
        for where, option_name in _option_names(command.get("options"), f"/{name}"):
            if not valid_command_name(option_name):
                problems.append(f"option name {where!r} does not match "
                                "^[-_'\\p{L}\\p{N}]{1,32}$ (lowercase)")
    return problems


def embeds_total(embeds: list[dict[str, Any]]) -> int:
    """Characters that count towards the 6000 limit, over all embeds of one message."""
    total = 0
    for embed in embeds:
        total += len(embed.get("title") or "") + len(embed.get("description") or "")
        for field in embed.get("fields") or []:
            total += len(field.get("name") or "") + len(field.get("value") or "")
        total += len((embed.get("footer") or {}).get("text") or "")
        total += len((embed.get("author") or {}).get("name") or "")
    return total


def message_problems(message: dict[str, Any], *, require_no_ping: bool = True) -> list[str]:
    """Checks on one message body (create or edit) that the spec cannot express."""
    problems: list[str] = []
    embeds = message.get("embeds") or []
    if isinstance(embeds, list):
        total = embeds_total([e for e in embeds if isinstance(e, dict)])
        if total > EMBED_TOTAL_LIMIT:
            problems.append(f"embeds total {total} characters, over the {EMBED_TOTAL_LIMIT} limit")
    mentions = message.get("allowed_mentions")
    if isinstance(mentions, dict):
        parse = mentions.get("parse") or []
        for kind in ("users", "roles"):
            if kind in parse and mentions.get(kind):
                problems.append(
                    f"allowed_mentions: parse contains {kind!r} and an explicit {kind} list"
                )
    if require_no_ping:
        if not isinstance(mentions, dict):
            problems.append("allowed_mentions missing: every message must set parse [] "
                            "(nothing may ping)")
        else:
            if mentions.get("parse") != []:
                problems.append(f"allowed_mentions.parse is {mentions.get('parse')!r}, "
                                "must be [] (nothing may ping)")
            for kind in ("users", "roles"):
                if mentions.get(kind):
                    problems.append(f"allowed_mentions.{kind} is not empty (nothing may ping)")
            if mentions.get("replied_user"):
                problems.append("allowed_mentions.replied_user is true (nothing may ping)")
    return problems
