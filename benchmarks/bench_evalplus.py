"""HumanEval+ speed: all 164 canonical solutions on every input (1,570 base and 122,683 plus), through EvalPlus's
own evaluator and through our sandbox, side by side in one run on the same machine, one process at a time
on each side (EvalPlus's default on a 2-core machine: ``cpu_count() // 2`` workers).

    python benchmarks/bench_evalplus.py [--set humanevalplus] [--isolated] [--first {evalplus,ours}]
    python benchmarks/bench_evalplus.py --grading 8

Two phases each: the expected outputs (the canonical solution on every input: EvalPlus's ``trusted_exec``
in its own process, ours in the sandbox, both cached afterwards, so paid once per file) and the checks
(EvalPlus's ``untrusted_check`` on base then plus inputs with its fast check; our ``Sandbox.run`` in fast
mode, one warm bwrap worker). ``--isolated`` also times our per-test mode, every input in a process of its
own, which EvalPlus has no counterpart of. ``--grading N``: instead, the final grading of an episode
(``Sandbox.run``, every input graded, as the environment does at the end) of every Nth problem's canonical
solution, one process per input against the one-process path (sandbox/batches.py), and a program that
hangs on 25 inputs, each input run alone with its full limits against one run under the hang budget
(sandbox/hang_budget.py). ``--first ours`` runs ours before EvalPlus's (on a shared machine
whose load drifts, whichever runs second meets a different machine: run both orders). The load average is
printed before and after. Needs evalplus (benchmarks/evalplus_side.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evalplus_side import DATA, SETS, EvalPlusJudge  # noqa: E402

from codeassist_env.machine import machine_line  # noqa: E402
from codeassist_env.problems import load_problems  # noqa: E402
from codeassist_env.sandbox import open_sandbox  # noqa: E402
from codeassist_env.sandbox.scripts import wall_limit_s  # noqa: E402


def time_evalplus(set_name: str) -> tuple[float, float, int]:
    judge = EvalPlusJudge(set_name)
    start = time.perf_counter()
    for task_id in judge.tasks:
        judge.expected(task_id)
    truth_s = time.perf_counter() - start
    start = time.perf_counter()
    passed = sum(
        judge.passes(task_id, task["prompt"] + task["canonical_solution"]) for task_id, task in judge.tasks.items()
    )
    return truth_s, time.perf_counter() - start, passed


def time_ours(set_name: str, fail_fast: bool) -> tuple[float, float, int]:
    start = time.perf_counter()
    problems = load_problems(set_name)  # computes the expected outputs (the cache is empty, see main)
    truth_s = time.perf_counter() - start
    start = time.perf_counter()
    with open_sandbox("bwrap") as sandbox:
        passed = sum(sandbox.run(p, p.reference_solution, fail_fast=fail_fast).passed for p in problems)
    return truth_s, time.perf_counter() - start, passed


def time_grading(set_name: str, every: int) -> list[str]:
    """Table rows: the median and total seconds of an episode's final grading, each way, on the same programs,
    and a program that hangs on 25 inputs."""
    problems = load_problems(set_name)[::every]
    rows = []
    with open_sandbox("bwrap") as sandbox:
        for name, one_process in (("one process per input", False), ("one process where verdicts allow", True)):
            seconds, passed = [], 0
            for problem in problems:
                start = time.perf_counter()
                passed += sandbox.run(problem, problem.reference_solution, one_process=one_process).passed
                seconds.append(time.perf_counter() - start)
            rows.append(
                f"| episode grading, {name} | {len(problems)} | {statistics.median(seconds):.3f} | "
                f"{sum(seconds):.1f} | {passed} passed |"
            )
        stdin = load_problems("codeassist-core")[0]
        for problem, hang, wall in (
            (
                problems[0],
                f"def {problems[0].entry_point}(*args):\n    while True:\n        pass\n",
                problems[0].time_limit_s + 1.0,
            ),
            (stdin, "import time\ntime.sleep(600)\n", wall_limit_s(stdin)),
        ):
            rows += _hang_rows(sandbox, problem, hang, wall)
    return rows


def _hang_rows(sandbox, problem, hang: str, wall: float) -> list[str]:
    """A program that hangs on 25 inputs: each run alone with its full limits (as without the hang budget),
    then graded in one run under the budget."""
    tests = (problem.hidden_tests * 25)[:25]  # not the problem's own tuple: each input gets the problem's limit
    start = time.perf_counter()
    alone = [sandbox.run(problem, hang, tests=[test]).tests[0].status for test in tests]
    took_alone = time.perf_counter() - start
    start = time.perf_counter()
    budgeted = [t.status for t in sandbox.run(problem, hang, tests=tests).tests]
    took = time.perf_counter() - start
    label = f"{problem.test_kind} program that hangs on 25 inputs ({problem.id}, wall limit {wall:.0f} s)"
    return [
        f"| {label}, each input alone | 1 | {took_alone:.1f} | {took_alone:.1f} | {took_alone / wall:.1f} wall "
        f"limits, {alone.count('time_limit')} time_limit |",
        f"| {label}, hang budget | 1 | {took:.1f} | {took:.1f} | {took / wall:.1f} wall limits, "
        f"{budgeted.count('time_limit')} time_limit |",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=sorted(SETS), default="humanevalplus")
    parser.add_argument("--isolated", action="store_true", help="also time our per-test mode")
    parser.add_argument("--first", choices=["evalplus", "ours"], default="evalplus", help="which evaluator runs first")
    parser.add_argument("--grading", type=int, metavar="N", help="time episode grading on every Nth problem instead")
    args = parser.parse_args()
    os.environ.setdefault("CODEASSIST_EVALPLUS_DIR", str(DATA))
    if args.grading:
        print(machine_line())
        rows = time_grading(args.set, args.grading)
        print("load average after: " + " ".join(f"{x:.1f}" for x in os.getloadavg()))
        print(f"\n{args.set}: final grading of canonical solutions (every {args.grading}th problem), side by side\n")
        print("| grading | programs | median (s) | total (s) | |\n|---|---|---|---|---|")
        print("\n".join(rows))
        return 0
    os.environ["CODEASSIST_EVALPLUS_CACHE"] = tempfile.mkdtemp(prefix="bench-evalplus-")  # timed from scratch
    os.environ["CODEASSIST_EVALPLUS_SANDBOX"] = "bwrap"
    print(machine_line())
    evaluators = {
        "evalplus": lambda: ("EvalPlus 0.3.1 evaluator (fast check)", *time_evalplus(args.set)),
        "ours": lambda: ("ours, bwrap, fast mode", *time_ours(args.set, fail_fast=True)),
    }
    rows = [evaluators[args.first]()]
    rows.append(evaluators["ours" if args.first == "evalplus" else "evalplus"]())
    if args.isolated:
        rows.append(("ours, bwrap, every input in its own process", 0.0, *time_ours(args.set, False)[1:]))
    print("load average after: " + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    print(f"\n{args.set}: canonical solutions on every input, {args.first} first\n")
    print("| evaluator | expected outputs (s, once per file) | checks (s) | canonical solutions passed |")
    print("|---|---|---|---|")
    for name, truth_s, checks_s, passed in rows:
        print(f"| {name} | {truth_s:.1f} | {checks_s:.1f} | {passed} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
