"""Programs graded both ways: one process per input (the anchor) and the one-process path episodes use; every
test's status compared, and each path's time.

The programs: each problem's reference and wrong variants of it made here (an operator or constant changed,
``None`` returned, an exception on some inputs, a call counter that answers wrong after three calls: state
carried between calls, which must keep it in one process per input, a loop on some inputs), and, with
``--run``, the final programs of `codeassist bench` runs. Prints per set the programs, tests, the differences
(a test whose status differs; the tests the hang budget left unrun are counted apart, since either path may
answer a different number of inputs within the budget), and the seconds of each path; ``--json`` writes every
program's statuses.

    python benchmarks/grading_paths.py --problems humanevalplus-mini codeassist-core humaneval [--run DIR ...]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from codeassist_env.bench.store import load_episodes
from codeassist_env.problems import load_problems
from codeassist_env.sandbox import BENCH_BACKEND, open_sandbox
from codeassist_env.sandbox.hang_budget import NOT_RUN

WRONG_SEED = "len(repr(sorted(map(repr, locals().values()))))"  # differs between inputs, same in any process


class _Mutate(ast.NodeTransformer):
    """Changes the first node of one kind it meets: a comparison, an arithmetic operator or an int constant."""

    def __init__(self, kind: str) -> None:
        self.kind, self.done = kind, False

    def visit_Compare(self, node):
        self.generic_visit(node)
        if self.kind == "compare" and not self.done:
            swap = {
                ast.Lt: ast.LtE,
                ast.LtE: ast.Lt,
                ast.Gt: ast.GtE,
                ast.GtE: ast.Gt,
                ast.Eq: ast.NotEq,
                ast.NotEq: ast.Eq,
                ast.In: ast.NotIn,
                ast.NotIn: ast.In,
            }
            if type(node.ops[0]) in swap:
                node.ops[0], self.done = swap[type(node.ops[0])](), True
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if self.kind == "arith" and not self.done:
            swap = {
                ast.Add: ast.Sub,
                ast.Sub: ast.Add,
                ast.Mult: ast.Add,
                ast.FloorDiv: ast.Mult,
                ast.Mod: ast.FloorDiv,
            }
            if type(node.op) in swap:
                node.op, self.done = swap[type(node.op)](), True
        return node

    def visit_Constant(self, node):
        if self.kind == "constant" and not self.done and type(node.value) is int:
            self.done = True
            return ast.copy_location(ast.Constant(node.value + 1), node)
        return node


def _entry(tree: ast.Module, name: str | None) -> ast.FunctionDef | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and (name is None or node.name == name):
            return node
    return None


def variants(code: str, entry_point: str | None, with_loops: bool) -> dict[str, str]:
    """The reference and its wrong variants, by name; a variant that cannot be made is left out."""
    out = {"reference": code}
    for kind in ("compare", "arith", "constant"):
        tree = ast.parse(code)
        mutate = _Mutate(kind)
        tree = mutate.visit(tree)
        if mutate.done:
            out[kind] = ast.unparse(tree)
    heads = {
        "none": "return None",
        "raises": f"if {WRONG_SEED} % 3 == 0:\n    raise ValueError('a variant that raises')",
        "counter": "_calls.append(1)\nif len(_calls) > 3:\n    return None",
    }
    if with_loops:
        heads["loops"] = f"if {WRONG_SEED} % 4 == 0:\n    while True:\n        pass"
    for name, head in heads.items():
        tree = ast.parse(code)
        function = _entry(tree, entry_point)
        if function is None:
            continue
        function.body[:0] = ast.parse(head).body
        if name == "counter":
            tree.body.insert(0, ast.parse("_calls = []").body[0])
        out[name] = ast.unparse(tree)
    return out


def statuses(verdict) -> list[str]:
    return [t.status.value if t.stderr != NOT_RUN else "unrun" for t in verdict.tests]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", nargs="+", required=True, help="sets whose references and variants to grade")
    parser.add_argument("--run", nargs="*", default=[], type=Path, help="codeassist bench runs: their final programs")
    parser.add_argument("--limit", type=int, help="the first N problems of each set")
    parser.add_argument("--loops-every", type=int, default=8, help="a looping variant for every Nth problem")
    parser.add_argument("--sandbox", default=BENCH_BACKEND)
    parser.add_argument("--json", type=Path, help="write every program's statuses here")
    args = parser.parse_args()

    programs = []  # (set, problem, variant name, code)
    for name in args.problems:
        for i, problem in enumerate(load_problems(name)[: args.limit]):
            if problem.reference_solution:
                for variant, code in variants(
                    problem.reference_solution, problem.entry_point, i % args.loops_every == 0
                ).items():
                    programs.append((name, problem, variant, code))
    for run in args.run:
        config = json.loads((run / "run.json").read_text())["config"]
        by_id = {p.id: p for p in load_problems(config["problems"])}
        seen = set()
        for record in load_episodes(run / "episodes.jsonl").records:
            key = (record["problem_id"], record.get("code", ""))
            if record["status"] == "ok" and key not in seen:
                seen.add(key)
                label = f"{config['problems']}, final programs of {run.name}"
                programs.append((label, by_id[record["problem_id"]], f"run:{record['agent']}", key[1]))

    totals = defaultdict(lambda: defaultdict(float))
    seconds = defaultdict(list)  # set -> (per input, one process) seconds of each program
    differences, rows = [], []
    with open_sandbox(args.sandbox) as sandbox:
        for done, (set_name, problem, variant, code) in enumerate(programs):
            if done and done % 200 == 0:
                print(f"{done} of {len(programs)} programs graded, {len(differences)} differing", flush=True)
            started = time.perf_counter()
            anchor = sandbox.run(problem, code, one_process=False)
            middle = time.perf_counter()
            fast = sandbox.run(problem, code)
            ended = time.perf_counter()
            a, b = statuses(anchor), statuses(fast)
            total = totals[set_name]
            total["programs"] += 1
            total["tests"] += len(a)
            total["per-input s"] += middle - started
            total["one-process s"] += ended - middle
            seconds[set_name].append((middle - started, ended - middle))
            total["passed"] += anchor.passed
            unrun = "unrun" in a or "unrun" in b
            differ = a != b and not (
                unrun
                and anchor.passed == fast.passed
                and [x for x, y in zip(a, b) if "unrun" not in (x, y) and x != y] == []
            )
            total["differ"] += differ
            total["verdicts differ"] += anchor.passed != fast.passed
            total["hang budget"] += unrun
            if differ:
                differences.append((problem.id, variant, a, b))
            rows.append(
                {
                    "set": set_name,
                    "problem": problem.id,
                    "variant": variant,
                    "per_input": a,
                    "one_process": b,
                    "per_input_s": round(middle - started, 4),
                    "one_process_s": round(ended - middle, 4),
                }
            )

    print(
        f"grading paths on {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), "
        f"load average {os.getloadavg()[0]:.1f}, sandbox {args.sandbox}"
    )
    print(
        "| set | programs | passed | tests | differ | verdicts differ | hang budget used | per input (s) | "
        "one process (s) | ratio | median per input (s) | median one process (s) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for set_name, t in totals.items():
        medians = [statistics.median(pair[i] for pair in seconds[set_name]) for i in (0, 1)]
        print(
            f"| {set_name} | {t['programs']:.0f} | {t['passed']:.0f} | {t['tests']:.0f} | {t['differ']:.0f} | "
            f"{t['verdicts differ']:.0f} | {t['hang budget']:.0f} | {t['per-input s']:.1f} | "
            f"{t['one-process s']:.1f} | {t['per-input s'] / max(t['one-process s'], 1e-9):.1f}x | "
            f"{medians[0]:.3f} | {medians[1]:.3f} |"
        )
    for problem_id, variant, a, b in differences[:20]:
        print(f"DIFFER {problem_id} {variant}: per input {a} / one process {b}")
    if args.json:
        args.json.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
