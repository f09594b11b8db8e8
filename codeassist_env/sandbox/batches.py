"""Every input of a program graded, in as few processes as give the verdicts one process per input gives.

One process answers the inputs in turn, each within its own time limit (call tests: sandbox/inside/relay.py,
as EvalPlus's evaluator runs them; stdin and functional tests: the whole program run again on each input,
sandbox/inside/child.py ``serve_script``), and goes on after an input that raised. An answer is taken as the
verdict of its input when a process of its own would have given the same:

- the program cannot carry state from one input to the next (calls: sandbox/carried_state.py; whole runs:
  sandbox/script_state.py; otherwise every input runs in a process of its own);
- the first input of a process is what a process of its own for it is, with the same limits on its start
  and its answer; only its CPU time is checked against that process's CPU limit (stdin and functional
  tests ask more: ``first_fraction`` of each limit). A first input that did not answer in time has timed
  out: a process of its own, with no more time or CPU, would not have answered either;
- a later input's answer (a value, or an exception other than MemoryError or RecursionError, which depend on
  what the process holds) counts when it came well within that input's limits even with the first input's
  one-off costs added: time and CPU (``ACCEPT_FRACTION`` of each limit).

Any other answer (a time-out, a death, a MemoryError, one near a limit, an output over the cap) starts a new
process at that input, which makes it the first, graded as above; once an input has timed out, though, a
later time-out counts as it is (the verdict has failed, and the hang budget is not spent twice on one
input). A run that ends without its answers (the worker failed) leaves the inputs after it to one process
each. After a time-out the hang budget applies (sandbox/hang_budget.py); it starts at the first time-out in a
shared process too, so that the input then run alone spends its wall limit inside the budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Protocol, Sequence

from codeassist_env.sandbox.hang_budget import HangBudget, unrun
from codeassist_env.sandbox.inside import plain
from codeassist_env.sandbox.limits import STDERR_KEEP
from codeassist_env.sandbox.result import RunStatus, TestResult, TestStatus

ACCEPT_FRACTION = 0.8
# Exceptions whose raising depends on what the process holds (memory, stack): their input runs alone.
_HELD_EXCEPTIONS = ("MemoryError", "RecursionError")
_ANSWERS = ("R", "E", "B")  # a value, an exception, something not plain: the process answers on after each


@dataclass(frozen=True)
class Limits:
    """What a process of its own for one input gets: the time its answer may take, its wall clock (start
    included) and its CPU seconds."""

    answer_s: float
    wall_s: float
    cpu_s: float


class Inputs(Protocol):
    """A program's inputs and how to run and grade them (calls.py, scripts.py)."""

    @property
    def count(self) -> int: ...  # how many inputs

    first_fraction: float  # of its limits, what the first input of a shared process may use

    def limits(self, index: int) -> Limits: ...

    def run(self, start: int, wall_s: float) -> dict[str, Any]:
        """Inputs ``start`` to the last in one process, going on after an input that raised; the worker's
        reply with ``calls`` [kind, text, seconds, cpu seconds] per input answered and ``ready_s``."""

    def alone(self, index: int, wall_s: float) -> TestResult:
        """Input ``index`` in a process of its own, within ``wall_s`` at most."""

    def status_of(self, index: int, answer: Sequence[Any]) -> TestStatus | None:
        """The status an answer gives its input; None where a process of its own might say otherwise."""


def grade_every_input(
    inputs: Inputs, in_one_process: bool, run_wall_s: Callable[[int], float], stop_at_failure: bool = False
) -> list[TestResult]:
    """One TestResult per input, in order (with ``stop_at_failure``, up to the first that did not pass)."""
    results: list[TestResult] = []
    budget = HangBudget()
    while len(results) < inputs.count:
        start = len(results)
        if budget.spent:
            results += unrun(inputs.count - start)
            break
        taken: list[TestResult] = []
        if in_one_process:
            reply = inputs.run(start, budget.cap(run_wall_s(start)))
            if reply.get("status") != RunStatus.OK:
                in_one_process = False  # the run as a whole failed: its inputs one process each from here
                continue
            taken = _accepted(inputs, start, reply, budget.active)
            stopped = reply["calls"][len(taken) : len(taken) + 1]
            if stopped and stopped[0][0] == "T":  # it timed out there: the hang budget starts now, whatever
                budget.after(TestResult(TestStatus.TIME_LIMIT, 0.0), inputs.limits(start + len(taken)).wall_s)
        if not taken:
            taken = [inputs.alone(start, budget.cap(inputs.limits(start).wall_s))]
        for result in taken:
            budget.after(result, inputs.limits(len(results)).wall_s)
            results.append(result)
            if stop_at_failure and result.status != TestStatus.PASSED:
                return results
    return results


def _accepted(inputs: Inputs, start: int, reply: dict[str, Any], after_time_out: bool) -> list[TestResult]:
    """The leading answers of a run that a process per input would have given; [] if not even the first.
    Once an input has timed out (``after_time_out``: the verdict has failed), a later time-out in the run
    counts as it is, not run again alone: the hang budget is spent once per time-out, not twice."""
    stderr = str(reply.get("stderr", ""))[-STDERR_KEEP:]
    calls, ready_s = reply["calls"], float(reply.get("ready_s", 0.0))
    results = []
    first_s, first_cpu = 0.0, 0.0
    for j, answer in enumerate(calls):
        kind, seconds, cpu = answer[0], float(answer[2]), answer[3] if len(answer) > 3 else None
        limits = inputs.limits(start + j)
        if cpu is None:  # no /proc: the whole process's CPU time stands for each input's
            cpu = float(reply.get("cpu_s", 0.0))
        if j == 0:
            if kind == "T":  # given more time than a process of its own, it did not answer: nor would that
                return [TestResult(TestStatus.TIME_LIMIT, seconds, stderr)]
            share = inputs.first_fraction
            if cpu > share * limits.cpu_s or (kind in _ANSWERS and ready_s + seconds > share * limits.wall_s):
                return []  # a process of its own might have been stopped: it runs alone
            first_s, first_cpu = seconds, cpu
        else:
            held = kind == "E" and _exception_name(answer) in _HELD_EXCEPTIONS
            within = (
                first_s + seconds <= ACCEPT_FRACTION * limits.answer_s
                and ready_s + first_s + seconds <= ACCEPT_FRACTION * limits.wall_s
                and first_cpu + cpu <= ACCEPT_FRACTION * limits.cpu_s
            )
            if kind == "T" and after_time_out:
                results.append(TestResult(TestStatus.TIME_LIMIT, seconds, stderr))
                break
            if kind not in _ANSWERS or held or not within:
                break
        status = inputs.status_of(start + j, answer)
        if status is None:
            break
        results.append(TestResult(status, seconds, stderr if status != TestStatus.PASSED else ""))
    return results


def _exception_name(answer: Sequence[Any]) -> str:
    return failure_pair(answer[1])[0]


def failure_pair(text: str) -> tuple[str, str]:
    """The (name, detail) pair the program's process sends about a failure; ("", "") if it is not one."""
    try:
        value = plain.decode(text)
    except plain.NotPlain:
        return "", ""
    return value if type(value) is tuple and len(value) == 2 else ("", "")
