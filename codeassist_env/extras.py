"""Which of the package's extras (setup.cfg ``extras_require``) brings a module that is not installed, so
that a command needing it says the fix in one line instead of Python's "No module named ...".

vLLM is not an extra of this environment: it lives in one of its own (``codeassist setup vllm``)."""

from __future__ import annotations

EXTRA_OF_MODULE = {
    **dict.fromkeys(("torch", "transformers", "peft", "accelerate", "gguf", "safetensors"), "train"),
    "llama_cpp": "local",
    **dict.fromkeys(
        ("markdown", "starlette", "uvicorn"), "study"
    ),  # uvicorn: the local server's too (llama_cpp_server.py)
    "docker": "docker",
    "ray": "ray",
}


def missing_extra(module: str | None) -> str | None:
    """One line naming the extra that installs ``module`` (a dotted name is taken by its top package), or
    None for a module no extra brings."""
    top = (module or "").partition(".")[0]
    if top == "vllm":
        return "needs vLLM, in an environment of its own: run `codeassist setup vllm` (docs/vllm.md)"
    extra = EXTRA_OF_MODULE.get(top)
    return needs_extra(extra, top) if extra else None


def needs_extra(extra: str, module: str) -> str:
    return f"needs the {extra} extra: pip install 'codeassist_env[{extra}]' ({module} is not installed)"
