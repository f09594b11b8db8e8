"""The budget that stops grading a program that hangs (docs/protocol.md §6.1).

Until an input of a program times out, every input runs within its own limits. After the first time-out (in
a process of its own or in one shared by many inputs), the inputs after it share ``HANG_BUDGET_WALL_LIMITS``
more wall limits of that input, in all: each still runs within its own limits, and also within what is left
of the budget; the inputs that have not answered when the budget is spent count as ``time_limit`` without
running. A program that hangs on every one of 25 inputs
is graded in about 1 + 2 wall limits instead of 25. The verdict is unchanged (it had already failed); the pass
fraction can be lower than a run of every input would give, only for a program that timed out, and only by
the inputs the budget left unrun.
"""

from __future__ import annotations

import time

from codeassist_env.sandbox.result import TestResult, TestStatus

HANG_BUDGET_WALL_LIMITS = 2
NOT_RUN = "not run: an earlier input timed out and the time this program may still take was spent"


class HangBudget:
    def __init__(self) -> None:
        self._until: float | None = None  # monotonic deadline once an input has timed out

    @property
    def active(self) -> bool:
        return self._until is not None

    def after(self, result: TestResult, wall_limit_s: float) -> None:
        """Start the budget at the first time-out (``wall_limit_s``: that input's wall limit)."""
        if self._until is None and result.status == TestStatus.TIME_LIMIT:
            self._until = time.monotonic() + HANG_BUDGET_WALL_LIMITS * wall_limit_s

    def left_s(self) -> float | None:
        """Seconds the inputs may still take, None before any time-out; never below 0."""
        return None if self._until is None else max(0.0, self._until - time.monotonic())

    def cap(self, wall_s: float) -> float:
        left = self.left_s()
        return wall_s if left is None else min(wall_s, left)

    @property
    def spent(self) -> bool:
        left = self.left_s()
        return left is not None and left <= 0.05  # too little to start a process in


def unrun(count: int) -> list[TestResult]:
    return [TestResult(TestStatus.TIME_LIMIT, 0.0, NOT_RUN) for _ in range(count)]
