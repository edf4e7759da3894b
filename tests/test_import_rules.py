"""The walls of the house, read from the code's own imports (AST, no module is run).

- nothing in bot/ imports discord except bot/client.py (the module that builds the bot);
- nothing in bot/ imports cogs;
- an extension in cogs/ never imports another extension, only cogs.utils and the core.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DISCORD_ALLOWED = {"bot/client.py"}


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth (also inside functions)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def modules(folder: str) -> list[tuple[str, set[str]]]:
    return [
        (path.relative_to(ROOT).as_posix(), imported_modules(path))
        for path in sorted((ROOT / folder).rglob("*.py"))
    ]


def _top(name: str) -> str:
    return name.split(".")[0]


def test_the_core_imports_discord_only_where_the_bot_is_built():
    offenders = {
        where: sorted(m for m in names if _top(m) == "discord")
        for where, names in modules("bot")
        if where not in DISCORD_ALLOWED
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_core_never_imports_cogs():
    offenders = {where: sorted(m for m in names if _top(m) == "cogs")
                 for where, names in modules("bot")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_extensions_never_import_each_other():
    extensions = {p.stem for p in (ROOT / "cogs").glob("*.py") if p.stem != "__init__"}
    offenders = {}
    for where, names in modules("cogs"):
        others = sorted(
            m for m in names
            if m.startswith("cogs.") and m.split(".")[1] in extensions
            and m.split(".")[1] != Path(where).stem
        )
        if others:
            offenders[where] = others
    assert offenders == {}


def test_the_rules_see_real_imports():
    """The reader itself works: bot/client.py does import discord, a cog imports cogs.utils."""
    assert "discord" in imported_modules(ROOT / "bot" / "client.py")
    assert any(m.startswith("cogs.utils") for m in imported_modules(ROOT / "cogs" / "claims.py"))
