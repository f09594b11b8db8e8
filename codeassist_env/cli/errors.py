"""Bad input, one way, for every command and example script: one line on stderr that names the problem
and the fix, exit status 2, no traceback, and nothing created on disk (options are checked as the command
line is read, names against their registries, before any work starts).

Bad input is any exception of ``BAD_INPUT``: the package raises ``ValueError`` (``ProblemError``,
``RunStoreError``, ``UnknownName``, ``PluginError`` are ones) for what the caller gave, and
``SandboxUnavailable`` / ``FileNotFoundError`` / ``ModuleNotFoundError`` for what this machine lacks.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from codeassist_env.extras import missing_extra
from codeassist_env.registry import Registry
from codeassist_env.sandbox import SandboxUnavailable

EXIT_BAD_INPUT = 2
BAD_INPUT: tuple[type[BaseException], ...] = (ValueError, FileNotFoundError, ModuleNotFoundError, SandboxUnavailable)


class UsageError(ValueError):
    """A command line argparse refused; ``prog`` is the (sub)command that refused it."""

    def __init__(self, prog: str, message: str):
        super().__init__(f"{message} (see {prog} --help)")
        self.prog = prog


class ArgumentParser(argparse.ArgumentParser):
    """argparse whose usage errors are bad input like any other (one line, from the one handler) instead
    of the whole usage text and an exit from inside the parser."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(self.prog, message)


def report_bad_input(prog: str, error: BaseException) -> int:
    """Print ``prog: message`` on one line to stderr; return the bad-input exit status. A module an extra
    would install names that extra (``codeassist_env.extras``)."""
    fix = missing_extra(error.name) if isinstance(error, ModuleNotFoundError) else None
    message = fix or " ".join(str(error).split("\n")).strip() or type(error).__name__
    print(f"{getattr(error, 'prog', prog)}: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def run_script(main: Callable[[], Any], prog: str | None = None) -> int:
    """Run an example script's ``main()``, turning bad input into one line and exit status 2."""
    try:
        return int(main() or 0)
    except BAD_INPUT as error:
        return report_bad_input(prog or Path(sys.argv[0]).name, error)


def at_least(minimum: int) -> Callable[[str], int]:
    """argparse type: an integer >= ``minimum``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"must be an integer >= {minimum}, got {text!r}")
        return value
    return parse


def positive_float(text: str) -> float:
    """argparse type: a number > 0."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a number > 0, got {text!r}")
    return value


def registered(registry: Registry[Any], extra: tuple[str, ...] = ()) -> Callable[[str], str]:
    """argparse type: a name ``registry`` knows, its argument parsed (with "did you mean" for an unknown
    name), or one of ``extra``."""
    def parse(text: str) -> str:
        if text in extra:
            return text
        try:
            registry.parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
        return text
    return parse
