"""Comparing a program's output with the expected one, on the host (expected outputs never enter the sandbox)."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from codeassist_env.problem import TestKind

FLOAT_TOLERANCE = 1e-6  # absolute or relative
# Only plain decimal numbers count as floats: Python's float() also accepts "1_000", "nan", "infinity".
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\Z")


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=FLOAT_TOLERANCE, abs_tol=FLOAT_TOLERANCE)


def tokens_match(actual: str, expected: str) -> bool:
    """stdin/stdout problems: whitespace-separated tokens equal, numbers within tolerance."""
    got, want = actual.split(), expected.split()
    if len(got) != len(want):
        return False
    for g, w in zip(got, want):
        if g == w:
            continue
        if not (_NUMBER.match(g) and _NUMBER.match(w) and _close(float(g), float(w))):
            return False
    return True


def values_match(actual: Any, expected: Any) -> bool:
    """Functional problems: equal JSON values (tuples already arrive as lists), floats within tolerance."""
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    if isinstance(actual, (int, float)) and isinstance(expected, (int, float)):
        if actual == expected:
            return True
        try:
            return _close(float(actual), float(expected))
        except OverflowError:  # an int too large for a float is near no float answer
            return False
    if isinstance(actual, list) and isinstance(expected, list):
        return len(actual) == len(expected) and all(map(values_match, actual, expected))
    if isinstance(actual, dict) and isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(values_match(actual[k], expected[k]) for k in actual)
    return actual == expected


def json_output_match(actual_json: str | None, expected_text: str) -> bool:
    """Compare the JSON the program returned with the expected output text of a functional test."""
    if actual_json is None:
        return False
    actual = json.loads(actual_json)
    try:
        expected = json.loads(expected_text)
    except ValueError:
        # Not JSON (hand-written fixtures sometimes hold a bare word): compare the text itself.
        return isinstance(actual, str) and actual.strip() == expected_text.strip()
    return values_match(actual, expected)


def output_matches(kind: str, output: str | None, expected: str) -> bool:
    """A stdin test's standard output, or a functional test's result as JSON, against the expected one."""
    if kind == TestKind.STDIN:
        return tokens_match(output or "", expected)
    return json_output_match(output, expected)
