"""Plain records the sandbox returns (building, running and grading pass these, nothing else)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STATUSES = ("passed", "wrong_answer", "time_limit", "memory_limit", "runtime_error", "syntax_error", "infra_error")


@dataclass
class TestResult:
    status: str  # one of STATUSES
    time_s: float
    stderr: str = ""  # truncated

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
        return sum(t.status == "passed" for t in self.tests)

    @property
    def passed(self) -> bool:
        return self.n_total > 0 and self.n_passed == self.n_total

    @property
    def pass_fraction(self) -> float:
        return self.n_passed / self.n_total if self.n_total else 0.0

    @property
    def infra_error(self) -> bool:
        return any(t.status == "infra_error" for t in self.tests)

    @property
    def status(self) -> str:
        """'passed', or the first non-passing test's status."""
        for t in self.tests:
            if t.status != "passed":
                return t.status
        return "passed" if self.tests else "infra_error"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(passed=self.passed, n_passed=self.n_passed, n_total=self.n_total, status=self.status)
        return d
