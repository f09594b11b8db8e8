#!/usr/bin/env bash
# The full offline experiment behind docs/results.md: the main job's five assistants on all 30 problems
# of the bundled test split and the 164 HumanEval problems, 50 rounds of K_H = 10, the expert programmer
# with miss_rate 0 and 0.2, the programmer calibrated on real decisions (expert-real, docs/realism.md)
# with miss_rate 0 and 0.2 on the 30, and the HumanEval experiment again under HumanEval+-Mini's hidden
# tests and under the full HumanEval+ with expert and expert-real (EvalPlus's release files, shipped, or
# found through CODEASSIST_EVALPLUS_DIR); one seed. Resumable:
# rerun the same command after an interruption and each run continues where it stopped (`codeassist bench
# --resume`). Then the merged reports:
#
#   bash benchmarks/run_results.sh [OUT_DIR [RUN ...]]   # default: runs/results, every run
#
# Each run's wall time is appended to OUT_DIR/times.txt.
set -euo pipefail
OUT=${1:-runs/results}
AGENTS=(none base-10 sft-10 empower empower-infer:1)
mkdir -p "$OUT"

ONLY=("${@:2}")

run() {  # run NAME PROBLEMS SPLIT HUMAN
    local name=$1 problems=$2 split=$3 human=$4 resume=()
    if [ ${#ONLY[@]} -gt 0 ] && [[ ! " ${ONLY[*]} " == *" $name "* ]]; then return; fi
    if [ -f "$OUT/$name/report.md" ]; then echo "done: $OUT/$name"; return; fi
    if [ -f "$OUT/$name/run.json" ]; then resume=(--resume); fi
    local started=$SECONDS
    codeassist bench --agents "${AGENTS[@]}" --problems "$problems" --split "$split" --human "$human" \
        --max-rounds 50 --human-tokens 10 --no-progress --out "$OUT/$name" "${resume[@]}"
    echo "$name $((SECONDS - started)) s ${resume[*]}" >> "$OUT/times.txt"
}

run core-expert codeassist-core test expert
run humaneval-expert humaneval auto expert
run core-expert0.2 codeassist-core test expert-0.2
run humaneval-expert0.2 humaneval auto expert-0.2
run core-expert-real codeassist-core test expert-real
run core-expert-real0.2 codeassist-core test expert-real-0.2
run humanevalplus-mini-expert humanevalplus-mini auto expert
run humanevalplus-mini-expert0.2 humanevalplus-mini auto expert-0.2
run humanevalplus-expert humanevalplus auto expert
run humanevalplus-expert-real humanevalplus auto expert-real
