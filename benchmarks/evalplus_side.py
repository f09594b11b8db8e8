"""EvalPlus's own evaluator on EvalPlus's release files, program by program, for side-by-side runs with ours
(benchmarks/evalplus_agreement.py, benchmarks/bench_evalplus.py, tests/test_evalplus_agreement.py); and
mutants of the canonical solutions, the wrong programs both are tried on.

Needs ``pip install --no-deps evalplus==0.3.1 wget appdirs tempdir`` (plus numpy and psutil). Expected outputs
come from ``evalplus.gen.util.trusted_exec`` and verdicts from ``evalplus.eval.untrusted_check`` on the base
then the plus inputs, as ``evalplus.evaluate`` does (``get_groundtruth``, ``check_correctness``, fast check).
"""

from __future__ import annotations

import ast
import gzip
import json
import sys
import types
from dataclasses import dataclass
from typing import Any, Iterator

from codeassist_env.package_data import data_path

DATA = data_path("evalplus")  # the package's copies of EvalPlus's releases
SETS = {
    "humanevalplus": "HumanEvalPlus.jsonl.gz",
    "humanevalplus-mini": "HumanEvalPlus-Mini.jsonl.gz",
    "mbppplus": "MbppPlus.jsonl.gz",
}


def _import_evalplus_data() -> Any:
    """``evalplus.data.mbpp`` (for its input decoding); the package's __init__ imports ``datasets`` for
    EvalPerf alone, which the evaluator never uses, so a missing one is stood in for by an empty module."""
    stood_in = False
    if "datasets" not in sys.modules:
        try:
            import datasets  # noqa: F401
        except ImportError:
            stand_in = types.ModuleType("datasets")
            stand_in.load_dataset = None  # only EvalPerf's loader calls it
            sys.modules["datasets"] = stand_in
            stood_in = True
    try:
        from evalplus.data import mbpp
    finally:
        if stood_in:  # others (transformers) look for the real package: an empty module would confuse them
            del sys.modules["datasets"]
    return mbpp


def read_tasks(set_name: str) -> dict[str, dict[str, Any]]:
    """EvalPlus's tasks as its loader hands them to the evaluator (MBPP+ inputs decoded)."""
    with gzip.open(DATA / SETS[set_name], "rt", encoding="utf-8") as f:
        tasks = {t["task_id"]: t for t in map(json.loads, f)}
    if set_name == "mbppplus":
        mbpp = _import_evalplus_data()
        for task_id, task in tasks.items():
            task["base_input"] = mbpp.mbpp_deserialize_inputs(task_id, task["base_input"])
            task["plus_input"] = mbpp.mbpp_deserialize_inputs(task_id, task["plus_input"])
    return tasks


def dataset(set_name: str) -> str:
    return "mbpp" if set_name == "mbppplus" else "humaneval"


@dataclass
class EvalPlusJudge:
    """EvalPlus's evaluator for one set: expected outputs computed once per task, on first use."""

    set_name: str

    def __post_init__(self) -> None:
        from evalplus.eval._special_oracle import MBPP_OUTPUT_NOT_NONE_TASKS

        self.tasks = read_tasks(self.set_name)
        self.not_none = MBPP_OUTPUT_NOT_NONE_TASKS if self.set_name == "mbppplus" else []
        self.truth: dict[str, dict[str, Any]] = {}

    def expected(self, task_id: str) -> dict[str, Any]:
        from evalplus.gen.util import trusted_exec

        if task_id not in self.truth:
            task = self.tasks[task_id]
            code = task["prompt"] + task["canonical_solution"]
            oracle = {}
            for part in ("base", "plus"):
                oracle[part], oracle[f"{part}_time"] = trusted_exec(
                    code,
                    task[f"{part}_input"],
                    task["entry_point"],
                    record_time=True,
                    output_not_none=task["entry_point"] in self.not_none,
                )
            self.truth[task_id] = oracle
        return self.truth[task_id]

    def passes(self, task_id: str, program: str) -> bool:
        """EvalPlus's verdict: base and plus both PASS."""
        from evalplus.eval import PASS, untrusted_check

        task, oracle = self.tasks[task_id], self.expected(task_id)
        for part in ("base", "plus"):
            status, _ = untrusted_check(
                dataset(self.set_name),
                program,
                task[f"{part}_input"],
                task["entry_point"],
                expected=oracle[part],
                atol=task["atol"],
                ref_time=oracle[f"{part}_time"],
                fast_check=True,
            )
            if status != PASS:
                return False
        return True


class _Mutator(ast.NodeTransformer):
    """Changes the ``target``-th mutable spot of a tree (counted in walk order), one spot per mutant."""

    SWAPS = {
        ast.Lt: ast.LtE,
        ast.LtE: ast.Lt,
        ast.Gt: ast.GtE,
        ast.GtE: ast.Gt,
        ast.Eq: ast.NotEq,
        ast.NotEq: ast.Eq,
        ast.Add: ast.Sub,
        ast.Sub: ast.Add,
        ast.Mult: ast.Add,
        ast.FloorDiv: ast.Mult,
        ast.Mod: ast.FloorDiv,
        ast.And: ast.Or,
        ast.Or: ast.And,
    }

    def __init__(self, target: int):
        self.target, self.seen = target, 0

    def _hit(self) -> bool:
        self.seen += 1
        return self.seen - 1 == self.target

    def _swap(self, op: ast.AST) -> ast.AST:
        kind = self.SWAPS.get(type(op))
        return kind() if kind is not None and self._hit() else op

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        node.ops = [self._swap(op) for op in node.ops]
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        node.op = self._swap(node.op)
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        node.op = self._swap(node.op)
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if type(node.value) is int and self._hit():
            return ast.copy_location(ast.Constant(node.value + 1), node)
        return node


def mutants(program: str, limit: int) -> Iterator[str]:
    """Up to ``limit`` programs, each ``program`` with one operator or integer constant changed (spread over
    its spots), distinct from it and from each other."""
    try:
        spots = _Mutator(-1)
        spots.visit(ast.parse(program))
    except SyntaxError:
        return
    seen = {ast.unparse(ast.parse(program))}
    made = 0
    for target in range(0, spots.seen, max(1, spots.seen // max(1, limit))):
        text = ast.unparse(ast.fix_missing_locations(_Mutator(target).visit(ast.parse(program))))
        if text not in seen:
            seen.add(text)
            made += 1
            yield text
        if made >= limit:
            return
