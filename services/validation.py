from services.errors import DomainError, ErrorCode


def text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    """Trimmed text within bounds, or INVALID_INPUT naming the field."""
    value = value.strip()
    if (required and not value) or len(value) > max_length:
        raise DomainError(ErrorCode.INVALID_INPUT, field=field, max_length=max_length)
    return value
