"""The project's own problem format: one JSON object per line holding exactly the ``Problem`` fields.

Validation is strict (unknown fields, wrong types and missing required fields are errors) because a
silently ignored typo in a problem file changes what every benchmark number means. The format is
documented, field by field, in problems/README.md.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any, Iterable

from codeassist_env.problems.errors import field_error
from codeassist_env.problem import (
    MAX_MEMORY_LIMIT_MB,
    MAX_TIME_LIMIT_S,
    NAMED_ENTRY_KINDS,
    TEST_KINDS,
    Problem,
    TestCase,
    TestKind,
)

FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Problem))
REQUIRED_FIELDS: tuple[str, ...] = ("id", "statement", "test_kind", "hidden_tests")
TEST_FIELDS: tuple[str, ...] = ("input", "output")
SPLITS: tuple[str, ...] = ("train", "test")


def is_own_record(record: dict[str, Any]) -> bool:
    return "id" in record


def parse_problem_record(record: dict[str, Any], where: str) -> Problem:
    """Validate one decoded JSON object of the project's format and build its ``Problem``."""
    unknown = sorted(set(record) - set(FIELDS))
    if unknown:
        raise field_error(where, unknown[0], f"unknown field (known fields: {', '.join(FIELDS)})")
    for name in REQUIRED_FIELDS:
        if name not in record:
            raise field_error(where, name, "required field is missing")

    problem_id = _string(record, "id", where, non_empty=True)
    where = f"{where} (problem {problem_id!r})"
    test_kind = record["test_kind"]
    if test_kind not in TEST_KINDS:
        raise field_error(where, "test_kind", f"must be one of {', '.join(TEST_KINDS)}", test_kind)
    entry_point = _optional_string(record, "entry_point", where)
    if test_kind in NAMED_ENTRY_KINDS:
        if not entry_point:
            raise field_error(where, "entry_point", f"required for test_kind {test_kind!r}", entry_point)
    if entry_point is not None and not entry_point.isidentifier():
        raise field_error(where, "entry_point", "must be a Python identifier", entry_point)

    hidden = parse_tests(record["hidden_tests"], test_kind, where, "hidden_tests")
    if not hidden:
        raise field_error(where, "hidden_tests", "needs at least one test", record["hidden_tests"])
    public = parse_tests(record.get("public_tests", []), test_kind, where, "public_tests")

    time_limit = record.get("time_limit_s", 2.0)
    if not _is_number(time_limit) or not math.isfinite(time_limit) or not 0 < time_limit <= MAX_TIME_LIMIT_S:
        raise field_error(
            where,
            "time_limit_s",
            f"must be a positive number of seconds, at most {MAX_TIME_LIMIT_S:g} (the most the sandbox applies)",
            time_limit,
        )
    memory_limit = record.get("memory_limit_mb", 512)
    if not _is_int(memory_limit) or not 0 < memory_limit <= MAX_MEMORY_LIMIT_MB:
        raise field_error(
            where,
            "memory_limit_mb",
            f"must be a positive integer (MiB), at most {MAX_MEMORY_LIMIT_MB} (the most the sandbox applies)",
            memory_limit,
        )
    metadata = record.get("metadata", {})
    if not isinstance(metadata, dict):
        raise field_error(where, "metadata", "must be a JSON object", metadata)
    if "split" in metadata and metadata["split"] not in SPLITS:
        raise field_error(where, "metadata.split", f"must be one of {', '.join(SPLITS)}", metadata["split"])

    return Problem(
        id=problem_id,
        statement=_string(record, "statement", where, non_empty=True),
        test_kind=test_kind,
        hidden_tests=tuple(hidden),
        public_tests=tuple(public),
        starter_code=_string(record, "starter_code", where, default=""),
        reference_solution=_optional_string(record, "reference_solution", where),
        entry_point=entry_point,
        time_limit_s=float(time_limit),
        memory_limit_mb=memory_limit,
        source=_string(record, "source", where, default=""),
        metadata=metadata,
    )


def parse_tests(value: Any, test_kind: str, where: str, field: str) -> list[TestCase]:
    """A list of ``{"input": str, "output": str}`` objects; functional tests must hold JSON
    (one argument per input line, the return value as output)."""
    if not isinstance(value, list):
        raise field_error(where, field, "must be a list of {\"input\", \"output\"} objects", value)
    tests = []
    for index, test in enumerate(value):
        name = f"{field}[{index}]"
        if not isinstance(test, dict):
            raise field_error(where, name, "must be an object with \"input\" and \"output\"", test)
        unknown = sorted(set(test) - set(TEST_FIELDS))
        if unknown:
            raise field_error(where, f"{name}.{unknown[0]}", "unknown field (known fields: input, output)")
        if "input" not in test:
            raise field_error(where, f"{name}.input", "required field is missing")
        if "output" not in test and test_kind != TestKind.ASSERT:
            raise field_error(where, f"{name}.output", f"required for test_kind {test_kind!r}")
        for key in TEST_FIELDS:
            if key in test and not isinstance(test[key], str):
                raise field_error(where, f"{name}.{key}", "must be a string", test[key])
        case = TestCase(input=test["input"], output=test.get("output", ""))
        if test_kind == TestKind.FUNCTIONAL:
            check_functional_json(case, where, name)
        tests.append(case)
    return tests


def check_functional_json(case: TestCase, where: str, name: str) -> None:
    """Functional tests hold one JSON argument per input line (blank lines are ignored, as the sandbox
    reads them) and the expected return value as JSON."""
    for line_no, line in enumerate(case.input.split("\n"), 1):
        if not line.strip():
            continue
        try:
            json.loads(line)
        except json.JSONDecodeError as e:
            raise field_error(
                where, f"{name}.input", f"argument line {line_no} is not a JSON value ({e.msg})", line
            ) from None
    try:
        json.loads(case.output)
    except json.JSONDecodeError as e:
        raise field_error(
            where, f"{name}.output", f"expected return value is not JSON ({e.msg})", case.output
        ) from None


def problem_line(problem: Problem) -> str:
    """One line of the project's format: the problem's fields in ``Problem`` order, UTF-8 text as is."""
    return json.dumps(problem.to_dict(), ensure_ascii=False) + "\n"


def write_problems(path: str | Path, problems: Iterable[Problem]) -> None:
    """Write ``problems`` in the project's format (UTF-8, one object per line)."""
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(problem_line(problem) for problem in problems)


def _string(record: dict[str, Any], name: str, where: str, non_empty: bool = False, default: str | None = None) -> str:
    value = record.get(name, default)
    if not isinstance(value, str):
        raise field_error(where, name, "must be a string", value)
    if non_empty and not value.strip():
        raise field_error(where, name, "must not be empty", value)
    return value


def _optional_string(record: dict[str, Any], name: str, where: str) -> str | None:
    value = record.get(name)
    if value is not None and not isinstance(value, str):
        raise field_error(where, name, "must be a string or null", value)
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
