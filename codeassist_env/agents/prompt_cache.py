"""The KV cache of a local backend's last prompt, reused by its next prompt (an episode's program only
grows, so each round mostly extends the last prompt)."""

from __future__ import annotations

import inspect
import threading
from dataclasses import dataclass
from typing import Any


@dataclass
class _CachedPrompt:
    ids: list[int]
    kv: Any  # a transformers DynamicCache holding exactly the keys/values of ``ids``


class PromptCache:
    """The KV cache of the last prompt a thread generated from, for reuse by its next prompt.

    An episode's program only grows, so each round's prompt mostly extends the last one. ``take``
    hands out the cache cropped to the longest common prefix of token ids (never the whole new
    prompt: generation needs at least one uncached token to compute the next-token logits), and
    generation then encodes only the rest. Ids are compared rather than text because the tokens of
    ``old + new text`` need not be the old tokens followed by those of the new text (a merge can
    cross the seam); a prompt that does not extend the cached one simply shares a shorter prefix,
    down to none (a full encode). ``keep`` stores the cache back cropped to the prompt, so the
    generated tokens never leak into the next round.

    One entry per thread: the bench runs episodes in a thread pool over shared backends, and each
    thread plays one episode at a time. Greedy outputs match uncached decoding (tested over whole
    episodes); the logits may differ in the last bits because the prompt is encoded in pieces."""

    def __init__(self, model: Any):
        self._local = threading.local()
        # Recent transformers renamed generate's ``past_key_values`` to ``cache``. (A peft model's
        # own forward takes ``**kwargs``, so look at the model it wraps.)
        forward = getattr(model, "get_base_model", lambda: model)().forward
        self.keyword = "cache" if "cache" in inspect.signature(forward).parameters else "past_key_values"

    @property
    def reused(self) -> int:
        """How many prompt tokens the last ``take`` in this thread found cached."""
        return getattr(self._local, "reused", 0)

    def take(self, ids: list[int]) -> Any:
        from transformers import DynamicCache

        entry: _CachedPrompt | None = getattr(self._local, "entry", None)
        # A failed generation must not leave a cache that no longer matches its ids.
        self._local.entry = None
        common = 0
        if entry is not None:
            limit = min(len(entry.ids), len(ids) - 1)
            while common < limit and entry.ids[common] == ids[common]:
                common += 1
        self._local.reused = common
        if entry is None or common == 0:  # (common is 0 whenever entry is None)
            # No config: every layer keeps all its tokens, so a later crop can always go back
            # (sliding-window layers drop old tokens and could not).
            return DynamicCache()
        _crop(entry.kv, common)
        return entry.kv

    def keep(self, ids: list[int], kv: Any) -> None:
        _crop(kv, len(ids))
        self._local.entry = _CachedPrompt(list(ids), kv)


def _crop(kv: Any, length: int) -> None:
    # A negative count removes that many tokens in every transformers version (positive arguments
    # changed meaning in transformers 5), and crop(0) would empty the cache in older ones.
    extra = kv.get_seq_length() - length
    if extra > 0:
        kv.crop(-extra)
