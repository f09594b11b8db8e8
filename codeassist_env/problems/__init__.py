"""Coding problems: the ``Problem`` record and loaders for this project's JSONL format, LiveCodeBench
records and the installed HumanEval, by set name or path (format auto-detected).

    load_problems("humaneval")                    # or a bundled set name, or a .jsonl/.json(.gz) path
    load_problems("codeassist-core", split="test")
    get_problem("humaneval", "HumanEval/0")
"""
from __future__ import annotations

from typing import Any

from codeassist_env.problems.errors import ProblemError
from codeassist_env.problems.loading import (PROBLEM_SETS, ProblemSet, default_set, default_split, get_problem,
                                             list_sets, load_problems)
from codeassist_env.problems.model import Problem, TestCase
from codeassist_env.problems.schema import write_problems

__all__ = ["DEFAULT_SET", "PROBLEM_SETS", "Problem", "ProblemError", "ProblemSet", "TestCase", "default_set",
           "default_split", "get_problem", "list_sets", "load_problems", "write_problems"]


def __getattr__(name: str) -> Any:
    # DEFAULT_SET depends on whether the bundled set's file exists, so it is looked up when asked for.
    if name == "DEFAULT_SET":
        return default_set()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
