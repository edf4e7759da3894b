"""cogs.utils.escape against hostile strings: nothing renders, everything reads the same.

:func:`live` is a small model of what Discord's markdown would act on in a text: it
reads the text the way Discord's parser does (a backslash before ASCII punctuation
makes that character literal) and lists every character left raw that would start
formatting, a link, a mention, a heading, a quote or a list.
"""

from __future__ import annotations

import re
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.utils.escape import ZWSP, code_text, escape, unescape

FORMATTING = set("*_~`|[]<>")  # emphasis, strike, spoiler, code, masked links, <...> forms
LINE_MARKERS = set("#->+*")  # headings, -# subtext, lists, quotes
LINE_BREAKS = "\n\r\u2028\u2029"


def _read(text: str) -> list[tuple[str, bool]]:
    """(character, raw) pairs: Discord drops a backslash before ASCII punctuation."""
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in string.punctuation:
            out.append((text[i + 1], False))
            i += 2
        else:
            out.append((text[i], True))
            i += 1
    return out


def live(text: str) -> list[str]:
    """What Discord would still act on in ``text`` (empty: it all shows as written)."""
    chars = _read(text)
    found = []
    at_line_start = True
    for i, (ch, raw) in enumerate(chars):
        if raw and ch in FORMATTING:
            found.append(f"{ch!r} at {i}")
        if raw and ch == "@" and (i + 1 >= len(chars) or chars[i + 1][0] != ZWSP):
            found.append(f"mention at {i}")
        if at_line_start and raw and ch in LINE_MARKERS:
            found.append(f"line marker {ch!r} at {i}")
        if at_line_start and ch.isdigit():
            j = i
            while j < len(chars) and chars[j][0].isdigit():
                j += 1
            after = chars[j + 1][0] if j + 1 < len(chars) else " "
            if j < len(chars) and chars[j] == (".", True) and after in " \t" + LINE_BREAKS:
                found.append(f"ordered list at {i}")
        if raw and ch == ":" and "".join(c for c, _ in chars[i + 1 : i + 3]) == "//":
            before = "".join(c for c, _ in chars[max(0, i - 5) : i]).lower()
            if re.search(r"https?$", before):
                found.append(f"url at {i}")
        if ch in LINE_BREAKS:
            at_line_start = True
        elif ch not in " \t":
            at_line_start = False
    return found


PIECES = [
    "[a](https://evil.example)", "[b](http://x.y)", "](", ")[", "https://x.y/z", "http://a",
    "<https://x>", "@everyone", "@here", "<@123>", "<@!123>", "<@&456>", "<#789>",
    "</cmd:1>", "<t:1700000000:R>", "<:e:1>", "**", "__", "~~", "||", "`", "```", "> ",
    ">>> ", "# ", "## ", "-# ", "- ", "* ", "+ ", "1. ", "12. ", "\\", "\n", "\r\n", " ",
    "  ", "\t", "\u2028", ZWSP, "@" + ZWSP, "a", "é", "·", ":", "//", ".",
]
hostile = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=25
).map("".join)


@settings(max_examples=400, deadline=None)
@given(hostile)
def test_nothing_escaped_renders(text: str) -> None:
    out = escape(text)
    assert live(out) == [], (text, out)


@settings(max_examples=400, deadline=None)
@given(hostile)
def test_escaped_text_reads_as_the_input(text: str) -> None:
    assert unescape(escape(text)) == text
    # what a reader sees: the backslashes gone, the zero-width spaces invisible
    seen = "".join(ch for ch, _ in _read(escape(text)))
    assert seen.replace("@" + ZWSP, "@") == text


@settings(max_examples=200, deadline=None)
@given(hostile, hostile)
def test_pieces_side_by_side_stay_inert(a: str, b: str) -> None:
    """Escaped pieces put into templates (the way embeds and digests are built) stay inert."""
    assert live(f"{escape(a)}\n{escape(b)}") == []  # joined as lines
    template = live(f"· **{escape(a)}** · {escape(b)}")
    assert all("'*'" in x for x in template), template  # only the template's own bold


def test_adjacent_masked_links_get_past_discords_own_escape_but_not_ours() -> None:
    import discord

    text = "[a](https://u.example)[b](https://v.example)"
    assert live(discord.utils.escape_markdown(text))  # the bug: the second link lives
    out = escape(text)
    assert live(out) == [] and unescape(out) == text


def test_code_text_cannot_close_the_block_or_mention() -> None:
    out = code_text("```@everyone`")
    assert "`" not in out and "@everyone" not in out


def test_error_replies_echo_values_escaped() -> None:
    import discord
    from discord import app_commands

    from bot.errors import QueryError
    from cogs.utils.tree import user_message

    for error in (QueryError("no claim “[a](https://u.example)[b](https://v.example)”"),
                  app_commands.TransformerError("[a](https://x.y) @here", 3,
                                                app_commands.transformers.IdentityTransformer(
                                                    discord.AppCommandOptionType.string))):
        message = user_message(error)
        assert message is not None and live(message) == [], message
