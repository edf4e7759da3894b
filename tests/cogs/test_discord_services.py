"""Cogs reach the record through the desk's services, never through the store (AST, no module run).

The services are :class:`bot.desk.Desk` (reload, sync_editorial, require_editorial),
:class:`bot.record.editorial.EditorialDesk` and
:class:`bot.record.digest_subscriptions.DigestSubscriptions`. A cog that calls a method on
``.store`` (``self.bot.store.digest_subscribe(...)``, ``desk.store.add_feedback(...)``), or a
method only the store has (``digest_subscriptions``, ``add_feedback``...) on anything,
fails here.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from bot.desk import Desk
from bot.record.digest_subscriptions import DigestSubscriptions
from bot.record.editorial import EditorialDesk
from bot.record.protocols import RecordStore

ROOT = Path(__file__).resolve().parents[2]


def _public_methods(cls: type) -> set[str]:
    return {name for name, _ in inspect.getmembers(cls, callable) if not name.startswith("_")}


def store_only_methods() -> set[str]:
    """What the store offers that no service offers under the same name."""
    services = _public_methods(Desk) | _public_methods(EditorialDesk)
    services |= _public_methods(DigestSubscriptions)
    return _public_methods(RecordStore) - services


def _is_store(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "store") or (
        isinstance(node, ast.Name) and node.id == "store"
    )


def store_calls(source: str, filename: str, store_only: set[str]) -> list[str]:
    """``line: call`` for each call on a store, or of a store-only method, in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if _is_store(node.func.value) or node.func.attr in store_only:
            found.append(f"{node.lineno}: {ast.unparse(node.func)}")
    return found


def test_no_cog_calls_the_store():
    store_only = store_only_methods()
    offenders = {}
    for path in sorted((ROOT / "cogs").rglob("*.py")):
        where = path.relative_to(ROOT).as_posix()
        calls = store_calls(path.read_text(encoding="utf-8"), where, store_only)
        if calls:
            offenders[where] = calls
    assert offenders == {}


def test_the_rule_sees_store_calls():
    """The reader itself works: each way of reaching the store is caught, a service is not."""
    store_only = store_only_methods()
    assert {"digest_subscribe", "digest_subscriptions", "add_feedback"} <= store_only
    caught = store_calls(
        "async def f(self, desk, subs):\n"
        "    await self.bot.store.digest_subscriptions()\n"
        "    await desk.store.history('x')\n"
        "    store = desk.store\n"
        "    await store.set_status('x')\n"
        "    s = desk.store\n"
        "    await s.digest_unsubscribe(guild_id=1)\n"
        "    await subs.active(1)\n"
        "    await desk.require_editorial().history('x')\n",
        "example.py",
        store_only,
    )
    assert [line.split(":")[0] for line in caught] == ["2", "3", "5", "7"]
