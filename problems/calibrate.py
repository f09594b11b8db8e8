"""Calibrate the time limits of the bundled set from the reference solutions' runtimes.

    python problems/calibrate.py            # every problem
    python problems/calibrate.py cc003 cc017

For each problem: run the reference on every hidden test ``--repeats`` times, keep each test's fastest CPU
time (the machine is shared; the minimum is the least noisy estimate), and write
``time_limit_s = max(1.0, ceil_to_0.5(5 * slowest test))`` into its problem.json. Rebuild afterwards
(``python problems/build.py``) so the data file carries the new limits.
"""
from __future__ import annotations

import argparse
import json
import math
import sys

from build import (GENERATORS_DIR, ProblemSourceError, ensure_fixed_hash_seed, load_source, problem_ids,
                   run_reference)

from codeassist_env.machine import machine_line

MIN_LIMIT_S = 1.0
FACTOR = 5.0


def limit_for(max_runtime_s: float) -> float:
    return max(MIN_LIMIT_S, math.ceil(FACTOR * max_runtime_s * 2) / 2)


def calibrate(problem_id: str, repeats: int) -> tuple[float, float]:
    """Write the new limit into problem.json; returns (slowest test's CPU seconds, new limit)."""
    source = load_source(GENERATORS_DIR / problem_id)
    best = [math.inf] * len(source.hidden_inputs)
    for _ in range(repeats):
        for i, run in enumerate(run_reference(source, source.hidden_inputs)):
            best[i] = min(best[i], run.cpu_s)
    slowest = max(best)
    meta = dict(source.meta)
    meta["time_limit_s"] = limit_for(slowest)
    path = source.directory / "problem.json"
    path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return slowest, meta["time_limit_s"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", help="problems to calibrate (default: all)")
    parser.add_argument("--repeats", type=int, default=2, help="runs per test; the fastest counts (default 2)")
    args = parser.parse_args(argv)
    ids = args.ids or problem_ids()
    print(f"machine: {machine_line()}")
    try:
        for problem_id in ids:
            slowest, limit = calibrate(problem_id, args.repeats)
            print(f"{problem_id}: slowest hidden test {slowest:.3f} s CPU -> time_limit_s {limit}")
    except ProblemSourceError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    ensure_fixed_hash_seed()
    sys.exit(main())
