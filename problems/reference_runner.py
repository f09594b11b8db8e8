"""Run trusted code (the reference and known-wrong solutions of the bundled set) on many inputs and
keep the outputs, which the sandbox's grading API does not return.

It drives the sandbox's own worker (:meth:`Sandbox.execute`), so programs run exactly as they are
graded: the same functional convention (``Solution().<entry_point>(*args)`` or a top-level function,
one JSON argument per input line, the return value as JSON), the same fork per test and limits. The
default backend is ``process``: no isolation, so only for code kept in this repository; pass
``backend="bwrap"`` to run (and time) inside the real sandbox.
"""
from __future__ import annotations

from dataclasses import dataclass

from codeassist_env.problem import Problem
from codeassist_env.sandbox import open_sandbox


@dataclass
class Run:
    status: str  # "ok", "timeout", or "error" (any other failure: exception, exit code, memory)
    output: str  # stdout, or a functional program's return value as JSON
    cpu_s: float
    stderr: str = ""


def run_program(code: str, test_kind: str, entry_point: str | None, inputs: list[str],
                time_limit_s: float = 30.0, backend: str = "process") -> list[Run]:
    """Run ``code`` once per input; past ``time_limit_s`` CPU seconds (or 2x + 1 s wall) is a timeout."""
    limits = Problem(id="reference-run", statement="", test_kind=test_kind, hidden_tests=[],
                     entry_point=entry_point, time_limit_s=time_limit_s)
    with open_sandbox(backend, trusted_code=True) as sandbox:
        return [_run(sandbox.execute(limits, code, text)) for text in inputs]


def _run(reply: dict) -> Run:
    status = reply.get("status")
    status = status if status in ("ok", "timeout") else "error"
    output = reply.get("result") if reply.get("result") is not None else reply.get("stdout") or ""
    cpu_s = float(reply.get("cpu_s", reply.get("time_s", 0.0)))  # a wall-clock timeout reports wall time only
    return Run(status, output, cpu_s, "" if status == "ok" else reply.get("stderr", ""))
