"""When a local generation stops: one set of rules for both of ``TransformersBackend.generate``'s paths.

A call alone runs transformers' ``generate``, which applies the rules through its hooks
(:meth:`StopRules.hooks`); greedy calls in flight together run in ``agents.batched_decoding``, which
applies them token by token (:meth:`StopRules.done`). Both then keep the tokens up to the first end token
(:meth:`StopRules.until_end`), so the two paths stop at the same token.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, overload

T = TypeVar("T")


@dataclass(frozen=True)
class StopRules:
    end_ids: frozenset[int]  # end of turn, and stop strings that are special tokens
    max_tokens: int
    stop: tuple[str, ...]  # stop strings, matched in the generated text only
    nll_limit: float | None  # nats: stop after the token whose cumulative NLL exceeds it
    detokenize: Callable[[list[int]], str]  # generated token ids -> text

    def stop_in(self, new_ids: list[int]) -> bool:
        """A stop string in the generated text. (transformers' own ``stop_strings`` also matches text that
        begins in the prompt, e.g. a chat template's trailing newline.)"""
        return bool(self.stop) and any(s in self.detokenize(new_ids) for s in self.stop)

    def over_budget(self, nll: float) -> bool:
        return self.nll_limit is not None and nll > self.nll_limit

    def done(self, new_ids: list[int], nll: float) -> bool:
        """Whether generation stops after ``new_ids`` (non-empty) whose cumulative NLL is ``nll``."""
        return (
            new_ids[-1] in self.end_ids
            or len(new_ids) >= self.max_tokens
            or self.over_budget(nll)
            or self.stop_in(new_ids)
        )

    @overload
    def until_end(self, new_ids: list[int], values: None = None) -> tuple[list[int], None]: ...

    @overload
    def until_end(self, new_ids: list[int], values: Sequence[T]) -> tuple[list[int], list[T]]: ...

    def until_end(self, new_ids: list[int], values: Sequence[Any] | None = None) -> tuple[list[int], list[Any] | None]:
        """``new_ids`` (and their ``values``) before the first end token."""
        kept = next((i for i, token in enumerate(new_ids) if token in self.end_ids), len(new_ids))
        return new_ids[:kept], None if values is None else list(values[:kept])

    def hooks(self, prompt_length: int) -> dict[str, list[Any]]:
        """``generate`` keyword arguments applying the stop strings and the NLL budget (transformers itself
        applies ``max_new_tokens`` and ``eos_token_id``)."""
        from transformers import LogitsProcessor, StoppingCriteria
        import torch

        rules, last, nll = self, [None], [0.0]

        class StopInNewText(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs):
                done = rules.stop_in(input_ids[0, prompt_length:].tolist())
                return torch.full((input_ids.shape[0],), done, dtype=torch.bool, device=input_ids.device)

        # The processor sees each step's logits before any sampling warper (transformers applies custom
        # processors before temperature/top-k), so its log-softmax is the model's own distribution, the one
        # Empower's likelihood cut is defined on; the criterion then charges the token just chosen.
        class Record(LogitsProcessor):
            def __call__(self, input_ids, scores):
                last[0] = torch.log_softmax(scores.float(), dim=-1)
                return scores

        class Charge(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs):
                nll[0] -= last[0][0, input_ids[0, -1]].item()
                return torch.full(
                    (input_ids.shape[0],), rules.over_budget(nll[0]), dtype=torch.bool, device=input_ids.device
                )

        hooks: dict[str, list[Any]] = {"stopping_criteria": []}
        if self.stop:
            hooks["stopping_criteria"].append(StopInNewText())
        if self.nll_limit is not None:
            hooks["logits_processor"] = [Record()]
            hooks["stopping_criteria"].append(Charge())
        return hooks
