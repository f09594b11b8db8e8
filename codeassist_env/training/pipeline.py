"""What ``codeassist data`` and ``codeassist train`` do: corpus -> training set -> LoRA adapter.

:func:`build_dataset` loads the corpora and the model it scores with, and runs one builder of
:mod:`codeassist_env.training.datasets`; :func:`train_adapter` fine-tunes on a set read from disk or
built on the spot (:mod:`codeassist_env.training.finetune`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from codeassist_env.errors import InputError
from codeassist_env.training.datasets import DatasetStats
from codeassist_env.training.empower import DEFAULT_ETA_BITS, MAX_TOKENS
from codeassist_env.training.finetune import FinetuneConfig, FinetuneResult

METHODS = ("empower", "sft", "sft-rand")
SCORERS = ("transformers", "vllm")


@dataclass(frozen=True)
class DataConfig:
    """One training set: the documents, the model whose tokens (and, for Empower, log-probs) it uses, and
    the method's target rule."""

    method: str = "empower"  # one of METHODS
    corpus: tuple[str, ...] = ("stdlib",)
    limit: int | None = None  # documents per corpus spec
    base: str = "smollm2"
    max_tokens: int = MAX_TOKENS
    seed: int = 0
    batch_size: int = 8
    device: str = "cpu"
    dtype: str | None = None
    eta: float = DEFAULT_ETA_BITS  # empower
    unit: str = "bits"
    scorer: str = "transformers"
    gpu_memory_utilization: float = 0.85  # --scorer vllm
    n: int | None = None  # sft
    lo: int = 1  # sft-rand
    hi: int = 30


def parse_method(text: str) -> tuple[str, int | None]:
    """'empower' | 'sft-N' | 'sft-rand' -> (builder, N of sft-N or None)."""
    if text in ("empower", "sft-rand"):
        return text, None
    match = re.fullmatch(r"sft-(\d+)", text)
    if match and int(match.group(1)) >= 1:
        return "sft", int(match.group(1))
    raise InputError(f"unknown method {text!r}; use empower, sft-N (e.g. sft-10) or sft-rand")


def use_threads(threads: int | None) -> None:
    """Torch's CPU threads; None or 0 leaves torch's choice."""
    if threads:
        import torch

        torch.set_num_threads(threads)


def _load(config: DataConfig) -> tuple[Any, Any]:
    """(model, tokenizer); the model is needed only for transformers scoring."""
    from codeassist_env.models import load_causal_lm, load_tokenizer, resolve_model
    from codeassist_env.training.scoring import check_vllm_model

    if config.method == "empower" and config.scorer == "transformers":
        # Private (shared=False), so that it is freed once scored, before fine-tuning loads its own.
        return load_causal_lm(config.base, device=config.device, dtype=config.dtype, shared=False)
    if config.method == "empower":
        check_vllm_model(config.base)
    return None, load_tokenizer(resolve_model(config.base))


def _records(config: DataConfig, model: Any, tokenizer: Any) -> tuple[list[dict], DatasetStats, dict[str, Any]]:
    from codeassist_env.training.corpus import load_corpora
    from codeassist_env.training.datasets import build_empower, build_sft, build_sft_rand
    from codeassist_env.training.empower import Scorer, tokenize_documents
    from codeassist_env.training.scoring import TransformersScorer, VLLMScorer

    specs = list(config.corpus)
    documents = load_corpora(specs, limit_each=config.limit)
    if not documents:
        raise InputError(f"corpus {specs} has no documents")
    tokenized = tokenize_documents(documents, tokenizer, max_tokens=config.max_tokens)
    if config.method == "empower":
        scorer: Scorer
        if config.scorer == "vllm":
            # Documents hold at most max_tokens tokens after the BOS: the engine needs no longer context.
            scorer = VLLMScorer(
                config.base,
                tokenizer,
                dtype=config.dtype or "auto",
                max_model_len=config.max_tokens + 8,
                gpu_memory_utilization=config.gpu_memory_utilization,
            )
        else:
            scorer = TransformersScorer(model, tokenizer, batch_size=config.batch_size)
        try:
            records, stats = build_empower(
                tokenized, tokenizer, scorer, eta=config.eta, unit=config.unit, seed=config.seed
            )
        finally:
            getattr(scorer, "close", lambda: None)()
    elif config.method == "sft":
        if config.n is None:  # build_sft's n < 1 would raise this TypeError; this one says what is missing
            raise TypeError("DataConfig: method 'sft' needs n, the target length")
        records, stats = build_sft(tokenized, tokenizer, n=config.n, seed=config.seed)
    else:
        records, stats = build_sft_rand(tokenized, tokenizer, lo=config.lo, hi=config.hi, seed=config.seed)
    corpus = {
        "specs": specs,
        "documents": len(documents),
        "limit_each": config.limit,
        "max_tokens": config.max_tokens,
        "long_documents": "truncated to the first max_tokens tokens",
    }
    stats.params.update(corpus=corpus, base_model=config.base)
    return records, stats, corpus


def build_dataset(config: DataConfig) -> tuple[list[dict], DatasetStats, dict[str, Any]]:
    """The training set's records, their counts and a description of the corpus."""
    if config.method not in METHODS:
        raise InputError(f"unknown method {config.method!r}; use one of {', '.join(METHODS)}")
    model, tokenizer = _load(config)
    return _records(config, model, tokenizer)


def train_adapter(
    out: Path,
    finetune_config: FinetuneConfig,
    *,
    data: DataConfig | None = None,
    dataset: Path | None = None,
    command: str,
    merge: bool = False,
    log: Callable[[str], None] = print,
) -> FinetuneResult:
    """Fine-tune ``finetune_config.base`` on the set at ``dataset``, or on one built from ``data``; the
    adapter's manifest records the set's parameters, counts and corpus, and ``command``."""
    from codeassist_env.training.datasets import read_dataset, read_stats
    from codeassist_env.training.finetune import finetune

    if dataset is not None:
        records = read_dataset(dataset)
        stats = read_stats(dataset)
        corpus = {"dataset": str(dataset), **stats.get("params", {}).get("corpus", {})}
    elif data is not None:
        if data.method == "empower" and data.scorer == "vllm":
            # vLLM keeps its GPU memory until the process ends, and fine-tuning would load the model again.
            raise InputError(
                "--scorer vllm: build the set first with 'codeassist data empower --scorer vllm "
                "--out FILE', then train with --data FILE"
            )
        built_records, built_stats, corpus = build_dataset(data)  # its scoring model is freed on return
        log(built_stats.summary())
        records, stats = built_records, built_stats.to_dict()
    else:
        raise InputError("train_adapter needs a dataset path or a DataConfig to build one")
    built = {k: v for k, v in stats.get("params", {}).items() if k in ("eta", "eta_unit", "n", "lo", "hi")}
    extra = {
        **built,
        "command": command,
        "corpus": corpus,
        "dataset_stats": {k: v for k, v in stats.items() if k != "params"},
    }
    if finetune_config.method == "empower" and "eta" not in extra:
        raise InputError(f"{dataset}: no .stats.json with eta next to it; rebuild it with codeassist data empower")
    return finetune(records, out, finetune_config, manifest_extra=extra, merge=merge, log=log)
