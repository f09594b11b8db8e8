"""The engines of Algorithm 1's step 2 (docs/protocol.md §4.1): per-token log-likelihoods of whole
documents under the untrained base model, one forward pass per document, in nats.

They satisfy :class:`codeassist_env.training.empower.Scorer`: :class:`TransformersScorer` (CPU or GPU;
documents batched with right padding and an attention mask, longest first to keep padding small) and
:class:`VLLMScorer` (``prompt_logprobs`` of an in-process vLLM engine). When the tokenizer adds a BOS
token the document is scored after it and ``logprobs[0]`` is log π̂(t_0 | BOS); otherwise ``logprobs[0]``
is NaN (nothing to condition on).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from codeassist_env.errors import InputError


def bos_ids(tokenizer: Any) -> list[int]:
    """The special tokens the tokenizer puts before a text by default (BOS for most; [] for SmolLM2)."""
    with_special = tokenizer("x", add_special_tokens=True).input_ids
    without = tokenizer("x", add_special_tokens=False).input_ids
    prefix_len = len(with_special) - len(without)
    if prefix_len > 0 and with_special[prefix_len:] == without:
        return list(with_special[:prefix_len])
    return []


class TransformersScorer:
    """One forward pass per batch of documents with a transformers causal LM."""

    def __init__(self, model: Any, tokenizer: Any, *, batch_size: int = 8) -> None:
        self.model = model
        self.batch_size = batch_size
        self.prefix = bos_ids(tokenizer)
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0

    def score(self, documents: Sequence[Sequence[int]]) -> list[np.ndarray]:
        import torch

        order = sorted(range(len(documents)), key=lambda k: -len(documents[k]))
        out: list[np.ndarray | None] = [None] * len(documents)
        device = next(self.model.parameters()).device
        for start in range(0, len(order), self.batch_size):
            batch = [order[k] for k in range(start, min(start + self.batch_size, len(order)))]
            rows = [self.prefix + list(documents[k]) for k in batch]
            width = max(len(r) for r in rows)
            ids = torch.full((len(rows), width), self.pad_id, dtype=torch.long)
            mask = torch.zeros((len(rows), width), dtype=torch.long)
            for r, row in enumerate(rows):
                ids[r, : len(row)] = torch.tensor(row, dtype=torch.long)
                mask[r, : len(row)] = 1
            with torch.inference_mode():
                logits = self.model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits
                # log p(t_j | t_<j) = logit[j-1, t_j] - logsumexp(logit[j-1]); done in fp32.
                logits = logits[:, :-1].float()
                chosen = logits.gather(-1, ids[:, 1:, None].to(device)).squeeze(-1)
                token_logprobs = (chosen - torch.logsumexp(logits, dim=-1)).double().cpu().numpy()
            skip = len(self.prefix)
            for r, k in enumerate(batch):
                n = len(documents[k])
                values = np.full(n, np.nan)
                if n:
                    # token_logprobs[r, j-1] scores row position j; document token 0 sits at `skip`.
                    first = max(skip, 1)
                    values[first - skip :] = token_logprobs[r, first - 1 : skip + n - 1]
                out[k] = values
        return out  # type: ignore[return-value]


class VLLMScorer:
    """``prompt_logprobs`` from an in-process vLLM engine (GPU hosts). Same output as
    :class:`TransformersScorer`; vLLM batches and schedules the documents itself.

    ``model`` must be a Hugging Face model directory (checked before vLLM starts: given a GGUF file,
    vLLM fails late and obscurely). ``max_model_len`` bounds the engine's context (documents are
    ``max_tokens`` long, far below an 8B model's 128k default, whose KV-cache reservation may not fit)
    and ``gpu_memory_utilization`` its share of the GPU."""

    def __init__(
        self,
        model: str,
        tokenizer: Any,
        *,
        max_model_len: int,
        gpu_memory_utilization: float = 0.85,
        **engine_kwargs: Any,
    ) -> None:
        check_vllm_model(model)
        from vllm import LLM  # only importable on GPU hosts with vLLM installed

        # Prompt log-probs and the prefix cache have a history of crashes and stale values in vLLM;
        # documents rarely share prefixes, so the cache buys nothing here.
        engine_kwargs.setdefault("enable_prefix_caching", False)
        self.llm = LLM(
            model=model, max_model_len=max_model_len, gpu_memory_utilization=gpu_memory_utilization, **engine_kwargs
        )
        self.prefix = bos_ids(tokenizer)

    def close(self) -> None:
        """Stop the engine now, by its own shutdown: left to the interpreter's exit, vLLM 0.32's CPU engine
        tears down after the threads it needs and the process aborts ("terminate called without an active
        exception"); dropping the last reference and collecting still let that happen once in three CI runs."""
        import gc

        llm, self.llm = self.llm, None
        if llm is not None:
            llm.llm_engine.engine_core.shutdown()
        del llm
        gc.collect()

    def score(self, documents: Sequence[Sequence[int]]) -> list[np.ndarray]:
        from vllm import SamplingParams
        from vllm.inputs import TokensPrompt

        # One top log-prob besides the prompt token's own: prompt_logprobs=0 meant "off" in some V1
        # releases, and the scorer then found no prompt log-probs at all.
        params = SamplingParams(max_tokens=1, prompt_logprobs=1)
        prompts = [TokensPrompt(prompt_token_ids=self.prefix + list(doc)) for doc in documents]
        out = []
        for doc, result in zip(documents, self.llm.generate(prompts, params, use_tqdm=False)):
            row_ids = self.prefix + list(doc)
            # prompt_logprobs[j] maps token id -> Logprob for row position j (None at j = 0).
            per_position = [
                np.nan if entry is None else entry[row_ids[j]].logprob for j, entry in enumerate(result.prompt_logprobs)
            ]
            out.append(np.asarray(per_position[len(self.prefix) :], dtype=np.float64))
        return out


def check_vllm_model(model: str) -> None:
    """Refuse, before vLLM loads anything, a model it cannot score with: a GGUF file or alias (vLLM's
    GGUF support needs the original tokenizer beside it) or a path that is not a model directory."""
    from pathlib import Path

    from codeassist_env.models import SMOLLM2_ALIAS

    path = Path(str(model)).expanduser()
    if str(model) == SMOLLM2_ALIAS or str(model).endswith(".gguf"):
        raise InputError(
            f"scorer vllm needs base to be a Hugging Face model directory, got {model!r} "
            "(a GGUF model); use scorer transformers for GGUF models"
        )
    if path.exists() and not (path / "config.json").is_file():
        raise InputError(f"scorer vllm: {path} is not a Hugging Face model directory (no config.json)")
