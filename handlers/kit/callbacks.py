"""Typed callback data: frozen dataclasses packed into Telegram's 64-byte `callback_data`.

`pack` writes `prefix:field:field...`; `unpack` returns the typed object, or None for anything
unknown, malformed or out of shape, so a forged or stale button can be refused politely.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import typing
from datetime import date
from typing import Any, ClassVar, TypeVar

MAX_BYTES = 64
SEP = ":"

_INT = re.compile(r"-?[0-9]{1,19}")  # ASCII digits only: one spelling per number
_registry: dict[str, type[CallbackData]] = {}
T = TypeVar("T", bound="CallbackData")


class CallbackData:
    """Base of every button payload; subclasses are frozen dataclasses with a unique prefix."""

    prefix: ClassVar[str]

    def __init_subclass__(cls, prefix: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not prefix or SEP in prefix:
            raise TypeError(f"{cls.__name__} needs a prefix without {SEP!r}")
        if prefix in _registry:
            raise TypeError(f"callback prefix {prefix!r} is used twice")
        cls.prefix = prefix
        _registry[prefix] = cls

    def pack(self) -> str:
        return pack(self)


_fields: dict[type[CallbackData], list[tuple[str, Any]]] = {}


def _field_types(cls: type[CallbackData]) -> list[tuple[str, Any]]:
    """(name, type) of a payload's fields; cached: resolving annotations compiles code."""
    found = _fields.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = [(f.name, hints[f.name]) for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
        _fields[cls] = found
    return found


def _encode(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, enum.Enum):
        value = value.value
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    text = str(value)
    if SEP in text:
        raise ValueError(f"callback field {text!r} contains {SEP!r}")
    return text


def _decode(raw: str, kind: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin is typing.Union or origin is getattr(__import__("types"), "UnionType", None):
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        if raw == "":
            return None
        return _decode(raw, args[0])
    if kind is bool:
        if raw not in ("0", "1"):
            raise ValueError(raw)
        return raw == "1"
    if kind is int:
        if not _INT.fullmatch(raw):
            raise ValueError(raw)
        return int(raw)
    if kind is str:
        return raw
    if kind is date:
        if not re.fullmatch(r"\d{8}", raw):
            raise ValueError(raw)
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))  # ValueError when impossible
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(raw)
    raise TypeError(f"unsupported callback field type {kind!r}")


def pack(data: CallbackData) -> str:
    """Serialize; raises ValueError when the result would exceed Telegram's 64 bytes."""
    parts = [data.prefix] + [_encode(getattr(data, name)) for name, _ in _field_types(type(data))]
    text = SEP.join(parts)
    if len(text.encode()) > MAX_BYTES:
        raise ValueError(f"callback data too long: {text!r}")
    return text


def unpack(text: str | None) -> CallbackData | None:
    """The typed payload of a button, or None when it is not one of ours or is malformed."""
    if not text or len(text.encode()) > MAX_BYTES:
        return None
    prefix, sep, rest = text.partition(SEP)
    cls = _registry.get(prefix)
    if cls is None:
        return None
    fields = _field_types(cls)
    raw_values = rest.split(SEP) if fields else []
    if len(raw_values) != len(fields) or bool(sep) != bool(fields):
        return None
    try:
        values = {
            name: _decode(raw, kind) for (name, kind), raw in zip(fields, raw_values, strict=True)
        }
        return cls(**values)
    except (ValueError, TypeError):
        return None


def unpack_as(text: str | None, cls: type[T]) -> T | None:
    data = unpack(text)
    return data if isinstance(data, cls) else None
