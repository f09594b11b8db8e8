"""Check that each known-wrong solution of the bundled set fails, without a sandbox (trusted code only).

    python problems/check_wrong.py cc004 cc005     # default: every problem

Runs every ``wrong_*.py`` on the built problem's hidden tests (problems/codeassist-core.jsonl, so build
first) with the local reference runner and the problem's time limit. A ``wrong_slow_*`` solution must time
out and never answer wrongly; every other one must give a wrong output, crash or time out on at least one
test. The test suite makes
the same check through the real sandbox; this script is the quick loop while writing a problem.
"""
from __future__ import annotations

import argparse
import json
import sys

from build import GENERATORS_DIR, OUTPUT_PATH, ensure_fixed_hash_seed
from reference_runner import outputs_match, run_program


def failure_kinds(problem: dict, code: str) -> set[str]:
    """How the hidden tests fail ('timeout', 'error', 'wrong'); empty if every test passes."""
    tests = problem["hidden_tests"]
    runs = run_program(code, problem["test_kind"], problem["entry_point"], [t["input"] for t in tests],
                       problem["time_limit_s"])
    return {run.status if run.status != "ok" else "wrong" for run, t in zip(runs, tests)
            if run.status != "ok" or not outputs_match(problem["test_kind"], run.output, t["output"])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", help="problems to check (default: all built ones)")
    args = parser.parse_args(argv)
    problems = {p["id"]: p for p in map(json.loads, OUTPUT_PATH.read_text(encoding="utf-8").splitlines())}
    bad = 0
    for problem_id in args.ids or sorted(problems):
        for path in sorted((GENERATORS_DIR / problem_id).glob("wrong_*.py")):
            kinds = failure_kinds(problems[problem_id], path.read_text(encoding="utf-8"))
            # a too-slow solution is correct: it may only ever time out
            ok = kinds == {"timeout"} if path.name.startswith("wrong_slow_") else bool(kinds)
            bad += not ok
            print(f"{problem_id} {path.name}: {','.join(sorted(kinds)) or 'PASSES ALL TESTS'} "
                  f"{'ok' if ok else 'NOT CAUGHT'}")
    return 1 if bad else 0


if __name__ == "__main__":
    ensure_fixed_hash_seed()
    sys.exit(main())
