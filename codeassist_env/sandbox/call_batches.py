"""Every input of a call test graded, in as few processes as give the verdicts one process per input gives.

One process answers the inputs in turn, each within its own time limit (sandbox/inside/relay.py, as
EvalPlus's evaluator runs them), and goes on after a call that raised. An answer is taken as the verdict of
its input when a process of its own would have given the same:

- the program cannot carry state from one call to the next (sandbox/carried_state.py; otherwise every input
  runs in a process of its own, as before);
- the first input of a process is what a process of its own for it is, with the same limits on its start
  and its call; only its CPU time is checked against that process's CPU limit;
- a later input's answer (a value, or an exception other than MemoryError or RecursionError, which depend on
  what the process holds) counts when it came well within that input's limits even with the first call's
  one-off costs added: time and CPU (``ACCEPT_FRACTION`` of each limit).

Any other answer (a time-out, a death, a MemoryError, one near a limit) starts a new process at that input,
which makes it the first, graded as above; once an input has timed out, though, a later time-out counts as
it is (the verdict has failed, and the hang budget is not spent twice on one input). A run that ends without its answers (the output cap passed over
all inputs, the worker failed) leaves the inputs after it to one process each. After a time-out the hang
budget applies (sandbox/hang_budget.py).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

from codeassist_env.sandbox.hang_budget import HangBudget, unrun
from codeassist_env.sandbox.inside import plain
from codeassist_env.sandbox.limits import STDERR_KEEP
from codeassist_env.sandbox.result import TestResult, TestStatus

ACCEPT_FRACTION = 0.8
# Exceptions whose raising depends on what the process holds (memory, stack): their input runs alone.
_HELD_EXCEPTIONS = ("MemoryError", "RecursionError")
_ANSWERS = ("R", "E", "B")  # a value, an exception, something not plain: the process answers on after each


@dataclass
class CallInputs:
    """A program's call test: its inputs, their limits, and how an answer is graded (calls.py)."""
    sandbox: Any
    code: str
    entry_point: str
    inputs: list[bytes]
    limits: list[float]
    memory_mb: int
    status_of: Any  # (index, [kind, text, ...]) -> TestStatus

    def run(self, start: int, end: int, wall_s: float, keep_going: bool) -> dict[str, Any]:
        return self.sandbox.call(self.code, self.entry_point, self.inputs[start:end], self.limits[start:end],
                                 wall_s, self.memory_mb, keep_going=keep_going,
                                 ready_s=min(wall_s, self.limits[start] + 1.0))


def grade_every_input(test: CallInputs, in_one_process: bool, run_wall_s) -> list[TestResult]:
    """One TestResult per input, in order."""
    results: list[TestResult] = []
    budget = HangBudget()
    count = len(test.inputs)
    while len(results) < count:
        start = len(results)
        if budget.spent:
            results += unrun(count - start)
            break
        taken: list[TestResult] = []
        if in_one_process:
            reply = test.run(start, count, budget.cap(run_wall_s(test.limits[start:])), keep_going=True)
            if reply.get("status") != "ok":
                in_one_process = False  # the run as a whole failed: its inputs one process each from here
                continue
            taken = _accepted(test, start, reply, budget.active)
        if not taken:
            reply = test.run(start, start + 1, budget.cap(test.limits[start] + 1.0), keep_going=False)
            taken = [_alone(test, start, reply)]
        for result in taken:
            budget.after(result, test.limits[len(results)] + 1.0)
            results.append(result)
    return results


def _cpu_limit(limit_s: float) -> int:
    return max(1, math.ceil(limit_s + 1.0))  # what Sandbox.call sets for a process of one input


def _accepted(test: CallInputs, start: int, reply: dict[str, Any], after_time_out: bool) -> list[TestResult]:
    """The leading answers of a run that a process per input would have given; [] if not even the first.
    Once an input has timed out (``after_time_out``: the verdict has failed), a later time-out in the run
    counts as it is, not run again alone: the hang budget is spent once per time-out, not twice."""
    stderr = str(reply.get("stderr", ""))[-STDERR_KEEP:]
    calls, ready_s = reply["calls"], float(reply.get("ready_s", 0.0))
    results = []
    first_s, first_cpu = 0.0, 0.0
    for j, answer in enumerate(calls):
        kind, seconds, cpu = answer[0], float(answer[2]), answer[3] if len(answer) > 3 else None
        limit = test.limits[start + j]
        if cpu is None:  # no /proc: the whole process's CPU time stands for each call's
            cpu = float(reply.get("cpu_s", 0.0))
        if j == 0:
            if cpu > _cpu_limit(limit) or (kind in _ANSWERS and ready_s + seconds > limit + 1.0):
                return []  # a process of its own might have been stopped: it runs alone
            first_s, first_cpu = seconds, cpu
        else:
            held = kind == "E" and _exception_name(answer) in _HELD_EXCEPTIONS
            within = (first_s + seconds <= ACCEPT_FRACTION * limit
                      and ready_s + first_s + seconds <= ACCEPT_FRACTION * (limit + 1.0)
                      and first_cpu + cpu <= ACCEPT_FRACTION * _cpu_limit(limit))
            if kind == "T" and after_time_out:
                status = test.status_of(start + j, answer)
                results.append(TestResult(status, seconds, stderr))
                break
            if kind not in _ANSWERS or held or not within:
                break
        status = test.status_of(start + j, answer)
        results.append(TestResult(status, seconds, stderr if status != TestStatus.PASSED else ""))
    return results


def _alone(test: CallInputs, index: int, reply: dict[str, Any]) -> TestResult:
    """The verdict of a process that ran one input (calls.grade_calls' rules for one input)."""
    stderr = str(reply.get("stderr", ""))[-STDERR_KEEP:]
    if reply.get("status") != "ok":
        status = {"output_limit": "runtime_error", "timeout": "time_limit"}.get(reply.get("status"), "infra_error")
        return TestResult(status, float(reply.get("time_s", 0.0)), stderr)
    if not reply["calls"]:
        return TestResult(TestStatus.TIME_LIMIT, float(reply.get("time_s", 0.0)), stderr)
    answer = reply["calls"][0]
    status = test.status_of(index, answer)
    return TestResult(status, float(answer[2]), stderr if status != TestStatus.PASSED else "")


def _exception_name(answer: Sequence[Any]) -> str:
    return failure_pair(answer[1])[0]


def failure_pair(text: str) -> tuple[str, str]:
    """The (name, detail) pair the program's process sends about a failure; ("", "") if it is not one."""
    try:
        value = plain.decode(text)
    except plain.NotPlain:
        return "", ""
    return value if type(value) is tuple and len(value) == 2 else ("", "")
