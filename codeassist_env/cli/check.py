"""``codeassist check``: run one program against one problem's hidden tests in the sandbox."""

from __future__ import annotations

import argparse
import json
import sys

from codeassist_env.cli.errors import registered
from codeassist_env.problems import ProblemError, get_problem, list_sets
from codeassist_env.sandbox import AUTO, DEFAULT_BACKEND, SANDBOX_BACKENDS, TestStatus, evaluate

EXIT_PASSED, EXIT_NOT_PASSED = 0, 1  # 2, bad input: cli.errors


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check",
        help="run a program against a problem's hidden tests",
        description="Run a program against one problem's hidden tests in the sandbox. Exit status: 0 passed, "
        "1 not passed, 2 bad input (unknown id, unreadable file, malformed problem file).",
    )
    parser.add_argument(
        "--problems",
        metavar="SRC",
        required=True,
        help=f"set name ({', '.join(list_sets())}) or .jsonl/.json(.gz) path",
    )
    parser.add_argument("--id", required=True, help="the problem's id, e.g. HumanEval/0")
    parser.add_argument("--code", metavar="FILE", required=True, help="the program to check ('-' reads stdin)")
    parser.add_argument(
        "--sandbox",
        type=registered(SANDBOX_BACKENDS, extra=(AUTO,)),
        default=DEFAULT_BACKEND,
        help=f"sandbox backend: {AUTO}, {', '.join(SANDBOX_BACKENDS.names())} (default: {DEFAULT_BACKEND})",
    )
    parser.add_argument("--json", action="store_true", help="print the verdict as one JSON object")
    parser.set_defaults(func=run_check)


def _read_code(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise ProblemError(f"cannot read --code file {path}: {e}") from None


def run_check(args: argparse.Namespace) -> int:
    problem = get_problem(args.problems, args.id)
    code = _read_code(args.code)
    verdict = evaluate(problem, code, backend=args.sandbox)
    if args.json:
        print(json.dumps(verdict.to_dict()))
    else:
        print(
            f"{problem.id}: {verdict.status} - {verdict.n_passed}/{verdict.n_total} hidden tests passed "
            f"(sandbox {verdict.backend}, {verdict.time_s:.2f} s)"
        )
        for i, test in enumerate(verdict.tests, 1):
            print(f"  test {i}: {test.status} ({test.time_s * 1000:.0f} ms)")
            if test.status != TestStatus.PASSED:
                for line in test.stderr_tail():
                    print(f"    | {line}")
        if verdict.infra_error:
            print("  (infra_error: the sandbox failed, not the program)")
    return EXIT_PASSED if verdict.passed else EXIT_NOT_PASSED
