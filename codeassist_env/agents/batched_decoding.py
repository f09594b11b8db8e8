"""Greedy decoding of the episodes in flight together, on a local Llama-family model.

On a CPU, one forward pass of a 135M model over 1 token costs about as much as over 30: the time goes into
reading the weights (benchmarks/bench_decode.py). An episode's round needs a pass over the few tokens the
programmer added (its prompt) and then one pass per suggested token; alone, each of those passes reads all
the weights. So a thread per local model runs every pass of the requests in flight as one step: each
request's new prompt tokens, or its last generated token, side by side.

The batch must not change what a request decodes, or a run's numbers would depend on which episodes happened
to be in flight together. Three things make a request's tokens independent of the rest of its step:
- the matrix products run on a multiple of :data:`ROW_BLOCK` rows (zeros fill the rest): a CPU matrix
  product then gives a row the same bits whatever the number of rows, the other rows and the row's place,
  while fewer rows (1 to 3 in all, or in one of two threads' shares) take other kernels (measured with
  torch 2.13 on x86 with 1 and 2 threads; the tests check it);
- attention runs request by request, on each request's own KV cache, so none is padded to another's length;
- a prompt is encoded in pieces of :data:`CHUNK` tokens counted from its own start, never split by the room
  left in a step (a piece waits for a step with room).
``tests/test_batched_decoding.py`` checks all three, and that the tokens are the unbatched ones here.

A request stops by the rules of a call alone (``agents.stop_rules``): an end token, a stop string in the
new text, the NLL budget, ``max_tokens``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from codeassist_env.agents.stop_rules import StopRules

SLOTS = 64  # tokens of a step at most
ROWS = 8  # requests of a step at most
CHUNK = 32  # a prompt's tokens encoded in one step at most
ROW_BLOCK = 4  # the rows of every matrix product are a multiple of this (see above)


def batchable(model: Any) -> bool:
    """Whether ``model`` (a transformers causal LM, perhaps inside a peft wrapper) has the Llama layout this
    module runs: embeddings, decoder layers with q/k/v/o projections and an MLP, a final norm, rotary
    position embeddings."""
    core = getattr(_causal_lm(model), "model", None)
    layers = getattr(core, "layers", None)
    if core is None or not layers or not hasattr(core, "rotary_emb") or not hasattr(core, "norm"):
        return False
    attention = getattr(layers[0], "self_attn", None)
    return all(hasattr(attention, name) for name in ("q_proj", "k_proj", "v_proj", "o_proj", "head_dim")) and hasattr(
        layers[0], "mlp"
    )


def _causal_lm(model: Any) -> Any:
    return model.get_base_model() if hasattr(model, "get_base_model") else model


def _padded(rows: int) -> int:
    return -(-rows // ROW_BLOCK) * ROW_BLOCK


def forward_pieces(model: Any, pieces: Sequence[Sequence[int]], caches: Sequence[Any]) -> Any:
    """Feed ``pieces[i]`` (token ids) to the sequence held in ``caches[i]`` (a transformers ``DynamicCache``,
    which gets their keys and values appended) and return the next-token logits after each piece (float32,
    one row per piece). At most :data:`ROWS` pieces of :data:`SLOTS` tokens in all; call under
    ``torch.no_grad()``."""
    import torch
    from torch.nn.functional import scaled_dot_product_attention
    from transformers.models.llama.modeling_llama import apply_rotary_pos_emb

    sizes = [len(piece) for piece in pieces]
    if not 0 < len(pieces) <= ROWS or len(caches) != len(pieces) or sum(sizes) > SLOTS or 0 in sizes:
        raise ValueError(
            f"forward_pieces takes 1 to {ROWS} non-empty pieces of {SLOTS} tokens in all, one cache "
            f"each; got pieces of {sizes} tokens and {len(caches)} caches"
        )
    lm = _causal_lm(model)
    core = lm.model
    device = core.embed_tokens.weight.device
    starts = [sum(sizes[:i]) for i in range(len(sizes))]
    lengths = [cache.get_seq_length() for cache in caches]
    slots = _padded(sum(sizes))
    ids = torch.zeros(slots, 1, dtype=torch.long, device=device)
    positions = torch.zeros(slots, 1, dtype=torch.long, device=device)
    for piece, start, length in zip(pieces, starts, lengths):
        ids[start : start + len(piece), 0] = torch.tensor(list(piece))
        positions[start : start + len(piece), 0] = torch.arange(length, length + len(piece))
    # A piece's tokens see the cache and the tokens before them in the piece.
    masks = [
        None if size == 1 else torch.ones(size, length + size, dtype=torch.bool, device=device).tril(length)
        for size, length in zip(sizes, lengths)
    ]
    hidden = core.embed_tokens(ids)
    cos, sin = core.rotary_emb(hidden, positions)
    for index, layer in enumerate(core.layers):
        attention = layer.self_attn
        x = layer.input_layernorm(hidden)
        shape = (slots, 1, -1, attention.head_dim)
        query = attention.q_proj(x).view(shape).transpose(1, 2)  # slots x heads x 1 x head_dim
        key = attention.k_proj(x).view(shape).transpose(1, 2)
        value = attention.v_proj(x).view(shape).transpose(1, 2)
        query, key = apply_rotary_pos_emb(query, key, cos, sin)
        mixed = torch.zeros(slots, 1, query.shape[1] * attention.head_dim, dtype=hidden.dtype, device=device)
        for start, size, cache, mask in zip(starts, sizes, caches, masks):
            span = slice(start, start + size)  # slots x heads x 1 x dim -> 1 x heads x size x dim
            keys, values = cache.update(key[span].transpose(0, 2), value[span].transpose(0, 2), index)
            out = scaled_dot_product_attention(
                query[span].transpose(0, 2), keys, values, attn_mask=mask, scale=attention.scaling, enable_gqa=True
            )
            mixed[span] = out.transpose(1, 2).reshape(size, 1, -1)
        hidden = hidden + attention.o_proj(mixed)
        hidden = hidden + layer.mlp(layer.post_attention_layernorm(hidden))
    last = torch.zeros(_padded(len(pieces)), 1, hidden.shape[-1], dtype=hidden.dtype, device=device)
    last[: len(pieces)] = hidden[[start + size - 1 for start, size in zip(starts, sizes)]]
    return lm.lm_head(core.norm(last))[: len(pieces), 0].float()


@dataclass
class Continuation:
    """One request: ``pending`` holds the prompt tokens its cache does not hold yet; once they are encoded
    the cache holds the prompt and every generated token but the last."""

    cache: Any
    pending: list[int]
    rules: StopRules
    ids: list[int] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)
    nll: float = 0.0
    done: bool = False
    error: BaseException | None = None

    def piece(self) -> list[int]:
        """The tokens this request feeds next: a chunk of its prompt, or its last generated token."""
        return self.pending[:CHUNK] if self.pending else self.ids[-1:]

    def advance(self, fed: int, logits: Any) -> None:
        """``fed`` tokens of :meth:`piece` went in and ``logits`` came out."""
        if self.pending:
            del self.pending[:fed]
            if self.pending:
                return  # more of the prompt to encode: no token yet
        self.take(logits)

    def take(self, logits: Any) -> None:
        """Choose the next token greedily from ``logits`` (one row) and apply the stop rules."""
        import torch

        token = int(torch.argmax(logits))
        self.ids.append(token)
        logprob = torch.log_softmax(logits, dim=-1)[token].item()
        self.logprobs.append(logprob)
        self.nll -= logprob
        self.done = self.rules.done(self.ids, self.nll)


class BatchedDecoder:
    """The thread that runs one model's requests, a step for as many as fit (first come, first in);
    ``decode`` blocks its caller until its request is done. One per local model: requests to different
    models cannot share a step."""

    def __init__(self, model: Any):
        self.model = model
        self._condition = threading.Condition()
        self._waiting: list[Continuation] = []
        self._thread: threading.Thread | None = None

    def decode(self, cache: Any, prompt_ids: list[int], rules: StopRules) -> tuple[list[int], list[float]]:
        """The greedy continuation of ``prompt_ids`` (``cache`` holds a prefix of them and gets the rest)
        under ``rules``, up to its first end token, and the tokens' log-probs."""
        continuation = Continuation(cache, list(prompt_ids[cache.get_seq_length() :]), rules)
        with self._condition:
            self._waiting.append(continuation)
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="batched-decoder", daemon=True)
                self._thread.start()
            self._condition.notify_all()
            self._condition.wait_for(lambda: continuation.done)
        if continuation.error is not None:
            raise RuntimeError(f"batched decoding failed: {continuation.error}") from continuation.error
        return rules.until_end(continuation.ids, continuation.logprobs)

    def _loop(self) -> None:
        import torch

        active: list[Continuation] = []  # in the order they came
        while True:
            with self._condition:
                self._condition.wait_for(lambda: bool(self._waiting or active))
                active += self._waiting
                self._waiting.clear()
            step: list[Continuation] = []
            pieces: list[list[int]] = []
            used = 0
            for continuation in active:
                piece = continuation.piece()
                if len(step) == ROWS or used + len(piece) > SLOTS:
                    break
                step.append(continuation)
                pieces.append(piece)
                used += len(piece)
            try:
                with torch.no_grad():
                    logits = forward_pieces(self.model, pieces, [c.cache for c in step])
                for continuation, piece, row in zip(step, pieces, logits):
                    continuation.advance(len(piece), row)
            except BaseException as error:  # the requests in the step get it; the thread goes on
                for continuation in step:
                    continuation.error, continuation.done = error, True
            if any(c.done for c in step):
                active = [c for c in active if not c.done]
                with self._condition:
                    self._condition.notify_all()
