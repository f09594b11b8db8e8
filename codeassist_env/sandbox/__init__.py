"""Run untrusted programs against hidden tests: ``open_sandbox`` / ``evaluate``.

Backends: ``docker`` (one warm container per sandbox), ``bwrap`` (bubblewrap, the local default),
``process`` (resource limits only, not a sandbox; only when asked for by name) and ``auto``.
"""
from __future__ import annotations

from codeassist_env.problems.model import Problem
from codeassist_env.sandbox.core import BACKENDS, Sandbox, SandboxUnavailable, warn_process_backend
from codeassist_env.sandbox.local import missing_bwrap_reason, start_bwrap_worker, start_process_worker
from codeassist_env.sandbox.result import STATUSES, TestResult, Verdict

__all__ = ["BACKENDS", "STATUSES", "Sandbox", "SandboxUnavailable", "TestResult", "Verdict", "evaluate",
           "open_sandbox", "resolve_backend"]


def resolve_backend(backend: str = "auto") -> str:
    """The concrete backend ``backend`` stands for here; raises SandboxUnavailable saying what is missing."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown sandbox backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if backend == "process":
        return backend
    if backend in ("auto", "docker"):
        from codeassist_env.sandbox import docker_backend

        docker_missing = docker_backend.missing_reason()
        if docker_missing is None:
            return "docker"
        if backend == "docker":
            raise SandboxUnavailable(f"sandbox backend 'docker' is unavailable: {docker_missing}")
    bwrap_missing = missing_bwrap_reason()
    if bwrap_missing is None:
        return "bwrap"
    if backend == "bwrap":
        raise SandboxUnavailable(f"sandbox backend 'bwrap' is unavailable: {bwrap_missing}")
    raise SandboxUnavailable(
        "no sandbox is available: docker: " + str(docker_missing) + "; bwrap: " + bwrap_missing
        + ". Install one of them, or ask for backend='process' (no isolation) explicitly.")


def open_sandbox(backend: str = "auto", *, trusted_code: bool = False, **docker_options: object) -> Sandbox:
    """A sandbox with one warm worker; use it as a context manager. ``docker_options`` go to the docker
    backend (image, memory_mb, cpus, pids). ``trusted_code=True`` (the caller's own programs: reference
    solutions, benchmarks) drops the warning that the ``process`` backend isolates nothing."""
    name = resolve_backend(backend)
    if name == "process":
        if not trusted_code:
            warn_process_backend()
        return Sandbox(name, start_process_worker)
    if name == "bwrap":
        return Sandbox(name, start_bwrap_worker)
    from codeassist_env.sandbox import docker_backend

    return Sandbox(name, docker_backend.worker_starter(**docker_options))


def evaluate(problem: Problem, code: str, backend: str = "auto", fail_fast: bool = False) -> Verdict:
    """One-shot: open a sandbox, run ``code`` on the problem's hidden tests, close it."""
    with open_sandbox(backend) as sandbox:
        return sandbox.run(problem, code, fail_fast=fail_fast)
