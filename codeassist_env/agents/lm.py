"""Language-model backends for the assistant agents, behind one small interface.

``generate`` continues a prompt (a plain string, or a list of chat messages that the backend formats
with the model's chat template) and returns the text with its tokens and, when asked, the model's
log-probability of each token. ``nll_limit`` (nats) lets a backend stop early, after the first token
at which the cumulative negative log-likelihood of the generated tokens exceeds it (Empower at
inference keeps nothing past that point); a backend may ignore it and generate to ``max_tokens``. ``score`` returns the per-token log-probs of a given continuation.
All log-probs are natural logs (nats) of the model's own distribution at temperature 1, whatever
sampling temperature produced the tokens: that is the distribution Empower's likelihood rule is
defined on.

Backends:
- :class:`TransformersBackend`: a local model (Hugging Face directory, GGUF file or ``smollm2``,
  optionally with a LoRA adapter), CPU or GPU. It keeps the KV cache of its last prompt (one per
  thread) and encodes only the tokens a new prompt adds (see :class:`PromptCache`).
- :class:`OpenAICompletionsBackend`: any OpenAI-compatible server (vLLM in production, the local
  llama.cpp server offline). String prompts go to ``/v1/completions``, chat prompts to
  ``/v1/chat/completions``; tokens and log-probs come from the response's ``logprobs``. The server's
  own prefix cache (vLLM's automatic prefix caching, llama.cpp's ``cache_prompt``) plays the part of
  :class:`PromptCache`.

Every :class:`Generation` satisfies ``"".join(tokens) == text``: stop strings and the end-of-turn
token are removed from the text, and a token that straddles the cut is shortened to fit.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, Union, cast, runtime_checkable

from codeassist_env.agents.prompt_cache import PromptCache
from codeassist_env.agents.stop_rules import StopRules
from codeassist_env.errors import InputError

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam

Message = dict[str, str]
Prompt = Union[str, Sequence[Message]]
_NOT_READ = object()  # a served backend's tokenizer before it is looked for (None: looked for, not found)


@dataclass(frozen=True)
class BackendInfo:
    """What a backend computes with, for run records: ``served_at`` is None for a local model, else the
    server's base URL(s); ``model`` what was loaded (local) or the served model's name; ``adapter`` a local
    LoRA adapter directory (a served adapter is a served model of its own)."""

    model: str
    served_at: str | None = None
    adapter: str | None = None


@dataclass(frozen=True)
class Generation:
    text: str
    tokens: list[str]
    token_logprobs: list[float] | None = None


@runtime_checkable
class LMBackend(Protocol):
    name: str

    def generate(
        self,
        prompt: Prompt,
        max_tokens: int,
        stop: Sequence[str] = (),
        temperature: float = 0.0,
        seed: int | None = None,
        logprobs: bool = False,
        nll_limit: float | None = None,
    ) -> Generation: ...

    def score(self, prefix: str, continuation: str) -> list[float]: ...


def cut_at_stop(
    tokens: list[str], logprobs: list[float] | None, stop: Sequence[str], limit: int | None = None
) -> Generation:
    """Build a :class:`Generation` from token strings, ending the text before the first stop
    string (or at ``limit`` characters) and shortening/dropping the tokens past that point."""
    text = "".join(tokens)
    end = len(text) if limit is None else min(limit, len(text))
    for s in stop:
        found = text.find(s) if s else -1
        if found != -1:
            end = min(end, found)
    kept: list[str] = []
    position = 0
    for token in tokens:
        if position >= end:
            break
        kept.append(token[: end - position])
        position += len(token)
    kept_logprobs = None if logprobs is None else list(logprobs[: len(kept)])
    return Generation(text[:end], kept, kept_logprobs)


def _check_generate_args(max_tokens: int, temperature: float) -> None:
    if not isinstance(max_tokens, int) or max_tokens < 1:
        raise InputError(f"max_tokens must be a positive integer, got {max_tokens!r}")
    if temperature < 0:
        raise InputError(f"temperature must be >= 0, got {temperature!r}")


def empty_prompt_ids(tokenizer: Any) -> list[int]:
    """Where a program without starter code starts when the tokenizer adds no token of its own: the
    BOS token, else the document boundary (end-of-text), as a new file follows it in pretraining data."""
    boundary = tokenizer.bos_token_id
    return [tokenizer.eos_token_id if boundary is None else boundary]


def render_chat(tokenizer: Any, model: str, messages: Sequence[Message]) -> str:
    """The chat template's text for ``messages`` up to the start of the assistant's reply."""
    if tokenizer is None or tokenizer.chat_template is None:
        raise InputError(
            f"model {model} has no chat template here (a served model's own tokenizer is read "
            "only where the server names a directory on this machine); use the raw or chat "
            "prompt mode"
        )
    return tokenizer.apply_chat_template(list(messages), add_generation_prompt=True, tokenize=False)


class TransformersBackend:
    """A local causal LM loaded with :func:`codeassist_env.models.load_causal_lm` (cached in-process).

    ``prompt_cache``: reuse the KV cache of the previous prompt (see :class:`PromptCache`); off, every
    call encodes its whole prompt. ``batched``: greedy calls made at the same time from several threads (the
    bench's episodes) run together, when the model has the Llama layout
    (:mod:`codeassist_env.agents.batched_decoding`; a call's tokens do not depend on what it ran with).
    Sampled calls run alone."""

    def __init__(
        self,
        model: str | os.PathLike = "smollm2",
        *,
        adapter: str | os.PathLike | None = None,
        device: str = "cpu",
        dtype: Any = None,
        prompt_cache: bool = True,
        batched: bool = True,
    ):
        from codeassist_env.agents.batched_decoding import BatchedDecoder, batchable
        from codeassist_env.models import load_causal_lm

        self.model, self.tokenizer = load_causal_lm(model, adapter=adapter, device=device, dtype=dtype)
        self.device = device
        self.info = BackendInfo(str(model), adapter=str(adapter) if adapter else None)
        self.name = f"transformers:{model}" + (f"+{adapter}" if adapter else "")
        self.prompt_cache = PromptCache(self.model) if prompt_cache else None
        self.decoder = BatchedDecoder(self.model) if batched and batchable(self.model) else None

    def _prompt_ids(self, prompt: Prompt):
        if isinstance(prompt, str):
            # The tokenizer's default special tokens, as the Empower/SFT adapters were trained.
            ids = self.tokenizer(prompt, return_tensors="pt").input_ids
            if ids.shape[1] == 0:
                ids = ids.new_tensor([empty_prompt_ids(self.tokenizer)])
            return ids
        if self.tokenizer.chat_template is None:
            raise InputError(f"model {self.name} has no chat template; use the raw prompt mode")
        return self.tokenizer.apply_chat_template(
            list(prompt), add_generation_prompt=True, return_tensors="pt", return_dict=True
        )["input_ids"]

    def render_chat(self, messages: Sequence[Message]) -> str:
        return render_chat(self.tokenizer, self.name, messages)

    def _special_ids(self, stop: Sequence[str]) -> set[int]:
        special = set(self.tokenizer.all_special_tokens)
        return {self.tokenizer.convert_tokens_to_ids(s) for s in stop if s in special}

    def _token_strings(self, ids: list[int]) -> list[str]:
        # Decode growing prefixes so multi-byte characters split over tokens come out whole and the
        # token strings join to exactly the decoded text. No clean-up: it deletes the space before
        # punctuation (" !=" -> "!="), which changes code; tokenizers such as Llama-3.1's ask for it.
        strings, previous = [], ""
        for i in range(len(ids)):
            current = self.tokenizer.decode(ids[: i + 1], skip_special_tokens=True, clean_up_tokenization_spaces=False)
            if current.endswith("\ufffd") and i + 1 < len(ids):
                strings.append("")  # incomplete UTF-8 sequence: the next token completes it
                continue
            strings.append(current[len(previous) :])
            previous = current
        return strings

    def generate(
        self,
        prompt: Prompt,
        max_tokens: int,
        stop: Sequence[str] = (),
        temperature: float = 0.0,
        seed: int | None = None,
        logprobs: bool = False,
        nll_limit: float | None = None,
    ) -> Generation:
        _check_generate_args(max_tokens, temperature)
        input_ids = self._prompt_ids(prompt).to(self.device)
        # End of turn, or a stop string that is a special token (decoding skips those).
        rules = StopRules(
            frozenset({self.tokenizer.eos_token_id} | self._special_ids(stop)),
            max_tokens,
            tuple(s for s in stop if s),
            nll_limit,
            lambda ids: self.tokenizer.decode(ids, skip_special_tokens=True),
        )
        prompt_ids = input_ids[0].tolist()
        cache = self.prompt_cache.take(prompt_ids) if self.prompt_cache is not None else None
        values: list[float] | None
        if temperature == 0 and self.decoder is not None:
            from transformers import DynamicCache

            cache = DynamicCache() if cache is None else cache
            new_ids, values = self.decoder.decode(cache, prompt_ids, rules)
        else:
            new_ids, values = self._generate_alone(input_ids, cache, rules, temperature, seed, logprobs)
        if self.prompt_cache is not None:
            self.prompt_cache.keep(prompt_ids, cache)
        return cut_at_stop(self._token_strings(new_ids), values if logprobs else None, stop)

    def _generate_alone(
        self, input_ids: Any, cache: Any, rules: StopRules, temperature: float, seed: int | None, logprobs: bool
    ) -> tuple[list[int], list[float] | None]:
        """transformers' ``generate`` with ``rules`` as its hooks; ``cache`` (None: no prompt cache) holds a
        prefix of the prompt and gets the rest."""
        import torch

        kwargs: dict[str, Any] = rules.hooks(input_ids.shape[1])
        if temperature > 0:
            kwargs.update(do_sample=True, temperature=temperature, top_k=0, top_p=1.0)
        else:
            kwargs.update(do_sample=False, temperature=None, top_k=None, top_p=None)
        if cache is not None:
            # The cache came from the prompt cache (``generate`` makes one itself only for batched decoding).
            kwargs[cast(PromptCache, self.prompt_cache).keyword] = cache
        with torch.random.fork_rng(devices=[]), torch.no_grad():
            if seed is not None:
                torch.manual_seed(seed)
            out = self.model.generate(
                input_ids=input_ids,
                attention_mask=torch.ones_like(input_ids),
                max_new_tokens=rules.max_tokens,
                eos_token_id=sorted(rules.end_ids),
                output_logits=logprobs,
                return_dict_in_generate=True,
                pad_token_id=self.tokenizer.pad_token_id,
                **kwargs,
            )
        new_ids, _ = rules.until_end(out.sequences[0, input_ids.shape[1] :].tolist())
        if not logprobs:
            return new_ids, None
        return new_ids, [
            torch.log_softmax(out.logits[i][0].float(), dim=-1)[tid].item() for i, tid in enumerate(new_ids)
        ]

    def token_logprobs(self, prompt_ids: list[int], continuation_ids: list[int]) -> list[float]:
        """Log-probs of ``continuation_ids`` after ``prompt_ids`` in one forward pass."""
        import torch

        if not prompt_ids:
            raise ValueError("scoring needs a non-empty prefix (the first token has no context)")
        ids = torch.tensor([prompt_ids + continuation_ids], device=self.device)
        with torch.no_grad():
            logits = self.model(ids).logits[0, len(prompt_ids) - 1 : -1].float()
        chosen = torch.tensor(continuation_ids, device=self.device)
        return torch.log_softmax(logits, dim=-1).gather(1, chosen[:, None])[:, 0].tolist()

    def score(self, prefix: str, continuation: str) -> list[float]:
        """Prefix and continuation are tokenized separately (the cut lies on a token boundary, as
        when the continuation was generated after the prefix; the prefix gets the tokenizer's
        default special tokens, the continuation none), then scored in one forward pass."""
        if not continuation:
            return []
        return self.token_logprobs(
            self.tokenizer(prefix).input_ids, self.tokenizer(continuation, add_special_tokens=False).input_ids
        )


class OpenAICompletionsBackend:
    """An OpenAI-compatible server: ``base_url`` like ``http://127.0.0.1:8000/v1``, ``model`` the
    served model name (with vLLM ``--enable-lora``, a served adapter's name). What differs between
    server kinds (sampling defaults, echoed log-probs, token strings) is in
    :mod:`codeassist_env.agents.server_kinds`."""

    def __init__(
        self, base_url: str, model: str, *, api_key: str | None = None, timeout_s: float = 120.0, max_retries: int = 2
    ):
        from openai import OpenAI

        if not base_url.startswith(("http://", "https://")):
            raise InputError(f"agent base URL must start with http:// or https://, got {base_url!r}")
        self.client = OpenAI(
            base_url=base_url,
            api_key=api_key or os.environ.get("OPENAI_API_KEY", "EMPTY"),
            timeout=timeout_s,
            max_retries=max_retries,
        )
        self.base_url, self.model = base_url, model
        self.info = BackendInfo(model, served_at=base_url)
        self.name = f"openai:{model}@{base_url}"
        self._owned_by: str | None = None
        self._empty_prompt: str | list[int] | None = None
        self._tokenizer: Any = _NOT_READ

    def generate(
        self,
        prompt: Prompt,
        max_tokens: int,
        stop: Sequence[str] = (),
        temperature: float = 0.0,
        seed: int | None = None,
        logprobs: bool = False,
        nll_limit: float | None = None,
    ) -> Generation:
        from codeassist_env.agents.server_kinds import respell, sampling_fields

        # nll_limit is not sent: the OpenAI API has no such stop rule, so the server generates up to
        # max_tokens and the agent's length rule cuts the suggestion.
        _check_generate_args(max_tokens, temperature)
        fields, extra = sampling_fields(self.server_kind())
        common = dict(
            model=self.model,
            max_tokens=max_tokens,
            temperature=temperature,
            stop=list(stop) or None,
            seed=seed,
            extra_body=extra or None,
            **fields,
        )
        # Top-1 log-probs are always requested: they also give the token strings, which the agents
        # need to count tokens in the model's own tokenizer.
        if isinstance(prompt, str):
            choice = self._complete(prompt, logprobs=1, **common)
            text = choice.text
            tokens = list(choice.logprobs.tokens) if choice.logprobs else []
            values = list(choice.logprobs.token_logprobs) if choice.logprobs else []
        else:
            choice = self.client.chat.completions.create(
                # Each message is a {"role", "content"} dict, the form the chat API takes.
                messages=cast("list[ChatCompletionMessageParam]", list(prompt)),
                logprobs=True,
                top_logprobs=1,
                **common,
            ).choices[0]
            text = choice.message.content or ""
            content = (choice.logprobs.content or []) if choice.logprobs else []
            tokens = [entry.token for entry in content]
            values = [entry.logprob for entry in content]
        spelled = respell(tokens, text)
        if spelled is None:
            raise RuntimeError(
                f"server {self.base_url} (model {self.model!r}) returned tokens that do not spell its "
                f"text; it must support logprobs for {'completions' if isinstance(prompt, str) else 'chat'}"
            )
        return cut_at_stop(spelled, [float(v) for v in values] if logprobs else None, stop, limit=len(text))

    @property
    def tokenizer(self) -> Any:
        """The served model's own tokenizer where its directory is on this machine (vLLM says where), else
        None: with it the served engine renders chat templates and starts an empty prompt as
        :class:`TransformersBackend` does."""
        if self._tokenizer is _NOT_READ:
            import openai

            from codeassist_env.agents.server_kinds import served_tokenizer

            try:
                self._tokenizer = served_tokenizer(self.client, self.model)
            except openai.APIConnectionError:  # not up yet: unknown for now, asked again next time
                return None
        return self._tokenizer

    def render_chat(self, messages: Sequence[Message]) -> str:
        return render_chat(self.tokenizer, self.name, messages)

    def _complete(self, prompt: str, **kwargs: Any) -> Any:
        from codeassist_env.agents.server_kinds import empty_prompt

        sent: str | list[int] = prompt
        if not prompt:  # a program with no starter code
            if self._empty_prompt is None:
                tokenizer = self.tokenizer  # known: the local backend's rule, on the same tokenizer
                self._empty_prompt = (
                    (list(tokenizer("").input_ids) or empty_prompt_ids(tokenizer))
                    if tokenizer is not None
                    else empty_prompt(self.client, self.model, self.server_kind())
                )
            sent = self._empty_prompt
        return self.client.completions.create(prompt=sent, **kwargs).choices[0]

    def server_kind(self) -> str:
        if self._owned_by is None:
            entries = {m.id: m for m in self.client.models.list().data}
            if self.model not in entries:
                raise InputError(
                    f"server {self.base_url} does not serve model {self.model!r}; it serves {sorted(entries)}"
                )
            self._owned_by = getattr(entries[self.model], "owned_by", "") or ""
        return self._owned_by

    def score(self, prefix: str, continuation: str) -> list[float]:
        """Prompt log-probs from the completions endpoint's ``echo``: of the prefix alone and of prefix
        + continuation; the continuation's tokens are those the second has past the first (tokenized
        together, so a token that crosses the boundary counts as the continuation's first).

        Trusted from vLLM, and from llama-cpp-python when the model adds a BOS token (without one its
        echo scores every token with the logits after it; see :mod:`codeassist_env.agents.server_kinds`).
        Refused elsewhere: OpenAI's API has no ``echo``, and no other server's echo has been checked."""
        from codeassist_env.agents.server_kinds import adds_bos, continuation_logprobs, echo
        from codeassist_env.engines import OwnedBy

        kind = self.server_kind()
        where = f"server {self.base_url} (model {self.model!r}, owned_by={kind!r})"
        if kind not in (OwnedBy.VLLM, OwnedBy.LLAMA_CPP_PYTHON):
            raise NotImplementedError(
                f"score() needs prompt log-probs, trusted only from vLLM and "
                f"llama-cpp-python; {where} is neither. Score with TransformersBackend."
            )
        if kind == OwnedBy.LLAMA_CPP_PYTHON and not adds_bos(self.client, self.model):
            raise NotImplementedError(
                f"score() refused: {where} is llama-cpp-python with a model that adds no BOS token, and "
                "its echoed prompt log-probs are then one token out of place. Score with TransformersBackend."
            )
        if not continuation:
            return []
        if not prefix:
            raise ValueError("scoring needs a non-empty prefix (the first token has no context)")
        picked = continuation_logprobs(
            echo(self.client, self.model, prefix), echo(self.client, self.model, prefix + continuation)
        )
        if not picked or any(v is None for v in picked):
            raise RuntimeError(f"{where} returned no prompt log-probs for the continuation")
        return [float(v) for v in picked if v is not None]  # each is (checked above)
