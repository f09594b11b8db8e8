"""Run by tests/test_vllm.py with vLLM's Python: ``VLLMScorer``'s per-token log-probs of the documents
(token ids) in IN_JSON, written to OUT_JSON (NaN as null).

    python tests/vllm_scorer_probe.py MODEL_DIR DTYPE IN_JSON OUT_JSON
"""
import json
import math
import sys


def main() -> None:
    from codeassist_env.models import load_tokenizer, resolve_model
    from codeassist_env.training.scoring import VLLMScorer

    model, dtype, given, out = sys.argv[1:5]
    documents = json.loads(open(given, encoding="utf-8").read())
    tokenizer = load_tokenizer(resolve_model(model))
    scorer = VLLMScorer(model, tokenizer, dtype=dtype, max_model_len=max(len(d) for d in documents) + 8)
    values = [[None if math.isnan(v) else v for v in row.tolist()] for row in scorer.score(documents)]
    scorer.close()
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(values, handle)


if __name__ == "__main__":  # vLLM's engine starts its processes with spawn, which imports this file again
    main()
