"""Coding problems: the ``Problem`` record and loaders for this project's JSONL format, LiveCodeBench
records and the installed HumanEval, by set name or path (format auto-detected).

    load_problems("humaneval")                    # or a bundled set name, or a .jsonl/.json(.gz) path
    load_problems("codeassist-core", split="test")
    get_problem("humaneval", "HumanEval/0")
"""

from __future__ import annotations

from codeassist_env.problems.errors import ProblemError
from codeassist_env.problems.loading import (
    CORE_SET,
    PROBLEM_SETS,
    ProblemSet,
    default_set,
    default_split,
    get_problem,
    list_sets,
    load_problems,
)
from codeassist_env.problem import Problem, TestCase
from codeassist_env.problems.schema import write_problems

__all__ = [
    "DEFAULT_SET",
    "PROBLEM_SETS",
    "Problem",
    "ProblemError",
    "ProblemSet",
    "TestCase",
    "default_set",
    "default_split",
    "get_problem",
    "list_sets",
    "load_problems",
    "write_problems",
]

DEFAULT_SET = CORE_SET  # what default_set() returns
