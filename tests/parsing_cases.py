"""Shared helpers for the parser tests: what a case expects."""

from __future__ import annotations

from typing import Any

from bot.domain.parsing.result import BreaksRule, NotUnderstood, Rule, Understood

NOT = NotUnderstood("")  # any NotUnderstood


def ok(value: Any) -> Understood[Any]:
    return Understood(value)


def breaks(rule: Rule, value: Any = None) -> BreaksRule[Any]:
    return BreaksRule(rule, value)


def assert_parsed(result: object, expected: object) -> None:
    if expected is NOT:
        assert isinstance(result, NotUnderstood), result
    else:
        assert result == expected


Case = tuple[str | None, object]  # what is typed, what the parser should answer
