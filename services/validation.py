import dataclasses
import re
from typing import Any
from uuid import UUID

from services.errors import DomainError, ErrorCode

# C0 controls but tab and line breaks, and DEL: no text a customer or an agent types holds
# them, PostgreSQL refuses NUL in text outright, and SQLite would store it silently. And the
# bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): with them a
# payee name or an audited reason would display reversed to the checker and in the audit log.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    """Trimmed text within bounds, or INVALID_INPUT naming the field."""
    value = value.strip()
    if (required and not value) or len(value) > max_length:
        raise DomainError(ErrorCode.INVALID_INPUT, field=field, max_length=max_length)
    return value


def uuid(text: str) -> UUID | None:
    """The id a client sent, or None when it is not one (then it finds nothing)."""
    try:
        return UUID(text)
    except ValueError:
        return None


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def printable(arguments: dict[str, Any]) -> None:
    """INVALID_INPUT naming the first argument (or input field) that holds a control
    character; checked before anything runs, so both databases see the same text."""
    for name, value in arguments.items():
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            raise DomainError(
                ErrorCode.INVALID_INPUT, field=_camel(name), message_key="CONTROL_CHARACTERS"
            )
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            printable({f.name: getattr(value, f.name) for f in dataclasses.fields(value)})
