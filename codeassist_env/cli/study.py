"""``codeassist study serve|try|report``: user studies with real people in a browser (docs/study.md)."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import webbrowser
from pathlib import Path

from codeassist_env.cli.errors import at_least, directory, port, positive_float, registered

HOST_HELP = (
    "address to bind (default 127.0.0.1: only this machine can connect). Another address, e.g. "
    "0.0.0.0, lets anyone who can reach this machine use the page and its API over plain HTTP, with no "
    "login: they can run code in the sandbox, spend the assistants' compute and write into the study's "
    "log. Only do so on a network you trust, or behind an authenticating TLS proxy."
)


def _common(parser: argparse.ArgumentParser) -> None:
    from codeassist_env.cli.backend_options import add_backend_arguments
    from codeassist_env.sandbox import AUTO, DEFAULT_BACKEND, SANDBOX_BACKENDS
    from codeassist_env.study.server import DEFAULT_SANDBOXES

    parser.add_argument(
        "--problems", default="codeassist-core", help="problem set name or path (default codeassist-core)"
    )
    parser.add_argument("--host", default="127.0.0.1", help=HOST_HELP)
    parser.add_argument("--port", type=port, default=8765, help="port (default 8765; 0 = any free port)")
    parser.add_argument(
        "--sandbox",
        type=registered(SANDBOX_BACKENDS, extra=(AUTO,)),
        default=DEFAULT_BACKEND,
        help=f"sandbox backend for the tests (default {DEFAULT_BACKEND})",
    )
    parser.add_argument(
        "--sandboxes",
        type=at_least(1),
        default=DEFAULT_SANDBOXES,
        help="sandboxes that run participants' programs at once, shared fairly; more than the "
        f"participants whose programs may hang at once (default {DEFAULT_SANDBOXES})",
    )
    parser.add_argument("--tokenizer", default=None, help="tokenizer for token counts (default: the offline code one)")
    parser.add_argument(
        "--suggest-timeout",
        type=positive_float,
        default=20.0,
        help="seconds an assistant may take before the page shows no suggestion (default 20)",
    )
    parser.add_argument(
        "--pause-ms",
        type=at_least(0),
        default=600,
        help="typing pause in milliseconds before a suggestion is asked for (default 600)",
    )
    parser.add_argument("--open", action="store_true", help="open the page in this machine's web browser")
    add_backend_arguments(parser)


def register(subparsers) -> None:
    from codeassist_env.agents import AGENTS

    agent_name = registered(AGENTS)
    study = subparsers.add_parser(
        "study",
        help="user studies: real people solve problems with assistants in a browser",
        description="Serve a local web page where people solve problems with inline "
        "suggestions from assistants, and report the results (docs/study.md).",
    )
    sub = study.add_subparsers(dest="study_command", metavar="STUDY_COMMAND")

    serve = sub.add_parser(
        "serve",
        help="run a blinded two-assistant study",
        description="Participants enter a code, consent, then solve pairs of problems with "
        "'Assistant A' and 'Assistant B' (counterbalanced by --seed) and say which "
        "helped more. Everything goes append-only to OUT/study.jsonl; restarting "
        "with the same --out resumes the study.",
    )
    serve.add_argument(
        "--agents",
        nargs=2,
        required=True,
        metavar=("AGENT1", "AGENT2"),
        type=agent_name,
        help="the two assistants, e.g. empower base-20",
    )
    serve.add_argument("--out", required=True, type=directory, help="study directory (created; reused to resume)")
    serve.add_argument("--seed", type=at_least(0), default=0, help="seed of the schedule (default 0)")
    serve.add_argument("--pairs", type=at_least(1), default=2, help="pairs of problems per participant (default 2)")
    _common(serve)
    serve.set_defaults(func=run_serve)

    solo = sub.add_parser(
        "try",
        help="try one assistant yourself: no blinding, no questionnaire",
        description="Solve the set's problems with one named assistant. The log goes to --out.",
    )
    solo.add_argument("--agent", required=True, type=agent_name, help="the assistant, e.g. base-10")
    solo.add_argument(
        "--out",
        type=directory,
        default=Path("studies/try"),
        help="directory of the log (default studies/try; a directory per agent is advised)",
    )
    _common(solo)
    solo.set_defaults(func=run_try)

    report = sub.add_parser("report", help="the paper's user-study table for a study directory")
    report.add_argument("directory", type=Path)
    report.add_argument("--json", action="store_true", help="print the rows as JSON instead of markdown")
    report.set_defaults(func=run_report)
    study.set_defaults(func=lambda args: study.print_help() or 2)


def _start(
    args: argparse.Namespace, agents: tuple[str, ...], out: Path, *, solo: bool, seed: int = 0, pairs: int = 1
) -> int:
    for module in ("markdown", "starlette", "uvicorn"):  # the study extra, checked before any model loads
        importlib.import_module(module)
    from codeassist_env.cli.backend_options import backend_options
    from codeassist_env.study.core import StudyConfig
    from codeassist_env.study.server import LOOPBACK, build_study, serve

    try:
        config = StudyConfig(
            agents=agents,
            problems=args.problems,
            seed=seed,
            pairs=pairs,
            solo=solo,
            suggest_timeout_s=args.suggest_timeout,
            pause_ms=args.pause_ms,
            show_statement=args.agent_sees_problem,
        )
        study, close = build_study(
            config,
            out,
            sandbox=args.sandbox,
            tokenizer=args.tokenizer,
            agent_options={"backend_options": backend_options(args)},
            sandboxes=args.sandboxes,
        )
    except RuntimeError as error:  # bad input (ValueError, a StudyLogError among them) is cli.errors' to say
        print(f"codeassist study: {error}", file=sys.stderr)
        return 1
    if args.host != LOOPBACK:
        print(
            f"codeassist study: WARNING: serving on {args.host}: anyone who can reach it can use the page and "
            "the sandbox without logging in (see --help)",
            file=sys.stderr,
        )

    def announce(line: str) -> None:
        print(line, flush=True)
        if args.open:
            webbrowser.open(line.rsplit(" ", 1)[-1])

    try:
        serve(study, host=args.host, port=args.port, announce=announce)
    except OSError as error:
        print(f"codeassist study: cannot serve on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    finally:
        close()
    return 0


def run_serve(args: argparse.Namespace) -> int:
    return _start(args, tuple(args.agents), args.out, solo=False, seed=args.seed, pairs=args.pairs)


def run_try(args: argparse.Namespace) -> int:
    return _start(args, (args.agent,), args.out, solo=True)


def run_report(args: argparse.Namespace) -> int:
    from codeassist_env.study.report import render, summarize

    # An unreadable study log is a StudyLogError, bad input for cli.errors to say.
    if args.json:
        config, rows, notes = summarize(args.directory)
        print(json.dumps({"config": config, "rows": [r.to_dict() for r in rows], "notes": notes}, indent=2))
    else:
        print(render(args.directory), end="")
    return 0
