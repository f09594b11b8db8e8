"""The final programs of a `codeassist bench` run graded again under another problem set's hidden tests.

The programmer judges suggestions on the public tests only, and the hidden tests score the program once, at
the end, so the same episodes can be scored under a weaker and a stronger suite: a run on `humanevalplus`
graded with `humaneval`'s `check()` shows which final programs HumanEval's tests let through that
HumanEval+'s catch. Prints, per agent, Pass@1 under each suite, the programs the two suites disagree on,
"failed after finishing" (the programmer finished, the hidden tests failed it) under each, and the episodes
with a slip (the programmer accepted a wrong piece it judged plausible) and how many of them each suite
failed; with --csv, one row per episode.

    python benchmarks/regrade.py runs/results/humanevalplus-expert --problems humaneval [--csv out.csv]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from codeassist_env.bench.store import load_episodes
from codeassist_env.humans.expert import SLIP_REASON
from codeassist_env.problems import load_problems
from codeassist_env.sandbox import BENCH_BACKEND, open_sandbox


def slipped(record: dict) -> bool:
    return any(str(turn.get("reasoning", "")).startswith(SLIP_REASON) for turn in record.get("transcript", []))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="a codeassist bench run directory")
    parser.add_argument("--problems", required=True, help="the set whose hidden tests grade the programs again")
    parser.add_argument("--sandbox", default=BENCH_BACKEND)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--csv", type=Path, help="write one row per episode here")
    args = parser.parse_args()

    run = json.loads((args.run / "run.json").read_text(encoding="utf-8"))
    records = [r for r in load_episodes(args.run / "episodes.jsonl").records if r["status"] == "ok"]
    other = {p.id: p for p in load_problems(args.problems)}
    missing = sorted({r["problem_id"] for r in records} - set(other))
    if missing:
        raise SystemExit(
            f"regrade.py: {len(missing)} problems of {args.run} are not in {args.problems!r}, e.g. {missing[0]}"
        )

    # One sandbox a thread, kept for all its programs: a sandbox runs one program at a time, and starting
    # one per program would cost a worker start each.
    local, opened = threading.local(), []

    def grade(program: tuple[str, str]) -> bool:
        problem_id, code = program
        if not hasattr(local, "sandbox"):
            local.sandbox = open_sandbox(args.sandbox)
            opened.append(local.sandbox)
        return local.sandbox.run(other[problem_id], code, fail_fast=True).passed

    # Agents often end with the same program (the reference, when nothing was accepted): each distinct
    # program of a problem is graded once.
    distinct = sorted({(r["problem_id"], r["code"]) for r in records})
    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(args.workers) as pool:
            verdicts = dict(zip(distinct, pool.map(grade, distinct)))
    finally:
        for sandbox in opened:
            sandbox.close()
    again = [verdicts[r["problem_id"], r["code"]] for r in records]
    print(
        f"{len(records)} final programs of {args.run} ({run['config']['problems']}, {len(distinct)} distinct) "
        f"graded under {args.problems} in {time.perf_counter() - started:.0f} s on {os.cpu_count()} CPUs "
        f"({platform.processor() or platform.machine()})"
    )

    by_agent: dict[str, list[tuple[dict, bool]]] = defaultdict(list)
    for record, passed in zip(records, again):
        by_agent[record["agent"]].append((record, passed))
    run_set = run["config"]["problems"]
    print(
        f"\n| agent | episodes | Pass@1 ({run_set}) | Pass@1 ({args.problems}) | failed after finishing "
        f"({run_set}) | failed after finishing ({args.problems}) | pass {args.problems} only | "
        f"pass {run_set} only | episodes with a slip | of them failed ({run_set}) | of them failed ({args.problems}) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for agent in run["config"]["agents"]:
        pairs = by_agent.get(agent, [])
        if not pairs:
            continue
        n = len(pairs)
        here = sum(r["passed"] for r, _ in pairs)
        there = sum(p for _, p in pairs)
        finished_fail_here = sum(r["finished"] and not r["passed"] for r, _ in pairs)
        finished_fail_there = sum(r["finished"] and not p for r, p in pairs)
        only_there = sorted(r["problem_id"] for r, p in pairs if p and not r["passed"])
        only_here = sorted(r["problem_id"] for r, p in pairs if r["passed"] and not p)
        slips = [(r, p) for r, p in pairs if slipped(r)]
        print(
            f"| {agent} | {n} | {here / n:.3f} | {there / n:.3f} | {finished_fail_here} | {finished_fail_there} "
            f"| {', '.join(only_there) or '-'} | {', '.join(only_here) or '-'} | {len(slips)} "
            f"| {sum(not r['passed'] for r, _ in slips)} | {sum(not p for _, p in slips)} |"
        )
    if args.csv:
        with args.csv.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(
                ["agent", "problem_id", "seed", "finished", "slipped", f"passed_{run_set}", f"passed_{args.problems}"]
            )
            for record, passed in zip(records, again):
                writer.writerow(
                    [
                        record["agent"],
                        record["problem_id"],
                        record["seed"],
                        record["finished"],
                        slipped(record),
                        record["passed"],
                        passed,
                    ]
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
