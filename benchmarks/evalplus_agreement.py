"""Our verdicts against EvalPlus's own evaluator, program by program, on EvalPlus's release files.

    python benchmarks/evalplus_agreement.py --set humanevalplus [--mutants 2] [--episodes RUN/episodes.jsonl]

Programs: every canonical solution, up to ``--mutants`` mutants of each (one operator or integer constant
changed: benchmarks/evalplus_side.py) and, with ``--episodes``, the final programs of a ``codeassist bench``
run on the set. Ours: the sandbox in fast mode (``Sandbox.run(..., fail_fast=True)``); EvalPlus's:
``untrusted_check`` on base and plus inputs. Prints a Markdown table and every disagreement; ``--out`` writes
one JSON line per program.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evalplus_side import DATA, SETS, EvalPlusJudge, mutants  # noqa: E402

from codeassist_env.problems import load_problems  # noqa: E402
from codeassist_env.sandbox import open_sandbox  # noqa: E402


def programs(set_name: str, n_mutants: int, episodes: Path | None) -> list[tuple[str, str, str]]:
    """(origin, task id, program) to judge."""
    chosen = []
    for problem in load_problems(set_name):
        chosen.append(("canonical", problem.id, problem.reference_solution))
        chosen += [("mutant", problem.id, m) for m in mutants(problem.reference_solution, n_mutants)]
    if episodes:
        for line in episodes.read_text().splitlines():
            episode = json.loads(line)
            if "code" in episode:
                chosen.append((f"episode:{episode['agent']}", episode["problem_id"], episode["code"]))
    return chosen


def compare(set_name: str, chosen: list[tuple[str, str, str]], backend: str) -> list[dict]:
    judge = EvalPlusJudge(set_name)
    problems = {p.id: p for p in load_problems(set_name)}
    rows = []
    with open_sandbox(backend) as sandbox:
        for origin, task_id, program in chosen:
            ours = sandbox.run(problems[task_id], program, fail_fast=True)
            rows.append({"origin": origin, "task_id": task_id, "ours": ours.passed, "ours_status": ours.status,
                         "evalplus": judge.passes(task_id, program), "program": program})
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| programs | n | both pass | both fail | only ours passes | only EvalPlus passes | agreement |",
             "|---|---|---|---|---|---|---|"]
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["origin"].split(":")[0], []).append(row)
    for origin, group in [*groups.items(), ("all", rows)]:
        both_pass = sum(r["ours"] and r["evalplus"] for r in group)
        both_fail = sum(not r["ours"] and not r["evalplus"] for r in group)
        only_ours = sum(r["ours"] and not r["evalplus"] for r in group)
        only_theirs = sum(not r["ours"] and r["evalplus"] for r in group)
        agree = (both_pass + both_fail) / len(group)
        lines.append(f"| {origin} | {len(group)} | {both_pass} | {both_fail} | {only_ours} | {only_theirs} | "
                     f"{agree:.1%} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=sorted(SETS), default="humanevalplus")
    parser.add_argument("--mutants", type=int, default=2, help="mutants per task (default 2)")
    parser.add_argument("--episodes", type=Path, help="a bench run's episodes.jsonl on this set")
    parser.add_argument("--sandbox", default="bwrap")
    parser.add_argument("--out", type=Path, help="one JSON line per program")
    args = parser.parse_args()
    os.environ.setdefault("CODEASSIST_EVALPLUS_DIR", str(DATA))
    start = time.perf_counter()
    rows = compare(args.set, programs(args.set, args.mutants, args.episodes), args.sandbox)
    print(f"{args.set}: {len(rows)} programs in {time.perf_counter() - start:.0f} s\n")
    print(table(rows))
    for row in rows:
        if row["ours"] != row["evalplus"]:
            print(f"- {row['task_id']} ({row['origin']}): ours {row['ours_status']}, "
                  f"EvalPlus {'pass' if row['evalplus'] else 'fail'}")
    if args.out:
        args.out.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
