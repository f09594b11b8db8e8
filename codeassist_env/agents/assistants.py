"""The LM assistant agents: one class, :class:`LMAgent` = a backend + a prompt mode + a length rule.

The paper's agents are named configurations of it, each built by a factory function:

- ``base_agent(backend, max_tokens=None|N)``: the untrained model; Base (no cap) and Base-N.
- ``sft_agent`` / ``empower_agent(backend, stop=...)``: a fine-tuned checkpoint (a LoRA adapter in a
  local backend, or a served adapter's model name) in raw mode, generating until its stop token
  (SFT-N also at most N tokens, the length of its training targets).
- ``inference_empower_agent(backend, eta, unit="bits", cap=64)``: the untrained model generates up to
  ``cap`` tokens with log-probs (greedy by default, or sampled); the suggestion is cut before the first token at which the
  cumulative negative log-likelihood exceeds eta ("" if the first token already does).

Every length (caps, budgets) counts tokens of the *model's own tokenizer*, not the environment's.
"No cap" still bounds one suggestion by :data:`UNCAPPED_BUDGET` tokens.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from codeassist_env.agents.base import sampling_seed
from codeassist_env.agents.lm import Generation, LMBackend
from codeassist_env.agents.prompting import (
    PROMPT_MODES,
    clean_suggestion,
    continue_messages,
    locate_continuation,
    prefill_prompt,
    raw_prompt,
    retype_messages,
)
from codeassist_env.errors import InputError
from codeassist_env.training.empower import eta_to_nats, longest_within

# A suggestion of 64 tokens is six rounds of a K_H = 10 programmer's typing; an adapter that rarely
# emits its stop token (the small shipped SFT ones) would otherwise spend most of a run on text no
# programmer reads to the end.
UNCAPPED_BUDGET = 64
INFERENCE_EMPOWER_CAP = 64
# In chat mode the model re-types the code before continuing; this many generated tokens per
# character of code are allowed for that (code averages well over 2 characters per token).
RETYPE_TOKENS_PER_CHAR = 0.5
RETYPE_MARGIN = 16
# Stop at the closing fence of the reply's code block; an opening fence ("```python\n") never
# matches this, so a reply that starts with a sentence and then opens its block is not cut short.
CLOSING_FENCE = "\n```\n"


@dataclass(frozen=True)
class TokenCap:
    """Keep at most ``n`` tokens (``None``: all generated tokens)."""

    n: int | None = None

    needs_logprobs = False
    nll_limit = None

    def keep(self, tokens: Sequence[str], logprobs: Sequence[float] | None) -> int:
        return len(tokens) if self.n is None else min(self.n, len(tokens))


@dataclass(frozen=True)
class LikelihoodCut:
    """Keep the longest run of tokens whose cumulative NLL stays <= ``eta_nats`` (docs/protocol.md §4)."""

    eta_nats: float

    needs_logprobs = True

    @property
    def nll_limit(self) -> float:
        """Generation may stop once this is exceeded: no later token can be kept."""
        return self.eta_nats

    def keep(self, tokens: Sequence[str], logprobs: Sequence[float] | None) -> int:
        if logprobs is None:
            raise ValueError("LikelihoodCut needs token log-probs from the backend")
        return longest_within(logprobs[: len(tokens)], self.eta_nats)


def suggestion_tokens(generation: Generation, start: int) -> tuple[list[str], list[float] | None]:
    """The tokens of ``generation`` from character ``start`` on (a token straddling ``start`` is
    shortened to its part after it and still counts as one token)."""
    tokens: list[str] = []
    values = generation.token_logprobs
    logprobs: list[float] | None = None if values is None else []
    position = 0
    for i, token in enumerate(generation.tokens):
        end = position + len(token)
        if end > start:
            tokens.append(token[max(0, start - position) :])
            if values is not None and logprobs is not None:  # both are None or neither
                logprobs.append(values[i])
        position = end
    return tokens, logprobs


@dataclass
class LMAgent:
    """An assistant built on a language model (see the module docstring for the named variants).

    ``mode``: "raw" (continue the code), "chat" (re-type and continue) or "prefill" (a chat reply
    begun with the code; see ``prompting``).
    ``budget``: the most tokens generated for the suggestion itself. ``seed``: the sampling seed of
    round r is ``seed + r`` (greedy decoding when ``temperature == 0``); ``reset(info)`` sets it from the
    episode's seed (``agents.base.sampling_seed``), keeping it in an unseeded episode.
    ``show_statement``: put the problem statement in the prompt (the environment must be made with
    ``show_problem_to_agent``). After each ``act``, ``last_info`` says how the suggestion was obtained (``aligned`` is True when
    the chat alignment rule had to recover the continuation)."""

    backend: LMBackend
    mode: str = "chat"
    length_rule: TokenCap | LikelihoodCut = field(default_factory=TokenCap)
    budget: int = UNCAPPED_BUDGET
    stop: tuple[str, ...] = ()
    temperature: float = 0.0
    seed: int | None = 0
    show_statement: bool = False
    name: str = "lm"
    last_info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.mode not in PROMPT_MODES:
            raise InputError(f"agent {self.name!r}: prompt mode must be one of {PROMPT_MODES}, got {self.mode!r}")
        if self.budget < 1:
            raise InputError(f"agent {self.name!r}: budget must be >= 1 token, got {self.budget}")
        self.stop = tuple(self.stop)

    def reset(self, info: dict[str, Any]) -> None:
        self.seed = sampling_seed(info, self.seed)
        self.last_info = {}

    def act(self, observation: dict[str, Any]) -> str:
        code = observation["code"]
        statement = observation.get("statement") or ""
        if self.show_statement and not statement:
            raise InputError(
                f"agent {self.name!r} was asked to show the statement but the observation "
                "has none: make the environment with show_problem_to_agent=True"
            )
        statement = statement if self.show_statement else ""
        round_ = int(observation.get("round") or 0)
        seed = None if self.seed is None else self.seed + round_
        if self.mode == "raw":
            prompt: Any = raw_prompt(code, statement)
            max_new = self.budget
            stop = self.stop + ("```",)
        elif self.mode == "prefill":
            render = getattr(self.backend, "render_chat", None)
            if render is None:
                raise InputError(
                    f"agent {self.name!r}: the prefill prompt mode needs a backend that renders "
                    f"the chat template locally (TransformersBackend), not {self.backend.name}"
                )
            prompt = prefill_prompt(render(continue_messages(statement)), code)
            max_new = self.budget
            stop = self.stop + ("```",)
        else:
            prompt = retype_messages(code, statement)
            max_new = self.budget + math.ceil(len(code) * RETYPE_TOKENS_PER_CHAR) + RETYPE_MARGIN
            stop = self.stop + (CLOSING_FENCE,)
        early = {} if self.length_rule.nll_limit is None else {"nll_limit": self.length_rule.nll_limit}
        generation = self.backend.generate(
            prompt,
            max_new,
            stop=stop,
            temperature=self.temperature,
            seed=seed,
            logprobs=self.length_rule.needs_logprobs,
            **early,
        )
        # "generated": the model tokens the backend produced for this call (the engine's work, what
        # benchmarks/bench_engines.py counts; the reply itself is left out of episode records).
        info: dict[str, Any] = {
            "mode": self.mode,
            "prompt": prompt,
            "reply": generation.text,
            "generated": len(generation.tokens),
            "aligned": False,
        }
        start: int | None = 0  # None: the reply does not continue the code
        if self.mode == "chat":
            located = locate_continuation(generation.text, code)
            info.update(aligned=located.aligned, retyped_share=round(located.share, 4))
            start = located.start
        if start is None:
            self.last_info = {**info, "tokens": 0, "suggestion": ""}
            return ""
        tokens, logprobs = suggestion_tokens(generation, start)
        kept = self.length_rule.keep(tokens, logprobs)
        tokens = tokens[: min(kept, self.budget)]
        suggestion = clean_suggestion("".join(tokens))
        # Tokens of the suggestion itself (cleaning can only shorten it).
        n, length = 0, 0
        while length < len(suggestion):
            length += len(tokens[n])
            n += 1
        if logprobs is not None:
            info["nll_nats"] = -sum(logprobs[:n])
        self.last_info = {**info, "tokens": n, "suggestion": suggestion}
        return suggestion


def base_agent(backend: LMBackend, max_tokens: int | None = None, *, mode: str = "chat", **options: Any) -> LMAgent:
    """The untrained model; ``max_tokens=N`` is Base-N (a cap in the model's tokens)."""
    if max_tokens is not None and max_tokens < 1:
        raise InputError(f"base_agent: max_tokens must be >= 1 or None, got {max_tokens}")
    name = "base" if max_tokens is None else f"base-{max_tokens}"
    return LMAgent(
        backend, mode=mode, length_rule=TokenCap(max_tokens), budget=max_tokens or UNCAPPED_BUDGET, name=name, **options
    )


def trained_agent(
    backend: LMBackend, stop: str | Sequence[str] | None, *, name: str, mode: str = "raw", **options: Any
) -> LMAgent:
    """A fine-tuned assistant: raw continuation of the code (the training format) until its stop
    token (``None``: the model's end-of-turn token only)."""
    stops = () if stop is None else ((stop,) if isinstance(stop, str) else tuple(stop))
    return LMAgent(backend, mode=mode, stop=stops, name=name, **options)


def sft_agent(
    backend: LMBackend, stop: str | Sequence[str] | None = None, *, n: int | None = None, **options: Any
) -> LMAgent:
    """SFT-N: generates until its stop token, and at most ``n`` tokens, the length of every target it
    was trained on. In the raw training format nothing marks where the code ends and the target
    begins, so the model cannot count its own tokens and does not learn to stop after N of them
    (docs/results.md); the bound keeps it to what it was trained to produce. (``n < 1`` is refused by ``LMAgent``'s budget check.)"""
    return trained_agent(
        backend, stop, name="sft" if n is None else f"sft-{n}", budget=UNCAPPED_BUDGET if n is None else n, **options
    )


def empower_agent(backend: LMBackend, stop: str | Sequence[str] | None = None, **options: Any) -> LMAgent:
    return trained_agent(backend, stop, name="empower", **options)


def inference_empower_agent(
    backend: LMBackend,
    eta: float,
    unit: str = "bits",
    cap: int = INFERENCE_EMPOWER_CAP,
    *,
    mode: str = "chat",
    temperature: float = 0.0,
    **options: Any,
) -> LMAgent:
    """Cut a suggestion where its cumulative NLL first exceeds ``eta`` (``unit``: "bits", as in the
    paper, or "nats"; converted to nats, the unit of the backends' log-probs).

    Decoding is greedy by default, like the other agents, so that only the length rule differs from
    Base; ``temperature > 0`` samples (seeded). The log-probs are always those of the model's own
    distribution. In chat mode sampling also perturbs the re-typed code, and SmolLM2-135M then
    rarely re-types it (no suggestion in a whole episode at temperature 1)."""
    return LMAgent(
        backend,
        mode=mode,
        length_rule=LikelihoodCut(eta_to_nats(eta, unit)),
        budget=cap,
        temperature=temperature,
        name=f"empower-infer:{eta:g}{'' if unit == 'bits' else unit}",
        **options,
    )
