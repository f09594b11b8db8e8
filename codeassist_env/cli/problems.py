"""``codeassist problems list|validate``: inspect a problem source; run reference (or given) solutions
against the hidden tests in the sandbox."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, TypedDict

from tqdm import tqdm

from codeassist_env.cli.errors import registered
from codeassist_env.files import json_lines
from codeassist_env.problem import TestKind
from codeassist_env.problems import Problem, ProblemError, default_set, list_sets, load_problems
from codeassist_env.sandbox import AUTO, DEFAULT_BACKEND, SANDBOX_BACKENDS, TestStatus, Verdict, open_sandbox

EXIT_OK, EXIT_FAILED = 0, 1  # 2, bad input: cli.errors


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "problems",
        help="list or validate a problem set",
        description="Inspect a problem source, or run its reference (or given) "
        "solutions against the hidden tests in the sandbox.",
    )
    actions = parser.add_subparsers(dest="problems_command", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="ids, test kind, number of hidden tests, difficulty")
    listing.add_argument(
        "--problems",
        metavar="SRC",
        default=None,
        help=f"set name ({', '.join(list_sets())}) or .jsonl/.json(.gz) path; default: {default_set()}",
    )
    listing.add_argument("--split", choices=("train", "test"), help="only problems of this split")
    listing.add_argument("--json", action="store_true", help="one JSON list of objects instead of a table")
    listing.set_defaults(func=run_list)

    validate = actions.add_parser("validate", help="run reference solutions against their hidden tests")
    validate.add_argument(
        "--problems",
        metavar="SRC",
        required=True,
        help=f"set name ({', '.join(list_sets())}) or .jsonl/.json(.gz) path",
    )
    validate.add_argument("--split", choices=("train", "test"), help="only problems of this split")
    validate.add_argument(
        "--sandbox",
        type=registered(SANDBOX_BACKENDS, extra=(AUTO,)),
        default=DEFAULT_BACKEND,
        help=f"sandbox backend: {AUTO}, {', '.join(SANDBOX_BACKENDS.names())} (default: {DEFAULT_BACKEND})",
    )
    validate.add_argument("--ids", nargs="+", metavar="ID", help="only these problems")
    validate.add_argument(
        "--solutions",
        metavar="FILE",
        type=Path,
        help='JSONL of {"id": ..., "code": ...} to validate instead of the references',
    )
    validate.add_argument(
        "--fast",
        action="store_true",
        help="stop each problem at its first failing test (call tests, EvalPlus's sets: all "
        "inputs in one process, as EvalPlus's fast check runs them)",
    )
    validate.add_argument("--json", action="store_true", help="print one JSON object with every verdict")
    validate.set_defaults(func=run_validate)


class ListRow(TypedDict):
    """One problem of ``codeassist problems list``, as --json prints it."""

    id: str
    test_kind: TestKind
    n_hidden_tests: int
    n_public_tests: int
    difficulty: Any  # metadata values, None when absent
    split: Any
    has_reference: bool


def run_list(args: argparse.Namespace) -> int:
    source = args.problems or default_set()
    problems = load_problems(source, split=args.split)
    rows: list[ListRow] = [
        {
            "id": p.id,
            "test_kind": p.test_kind,
            "n_hidden_tests": len(p.hidden_tests),
            "n_public_tests": len(p.public_tests),
            "difficulty": p.metadata.get("difficulty"),
            "split": p.metadata.get("split"),
            "has_reference": p.reference_solution is not None,
        }
        for p in problems
    ]
    if args.json:
        print(json.dumps(rows, indent=1))
        return EXIT_OK
    width = max(len("ID"), *(len(r["id"]) for r in rows))
    print(f"{'ID':<{width}}  {'KIND':<10}  {'HIDDEN':>6}  {'DIFFICULTY':<10}  SPLIT")
    for r in rows:
        print(
            f"{r['id']:<{width}}  {r['test_kind']:<10}  {r['n_hidden_tests']:>6}  "
            f"{r['difficulty'] or '-':<10}  {r['split'] or '-'}"
        )
    print(f"{len(rows)} problems in {source}")
    return EXIT_OK


def read_solutions(path: Path) -> dict[str, str]:
    """``{"id": str, "code": str}`` per line -> id -> code; anything else is a ProblemError naming the line."""
    solutions: dict[str, str] = {}
    for line_no, row in json_lines(path, ProblemError):
        where = f"{path}:{line_no}"
        if not isinstance(row, dict) or set(row) != {"id", "code"}:
            raise ProblemError(
                f"{where}: a solution must be an object with exactly 'id' and 'code', "
                f"got {sorted(row) if isinstance(row, dict) else type(row).__name__}"
            )
        for key in ("id", "code"):
            if not isinstance(row[key], str):
                raise ProblemError(f"{where}: field {key!r} must be a string (got {type(row[key]).__name__})")
        if row["id"] in solutions:
            raise ProblemError(f"{where}: a second solution for problem {row['id']!r}")
        solutions[row["id"]] = row["code"]
    return solutions


def select(args: argparse.Namespace) -> tuple[list[tuple[Problem, str]], list[str]]:
    """(problem, code) pairs to run, and the ids skipped for want of code."""
    problems = load_problems(args.problems, split=args.split)
    by_id = {p.id: p for p in problems}
    all_ids = {p.id for p in load_problems(args.problems)} if args.split else set(by_id)
    if args.ids:
        unknown = [i for i in args.ids if i not in by_id]
        if unknown:
            where = f"{args.problems!r}" + (f" (split {args.split!r})" if args.split else "")
            raise ProblemError(f"no problem with id {', '.join(map(repr, unknown))} in {where}")
        problems = [by_id[i] for i in dict.fromkeys(args.ids)]
    if args.solutions:
        solutions = read_solutions(args.solutions)
        unknown = [i for i in solutions if i not in all_ids]
        if unknown:
            raise ProblemError(
                f"{args.solutions}: solutions for ids not in {args.problems!r}: {', '.join(map(repr, unknown[:5]))}"
            )
    else:
        solutions = {p.id: p.reference_solution for p in problems if p.reference_solution is not None}
    chosen = [(p, solutions[p.id]) for p in problems if p.id in solutions]
    skipped = [p.id for p in problems if p.id not in solutions]
    if not chosen:
        what = f"{args.solutions} has no solution" if args.solutions else "has no reference solution"
        raise ProblemError(f"nothing to validate: {args.problems!r} {what} for the selected problems")
    return chosen, skipped


def run_validate(args: argparse.Namespace) -> int:
    what = "solutions" if args.solutions else "references"
    chosen, skipped = select(args)
    start = time.perf_counter()
    verdicts = []
    with open_sandbox(args.sandbox) as sandbox:
        for problem, code in tqdm(chosen, desc=f"validate {args.problems}", unit="problem", file=sys.stderr):
            verdict = sandbox.run(problem, code, fail_fast=args.fast)
            verdicts.append(verdict)
            if not verdict.passed and not args.json:
                tqdm.write(describe_failure(verdict), file=sys.stdout)
    elapsed = time.perf_counter() - start
    n_passed = sum(v.passed for v in verdicts)
    backend = verdicts[0].backend if verdicts else args.sandbox

    if args.json:
        print(
            json.dumps(
                {
                    "source": str(args.problems),
                    "checked": what,
                    "backend": backend,
                    "n_passed": n_passed,
                    "n_total": len(verdicts),
                    "time_s": round(elapsed, 3),
                    "skipped": skipped,
                    "problems": [v.to_dict() for v in verdicts],
                }
            )
        )
    else:
        if skipped:
            print(
                f"skipped {len(skipped)} problems without {what[:-1]}: {', '.join(skipped[:10])}"
                + (" ..." if len(skipped) > 10 else "")
            )
        print(f"{n_passed}/{len(verdicts)} {what} pass ({backend} sandbox, {elapsed:.1f} s)")
    return EXIT_OK if n_passed == len(verdicts) else EXIT_FAILED


def describe_failure(verdict: Verdict) -> str:
    first = next((i for i, t in enumerate(verdict.tests) if t.status != TestStatus.PASSED), None)
    line = f"FAIL {verdict.problem_id}: {verdict.status}, {verdict.n_passed}/{verdict.n_total} tests passed"
    if first is None:
        return line + " (no tests ran)"
    line += f"; first failure: test {first} ({verdict.tests[first].time_s:.2f} s)"
    stderr = verdict.tests[first].stderr_tail()
    return "\n".join([line, *("    " + s for s in stderr)])
