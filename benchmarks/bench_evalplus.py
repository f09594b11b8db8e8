"""HumanEval+ speed: all 164 canonical solutions on every input (1,570 base and 122,683 plus), through EvalPlus's
own evaluator and through our sandbox, side by side in one run on the same machine, one process at a time
on each side (EvalPlus's default on a 2-core machine: ``cpu_count() // 2`` workers).

    python benchmarks/bench_evalplus.py [--set humanevalplus] [--isolated] [--first {evalplus,ours}]

Two phases each: the expected outputs (the canonical solution on every input: EvalPlus's ``trusted_exec``
in its own process, ours in the sandbox, both cached afterwards, so paid once per file) and the checks
(EvalPlus's ``untrusted_check`` on base then plus inputs with its fast check; our ``Sandbox.run`` in fast
mode, one warm bwrap worker). ``--isolated`` also times our per-test mode, every input in a process of its
own, which EvalPlus has no counterpart of. ``--first ours`` runs ours before EvalPlus's (on a shared machine
whose load drifts, whichever runs second meets a different machine: run both orders). The load average is
printed before and after. Needs evalplus (benchmarks/evalplus_side.py).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evalplus_side import DATA, SETS, EvalPlusJudge  # noqa: E402

from codeassist_env.machine import machine_line  # noqa: E402
from codeassist_env.problems import load_problems  # noqa: E402
from codeassist_env.sandbox import open_sandbox  # noqa: E402


def time_evalplus(set_name: str) -> tuple[float, float, int]:
    judge = EvalPlusJudge(set_name)
    start = time.perf_counter()
    for task_id in judge.tasks:
        judge.expected(task_id)
    truth_s = time.perf_counter() - start
    start = time.perf_counter()
    passed = sum(judge.passes(task_id, task["prompt"] + task["canonical_solution"])
                 for task_id, task in judge.tasks.items())
    return truth_s, time.perf_counter() - start, passed


def time_ours(set_name: str, fail_fast: bool) -> tuple[float, float, int]:
    start = time.perf_counter()
    problems = load_problems(set_name)  # computes the expected outputs (the cache is empty, see main)
    truth_s = time.perf_counter() - start
    start = time.perf_counter()
    with open_sandbox("bwrap") as sandbox:
        passed = sum(sandbox.run(p, p.reference_solution, fail_fast=fail_fast).passed for p in problems)
    return truth_s, time.perf_counter() - start, passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=sorted(SETS), default="humanevalplus")
    parser.add_argument("--isolated", action="store_true", help="also time our per-test mode")
    parser.add_argument("--first", choices=["evalplus", "ours"], default="evalplus", help="which evaluator runs first")
    args = parser.parse_args()
    os.environ.setdefault("CODEASSIST_EVALPLUS_DIR", str(DATA))
    os.environ["CODEASSIST_EVALPLUS_CACHE"] = tempfile.mkdtemp(prefix="bench-evalplus-")  # timed from scratch
    os.environ["CODEASSIST_EVALPLUS_SANDBOX"] = "bwrap"
    print(machine_line())
    evaluators = {"evalplus": lambda: ("EvalPlus 0.3.1 evaluator (fast check)", *time_evalplus(args.set)),
                  "ours": lambda: ("ours, bwrap, fast mode", *time_ours(args.set, fail_fast=True))}
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
