"""Check that each known-wrong solution of the bundled set fails, graded as the environment grades it.

    python problems/check_wrong.py cc004 cc005     # default: every problem
    python problems/check_wrong.py --sandbox bwrap # default: process (no isolation; trusted code only)

Runs every ``wrong_*.py`` on the built problem's hidden tests (codeassist_env/data/problems/codeassist-core.jsonl, so build
first) with the sandbox's worker and grading. A ``wrong_slow_*`` solution must hit the time limit and
never answer wrongly; every other one must fail at least one test. The test suite makes the same check
in the real sandbox; this script is the quick loop while writing a problem.
"""
from __future__ import annotations

import argparse
import sys

from build import GENERATORS_DIR, OUTPUT_PATH

from codeassist_env.problems import Problem, load_problems
from codeassist_env.sandbox import Sandbox, open_sandbox


def failure_kinds(sandbox: Sandbox, problem: Problem, code: str) -> set[str]:
    """The statuses of the hidden tests that fail ('time_limit', 'wrong_answer', ...); empty if all pass."""
    return {t.status for t in sandbox.run(problem, code).tests if t.status != "passed"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", help="problems to check (default: all built ones)")
    parser.add_argument("--sandbox", default="process", help="sandbox backend (default: process)")
    args = parser.parse_args(argv)
    problems = {p.id: p for p in load_problems(OUTPUT_PATH)}
    bad = 0
    with open_sandbox(args.sandbox, trusted_code=True) as sandbox:
        for problem_id in args.ids or sorted(problems):
            for path in sorted((GENERATORS_DIR / problem_id).glob("wrong_*.py")):
                kinds = failure_kinds(sandbox, problems[problem_id], path.read_text(encoding="utf-8"))
                # a too-slow solution is correct: it may only ever run out of time
                ok = kinds == {"time_limit"} if path.name.startswith("wrong_slow_") else bool(kinds)
                bad += not ok
                print(f"{problem_id} {path.name}: {','.join(sorted(kinds)) or 'PASSES ALL TESTS'} "
                      f"{'ok' if ok else 'NOT CAUGHT'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
