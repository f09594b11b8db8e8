"""``codeassist`` command line. Each subcommand lives in its own module exposing
``register(subparsers)``, which adds its parser and sets ``func`` (returning the exit code)."""
from __future__ import annotations

import argparse
import importlib
import os
import sys

# Modules under codeassist_env.cli, one per subcommand family.
SUBCOMMAND_MODULES: list[str] = [
    "check",
    "sandbox",
    "problems",
    "serve",
    "train",
    "bench",
    "study",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="codeassist", description="Environments, simulated programmers, assistants and benchmarks."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(f"codeassist_env.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:
        # `codeassist ... | head`: the reader left. Point stdout at /dev/null so the interpreter's
        # final flush does not raise again, and exit quietly instead of printing a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
