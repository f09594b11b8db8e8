"""``codeassist data empower|sft|sft-rand`` (build a training set) and ``codeassist train`` (LoRA fine-tune).

Examples::

    codeassist data empower --corpus stdlib --corpus problems:codeassist-core:train --eta 0.32 --out empower.jsonl
    codeassist data sft --n 10 --corpus stdlib --out sft10.jsonl
    codeassist train --method empower --eta 0.32 --corpus stdlib --base smollm2 --out adapters/empower
    codeassist train --method sft-10 --data sft10.jsonl --base smollm2 --out adapters/sft10
"""
from __future__ import annotations

import argparse
import re
import shlex
import sys
from pathlib import Path
from typing import Any

from codeassist_env.cli.errors import at_least, positive_float

# The LoRA ranks vLLM's --max-lora-rank accepts (vllm/config: possible_max_ranks); an adapter of any
# other rank could be trained but not served.
VLLM_LORA_RANKS = (1, 8, 16, 32, 64, 128, 256, 320, 512)
CORPUS_HELP = ("corpus spec, repeatable: jsonl:PATH, problems:SET[:SPLIT], stdlib[:MODULES], python:MODULES, "
               "hf:DATASET (default: stdlib)")


def _fraction(text: str) -> float:
    """argparse type: a number in (0, 1]."""
    value = positive_float(text)
    if value > 1:
        raise argparse.ArgumentTypeError(f"must be a number in (0, 1], got {text!r}")
    return value


def _add_corpus_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", action="append", metavar="SPEC", help=CORPUS_HELP)
    parser.add_argument("--limit", type=at_least(1), default=None, help="at most this many documents per corpus spec")
    parser.add_argument("--base", default="smollm2",
                        help="base model: HF directory, .gguf file or 'smollm2' (default)")
    parser.add_argument("--max-tokens", type=at_least(1), default=384,
                        help="documents are truncated to their first MAX_TOKENS model tokens (default 384)")
    parser.add_argument("--seed", type=at_least(0), default=0, help="seed of the cut points (default 0)")
    parser.add_argument("--batch-size", type=at_least(1), default=8, help="scoring/training batch size (default 8)")
    parser.add_argument("--device", default="cpu", help="cpu (default), cuda, cuda:1, ...")
    parser.add_argument("--dtype", default=None, help="float32 (default), bfloat16, float16")
    parser.add_argument("--threads", type=at_least(0), default=None,
                        help="torch CPU threads (default: torch's choice; 1 is faster on a busy shared CPU)")


def _add_method_args(parser: argparse.ArgumentParser, method: str) -> None:
    if method == "empower":
        parser.add_argument("--scorer", choices=("transformers", "vllm"), default="transformers",
                            help="log-prob backend; vllm (GPU hosts) needs --base to be a HF model directory")
        parser.add_argument("--gpu-memory-utilization", type=_fraction, default=0.85,
                            help="--scorer vllm: share of the GPU's memory the engine may take (default 0.85)")
        parser.add_argument("--eta", type=positive_float, default=0.32, help="likelihood threshold (default 0.32)")
        parser.add_argument("--unit", choices=("bits", "nats"), default="bits", help="unit of --eta (default bits)")
    elif method == "sft":
        parser.add_argument("--n", type=at_least(1), required=True, help="target length in model tokens")
    elif method == "sft-rand":
        parser.add_argument("--lo", type=at_least(1), default=1)
        parser.add_argument("--hi", type=at_least(1), default=30)


def parse_method(text: str) -> dict[str, Any]:
    """'empower' | 'sft-N' | 'sft-rand' -> builder name and parameters."""
    if text in ("empower", "sft-rand"):
        return {"method": text}
    match = re.fullmatch(r"sft-(\d+)", text)
    if match and int(match.group(1)) >= 1:
        return {"method": "sft", "n": int(match.group(1))}
    raise ValueError(f"unknown method {text!r}; use empower, sft-N (e.g. sft-10) or sft-rand")


def build_records(args: argparse.Namespace, method: str, model: Any, tokenizer: Any):
    """Load the corpora, tokenise, and run the chosen builder; returns (records, stats, corpus info)."""
    from codeassist_env.training.corpus import load_corpora
    from codeassist_env.training.datasets import build_empower, build_sft, build_sft_rand, tokenize_documents
    from codeassist_env.training.scoring import TransformersScorer, VLLMScorer

    specs = args.corpus or ["stdlib"]
    documents = load_corpora(specs, limit_each=args.limit)
    if not documents:
        raise ValueError(f"corpus {specs} has no documents")
    tokenized = tokenize_documents(documents, tokenizer, max_tokens=args.max_tokens)
    if method == "empower":
        if args.scorer == "vllm":
            # Documents hold at most max_tokens tokens after the BOS: the engine needs no longer context.
            scorer = VLLMScorer(args.base, tokenizer, dtype=args.dtype or "auto", max_model_len=args.max_tokens + 8,
                                gpu_memory_utilization=args.gpu_memory_utilization)
        else:
            scorer = TransformersScorer(model, tokenizer, batch_size=args.batch_size)
        records, stats = build_empower(tokenized, tokenizer, scorer, eta=args.eta, unit=args.unit, seed=args.seed)
    elif method == "sft":
        records, stats = build_sft(tokenized, tokenizer, n=args.n, seed=args.seed)
    else:
        records, stats = build_sft_rand(tokenized, tokenizer, lo=args.lo, hi=args.hi, seed=args.seed)
    corpus = {"specs": specs, "documents": len(documents), "limit_each": args.limit,
              "max_tokens": args.max_tokens, "long_documents": "truncated to the first max_tokens tokens"}
    stats.params.update(corpus=corpus, base_model=args.base)
    return records, stats, corpus


def _load(args: argparse.Namespace, method: str):
    """(model, tokenizer); the model is needed only for transformers scoring."""
    from codeassist_env.models import load_causal_lm, load_tokenizer, resolve_model
    from codeassist_env.training.scoring import check_vllm_model

    if method == "empower" and args.scorer == "transformers":
        # Private (shared=False), so that it is freed once scored, before codeassist train loads its own.
        return load_causal_lm(args.base, device=args.device, dtype=args.dtype, shared=False)
    if method == "empower":
        check_vllm_model(args.base)
    return None, load_tokenizer(resolve_model(args.base))


def _data(args: argparse.Namespace, method: str) -> int:
    from codeassist_env.training.datasets import write_dataset

    model, tokenizer = _load(args, method)
    records, stats, _ = build_records(args, method, model, tokenizer)
    stats_path = write_dataset(records, stats, args.out)
    print(stats.summary())
    print(f"wrote {args.out} and {stats_path}")
    return 0


def _train(args: argparse.Namespace) -> int:
    from codeassist_env.training.datasets import read_dataset, read_stats
    from codeassist_env.training.finetune import FinetuneConfig, finetune

    parsed = parse_method(args.method)
    if args.data:
        records = read_dataset(args.data)
        stats = read_stats(args.data)
        corpus = {"dataset": str(args.data), **stats.get("params", {}).get("corpus", {})}
    else:
        if parsed["method"] == "sft":
            args.n = parsed["n"]
        if parsed["method"] == "empower" and args.scorer == "vllm":
            # vLLM keeps its GPU memory until the process ends, and fine-tuning would load the model again.
            raise ValueError("--scorer vllm: build the set first with 'codeassist data empower --scorer vllm "
                             "--out FILE', then train with --data FILE")
        model, tokenizer = _load(args, parsed["method"])
        records, stats_obj, corpus = build_records(args, parsed["method"], model, tokenizer)
        model = None  # the scoring copy, freed before finetune loads the one it trains
        print(stats_obj.summary())
        stats = stats_obj.to_dict()
    built = {k: v for k, v in stats.get("params", {}).items() if k in ("eta", "eta_unit", "n", "lo", "hi")}
    extra = {**built, "command": "codeassist " + shlex.join(sys.argv[1:]), "corpus": corpus, "dataset_stats": {k: v for k, v in stats.items() if k != "params"}}
    if parsed["method"] == "empower" and "eta" not in extra:
        raise ValueError(f"{args.data}: no .stats.json with eta next to it; rebuild it with codeassist data empower")
    config = FinetuneConfig(base=args.base, method=args.method, epochs=args.epochs, batch_size=args.batch_size,
                            learning_rate=args.lr, lora_rank=args.rank, lora_alpha=2 * args.rank,
                            max_tokens=args.max_tokens, max_steps=args.max_steps, seed=args.seed,
                            device=args.device, dtype=args.dtype,
                            gradient_checkpointing=args.gradient_checkpointing)
    result = finetune(records, args.out, config, manifest_extra=extra, merge=args.merge)
    print(f"saved adapter to {result.output_dir}: {result.steps} steps, loss {result.losses[0]:.3f} -> "
          f"{result.losses[-1]:.3f}, {result.seconds:.0f} s")
    return 0


def _with_threads(func):
    def run(args: argparse.Namespace) -> int:
        if args.threads:
            import torch

            torch.set_num_threads(args.threads)
        return func(args)
    return run


def register(subparsers: argparse._SubParsersAction) -> None:
    data = subparsers.add_parser("data", help="build Empower / SFT training sets from offline code")
    data_sub = data.add_subparsers(dest="data_method", metavar="METHOD", required=True)
    for method, help_text in (("empower", "target = longest continuation with cumulative NLL <= eta"),
                              ("sft", "target = the next N tokens"),
                              ("sft-rand", "target = the next k tokens, k uniform in [lo, hi]")):
        parser = data_sub.add_parser(method, help=help_text)
        _add_corpus_args(parser)
        _add_method_args(parser, method)
        parser.add_argument("--out", type=Path, required=True, help="output JSONL (stats go to OUT.stats.json)")
        parser.set_defaults(func=_with_threads(lambda args, method=method: _data(args, method)))

    train = subparsers.add_parser("train", help="LoRA fine-tune a base model on an Empower/SFT training set")
    train.add_argument("--method", required=True, help="empower, sft-N (e.g. sft-10) or sft-rand")
    train.add_argument("--data", type=Path, default=None,
                       help="a dataset from 'codeassist data'; without it the set is built from --corpus")
    _add_corpus_args(train)
    _add_method_args(train, "empower")
    _add_method_args(train, "sft-rand")
    train.add_argument("--out", type=Path, required=True, help="adapter output directory")
    train.add_argument("--epochs", type=positive_float, default=1.0, help="default 1 (as in the paper)")
    train.add_argument("--lr", type=positive_float, default=2e-4)
    train.add_argument("--rank", type=int, choices=VLLM_LORA_RANKS, default=8, metavar="RANK",
                       help=f"LoRA rank, one vLLM serves: {', '.join(map(str, VLLM_LORA_RANKS))} (default 8; "
                            "alpha = 2 x rank)")
    train.add_argument("--gradient-checkpointing", action="store_true",
                       help="recompute activations in the backward pass: less GPU memory, about 30%% slower")
    train.add_argument("--max-steps", type=at_least(1), default=None)
    train.add_argument("--merge", action="store_true", help="also save the merged model to OUT/merged")
    train.set_defaults(func=_with_threads(_train))
