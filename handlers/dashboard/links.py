"""Addresses of dashboard views under DASHBOARD_URL (for buttons in the bot's messages)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


def dashboard_link(base: str, **params: object) -> str:
    """`base` (DASHBOARD_URL) with the view's state in its query: `v`, `id`, `span`, ..."""
    parts = urlsplit(base)
    query = parse_qsl(parts.query) + [(k, str(v)) for k, v in params.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))
