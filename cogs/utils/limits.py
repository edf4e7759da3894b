"""Discord's size limits, checked on plain JSON payloads (no discord import).

``message_problems(payload)`` takes what goes over the wire: a message body
(``{"content": ..., "embeds": [...]}``), an interaction callback
(``{"type": 4, "data": {...}}``) or an autocomplete callback (``{"type": 8, "data":
{"choices": [...]}}``), and returns one line per broken limit (empty when it fits).
The numbers are Discord's (GUIDE section 5, the OpenAPI spec); the 6000-character
total across embeds and the command-name pattern are not in the spec, so they are
checked here. Reused by the end-to-end tests on what the fake Discord receives.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

log = logging.getLogger(__name__)

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBEDS_TOTAL_MAX = 6000
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_MAX = 256
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100
COMMAND_NAME_MAX = 32
DESCRIPTION_MAX = 100
OPTIONS_MAX = 25
BUTTON_LABEL_MAX = 80
COMPONENT_ROWS_MAX = 5
ROW_BUTTONS_MAX = 5
CUSTOM_ID_MAX = 100


def embed_length(embed: Mapping[str, Any]) -> int:
    """Characters that count towards the 6000 total (discord.Embed.__len__'s rule)."""
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    for field in embed.get("fields") or []:
        total += len(field.get("name") or "") + len(field.get("value") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    return total


def embed_problems(embed: Mapping[str, Any], where: str = "embed") -> list[str]:
    problems: list[str] = []

    def check(text: Any, limit: int, what: str, required: bool = False) -> None:
        if text is None:
            if required:
                problems.append(f"{where}: {what} is missing")
            return
        if required and not str(text).strip():
            problems.append(f"{where}: {what} is empty")
        if len(str(text)) > limit:
            problems.append(f"{where}: {what} has {len(str(text))} chars (max {limit})")

    check(embed.get("title"), EMBED_TITLE_MAX, "title")
    check(embed.get("description"), EMBED_DESCRIPTION_MAX, "description")
    fields = embed.get("fields") or []
    if len(fields) > EMBED_FIELDS_MAX:
        problems.append(f"{where}: {len(fields)} fields (max {EMBED_FIELDS_MAX})")
    for i, field in enumerate(fields):
        check(field.get("name"), FIELD_NAME_MAX, f"field {i} name", required=True)
        check(field.get("value"), FIELD_VALUE_MAX, f"field {i} value", required=True)
    if embed.get("footer") is not None:
        check(embed["footer"].get("text"), FOOTER_MAX, "footer text", required=True)
    if embed.get("author") is not None:
        check(embed["author"].get("name"), AUTHOR_MAX, "author name", required=True)
    colour = embed.get("color")
    if colour is not None and not (isinstance(colour, int) and 0 <= colour <= 0xFFFFFF):
        problems.append(f"{where}: color {colour!r} is not 0..0xFFFFFF")
    if not any(embed.get(k) for k in ("title", "description", "fields", "footer", "author")):
        problems.append(f"{where}: empty embed")
    return problems


def _component_problems(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    problems: list[str] = []
    rows = list(rows)
    if len(rows) > COMPONENT_ROWS_MAX:
        problems.append(f"components: {len(rows)} rows (max {COMPONENT_ROWS_MAX})")
    for r, row in enumerate(rows):
        items = row.get("components") or []
        if len(items) > ROW_BUTTONS_MAX:
            problems.append(f"components row {r}: {len(items)} items (max {ROW_BUTTONS_MAX})")
        for item in items:
            label = item.get("label") or ""
            if len(label) > BUTTON_LABEL_MAX:
                problems.append(f"components row {r}: label {label[:20]!r}... too long")
            custom_id = item.get("custom_id") or ""
            if len(custom_id) > CUSTOM_ID_MAX:
                problems.append(f"components row {r}: custom_id too long")
    return problems


def choices_problems(choices: Iterable[Mapping[str, Any]]) -> list[str]:
    problems: list[str] = []
    choices = list(choices)
    if len(choices) > CHOICES_MAX:
        problems.append(f"autocomplete: {len(choices)} choices (max {CHOICES_MAX})")
    for i, choice in enumerate(choices):
        name = str(choice.get("name", ""))
        if not 1 <= len(name) <= CHOICE_NAME_MAX:
            problems.append(f"autocomplete choice {i}: name has {len(name)} chars (1..100)")
        value = choice.get("value")
        if isinstance(value, str) and not 1 <= len(value) <= CHOICE_VALUE_MAX:
            problems.append(f"autocomplete choice {i}: value has {len(value)} chars (1..100)")
    return problems


def message_problems(payload: Mapping[str, Any]) -> list[str]:
    """Every broken limit in a message or interaction-callback payload."""
    if "type" in payload and isinstance(payload.get("data"), Mapping):
        payload = payload["data"]
    elif "type" in payload and payload.get("data") is None and "content" not in payload:
        return []  # a bare callback (defer, pong): nothing to check
    if "choices" in payload:
        return choices_problems(payload["choices"])
    problems: list[str] = []
    content = payload.get("content")
    if content is not None and len(content) > CONTENT_MAX:
        problems.append(f"content has {len(content)} chars (max {CONTENT_MAX})")
    embeds = payload.get("embeds") or []
    if len(embeds) > EMBEDS_MAX:
        problems.append(f"{len(embeds)} embeds (max {EMBEDS_MAX})")
    total = 0
    for i, embed in enumerate(embeds):
        problems.extend(embed_problems(embed, f"embed {i}"))
        total += embed_length(embed)
    if total > EMBEDS_TOTAL_MAX:
        problems.append(f"embeds total {total} chars (max {EMBEDS_TOTAL_MAX})")
    problems.extend(_component_problems(payload.get("components") or []))
    mentions = payload.get("allowed_mentions")
    if mentions:
        parse = mentions.get("parse") or []
        for kind in ("users", "roles"):
            if kind in parse and mentions.get(kind):
                problems.append(f"allowed_mentions: parse has {kind!r} and a {kind} list too")
    has_body = content or embeds or payload.get("components") or payload.get("attachments")
    if not has_body and "flags" not in payload:  # an edit that only changes flags is fine
        problems.append("empty message: no content, embeds or components")
    return problems


def valid_command_name(name: str) -> bool:
    """``^[-_'\\p{L}\\p{N}]{1,32}$`` and lowercase where the letter has a lowercase."""
    if not 1 <= len(name) <= COMMAND_NAME_MAX:
        return False
    for ch in name:
        if ch in "-_'":
            continue
        category = unicodedata.category(ch)
        if category[0] not in "LN":
            return False
        if ch != ch.lower():
            return False
    return True


def command_problems(command: Mapping[str, Any], where: str = "") -> list[str]:
    """Name pattern, description and option limits of one command payload, recursively."""
    name = str(command.get("name", ""))
    here = f"{where}/{name}" if where else name
    problems: list[str] = []
    if not valid_command_name(name):
        problems.append(f"{here}: name {name!r} does not match ^[-_'\\p{{L}}\\p{{N}}]{{1,32}}$")
    description = command.get("description")
    # Context-menu commands (type 2, 3) have an empty description.
    if command.get("type", 1) == 1 and not 1 <= len(description or "") <= DESCRIPTION_MAX:
        problems.append(f"{here}: description has {len(description or '')} chars (1..100)")
    options = command.get("options") or []
    if len(options) > OPTIONS_MAX:
        problems.append(f"{here}: {len(options)} options (max {OPTIONS_MAX})")
    seen: set[str] = set()
    optional_seen = False
    for option in options:
        if option.get("required"):
            if optional_seen:
                problems.append(f"{here}: required option {option.get('name')!r} after optional")
        elif option.get("type") not in (1, 2):
            optional_seen = True
        if option.get("name") in seen:
            problems.append(f"{here}: option {option.get('name')!r} twice")
        seen.add(option.get("name"))
        problems.extend(command_problems({**option, "type": 1}, here))
        choices = option.get("choices") or []
        problems.extend(f"{here}: {p}" for p in choices_problems(choices))
    return problems
