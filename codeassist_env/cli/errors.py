"""Bad input, one way, for every command and example script: one line on stderr that names the problem
and the fix, exit status 2, no traceback, and nothing created on disk (options are checked as the command
line is read, names against their registries, before any work starts).

Bad input is an exception of one class, ``codeassist_env.errors.InputError`` (``ProblemError``,
``RunStoreError``, ``UnknownName``, ``PluginError``, ``SandboxUnavailable`` and ``MissingFile`` are ones):
what the caller gave, or what this machine lacks for the work asked. Any other exception is a bug of the
package: ``report_bug`` prints its traceback and asks for a report, exit status 1.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from codeassist_env.errors import InputError
from codeassist_env.extras import missing_extra
from codeassist_env.registry import Registry

EXIT_BAD_INPUT = 2
EXIT_BUG = 1


def is_bad_input(error: BaseException) -> bool:
    """The package's own input errors (``InputError``), and an optional dependency an extra would install
    (a ``ModuleNotFoundError`` that ``extras.missing_extra`` names the fix of)."""
    return isinstance(error, InputError) or (
        isinstance(error, ModuleNotFoundError) and missing_extra(error.name) is not None
    )


class UsageError(InputError):
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


def report_bug(prog: str, error: BaseException) -> int:
    """Print ``error``'s traceback and ask for a report; return exit status 1."""
    traceback.print_exception(error)
    print(
        f"{prog}: this is a bug in codeassist_env, not a problem with your input ({type(error).__name__}). "
        "Please report it with the traceback above and the command you ran.",
        file=sys.stderr,
    )
    return EXIT_BUG


def run_script(main: Callable[[], Any], prog: str | None = None) -> int:
    """Run an example script's ``main()``: bad input becomes one line and exit status 2, a bug its traceback."""
    prog = prog or Path(sys.argv[0]).name
    try:
        return int(main() or 0)
    except Exception as error:
        return report_bad_input(prog, error) if is_bad_input(error) else report_bug(prog, error)


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


def directory(text: str) -> Path:
    """argparse type: a directory to write into, existing or not; an existing file is refused."""
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a file, not a directory: name a directory")
    return path


def port(text: str) -> int:
    """argparse type: a TCP port, 0 to 65535 (0: any free port)."""
    value = int(text) if text.isdigit() else -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a TCP port, 0 to 65535, got {text!r}")
    return value


def shard(text: str) -> tuple[int, int]:
    """``--shard i/n``, parsed by the runner's own rule (its message, less the option's name argparse gives)."""
    from codeassist_env.bench.runner import parse_shard

    try:
        return parse_shard(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error).removeprefix(f"shard {text!r}: ") + f", got {text!r}") from None


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
