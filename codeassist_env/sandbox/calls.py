"""Call tests (EvalPlus's HumanEval+ and MBPP+) on the host: send the inputs, grade the answers.

The program's process answers calls with plain data (sandbox/inside/relay.py); expected outputs never leave the
host, which compares each answer by EvalPlus's rules (its evaluator, ``evalplus.eval.unsafe_execute``):

- equal with ``==``, or else, where the task has a float tolerance, the same type (and length, for a list
  or tuple) and ``numpy.allclose(out, expected, rtol=1e-7, atol=atol)``;
- a task whose ``atol`` is 0 gets 1e-6 from the first expected value that is a float (or a non-empty list
  or tuple of floats) on, for the rest of its inputs, as EvalPlus's loop does;
- the special oracles of a few tasks (``EvalPlusRules.matches``).

Fast mode (``fail_fast``): all inputs in one process, in order, stopping at the first failure, as EvalPlus's
fast check does. Otherwise every input is graded, in one process where that gives the verdicts a process per
input gives, else in a process of its own (sandbox/batches.py). Time limits come from the problem's
metadata: EvalPlus's max(1 s, 4 x the canonical solution's time) per input, and min(60 s, their sum) + 1 s
for a whole run.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from codeassist_env.problem import Problem, TestCase
from codeassist_env.sandbox.batches import Limits, failure_pair, grade_every_input
from codeassist_env.sandbox.carried_state import may_carry_state
from codeassist_env.sandbox.inside import plain
from codeassist_env.sandbox.limits import STDERR_KEEP
from codeassist_env.sandbox.result import RunStatus, TestResult, TestStatus, failed_run_status

RUN_CAP_S = 60.0  # EvalPlus's default per-task timeout (EVALPLUS_TIMEOUT_PER_TASK)
DEFAULT_FLOAT_ATOL = 1e-6
# MBPP+ tasks compared as sets, or only on whether the answer is None (EvalPlus's _special_oracle.py).
MBPP_SET_EQUAL = frozenset(
    {
        "similar_elements",
        "find_char_long",
        "common_in_nested_lists",
        "extract_singly",
        "larg_nnum",
        "intersection_array",
        "find_dissimilar",
        "Diff",
    }
)
MBPP_NOT_NONE = frozenset({"check_str", "text_match_three", "text_starta_endb"})
_FAILED_CALL = {
    "E": TestStatus.RUNTIME_ERROR,
    "B": TestStatus.WRONG_ANSWER,
    "T": TestStatus.TIME_LIMIT,
    "X": TestStatus.RUNTIME_ERROR,
    "G": TestStatus.RUNTIME_ERROR,
}
_FAILED_START = {"syntax_error": TestStatus.SYNTAX_ERROR, "memory": TestStatus.MEMORY_LIMIT}


def is_floats(value: Any) -> bool:
    """EvalPlus's test for a float answer: a float, or a non-empty list or tuple of floats only."""
    if isinstance(value, float):
        return True
    return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(v, float) for v in value)


def pyramid_surface_area(base_edge: float, height: float) -> int:
    """Mbpp/581's oracle: base plus four faces whose slant height is measured from the base's edge."""
    slant = math.sqrt((base_edge / 2) ** 2 + height**2)
    return round(base_edge**2 + 2 * base_edge * slant)


def padded_digit_distance(a: int, b: int) -> int:
    """Mbpp/558's oracle: the numbers padded with zeros to one length, then digit by digit."""
    left, right = str(a), str(b)
    width = max(len(left), len(right))
    return sum(abs(int(x) - int(y)) for x, y in zip(left.zfill(width), right.zfill(width)))


def polynomial(coefficients: Sequence[float], x: float) -> float:
    """HumanEval/32's oracle: the polynomial at x, by powers of x as the task's own ``poly`` does."""
    return sum(c * math.pow(x, i) for i, c in enumerate(coefficients))


@dataclass(frozen=True)
class EvalPlusRules:
    dataset: str  # "humaneval" or "mbpp": which special oracles apply
    entry_point: str
    atol: float

    def matches(self, out: Any, expected: Any, args: Sequence[Any], atol: float) -> bool:
        """Whether ``out`` passes where ``expected`` was wanted; ``atol`` is the tolerance in force."""
        try:
            return self._matches(out, expected, args, atol)
        except Exception:  # a comparison that raises fails the input, as EvalPlus's assertions do
            return False

    def _matches(self, out: Any, expected: Any, args: Sequence[Any], atol: float) -> bool:
        exact = out == expected
        if self.dataset == "humaneval" and self.entry_point == "find_zero":
            (coefficients,) = args  # find_zero(xs): another count of arguments raises, failing the input
            return abs(polynomial(coefficients, out)) <= atol
        if self.dataset == "mbpp":
            exact = self._mbpp_oracle(exact, out, expected, args)
        if not exact and atol != 0:
            if type(out) is not type(expected):
                return False
            if isinstance(expected, (list, tuple)) and len(out) != len(expected):
                return False
            return bool(np.allclose(out, expected, rtol=1e-7, atol=atol))
        return bool(exact)

    def _mbpp_oracle(self, exact: Any, out: Any, expected: Any, args: Sequence[Any]) -> Any:
        name = self.entry_point
        if name == "are_equivalent":  # Mbpp/164: any answer goes
            return True
        if name == "sum_div":
            return exact or out == 0
        if name == "surface_Area":
            return exact or abs(out - pyramid_surface_area(*args)) <= self.atol
        if name == "digit_distance_nums":
            return exact or out == padded_digit_distance(*args)
        if name in MBPP_SET_EQUAL:
            return set(out) == set(expected)
        if name in MBPP_NOT_NONE:  # the program's process turned the answer into "is not None" (or kept a bool)
            return out == expected
        return exact


def rules_of(problem: Problem) -> EvalPlusRules:
    meta = problem.metadata["evalplus"]
    return EvalPlusRules(meta["dataset"], problem.entry_point or "", float(meta["atol"]))


@functools.lru_cache(maxsize=16)
def decoded(tests: tuple[TestCase, ...], atol: float) -> tuple[list[Any], list[Any], list[float]]:
    """(arguments, expected values, tolerance in force) per test, decoded once per test tuple."""
    args = [plain.decode(t.input)[0] for t in tests]
    expected = [plain.decode(t.output) for t in tests]
    tolerances, tolerance = [], atol
    for value in expected:
        if tolerance == 0 and is_floats(value):
            tolerance = DEFAULT_FLOAT_ATOL  # from here on, as EvalPlus's loop keeps it
        tolerances.append(tolerance)
    return args, expected, tolerances


def time_limits(problem: Problem, tests: Sequence[TestCase]) -> list[float]:
    """Each test's limit: from the metadata for the problem's own hidden or public tests, else the problem's."""
    meta = problem.metadata["evalplus"]
    if tests is problem.hidden_tests:
        return list(meta["hidden_limits_s"])
    if tests is problem.public_tests:
        return list(meta["public_limits_s"])
    return [problem.time_limit_s] * len(tests)


def run_call_tests(
    sandbox: Any, problem: Problem, code: str, tests: Sequence[TestCase], fail_fast: bool, one_process: bool = True
) -> list[TestResult]:
    tests = tuple(tests)
    if not tests:
        return []
    rules = rules_of(problem)
    args, expected, tolerances = decoded(tests, rules.atol)
    limits = time_limits(problem, tests)
    program = code
    code, entry_point = with_answer_adapter(code, rules)
    if fail_fast:
        reply = sandbox.call(
            code, entry_point, [t.input.encode() for t in tests], limits, run_wall_s(limits), problem.memory_limit_mb
        )
        return grade_calls(reply, rules, args, expected, tolerances)
    every = CallInputs(
        sandbox,
        code,
        entry_point,
        [t.input.encode() for t in tests],
        limits,
        problem.memory_limit_mb,
        rules,
        args,
        expected,
        tolerances,
    )
    return grade_every_input(
        every, one_process and not may_carry_state(program), lambda start: run_wall_s(limits[start:])
    )


@dataclass
class CallInputs:
    """A program's call test for batches.grade_every_input: one process of its own for an input gets the
    input's time limit for the call, one second more for its start, and that wall time in CPU seconds."""

    sandbox: Any
    code: str
    entry_point: str
    inputs: list[bytes]
    time_limits: list[float]
    memory_mb: int
    rules: EvalPlusRules
    args: list[Any]
    expected: list[Any]
    tolerances: list[float]
    first_fraction: float = 1.0

    @property
    def count(self) -> int:
        return len(self.inputs)

    def limits(self, index: int) -> Limits:
        limit = self.time_limits[index]
        return Limits(limit, limit + 1.0, max(1, math.ceil(limit + 1.0)))

    def run(self, start: int, wall_s: float) -> dict[str, Any]:
        return self._call(start, len(self.inputs), wall_s, keep_going=True)

    def alone(self, index: int, wall_s: float) -> TestResult:
        reply = self._call(index, index + 1, wall_s, keep_going=False)
        stderr = str(reply.get("stderr", ""))[-STDERR_KEEP:]
        if reply.get("status") != RunStatus.OK:
            return TestResult(failed_run_status(reply.get("status")), float(reply.get("time_s", 0.0)), stderr)
        if not reply["calls"]:
            return TestResult(TestStatus.TIME_LIMIT, float(reply.get("time_s", 0.0)), stderr)
        answer = reply["calls"][0]
        status = self.status_of(index, answer)
        return TestResult(status, float(answer[2]), stderr if status != TestStatus.PASSED else "")

    def status_of(self, index: int, answer: Sequence[Any]) -> TestStatus:
        return _call_status(
            answer[0], answer[1], self.rules, self.args[index], self.expected[index], self.tolerances[index]
        )

    def _call(self, start: int, end: int, wall_s: float, keep_going: bool) -> dict[str, Any]:
        return self.sandbox.call(
            self.code,
            self.entry_point,
            self.inputs[start:end],
            self.time_limits[start:end],
            wall_s,
            self.memory_mb,
            keep_going=keep_going,
            ready_s=min(wall_s, self.time_limits[start] + 1.0),
        )


def run_wall_s(limits: Sequence[float]) -> float:
    return min(RUN_CAP_S, sum(limits)) + 1.0


ANSWER_ADAPTER = "__codeassist_answer"


def with_answer_adapter(code: str, rules: EvalPlusRules) -> tuple[str, str]:
    """(program, function to call): the entry point behind a function appended to the program that hands
    on its answer as plain data where EvalPlus would have compared the object itself. A Counter,
    OrderedDict or defaultdict (Mbpp/88's canonical answer) becomes the dict it equals; for the MBPP+ tasks
    judged on whether the answer is None (their answers are ``re.Match`` objects) it becomes ``answer is
    not None``, a bool staying itself, as EvalPlus compares a bool."""
    judged_on_none = rules.dataset == "mbpp" and rules.entry_point in MBPP_NOT_NONE
    last = (
        "answer if isinstance(answer, bool) else answer is not None"
        if judged_on_none
        else "dict(answer) if type(answer) in (Counter, OrderedDict, defaultdict) else answer"
    )
    return (
        f"{code}\n\ndef {ANSWER_ADAPTER}(*args, **kwargs):\n"
        f"    from collections import Counter, OrderedDict, defaultdict\n"
        f"    answer = {rules.entry_point}(*args, **kwargs)\n"
        f"    return {last}\n"
    ), ANSWER_ADAPTER


def grade_calls(
    reply: dict[str, Any],
    rules: EvalPlusRules,
    args: Sequence[Any],
    expected: Sequence[Any],
    tolerances: Sequence[float],
) -> list[TestResult]:
    """One TestResult per input answered; a failure ends the list (the inputs after it did not run, or
    ran after a wrong answer and do not count, as in EvalPlus's fast check)."""
    stderr = str(reply.get("stderr", ""))[-STDERR_KEEP:]
    if reply.get("status") != RunStatus.OK:
        return [TestResult(failed_run_status(reply.get("status")), float(reply.get("time_s", 0.0)), stderr)]
    results = []
    for i, (kind, text, seconds, *_) in enumerate(reply["calls"]):
        status = _call_status(kind, text, rules, args[i], expected[i], tolerances[i])
        results.append(TestResult(status, float(seconds), stderr if status != TestStatus.PASSED else ""))
        if status != TestStatus.PASSED:
            return results
    if len(results) < len(expected):  # the run's wall limit passed before every input was answered
        results.append(TestResult(TestStatus.TIME_LIMIT, float(reply.get("time_s", 0.0)), stderr))
    return results


def _call_status(kind: str, text: str, rules: EvalPlusRules, args: Any, expected: Any, atol: float) -> TestStatus:
    if kind == "R":
        try:
            out = plain.decode(text)
        except plain.NotPlain:
            return TestStatus.WRONG_ANSWER
        return TestStatus.PASSED if rules.matches(out, expected, args, atol) else TestStatus.WRONG_ANSWER
    if kind == "E":  # (exception type, message)
        return TestStatus.MEMORY_LIMIT if failure_pair(text)[0] == "MemoryError" else TestStatus.RUNTIME_ERROR
    if kind == "F":  # (status, exception type)
        return _FAILED_START.get(failure_pair(text)[0], TestStatus.RUNTIME_ERROR)
    return _FAILED_CALL.get(kind, TestStatus.RUNTIME_ERROR)
