"""Where a local decoding step's time goes: one forward pass of the agents' model (SmolLM2-135M) after a
prompt, in fp32 and bf16, for 1, 4 and 16 sequences at once, on this machine's CPU.

The main job spends nearly all of an episode in the assistant's forward passes. If a step's time grows
little with the batch, the cost is per step (many small operations), not per sequence, and decoding the
episodes in flight together (agents/batched_decoding.py) makes the local engine faster; if bf16 halves a
step, the cost is moving weights.

    python benchmarks/bench_decode.py [--threads 1] [--prompt-tokens 300] [--steps 20]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import torch

from codeassist_env.models import load_causal_lm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="torch threads (the bench's default is 1)")
    parser.add_argument("--prompt-tokens", type=int, default=300)
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    model, tokenizer = load_causal_lm("smollm2")
    text = "def add(a, b):\n    return a + b\n" * args.prompt_tokens
    prompt = tokenizer(text, add_special_tokens=False).input_ids[: args.prompt_tokens]
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, torch {torch.__version__}, "
        f"{args.threads} thread(s), prompt {len(prompt)} tokens, {args.steps} steps"
    )
    print("| dtype | sequences | prefill (ms) | decode step (ms) | tokens/s | step vs 1 sequence |")
    print("|---|---|---|---|---|---|")
    for dtype in (torch.float32, torch.bfloat16):
        model = model.to(dtype)
        single = None
        for batch in (1, 4, 16):
            ids = torch.tensor([prompt] * batch)
            with torch.no_grad():
                started = time.perf_counter()
                out = model(ids, use_cache=True)
                prefill = time.perf_counter() - started
                cache, token = out.past_key_values, out.logits[:, -1:].argmax(-1)
                started = time.perf_counter()
                for _ in range(args.steps):
                    out = model(token, past_key_values=cache, use_cache=True)
                    cache, token = out.past_key_values, out.logits[:, -1:].argmax(-1)
                step = (time.perf_counter() - started) / args.steps
            single = single or step
            print(
                f"| {str(dtype).removeprefix('torch.')} | {batch} | {prefill * 1000:.0f} | {step * 1000:.1f} "
                f"| {batch / step:.1f} | {step / single:.2f}x |"
            )


if __name__ == "__main__":
    main()
