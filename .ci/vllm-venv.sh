#!/usr/bin/env bash
# vLLM for the CPU in its own virtual environment, where `codeassist serve --vllm` finds it: the package's
# own command (codeassist_env/vllm_setup.py says what goes in and why).
# Usage: bash .ci/vllm-venv.sh [DIR]   (default: ${XDG_CACHE_HOME:-~/.cache}/codeassist_env/vllm-venv)
set -euo pipefail
exec "${PYTHON:-python3}" -m codeassist_env.cli setup vllm "$@"
