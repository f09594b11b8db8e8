"""``codeassist`` command line. Each subcommand lives in its own module exposing
``register(subparsers)``, which adds its parser and sets ``func`` (returning the exit code).

Bad input is handled here, once for every command (``cli.errors``). ``--plugin MODULE`` (before or after
the command, repeatable) imports a plug-in first, so that the names it registers are choices of every
command (``codeassist_env.plugins``)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from codeassist_env.cli.errors import EXIT_BAD_INPUT, ArgumentParser, is_bad_input, report_bad_input, report_bug
from codeassist_env.plugins import load_plugin
from codeassist_env.quiet import no_progress_bars

# Modules under codeassist_env.cli, one per subcommand family.
SUBCOMMAND_MODULES: list[str] = ["check", "sandbox", "problems", "serve", "train", "bench", "realism", "study", "setup"]
PLUGIN_HELP = (
    "import this module (a name on sys.path, or a .py file) first: it may register agents, humans, "
    "problem sets or sandbox backends; repeatable"
)


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="codeassist", description="Environments, simulated programmers, assistants and benchmarks."
    )
    parser.add_argument("--plugin", action="append", default=[], metavar="MODULE", help=PLUGIN_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(f"codeassist_env.cli.{name}").register(sub)
    _name_commands(parser)
    return parser


def _name_commands(parser: argparse.ArgumentParser) -> None:
    """Give every (sub)command's namespace its ``prog`` ("codeassist problems list"), which prefixes its
    messages; the innermost subcommand's default wins."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                command.set_defaults(prog=command.prog)
                command.add_argument("--plugin", action="append", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
                _name_commands(command)


def _early_options(argv: list[str]) -> argparse.Namespace:
    """What must act before the commands are imported: plug-ins, and --no-progress (quiet.py)."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--plugin", action="append", default=[])
    pre.add_argument("--no-progress", action="store_true")
    return pre.parse_known_args(argv)[0]


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    prog = "codeassist"
    try:
        early = _early_options(argv)
        if early.no_progress:
            no_progress_bars()
        for spec in early.plugin:
            load_plugin(spec)
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return EXIT_BAD_INPUT
        prog = args.prog
        return int(args.func(args) or 0)
    except BrokenPipeError:
        # `codeassist ... | head`: the reader left. Point stdout at /dev/null so the interpreter's
        # final flush does not raise again, and exit quietly instead of printing a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:
        return report_bad_input(prog, error) if is_bad_input(error) else report_bug(prog, error)


if __name__ == "__main__":
    sys.exit(main())
