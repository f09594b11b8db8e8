"""The host side: a ``Sandbox`` holds one long-lived worker, sends it one test at a time and grades the answers."""

from __future__ import annotations

import math
import struct
import time
import warnings
from typing import Any, Callable, Protocol, Sequence

from codeassist_env.errors import InputError
from codeassist_env.problem import Problem, TestCase, TestKind
from codeassist_env.sandbox.channel import WorkerDied
from codeassist_env.sandbox.limits import OUTPUT_CAP_BYTES, STDERR_CAP_BYTES
from codeassist_env.sandbox.result import RunStatus, Verdict
from codeassist_env.sandbox.scripts import run_program_tests, wall_limit_s


NPROC_LIMIT = 64  # processes per sandboxed uid: enough for real programs, stops fork bombs
ANSWER_GRACE_S = 10.0  # beyond the wall limit, before a silent worker is declared dead
WRONG_ANSWER_ERRORS = ("AssertionError", "BadResult")  # a failed check, a result that is no JSON value


class SandboxUnavailable(InputError, RuntimeError):
    """The requested backend cannot run here; the message says what is missing and how to install it."""


class Worker(Protocol):
    uid: int  # the host uid the sandboxed processes run as
    pid1: bool  # whether the worker is PID 1 of its own PID namespace

    def request(self, obj: dict[str, Any], timeout: float, attachment: bytes = b"") -> dict[str, Any]: ...

    def close(self) -> None: ...


class Sandbox:
    """One warm worker. Used by one thread at a time; open one per thread."""

    def __init__(self, backend: str, start_worker: Callable[[], Worker], output_cap: int = OUTPUT_CAP_BYTES):
        self.backend = backend
        self._start_worker = start_worker
        self.output_cap = output_cap
        self.restarts = 0  # worker restarts after a death mid-test
        try:
            self._worker: Worker | None = start_worker()
        except WorkerDied as e:
            raise SandboxUnavailable(f"sandbox backend {backend!r} could not start its worker: {e}") from None

    @property
    def worker(self) -> Worker | None:
        return self._worker

    def run(
        self,
        problem: Problem,
        code: str,
        fail_fast: bool = False,
        tests: Sequence[TestCase] | None = None,
        one_process: bool = True,
    ) -> Verdict:
        """Run ``code`` on each test (default: the problem's hidden tests) and grade it. Call, stdin and
        functional tests run in one process where that gives the verdicts of one process per input
        (sandbox/batches.py); with ``one_process=False`` always one per input (the anchor benchmarks compare
        against). A program that hangs is stopped early (sandbox/hang_budget.py)."""
        started = time.monotonic()
        verdict = Verdict(problem_id=problem.id, backend=self.backend)
        tests = problem.hidden_tests if tests is None else tests
        if problem.test_kind == TestKind.CALL:
            from codeassist_env.sandbox.calls import run_call_tests  # numpy, only for problems that need it

            verdict.tests.extend(run_call_tests(self, problem, code, tests, fail_fast, one_process))
        else:
            verdict.tests.extend(run_program_tests(self, problem, code, tests, fail_fast, one_process))
        verdict.time_s = time.monotonic() - started
        return verdict

    def execute(self, problem: Problem, code: str, test_input: str, wall_s: float | None = None) -> dict[str, Any]:
        """Run ``code`` on one input under the problem's limits (its wall limit, or ``wall_s`` if less) and
        return the worker's reply, ungraded: ``status`` ("ok", "timeout", "memory", "error", ...),
        ``stdout``/``result``, ``stderr``, ``time_s``, ``cpu_s``. The problem-set build uses it to produce
        expected outputs."""
        request: dict[str, Any] = {
            "code": code,
            "kind": problem.test_kind,
            "input": test_input,
            "entry_point": problem.entry_point,
            "cpu_s": max(1, math.ceil(problem.time_limit_s)),
            "wall_s": wall_limit_s(problem) if wall_s is None else min(wall_s, wall_limit_s(problem)),
            "memory_mb": problem.memory_limit_mb,
            "output_cap": self.output_cap,
            "stderr_cap": STDERR_CAP_BYTES,
        }
        attachment = b""
        if problem.test_kind == TestKind.ASSERT:  # sent apart, so the worker reads it only after starting the program
            attachment = request.pop("input").encode()
            request["check_bytes"] = len(attachment)
        return self.request(request, attachment)

    def call(
        self,
        code: str,
        entry_point: str,
        calls: Sequence[bytes],
        limits_s: Sequence[float],
        wall_s: float,
        memory_mb: int,
        keep_going: bool = False,
        ready_s: float | None = None,
        script: str | None = None,
    ) -> dict[str, Any]:
        """Run ``code``'s function ``entry_point`` on each call (plain-data ``(args, kwargs)``,
        sandbox/inside/plain.py) in one process, each within its time limit and all within ``wall_s``, the
        program's start within ``ready_s`` (default ``wall_s``); the worker's reply, ungraded: ``calls``
        holds [kind, text, seconds, cpu seconds] per call answered, ``ready_s`` and ``cpu_s`` the start's
        time and the process's CPU time (sandbox/inside/relay.py). It stops at the first call that raises
        or returns no plain data, unless ``keep_going``: then only where the process can answer no more.
        With ``script`` ("stdin" or "functional"), each call is an input on which the whole program runs
        again (sandbox/scripts.py)."""
        attachment = b"".join(struct.pack(">I", len(c)) + c for c in calls)
        request = {
            "code": code,
            "kind": "call",
            "entry_point": entry_point,
            "limits": list(limits_s),
            "cpu_s": max(1, math.ceil(wall_s)),
            "wall_s": wall_s,
            "memory_mb": memory_mb,
            "output_cap": self.output_cap,
            "stderr_cap": STDERR_CAP_BYTES,
            "calls_bytes": len(attachment),
            "keep_going": keep_going,
            "ready_s": wall_s if ready_s is None else ready_s,
        }
        if script is not None:
            request["script"] = script
        return self.request(request, attachment)

    def request(self, request: dict[str, Any], attachment: bytes = b"") -> dict[str, Any]:
        """Send one request to the worker (restarting it if it died) and return its reply."""
        timeout = request["wall_s"] + ANSWER_GRACE_S
        deaths = []
        for _ in range(2):  # a worker death is retried once; twice on the same test is the program's doing
            if self._worker is None:
                try:
                    self._worker = self._start_worker()
                except (WorkerDied, SandboxUnavailable, OSError) as e:
                    return {
                        "status": RunStatus.INFRA_ERROR,
                        "time_s": 0.0,
                        "stderr": f"could not restart the sandbox worker: {e}",
                    }
                self.restarts += 1
            request["nproc"] = NPROC_LIMIT if self._worker.pid1 else None
            try:
                return self._worker.request(request, timeout, attachment)
            except WorkerDied as e:
                deaths.append(str(e))
                self._discard_worker()
        return {
            "status": RunStatus.ERROR,
            "error_type": "WorkerDied",
            "time_s": timeout,
            "stderr": f"the sandbox worker died twice on this test: {deaths}",
        }

    def _discard_worker(self) -> None:
        if self._worker is not None:
            try:
                self._worker.close()
            finally:
                self._worker = None

    def close(self) -> None:
        self._discard_worker()

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def warn_no_isolation(backend: str) -> None:
    warnings.warn(
        f"sandbox backend {backend!r} is NOT a sandbox: the program runs as this user with full access "
        "to this machine; only resource limits apply",
        RuntimeWarning,
        stacklevel=3,
    )
