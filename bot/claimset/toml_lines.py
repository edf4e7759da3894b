"""Line numbers for TOML values: tomllib parses but says nothing about where things are.

:func:`locate` scans the raw text of a document that tomllib has accepted and maps each
key and each table or array element to the line it starts on, by path:
``("claims", 3, "attributions", 1, "quote") -> 42``. Arrays of tables
(``[[claims]]``), sub-tables (``[claims.evidence]``), dotted keys, inline tables and
arrays of inline tables are followed; strings of every kind are skipped whole. The
scanner never raises: on anything it does not follow it keeps what it has found.
"""

from __future__ import annotations

import bisect
import logging
import re

log = logging.getLogger(__name__)

Path_ = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}\n#]")


class Lines:
    """Key and record paths -> 1-based line numbers, with a longest-prefix lookup."""

    def __init__(self, found: dict[Path_, int]) -> None:
        self.found = found

    def line(self, path: Path_) -> int | None:
        """The line of ``path``, else of its nearest enclosing key or table; None if none."""
        for end in range(len(path), 0, -1):
            line = self.found.get(tuple(path[:end]))
            if line is not None:
                return line
        return None


def locate(text: str) -> Lines:
    scanner = _Scanner(text)
    try:
        scanner.document()
    except Exception:  # a best effort: keep what was found so far
        log.debug("TOML line scan stopped early", exc_info=True)
    return Lines(scanner.found)


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.found: dict[Path_, int] = {}
        self._starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self._aot: dict[Path_, int] = {}  # array-of-tables path -> elements so far

    # -- positions --------------------------------------------------------------
    def line_at(self, pos: int) -> int:
        return bisect.bisect_right(self._starts, pos)

    def _record(self, path: Path_, pos: int) -> None:
        self.found.setdefault(path, self.line_at(pos))

    def _peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    def _skip_blank(self, newlines: bool) -> None:
        """Skip spaces, tabs, comments and (when asked) newlines."""
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in " \t\r" or (newlines and ch == "\n"):
                self.pos += 1
            elif ch == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                return

    def _skip_line(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end + 1

    # -- document ---------------------------------------------------------------
    def document(self) -> None:
        table: Path_ = ()
        while True:
            self._skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return
            start = self.pos
            if self._peek(2) == "[[":
                self.pos += 2
                table = self._array_table(self._keys(), start)
                self._expect("]]")
            elif self._peek() == "[":
                self.pos += 1
                table = self._resolve(self._keys())
                self._record(table, start)
                self._expect("]")
            else:
                keys = self._keys()
                if not keys or self._peek() != "=":
                    self._skip_line()
                    continue
                self._record(table + keys, start)
                self.pos += 1
                self._value(table + keys)
            if self.pos == start:  # no progress: never loop forever
                self._skip_line()

    def _expect(self, token: str) -> None:
        self._skip_blank(newlines=False)
        if self.text.startswith(token, self.pos):
            self.pos += len(token)
        self._skip_line()

    def _resolve(self, keys: Path_) -> Path_:
        """A table header's path, with the current element of each array of tables."""
        path: Path_ = ()
        for key in keys:
            path = (*path, key)
            if path in self._aot:
                path = (*path, self._aot[path] - 1)
        return path

    def _array_table(self, keys: Path_, start: int) -> Path_:
        array = (*self._resolve(keys[:-1]), *keys[-1:])
        index = self._aot.get(array, 0)
        self._aot[array] = index + 1
        path = (*array, index)
        self._record(array, start)
        self._record(path, start)
        return path

    def _keys(self) -> Path_:
        """A dotted key: bare or quoted parts joined by dots; stops before '=' or ']'."""
        keys: list[str | int] = []
        while True:
            self._skip_blank(newlines=False)
            ch = self._peek()
            if ch in ('"', "'"):
                start = self.pos
                self._string()
                raw = self.text[start + 1 : self.pos - 1]
                keys.append(raw if ch == "'" else _unescape(raw))
            else:
                m = _BARE_KEY.match(self.text, self.pos)
                if not m:
                    return tuple(keys)
                keys.append(m.group())
                self.pos = m.end()
            self._skip_blank(newlines=False)
            if self._peek() != ".":
                return tuple(keys)
            self.pos += 1

    # -- values -----------------------------------------------------------------
    def _value(self, path: Path_) -> None:
        self._skip_blank(newlines=False)
        ch = self._peek()
        if ch in ('"', "'"):
            self._string()
        elif ch == "[":
            self._array(path)
        elif ch == "{":
            self._inline_table(path)
        else:
            m = _SCALAR_END.search(self.text, self.pos)
            self.pos = len(self.text) if m is None else m.start()

    def _string(self) -> None:
        text = self.text
        quote = text[self.pos]
        if text.startswith(quote * 3, self.pos):
            end = self.pos + 3
            while True:
                end = text.find(quote * 3, end)
                if end < 0:
                    self.pos = len(text)
                    return
                if quote == '"' and _escaped(text, end):
                    end += 1
                    continue
                # the closing delimiter is the last three of a run of up to five quotes
                end += 3
                while end < len(text) and text[end] == quote:
                    end += 1
                self.pos = end
                return
        end = self.pos + 1
        while end < len(text) and text[end] != "\n":
            if text[end] == "\\" and quote == '"':
                end += 2
                continue
            if text[end] == quote:
                self.pos = end + 1
                return
            end += 1
        self.pos = end

    def _array(self, path: Path_) -> None:
        self.pos += 1  # [
        index = 0
        while self.pos < len(self.text):
            self._skip_blank(newlines=True)
            if self._peek() in ("]", ""):
                self.pos += 1
                return
            start = self.pos
            self._record((*path, index), start)
            self._value((*path, index))
            self._skip_blank(newlines=True)
            if self._peek() == ",":
                self.pos += 1
            index += 1
            if self.pos == start:
                self.pos += 1

    def _inline_table(self, path: Path_) -> None:
        self.pos += 1  # {
        while self.pos < len(self.text):
            self._skip_blank(newlines=True)
            if self._peek() in ("}", ""):
                self.pos += 1
                return
            start = self.pos
            keys = self._keys()
            self._skip_blank(newlines=False)
            if keys and self._peek() == "=":
                self._record((*path, *keys), start)
                self.pos += 1
                self._value((*path, *keys))
            self._skip_blank(newlines=True)
            if self._peek() == ",":
                self.pos += 1
            if self.pos == start:
                self.pos += 1


def _escaped(text: str, pos: int) -> bool:
    """Whether the character at pos is escaped by an odd run of backslashes."""
    count = 0
    while pos - 1 - count >= 0 and text[pos - 1 - count] == "\\":
        count += 1
    return count % 2 == 1


def _unescape(raw: str) -> str:
    try:
        return raw.encode("latin-1", "backslashreplace").decode("unicode_escape")
    except UnicodeDecodeError:
        return raw
