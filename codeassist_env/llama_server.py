"""``python -m codeassist_env.llama_server ARGS``: llama-cpp-python's OpenAI-compatible server (the same
arguments as ``python -m llama_cpp.server``), with llama.cpp's extra weight buffers turned off.

Why: llama.cpp built with its default native CPU flags repacks weights into AMX tiles on CPUs that
report AMX (Intel Sapphire Rapids and later), and those kernels crash on some virtual machines with
such CPUs (a general protection fault in ``libggml-cpu.so`` on the first request). Loading the model
with ``llama_model_params.use_extra_bufts = False`` keeps the weights in ordinary buffers, whatever the
build; the plain AVX kernels are more than fast enough for the small models served here.
llama-cpp-python's server has no setting for it, so this launcher sets it where ``llama_cpp.Llama``
takes its defaults, then runs the library's own server ``main``.
"""
from __future__ import annotations

import sys

EXTRA_BUFFERS_OFF = "codeassist launcher: llama_model_params.use_extra_bufts = False"


def main() -> None:
    import llama_cpp.llama_cpp as lib
    from llama_cpp.server.__main__ import main as serve

    library_defaults = lib.llama_model_default_params

    def defaults_without_extra_buffers():
        params = library_defaults()
        params.use_extra_bufts = False
        return params

    if "use_extra_bufts" not in {name for name, _ in lib.llama_model_params._fields_}:
        sys.exit("codeassist launcher: this llama-cpp-python has no llama_model_params.use_extra_bufts; "
                 "upgrade it: pip install -U 'llama-cpp-python[server]'")
    lib.llama_model_default_params = defaults_without_extra_buffers  # Llama() looks it up on each load
    print(EXTRA_BUFFERS_OFF, file=sys.stderr, flush=True)
    serve()


if __name__ == "__main__":
    main()
