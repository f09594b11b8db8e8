"""Run untrusted programs against hidden tests: ``open_sandbox`` / ``evaluate``.

``SANDBOX_BACKENDS`` is the registry of backends (``codeassist_env.registry``), the one place that knows
their names: ``docker`` (one warm container per sandbox), ``bwrap`` (bubblewrap, the local default) and
``process`` (resource limits only, not a sandbox; only when asked for by name). ``auto`` tries the
backends of ``AUTO_ORDER`` in turn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from codeassist_env.problem import Problem
from codeassist_env.registry import Registry
from codeassist_env.sandbox.core import RunStatus, Sandbox, SandboxUnavailable, Worker, warn_no_isolation
from codeassist_env.sandbox.local import missing_bwrap_reason, start_bwrap_worker, start_process_worker
from codeassist_env.sandbox.result import TestResult, TestStatus, Verdict

__all__ = [
    "AUTO",
    "AUTO_ORDER",
    "BENCH_BACKEND",
    "DEFAULT_BACKEND",
    "SANDBOX_BACKENDS",
    "RunStatus",
    "Sandbox",
    "SandboxBackend",
    "SandboxUnavailable",
    "TestResult",
    "TestStatus",
    "Verdict",
    "evaluate",
    "open_sandbox",
    "resolve_backend",
]


@dataclass(frozen=True)
class SandboxBackend:
    name: str
    missing: Callable[[], str | None]  # why it cannot run here and how to fix that; None when it can
    starter: Callable[..., Callable[[], Worker]]  # starter(**options) -> how a Sandbox (re)starts its worker
    isolates: bool = True  # False: the program runs as this user (open_sandbox warns)
    help: str = ""


def _docker_missing() -> str | None:
    from codeassist_env.sandbox import docker_backend  # the docker SDK is imported only when asked for

    return docker_backend.missing_reason()


def _docker_starter(**options: Any) -> Callable[[], Worker]:
    from codeassist_env.sandbox import docker_backend

    return docker_backend.worker_starter(**options)


SANDBOX_BACKENDS: Registry[SandboxBackend] = Registry("sandbox backend")
SANDBOX_BACKENDS.register(
    SandboxBackend("docker", _docker_missing, _docker_starter, help="one warm container per sandbox")
)
SANDBOX_BACKENDS.register(
    SandboxBackend("bwrap", missing_bwrap_reason, lambda **_: start_bwrap_worker, help="bubblewrap namespaces")
)
SANDBOX_BACKENDS.register(
    SandboxBackend(
        "process",
        lambda: None,
        lambda **_: start_process_worker,
        isolates=False,
        help="resource limits only, no isolation",
    )
)
AUTO = "auto"  # not a backend: the first of AUTO_ORDER that works here
AUTO_ORDER = ["docker", "bwrap"]  # what AUTO tries, in turn; a plug-in may insert its backend
# The backend when none is named: the environment, the humans that run code, the tools. The benchmark
# names one instead (BENCH_BACKEND, its CLI's default): the backend is part of a run's config, hashed into
# run.json, so a run resumed or merged on another machine runs under the same one; bubblewrap needs no daemon.
DEFAULT_BACKEND = AUTO
BENCH_BACKEND = "bwrap"


def resolve_backend(backend: str = DEFAULT_BACKEND) -> str:
    """The concrete backend ``backend`` stands for here; raises SandboxUnavailable saying what is missing."""
    if backend != AUTO:
        missing = SANDBOX_BACKENDS.lookup(backend)[0].missing()
        if missing is not None:
            raise SandboxUnavailable(f"sandbox backend {backend!r} is unavailable: {missing}")
        return backend
    reasons = []
    for name in AUTO_ORDER:
        missing = SANDBOX_BACKENDS.lookup(name)[0].missing()
        if missing is None:
            return name
        reasons.append(f"{name}: {missing}")
    raise SandboxUnavailable(
        "no sandbox is available: " + "; ".join(reasons) + ". Install one of them, or ask "
        "for backend='process' (no isolation) explicitly."
    )


def open_sandbox(backend: str = DEFAULT_BACKEND, *, trusted_code: bool = False, **options: Any) -> Sandbox:
    """A sandbox with one warm worker; use it as a context manager. ``options`` go to the backend's
    starter (docker: image, memory_mb, cpus, pids). ``trusted_code=True`` (the caller's own programs:
    reference solutions, benchmarks) drops the warning for a backend that isolates nothing."""
    name = resolve_backend(backend)
    entry = SANDBOX_BACKENDS.lookup(name)[0]
    if not entry.isolates and not trusted_code:
        warn_no_isolation(name)
    return Sandbox(name, entry.starter(**options))


def evaluate(problem: Problem, code: str, backend: str = DEFAULT_BACKEND, fail_fast: bool = False) -> Verdict:
    """One-shot: open a sandbox, run ``code`` on the problem's hidden tests, close it."""
    with open_sandbox(backend) as sandbox:
        return sandbox.run(problem, code, fail_fast=fail_fast)
