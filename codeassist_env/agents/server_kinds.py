"""What differs between OpenAI-compatible servers, for :class:`~codeassist_env.agents.lm.OpenAICompletionsBackend`.

A server's kind is the ``owned_by`` of its models in ``/v1/models``: ``"vllm"`` for vLLM, ``"me"`` for
llama-cpp-python's server. Five things depend on it:

- Sampling defaults. Both servers filter the distribution unless told not to: vLLM takes top-p, top-k,
  min-p and repetition penalty from the model's ``generation_config.json`` (top_p 0.9 for Llama-3.1),
  llama-cpp-python defaults to top_k 40, top_p 0.95, min_p 0.05 and repeat_penalty 1.1 (which even
  changes greedy output). :func:`sampling_fields` turns all of them off, so every backend samples from
  the model's own distribution at the given temperature, as :class:`TransformersBackend` does. The
  fields outside the OpenAI API go only to servers known to take them (OpenAI rejects unknown fields).
- Prompt log-probs (``echo``). vLLM echoes every prompt token, a BOS token included as its text
  (``<|begin_of_text|>``), with character offsets counted from it, so offsets into the prompt text are
  off by the BOS text's length. llama-cpp-python drops a leading BOS from the echo and pairs the
  remaining tokens with the logits rows in order: right when the model adds a BOS token (row i follows
  token i, the BOS being row 0), one token out of place when it adds none (each token is then scored
  with the logits computed *after* it). :func:`continuation_logprobs` therefore never uses offsets: it
  compares the echo of the prefix alone with the echo of prefix + continuation token by token.
- Token strings. vLLM decodes each token on its own, so a tokenizer with
  ``clean_up_tokenization_spaces`` (Llama-3.1) turns the token ``" !="`` into ``"!="`` and the tokens
  no longer spell the text; :func:`respell` gives such tokens back the spaces the clean-up removed.
- The served model's tokenizer (:func:`served_tokenizer`). vLLM lists where each model's files are (the
  ``root`` of ``/v1/models``; an adapter's ``parent`` names its base model). When that directory is on
  this machine, the backend reads its tokenizer, so a served model renders its chat template and starts
  an empty prompt exactly as the local backend does: the engines then differ only in arithmetic.
- Empty prompts (:func:`empty_prompt`). vLLM refuses one ("decoder prompt cannot be empty"; 0.32 even
  when its tokenizer adds a BOS token), so it gets the tokens its tokenizer puts before a text (its
  ``/tokenize`` route) as a token-id prompt: the BOS token alone, where the local backend starts too;
  without a BOS token, :data:`BOUNDARY`. llama-cpp-python fails without a BOS token and misaligns the
  completion's log-probs with one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from codeassist_env.engines import OwnedBy
from codeassist_env.errors import InputError

# Sent in place of an empty prompt when the server refuses one (its tokenizer adds no BOS, so "" is no
# tokens): the end-of-text token of GPT-2-style vocabularies (Qwen, SmolLM2, StarCoder), which separates
# documents in their pretraining data, so a new file follows it.
BOUNDARY = "<|endoftext|>"

# Keyed by str, as ``sampling_fields`` is given the kind a server reports (an OwnedBy is that str).
_SAMPLING_OFF: dict[str, dict[str, float]] = {
    OwnedBy.VLLM: {"top_k": -1, "min_p": 0.0, "repetition_penalty": 1.0},  # -1 = off in every vLLM release
    OwnedBy.LLAMA_CPP_PYTHON: {"top_k": 0, "min_p": 0.0, "repeat_penalty": 1.0},
}


def sampling_fields(kind: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(OpenAI fields, extra fields) that leave the model's distribution unfiltered on a ``kind`` server."""
    return {"top_p": 1.0}, dict(_SAMPLING_OFF.get(kind, {}))


def adds_bos(client: Any, model: str) -> bool:
    """Whether llama-cpp-python's tokenizer puts a BOS token before a text (its tokenize route)."""
    import httpx

    root = str(client.base_url).rstrip("/").removesuffix("/v1")
    response = httpx.post(
        f"{root}/extras/tokenize/count",
        json={"input": "", "model": model},
        headers={"Authorization": f"Bearer {client.api_key}"},
        timeout=client.timeout,
    )
    response.raise_for_status()
    return response.json()["count"] > 0


def special_prefix(client: Any, model: str) -> list[int]:
    """vLLM: the token ids its tokenizer puts before a text (``[BOS]``, or ``[]``), from ``/tokenize``."""
    import httpx

    root = str(client.base_url).rstrip("/").removesuffix("/v1")
    response = httpx.post(
        f"{root}/tokenize",
        json={"model": model, "prompt": ""},
        headers={"Authorization": f"Bearer {client.api_key}"},
        timeout=client.timeout,
    )
    response.raise_for_status()
    return [int(token) for token in response.json()["tokens"]]


def empty_prompt(client: Any, model: str, kind: str) -> str | list[int]:
    """What to send for an empty prompt: on vLLM, its tokenizer's BOS token as a token-id prompt where it
    adds one; "" where the server takes it; else :data:`BOUNDARY` where that is one token of the model's
    vocabulary."""
    import openai

    where = f"server {client.base_url} (model {model!r})"
    if kind == OwnedBy.VLLM:
        import httpx

        try:
            prefix = special_prefix(client, model)
        except (httpx.HTTPError, KeyError, ValueError):  # no /tokenize route (a vLLM-shaped server): as below
            prefix = []
        if prefix:  # the local backend starts from the same BOS token
            return prefix
    if kind == OwnedBy.LLAMA_CPP_PYTHON and adds_bos(client, model):
        # It starts the completion's token list with the BOS token and pairs the list with the logits
        # rows from there: every returned token is scored one row late, and one is lost.
        raise InputError(
            f"{where}: llama-cpp-python misaligns the log-probs of a completion of an empty "
            "prompt for a model that adds a BOS token; serve it with vLLM or use "
            "TransformersBackend for programs without starter code"
        )
    once = client.with_options(max_retries=0)
    try:
        once.completions.create(model=model, prompt="", max_tokens=1)
        return ""
    except openai.APIStatusError:  # vLLM: "decoder prompt cannot be empty"; llama-cpp-python: status 500
        usage = once.completions.create(model=model, prompt=BOUNDARY, max_tokens=1).usage
    if usage is None or usage.prompt_tokens != 1:
        raise InputError(
            f"{where} refuses an empty prompt and {BOUNDARY!r} is not one token of its "
            "vocabulary; give the program some starter code"
        )
    return BOUNDARY


def served_tokenizer(client: Any, model: str) -> Any:
    """The tokenizer of served ``model`` read from its directory on this machine (vLLM's ``root``, or its
    base model's for an adapter, whose directory holds no tokenizer), else None: another host's path, a
    server that does not say, or no transformers here."""
    try:
        from transformers import AutoTokenizer
    except ImportError:
        return None
    entries = {m.id: m for m in client.models.list().data}
    entry = entries.get(model)
    if entry is None:
        return None
    parent = entries.get(getattr(entry, "parent", None) or "")
    for where in (getattr(entry, "root", None), getattr(parent, "root", None)):
        if where and (Path(where) / "tokenizer_config.json").is_file():
            return AutoTokenizer.from_pretrained(where)
    return None


def echo(client: Any, model: str, text: str) -> list[tuple[str, float | None]]:
    """(token string, log-prob) of ``text``'s tokens as the server echoes them (the one generated token
    at the end removed)."""
    # logprobs=1, not 0: an echo's prompt log-probs come from vLLM's engine option prompt_logprobs,
    # which the request's logprobs sets, and some V1 releases read 0 there as "off".
    response = client.completions.create(model=model, prompt=text, max_tokens=1, temperature=0.0, echo=True, logprobs=1)
    logprobs = response.choices[0].logprobs
    if logprobs is None or not logprobs.tokens:
        return []
    entries = list(zip(logprobs.tokens, logprobs.token_logprobs))
    generated = getattr(response.usage, "completion_tokens", None) or 0
    return entries[: len(entries) - generated]


def continuation_logprobs(
    head: Sequence[tuple[str, float | None]], full: Sequence[tuple[str, float | None]]
) -> list[float | None]:
    """The log-probs of the tokens that ``full`` (echo of prefix + continuation) has past ``head``
    (echo of the prefix alone). The tokens they share from the start are the prefix's (a BOS token
    included, whatever its text); a token that crosses the prefix's end differs from the prefix's last
    token, so it counts as the continuation's first."""
    common = 0
    while common < min(len(head), len(full)) and head[common][0] == full[common][0]:
        common += 1
    return [value for _, value in full[common:]]


def respell(tokens: Sequence[str], text: str) -> list[str] | None:
    """``tokens`` made to spell ``text`` (at least up to its end) where a server's decoding dropped
    whitespace before a token (``clean_up_tokenization_spaces``): the dropped whitespace goes back to
    the token after it. None when the tokens differ from the text in any other way."""

    def fits(token: str, at: int) -> bool:  # the token's text is there, or runs past the text's end
        return text.startswith(token, at) or token.startswith(text[at:])

    out: list[str] = []
    position = 0
    for token in tokens:
        if position >= len(text) or fits(token, position):
            out.append(token)
            position += len(token)
            continue
        gap = position
        while gap < len(text) and text[gap].isspace():
            gap += 1
        if gap == position or gap == len(text) or not fits(token, gap):
            return None
        out.append(text[position:gap] + token)
        position = gap + len(token)
    return out if position >= len(text) else None
