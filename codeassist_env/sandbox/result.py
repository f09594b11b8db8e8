"""Plain records the sandbox returns (building, running and grading pass these, nothing else)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class TestStatus(StrEnum):
    """What one hidden test gave (docs/protocol.md §6.1)."""

    PASSED = "passed"
    WRONG_ANSWER = "wrong_answer"
    TIME_LIMIT = "time_limit"
    MEMORY_LIMIT = "memory_limit"
    RUNTIME_ERROR = "runtime_error"
    SYNTAX_ERROR = "syntax_error"
    INFRA_ERROR = "infra_error"  # the machine failed, not the program: no verdict on it (§6.4)


class RunStatus(StrEnum):
    """How one run of a program ended, as the sandbox worker says it (its reply's ``status``), before
    ``grade`` turns it into a ``TestStatus``. The worker writes these words as plain strings: it runs inside
    the sandbox on any python3 >= 3.8 and imports nothing of this package (tests/test_sandbox_worker_script.py
    holds its words to these)."""

    OK = "ok"
    ERROR = "error"
    TIMEOUT = "timeout"
    MEMORY = "memory"
    SYNTAX_ERROR = "syntax_error"
    OUTPUT_LIMIT = "output_limit"
    INFRA_ERROR = "infra_error"


# A run that did not end "ok" (and was no failed check): the test's status; a word the worker never says
# is the sandbox's failure.
_FAILED_RUN = {
    RunStatus.TIMEOUT: TestStatus.TIME_LIMIT,
    RunStatus.MEMORY: TestStatus.MEMORY_LIMIT,
    RunStatus.SYNTAX_ERROR: TestStatus.SYNTAX_ERROR,
    RunStatus.OUTPUT_LIMIT: TestStatus.RUNTIME_ERROR,
    RunStatus.ERROR: TestStatus.RUNTIME_ERROR,
    RunStatus.INFRA_ERROR: TestStatus.INFRA_ERROR,
}


def failed_run_status(status: Any) -> TestStatus:
    """The test status of a run that did not end "ok", for every kind of test (call tests included). A worker that
    died twice on one test (``Sandbox.request``: status ``error``) is the program's doing, a runtime error: the
    worker is retried once, so a second death on the same program is no accident of the machine."""
    return _FAILED_RUN.get(status, TestStatus.INFRA_ERROR)


@dataclass
class TestResult:
    status: TestStatus  # a TestStatus value given as a string is turned into it
    time_s: float
    stderr: str = ""  # truncated

    def __post_init__(self) -> None:
        self.status = TestStatus(self.status)

    def stderr_tail(self, lines: int = 6) -> list[str]:
        """The last lines of stderr: enough of a failing test's output to see the exception."""
        return self.stderr.strip().splitlines()[-lines:]


@dataclass
class Verdict:
    problem_id: str
    backend: str
    tests: list[TestResult] = field(default_factory=list)
    time_s: float = 0.0

    @property
    def n_total(self) -> int:
        return len(self.tests)

    @property
    def n_passed(self) -> int:
        return sum(t.status == TestStatus.PASSED for t in self.tests)

    @property
    def passed(self) -> bool:
        return self.n_total > 0 and self.n_passed == self.n_total

    @property
    def pass_fraction(self) -> float:
        return self.n_passed / self.n_total if self.n_total else 0.0

    @property
    def infra_error(self) -> bool:
        """A test could not be run: the machine's failure, which says nothing about the program."""
        return any(t.status == TestStatus.INFRA_ERROR for t in self.tests)

    @property
    def status(self) -> TestStatus:
        """Passed, or the first non-passing test's status."""
        for t in self.tests:
            if t.status != TestStatus.PASSED:
                return t.status
        return TestStatus.PASSED if self.tests else TestStatus.INFRA_ERROR

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(passed=self.passed, n_passed=self.n_passed, n_total=self.n_total, status=self.status)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Verdict:
        """The verdict ``to_dict`` wrote (its derived fields, computed again, are ignored)."""
        return cls(d["problem_id"], d["backend"], [TestResult(**t) for t in d.get("tests", ())], d.get("time_s", 0.0))
