"""Our verdicts against EvalPlus's own evaluator, program by program, on EvalPlus's release files.

    python benchmarks/evalplus_agreement.py --set humanevalplus [--mutants 2] [--run RUN_DIR [--only-run]]

Programs: every canonical solution, up to ``--mutants`` mutants of each (one operator or integer constant
changed: benchmarks/evalplus_side.py) and, with ``--run``, the final program of every finished episode of a
``codeassist bench`` run directory on the set (the last record of each agent, problem and seed, as the
report counts them); ``--only-run`` judges those alone. Ours: the sandbox in fast mode
(``Sandbox.run(..., fail_fast=True)``); EvalPlus's: ``untrusted_check`` on base and plus inputs. Prints a
Markdown table and every disagreement, and for a run's programs also the verdicts the run itself recorded
(every input in a process of its own); ``--out`` writes one JSON line per program.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evalplus_side import DATA, SETS, EvalPlusJudge, mutants  # noqa: E402

from codeassist_env.bench.store import EPISODES_FILE, RunStoreError, latest_by_triple, read_run  # noqa: E402
from codeassist_env.jsonl_log import read_lines  # noqa: E402
from codeassist_env.problems import load_problems  # noqa: E402
from codeassist_env.sandbox import open_sandbox  # noqa: E402


@dataclass(frozen=True)
class Program:
    origin: str  # "canonical", "mutant" or "final program (AGENT)"
    task_id: str
    code: str
    run_passed: bool | None = None  # the verdict a bench run recorded for it (every input in its own process)


def set_programs(set_name: str, n_mutants: int) -> list[Program]:
    """Every canonical solution of the set and up to ``n_mutants`` mutants of each."""
    chosen = []
    for problem in load_problems(set_name):
        chosen.append(Program("canonical", problem.id, problem.reference_solution))
        chosen += [Program("mutant", problem.id, m) for m in mutants(problem.reference_solution, n_mutants)]
    return chosen


def run_programs(run_dir: Path) -> tuple[str, list[Program]]:
    """(the run's problem set, the final program of each finished episode) of a ``codeassist bench`` run
    directory: the last finished record of each (agent, problem, seed), in the file's order."""
    problem_set = read_run(run_dir)["config"]["problems"]
    # Only each record's key, status, final program and verdict are read, so that a run kept to those fields
    # (tests/fixtures/humanevalplus_run) reads as well as a whole one.
    latest = latest_by_triple(read_lines(run_dir / EPISODES_FILE, RunStoreError).records)
    return problem_set, [
        Program(f"final program ({r['agent']})", r["problem_id"], r["code"], r["passed"])
        for r in latest.values()
        if r["status"] == "ok"
    ]


def compare(set_name: str, chosen: list[Program], backend: str) -> list[dict]:
    judge = EvalPlusJudge(set_name)
    problems = {p.id: p for p in load_problems(set_name)}
    rows = []
    with open_sandbox(backend) as sandbox:
        for program in chosen:
            ours = sandbox.run(problems[program.task_id], program.code, fail_fast=True)
            rows.append(
                {
                    "origin": program.origin,
                    "task_id": program.task_id,
                    "ours": ours.passed,
                    "ours_status": ours.status,
                    "evalplus": judge.passes(program.task_id, program.code),
                    "run_passed": program.run_passed,
                    "program": program.code,
                }
            )
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| programs | n | both pass | both fail | only ours passes | only EvalPlus passes | agreement |",
        "|---|---|---|---|---|---|---|",
    ]
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["origin"], []).append(row)
    for origin, group in [*groups.items(), ("all", rows)]:
        both_pass = sum(r["ours"] and r["evalplus"] for r in group)
        both_fail = sum(not r["ours"] and not r["evalplus"] for r in group)
        only_ours = sum(r["ours"] and not r["evalplus"] for r in group)
        only_theirs = sum(not r["ours"] and r["evalplus"] for r in group)
        agree = (both_pass + both_fail) / len(group)
        lines.append(
            f"| {origin} | {len(group)} | {both_pass} | {both_fail} | {only_ours} | {only_theirs} | {agree:.1%} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=sorted(SETS), default="humanevalplus")
    parser.add_argument("--mutants", type=int, default=2, help="mutants per task (default 2)")
    parser.add_argument("--run", type=Path, help="a codeassist bench run directory on this set")
    parser.add_argument("--only-run", action="store_true", help="judge the run's final programs alone")
    parser.add_argument("--sandbox", default="bwrap")
    parser.add_argument("--out", type=Path, help="one JSON line per program")
    args = parser.parse_args()
    os.environ.setdefault("CODEASSIST_EVALPLUS_DIR", str(DATA))
    chosen = [] if args.only_run else set_programs(args.set, args.mutants)
    if args.run:
        problem_set, finals = run_programs(args.run)
        if problem_set != args.set:
            parser.error(f"{args.run} is a run on {problem_set!r}, not on {args.set!r}")
        chosen += finals
    start = time.perf_counter()
    rows = compare(args.set, chosen, args.sandbox)
    print(f"{args.set}: {len(rows)} programs in {time.perf_counter() - start:.0f} s\n")
    print(table(rows))
    for row in rows:
        if row["ours"] != row["evalplus"]:
            print(
                f"- {row['task_id']} ({row['origin']}): ours {row['ours_status']}, "
                f"EvalPlus {'pass' if row['evalplus'] else 'fail'}"
            )
    recorded = [row for row in rows if row["run_passed"] is not None]
    if recorded:
        same = sum(row["run_passed"] == row["ours"] for row in recorded)
        print(
            f"\nthe run's own verdicts (every input in its own process) equal ours in fast mode on {same} of "
            f"{len(recorded)} final programs"
        )
        for row in recorded:
            if row["run_passed"] != row["ours"]:
                print(
                    f"- {row['task_id']} ({row['origin']}): the run {'passed' if row['run_passed'] else 'failed'}"
                    f" it, ours in fast mode {row['ours_status']}"
                )
    if args.out:
        args.out.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
