"""The one error every problem loader raises."""

from __future__ import annotations

from typing import Any

from codeassist_env.errors import InputError

VALUE_REPR_MAX = 80  # a whole statement or test input in an error message helps nobody


class ProblemError(InputError):
    """A problem source is unknown, unreadable or malformed.

    The message names where (file and line, or file and record), which field, and the offending value."""


def field_error(where: str, field: str, why: str, value: Any = ...) -> ProblemError:
    """``<where>: field '<field>': <why> (got <value>)`` with the value's repr shortened."""
    message = f"{where}: field {field!r}: {why}"
    if value is not ...:
        text = repr(value)
        if len(text) > VALUE_REPR_MAX:
            text = text[: VALUE_REPR_MAX - 3] + "..."
        message += f" (got {text})"
    return ProblemError(message)
