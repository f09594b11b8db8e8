"""``codeassist data empower|sft|sft-rand`` (build a training set) and ``codeassist train`` (LoRA fine-tune).

Examples::

    codeassist data empower --corpus stdlib --corpus problems:codeassist-core:train --eta 0.32 --out empower.jsonl
    codeassist data sft --n 10 --corpus stdlib --out sft10.jsonl
    codeassist train --method empower --eta 0.32 --corpus stdlib --base smollm2 --out adapters/empower
    codeassist train --method sft-10 --data sft10.jsonl --base smollm2 --out adapters/sft10
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from codeassist_env.cli.errors import at_least, directory, positive_float
from codeassist_env.training.empower import UNITS
from codeassist_env.training.pipeline import SCORERS, DataConfig, parse_method, use_threads
from codeassist_env.vllm_server import VLLM_LORA_RANKS

METHOD_OPTIONS = ("eta", "unit", "scorer", "gpu_memory_utilization", "n", "lo", "hi")
CORPUS_HELP = (
    "corpus spec, repeatable: jsonl:PATH, problems:SET[:SPLIT], stdlib[:MODULES], python:MODULES, "
    "hf:DATASET (default: stdlib)"
)
DEFAULTS = DataConfig()


def _fraction(text: str) -> float:
    """argparse type: a number in (0, 1]."""
    value = positive_float(text)
    if value > 1:
        raise argparse.ArgumentTypeError(f"must be a number in (0, 1], got {text!r}")
    return value


def _add_corpus_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", action="append", metavar="SPEC", help=CORPUS_HELP)
    parser.add_argument("--limit", type=at_least(1), default=None, help="at most this many documents per corpus spec")
    parser.add_argument(
        "--base", default=DEFAULTS.base, help="base model: HF directory, .gguf file or 'smollm2' (default)"
    )
    parser.add_argument(
        "--max-tokens",
        type=at_least(1),
        default=DEFAULTS.max_tokens,
        help="documents are truncated to their first MAX_TOKENS model tokens (default %(default)s)",
    )
    parser.add_argument(
        "--seed", type=at_least(0), default=DEFAULTS.seed, help="seed of the cut points (default %(default)s)"
    )
    parser.add_argument(
        "--batch-size",
        type=at_least(1),
        default=DEFAULTS.batch_size,
        help="scoring/training batch size (default %(default)s)",
    )
    parser.add_argument("--device", default=DEFAULTS.device, help="cpu (default), cuda, cuda:1, ...")
    parser.add_argument("--dtype", default=None, help="float32 (default), bfloat16, float16")
    parser.add_argument(
        "--threads",
        type=at_least(0),
        default=None,
        help="torch CPU threads (default: torch's choice; 1 is faster on a busy shared CPU)",
    )


def _add_method_args(parser: argparse.ArgumentParser, method: str) -> None:
    if method == "empower":
        parser.add_argument(
            "--scorer",
            choices=SCORERS,
            default=DEFAULTS.scorer,
            help="log-prob backend; vllm (GPU hosts) needs --base to be a HF model directory",
        )
        parser.add_argument(
            "--gpu-memory-utilization",
            type=_fraction,
            default=DEFAULTS.gpu_memory_utilization,
            help="--scorer vllm: share of the GPU's memory the engine may take (default %(default)s)",
        )
        parser.add_argument(
            "--eta", type=positive_float, default=DEFAULTS.eta, help="likelihood threshold (default %(default)s)"
        )
        parser.add_argument("--unit", choices=UNITS, default=DEFAULTS.unit, help="unit of --eta (default %(default)s)")
    elif method == "sft":
        parser.add_argument("--n", type=at_least(1), required=True, help="target length in model tokens")
    elif method == "sft-rand":
        parser.add_argument("--lo", type=at_least(1), default=DEFAULTS.lo)
        parser.add_argument("--hi", type=at_least(1), default=DEFAULTS.hi)


def _data_config(args: argparse.Namespace, method: str, n: int | None = None) -> DataConfig:
    """The options this command has, as the library's config (the others keep DataConfig's defaults)."""
    options = {name: getattr(args, name) for name in METHOD_OPTIONS if getattr(args, name, None) is not None}
    if n is not None:
        options["n"] = n
    return DataConfig(
        method=method,
        corpus=tuple(args.corpus) if args.corpus else DEFAULTS.corpus,
        limit=args.limit,
        base=args.base,
        max_tokens=args.max_tokens,
        seed=args.seed,
        batch_size=args.batch_size,
        device=args.device,
        dtype=args.dtype,
        **options,
    )


def _data(args: argparse.Namespace, method: str) -> int:
    from codeassist_env.training.datasets import write_dataset
    from codeassist_env.training.pipeline import build_dataset

    use_threads(args.threads)
    records, stats, _ = build_dataset(_data_config(args, method))
    stats_path = write_dataset(records, stats, args.out)
    print(stats.summary())
    print(f"wrote {args.out} and {stats_path}")
    return 0


def _train(args: argparse.Namespace) -> int:
    from codeassist_env.training.finetune import FinetuneConfig
    from codeassist_env.training.pipeline import train_adapter

    method, n = parse_method(args.method)
    use_threads(args.threads)
    config = FinetuneConfig(
        base=args.base,
        method=args.method,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.lr,
        lora_rank=args.rank,
        lora_alpha=2 * args.rank,
        max_tokens=args.max_tokens,
        max_steps=args.max_steps,
        seed=args.seed,
        device=args.device,
        dtype=args.dtype,
        gradient_checkpointing=args.gradient_checkpointing,
    )
    result = train_adapter(
        args.out,
        config,
        dataset=args.data,
        data=None if args.data else _data_config(args, method, n),
        command="codeassist " + shlex.join(sys.argv[1:]),
        merge=args.merge,
    )
    print(
        f"saved adapter to {result.output_dir}: {result.steps} steps, loss {result.losses[0]:.3f} -> "
        f"{result.losses[-1]:.3f}, {result.seconds:.0f} s"
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    data = subparsers.add_parser("data", help="build Empower / SFT training sets from offline code")
    data_sub = data.add_subparsers(dest="data_method", metavar="METHOD", required=True)
    for method, help_text in (
        ("empower", "target = longest continuation with cumulative NLL <= eta"),
        ("sft", "target = the next N tokens"),
        ("sft-rand", "target = the next k tokens, k uniform in [lo, hi]"),
    ):
        parser = data_sub.add_parser(method, help=help_text)
        _add_corpus_args(parser)
        _add_method_args(parser, method)
        parser.add_argument("--out", type=Path, required=True, help="output JSONL (stats go to OUT.stats.json)")
        parser.set_defaults(func=lambda args, method=method: _data(args, method))

    train = subparsers.add_parser("train", help="LoRA fine-tune a base model on an Empower/SFT training set")
    train.add_argument("--method", required=True, help="empower, sft-N (e.g. sft-10) or sft-rand")
    train.add_argument(
        "--data",
        type=Path,
        default=None,
        help="a dataset from 'codeassist data'; without it the set is built from --corpus",
    )
    _add_corpus_args(train)
    _add_method_args(train, "empower")
    _add_method_args(train, "sft-rand")
    train.add_argument("--out", type=directory, required=True, help="adapter output directory")
    train.add_argument("--epochs", type=positive_float, default=1.0, help="default 1 (as in the paper)")
    train.add_argument("--lr", type=positive_float, default=2e-4)
    train.add_argument(
        "--rank",
        type=int,
        choices=VLLM_LORA_RANKS,
        default=8,
        metavar="RANK",
        help=f"LoRA rank, one vLLM serves: {', '.join(map(str, VLLM_LORA_RANKS))} (default 8; alpha = 2 x rank)",
    )
    train.add_argument(
        "--gradient-checkpointing",
        action="store_true",
        help="recompute activations in the backward pass: less GPU memory, slower steps",
    )
    train.add_argument("--max-steps", type=at_least(1), default=None)
    train.add_argument("--merge", action="store_true", help="also save the merged model to OUT/merged")
    train.set_defaults(func=_train)
