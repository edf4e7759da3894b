"""Errors the core raises on purpose. Each carries a message fit to show a user as is."""

from __future__ import annotations


class FactdeskError(Exception):
    """Base of every error meant for the user: ``str(exc)`` is one clear line."""


class QueryError(FactdeskError, ValueError):
    """A query that cannot be answered as typed (empty, only whitespace, too long)."""
