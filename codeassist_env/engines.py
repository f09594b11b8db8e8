"""The engines that compute an LM agent's suggestions, by name, and how a served one is recognised: the
``owned_by`` its ``/v1/models`` gives. A leaf module, so that the bench can name engines without importing the
agents."""

from __future__ import annotations

from enum import StrEnum


class Engine(StrEnum):
    TRANSFORMERS = "transformers"  # the local backend
    VLLM = "vllm"
    LLAMA_CPP = "llama.cpp"
    OPENAI_COMPATIBLE = "openai-compatible"  # a served engine this package does not know by name


class OwnedBy(StrEnum):
    """``owned_by`` of a served model, as each server says it."""

    VLLM = "vllm"
    LLAMA_CPP_PYTHON = "me"  # llama-cpp-python's server
    LLAMA_SERVER = "llamacpp"  # llama.cpp's own llama-server


ENGINE_OF_OWNER: dict[str, Engine] = {
    OwnedBy.VLLM: Engine.VLLM,
    OwnedBy.LLAMA_CPP_PYTHON: Engine.LLAMA_CPP,
    OwnedBy.LLAMA_SERVER: Engine.LLAMA_CPP,
}


def served_engine(owned_by: str | None) -> Engine:
    """The engine behind a served model, from its ``owned_by``."""
    return ENGINE_OF_OWNER.get(owned_by or "", Engine.OPENAI_COMPATIBLE)
