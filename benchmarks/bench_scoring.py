"""Scoring throughput for Algorithm 1: the one-pass scorer vs the brute-force loop vs a raw forward pass.

All three see the same documents (function-level chunks of the standard library, truncated to
--max-tokens) and the same cut points. Throughput is document tokens per second:

- one-pass: :class:`TransformersScorer` (batched forward + log-softmax gather), then the Empower
  target of every document from a cumulative sum;
- raw forward: the same batches through the model alone (logits only) — the ceiling for one-pass;
- brute force: Algorithm 1 literally, one model call on prefix + ℓ(n+1..n+i) for i = 1, 2, ... until
  H(i) > η; timed on --brute-docs documents and reported per document token. With the small η of the
  paper most targets stop after a call or two, so the loop is also timed for the whole H(i) curve
  (every i up to the end of the document), which is what a sweep over η needs.

    python benchmarks/bench_scoring.py                  # SmolLM2-135M on CPU
    python benchmarks/bench_scoring.py --docs 64 --max-tokens 256 --eta 0.32 4
"""
from __future__ import annotations

import argparse
import time

import torch

from codeassist_env.machine import machine_line
from codeassist_env.models import load_causal_lm
from codeassist_env.training.corpus import load_corpus
from codeassist_env.training.datasets import draw_cuts, tokenize_documents
from codeassist_env.training.scoring import (TransformersScorer, brute_force_target_length, continuation_nll,
                                             empower_target_length, eta_to_nats)


def raw_forward(model, tokenizer, docs, batch_size: int) -> None:
    scorer = TransformersScorer(model, tokenizer, batch_size=batch_size)  # only for its padding rule
    order = sorted(docs, key=len, reverse=True)
    for start in range(0, len(order), batch_size):
        rows = [scorer.prefix + d for d in order[start:start + batch_size]]
        width = max(map(len, rows))
        ids = torch.full((len(rows), width), scorer.pad_id)
        mask = torch.zeros_like(ids)
        for r, row in enumerate(rows):
            ids[r, :len(row)], mask[r, :len(row)] = torch.tensor(row), 1
        with torch.inference_mode():
            model(input_ids=ids, attention_mask=mask)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="smollm2")
    parser.add_argument("--corpus", default="stdlib")
    parser.add_argument("--docs", type=int, default=32)
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--brute-docs", type=int, default=8, help="documents for the (slow) brute-force loop")
    parser.add_argument("--curve-docs", type=int, default=3, help="documents for the whole-curve loop")
    parser.add_argument("--eta", type=float, nargs="+", default=[0.32, 4.0], help="bits")
    parser.add_argument("--repeats", type=int, default=2, help="best of N for the batched timings")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    model, tokenizer = load_causal_lm(args.model)
    documents = load_corpus(args.corpus, limit=args.docs)
    docs = [d for d in tokenize_documents(documents, tokenizer, args.max_tokens) if len(d.ids) >= 2]
    ids = [d.ids for d in docs]
    cuts = draw_cuts(docs, seed=0)
    tokens = sum(map(len, ids))
    print(f"machine: {machine_line(torch=torch.__version__, torch_threads=torch.get_num_threads())}")
    print(f"model {args.model}; {len(docs)} documents, {tokens} tokens (max {args.max_tokens}), "
          f"batch {args.batch_size}")

    raw_forward(model, tokenizer, ids[:args.batch_size], args.batch_size)  # warm-up
    scorer = TransformersScorer(model, tokenizer, batch_size=args.batch_size)
    raw_s = one_pass_s = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        raw_forward(model, tokenizer, ids, args.batch_size)
        raw_s = min(raw_s, time.perf_counter() - start)
        start = time.perf_counter()
        logprobs = scorer.score(ids)
        targets = {eta: [empower_target_length(lp, cuts[d.id], eta_to_nats(eta)) for d, lp in zip(docs, logprobs)]
                   for eta in args.eta}
        one_pass_s = min(one_pass_s, time.perf_counter() - start)
    print(f"raw forward : {tokens / raw_s:9.1f} tokens/s ({raw_s:.2f} s)")
    print(f"one-pass    : {tokens / one_pass_s:9.1f} tokens/s ({one_pass_s:.2f} s) = "
          f"{raw_s / one_pass_s:.0%} of raw forward")

    sample = docs[:args.brute_docs]
    sample_tokens = sum(len(d.ids) for d in sample)
    for eta in args.eta:
        start = time.perf_counter()
        brute = [brute_force_target_length(model, tokenizer, d.ids, cuts[d.id], eta_to_nats(eta)) for d in sample]
        seconds = time.perf_counter() - start
        assert brute == targets[eta][:len(sample)], "brute force and one-pass disagree"
        rate = sample_tokens / seconds
        print(f"brute force eta={eta:g} bits: {rate:9.1f} tokens/s ({seconds:.2f} s, {len(sample)} docs, "
              f"mean target {sum(brute) / len(brute):.1f} tokens) -> one-pass is {tokens / one_pass_s / rate:.1f}x")
    curve = docs[:args.curve_docs]
    start = time.perf_counter()
    for d in curve:  # every H(i) of the document: one call per i
        for i in range(1, len(d.ids) - cuts[d.id] + 1):
            continuation_nll(model, tokenizer, d.ids[:cuts[d.id]], d.ids[cuts[d.id]:cuts[d.id] + i])
    seconds = time.perf_counter() - start
    rate = sum(len(d.ids) for d in curve) / seconds
    print(f"brute force, whole H(i) curve ({len(curve)} docs): {rate:9.1f} tokens/s ({seconds:.2f} s) -> one-pass is "
          f"{tokens / one_pass_s / rate:.1f}x")


if __name__ == "__main__":
    main()
