"""Stdin, functional and assert tests on the host: every test run and graded, the stdin and functional ones
in one process where that gives the statuses one process per test gives (sandbox/batches.py).

On the one-process path the worker runs the whole program again on each input, in a fresh module with fresh
standard input and output (sandbox/inside/child.py ``serve_script``), and a program runs there only when it
cannot carry state from one run to the next (sandbox/script_state.py). Every other test, and every input a
shared process's answer does not settle, runs in a process of its own, under the problem's limits: its CPU
time limit and a wall limit of twice that plus one second (``wall_limit_s``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

from codeassist_env.problem import Problem, TestCase, TestKind
from codeassist_env.sandbox import compare
from codeassist_env.sandbox.batches import ACCEPT_FRACTION, Limits, failure_pair, grade_every_input
from codeassist_env.sandbox.limits import STDERR_KEEP
from codeassist_env.sandbox.result import RunStatus, TestResult, TestStatus, failed_run_status
from codeassist_env.sandbox.script_state import may_carry_state_between_runs

WRONG_ANSWER_ERRORS = ("AssertionError", "BadResult")  # a failed check, a result that is no JSON value
RUN_CAP_S = 60.0  # a shared process's wall time at most; the inputs it leaves unanswered start another


def wall_limit_s(problem: Problem) -> float:
    return 2 * problem.time_limit_s + 1.0


def grade(problem: Problem, test: TestCase, reply: dict[str, Any]) -> TestResult:
    """Turn the worker's answer into a test status; expected outputs are only ever looked at here."""
    time_s = float(reply.get("time_s", 0.0))
    stderr = str(reply.get("stderr", ""))[-STDERR_KEEP:]
    status = reply.get("status")
    if status == RunStatus.OK:
        if problem.test_kind == TestKind.ASSERT:
            ok = True  # check() returned normally
        else:
            output = reply.get("stdout") if problem.test_kind == TestKind.STDIN else reply.get("result")
            ok = compare.output_matches(problem.test_kind, output, test.output)
        return TestResult(TestStatus.PASSED if ok else TestStatus.WRONG_ANSWER, time_s, stderr)
    if status == RunStatus.ERROR and reply.get("error_type") in WRONG_ANSWER_ERRORS:
        return TestResult(TestStatus.WRONG_ANSWER, time_s, stderr)  # a failed check, or a result that is no JSON value
    return TestResult(failed_run_status(status), time_s, stderr)


def run_program_tests(
    sandbox: Any, problem: Problem, code: str, tests: Sequence[TestCase], fail_fast: bool, one_process: bool = True
) -> list[TestResult]:
    """One TestResult per test (with ``fail_fast``, up to the first that did not pass)."""
    inputs = ProgramInputs(sandbox, problem, code, tuple(tests))
    together = (
        one_process
        and problem.test_kind in (TestKind.STDIN, TestKind.FUNCTIONAL)
        and not may_carry_state_between_runs(code)
    )
    return grade_every_input(inputs, together, inputs.run_wall_s, stop_at_failure=fail_fast)


@dataclass
class ProgramInputs:
    """A program's tests for batches.grade_every_input."""

    sandbox: Any
    problem: Problem
    code: str
    tests: tuple[TestCase, ...]
    # A shared process's first input has more time than a process of its own would (its start is not
    # counted), so it too must answer well within the limits to count.
    first_fraction: float = ACCEPT_FRACTION

    @property
    def count(self) -> int:
        return len(self.tests)

    def limits(self, index: int) -> Limits:
        wall = wall_limit_s(self.problem)
        return Limits(wall, wall, max(1, math.ceil(self.problem.time_limit_s)))

    def run_wall_s(self, start: int) -> float:
        return min(RUN_CAP_S, self.limits(start).wall_s * (self.count - start)) + 1.0

    def run(self, start: int, wall_s: float) -> dict[str, Any]:
        wall = self.limits(start).wall_s
        return self.sandbox.call(
            self.code,
            self.problem.entry_point or "",
            [t.input.encode() for t in self.tests[start:]],
            [wall] * (self.count - start),
            wall_s,
            self.problem.memory_limit_mb,
            keep_going=True,
            ready_s=min(wall_s, wall),
            script=self.problem.test_kind.value,
        )

    def alone(self, index: int, wall_s: float) -> TestResult:
        test = self.tests[index]
        return grade(self.problem, test, self.sandbox.execute(self.problem, self.code, test.input, wall_s))

    def status_of(self, index: int, answer: Sequence[Any]) -> TestStatus | None:
        """What a process of its own reports, graded by ``grade`` from the reply that process would have
        sent; None for a process that stopped answering (its input runs alone)."""
        kind, text = answer[0], answer[1]
        if kind == "R":
            reply = {"status": RunStatus.OK, "stdout": text, "result": text}
        elif kind == "E":
            name = failure_pair(text)[0]
            reply = (
                {"status": RunStatus.MEMORY}
                if name == "MemoryError"
                else {"status": RunStatus.ERROR, "error_type": name}
            )
        elif kind == "F":  # the program could not be compiled
            reply = {"status": failure_pair(text)[0]}
        elif kind == "T":
            reply = {"status": RunStatus.TIMEOUT}
        else:
            return None
        return grade(self.problem, self.tests[index], reply).status
