#!/usr/bin/env bash
# The GPU paths end to end (benchmarks/gpu_check.py: vLLM scorer, codeassist data/train on the GPU, vllm serve
# with an adapter against the local backend), each check printed as PASS or FAIL, in under 10 minutes.
# Without vLLM or a CUDA GPU it prints SKIP and exits 0 (docs/gpu_training.md).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -c "import vllm" >/dev/null 2>&1; then
    echo "SKIP gpu_check: vLLM is not installed (pip install vllm on a GPU host; docs/gpu_training.md)"
    exit 0
fi
if ! python3 -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" >/dev/null 2>&1; then
    echo "SKIP gpu_check: no CUDA GPU visible to torch"
    exit 0
fi
exec timeout 600 python3 benchmarks/gpu_check.py "$@"
