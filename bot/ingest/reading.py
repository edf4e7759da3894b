"""An article as given (a file, stdin, an upload): bytes checked and decoded, one line per refusal."""  # noqa: E501

from __future__ import annotations

import logging

from bot.errors import FactdeskError

log = logging.getLogger(__name__)

MAX_ARTICLE_BYTES = 1_000_000  # 1 MB: far above any article; a bigger file is not one


class IngestError(FactdeskError):
    """Input that cannot be drafted, or a draft that cannot be accepted: one line."""


def check_size(size: int, name: str = "-") -> None:
    """IngestError when ``size`` bytes is over the limit (checked before an upload is read)."""
    if size > MAX_ARTICLE_BYTES:
        raise IngestError(f"{name}: {size:,} bytes is over the 1 MB limit for one article")


def read_article(data: bytes, name: str = "-") -> str:
    """The article's text from ``data``; IngestError for empty, binary, non-UTF-8 or too big."""
    check_size(len(data), name)
    if not data.strip():
        raise IngestError(f"{name}: the article is empty")
    if b"\x00" in data:
        raise IngestError(f"{name}: binary data (NUL bytes), not a text article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{name}: not UTF-8 text (byte {exc.start}: {data[exc.start : exc.start + 1]!r}); "
            "save the article as UTF-8"
        ) from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(2, len(text) // 100):
        raise IngestError(
            f"{name}: binary data ({controls} control characters), not a text article"
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not any(ch.isalpha() for ch in text):
        raise IngestError(f"{name}: no words in the article")
    return text
