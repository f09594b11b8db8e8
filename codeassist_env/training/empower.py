"""Empower's Algorithm 1 (docs/protocol.md §4.1), top to bottom: from programs to training targets.

Each program, as tokens ℓ(1..N) of the assistant model's tokenizer, gives one example:

1. **Cut**: one cut point n, uniform in 1..N−1, seeded by (seed, program id) only.
2. **Score**: the untrained base model reads every program once; its per-token log-probs give every
   H(i) = −log π̂(ℓ(n+1..n+i) | ℓ(1..n)) of the cut as a cumulative sum.
3. **η rule**: the target is the longest continuation ℓ(n+1..n+k) with H(i) ≤ η for every i ≤ k.

Step 4 (fine-tuning on prefix → target + stop) is :mod:`codeassist_env.training.finetune`; the records
written to disk are :mod:`codeassist_env.training.datasets`'s; the engines that compute step 2's
log-probs are :mod:`codeassist_env.training.scoring`'s. :func:`brute_force_target_length` is the
algorithm written literally, one model call per i, to check the one-pass version against.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from typing import Any, Iterable, Protocol, Sequence

import numpy as np

from codeassist_env.errors import InputError
from codeassist_env.training.corpus import Document


# ---- the programs, as model tokens ----------------------------------------------------------------
@dataclass(frozen=True)
class TokenizedDocument:
    id: str
    ids: list[int]
    truncated: bool = False


# Empower's likelihood threshold η in bits: the shipped adapter was trained with it, and ``empower-infer``
# cuts at it unless told another.
DEFAULT_ETA_BITS = 0.32
# Tokens of a document a training example is drawn from: the prefix a model sees must fit its context.
MAX_TOKENS = 384


def encode_document(tokenizer: Any, text: str) -> list[int]:
    """The document's own tokens (no special tokens)."""
    return list(tokenizer(text, add_special_tokens=False).input_ids)


def tokenize_documents(
    documents: Iterable[Document], tokenizer: Any, max_tokens: int = MAX_TOKENS
) -> list[TokenizedDocument]:
    """Model tokens of each document, truncated to the first ``max_tokens`` tokens (the prefix a model
    sees must fit its context; the cut is drawn inside the kept part)."""
    out = []
    for doc in documents:
        ids = encode_document(tokenizer, doc.text)
        out.append(TokenizedDocument(doc.id, ids[:max_tokens], truncated=len(ids) > max_tokens))
    return out


# ---- step 1: the cut ------------------------------------------------------------------------------
def document_rng(seed: int, doc_id: str, salt: int = 0) -> np.random.Generator:
    """A generator that depends only on the seed and the document, not on the other documents."""
    return np.random.default_rng([seed, zlib.crc32(doc_id.encode("utf-8")), salt])


def draw_cuts(documents: Sequence[TokenizedDocument], seed: int) -> dict[str, int]:
    """One cut n per document with N >= 2 tokens, uniform in [1, N); keyed by document id. Shorter
    documents have no cut and give no example."""
    return {doc.id: int(document_rng(seed, doc.id).integers(1, len(doc.ids))) for doc in documents if len(doc.ids) >= 2}


# ---- step 2: one forward pass per program ---------------------------------------------------------
class Scorer(Protocol):
    def score(self, documents: Sequence[Sequence[int]]) -> list[np.ndarray]:
        """For each token-id list, log π̂(t_j | BOS?, t_<j) per token j, in nats (float64). Without a
        BOS token the first value is NaN; the algorithm never reads it, since every cut is n >= 1."""
        ...


# ---- step 3: the η rule ---------------------------------------------------------------------------
UNITS = ("bits", "nats")


def eta_to_nats(eta: float, unit: str = "bits") -> float:
    """η in nats. The paper bounds the likelihood from below by 2^−η, so its η is in bits (the default);
    everything here computes in nats."""
    if unit not in UNITS:
        raise InputError(f"eta unit {unit!r}: unit must be 'bits' or 'nats'")
    if not eta >= 0:
        raise InputError(f"eta must be a non-negative number, got {eta!r}")
    return eta * math.log(2) if unit == "bits" else eta


def longest_within(logprobs: Sequence[float] | np.ndarray, eta_nats: float) -> int:
    """The largest k such that H(i) = -sum(logprobs[:i]) <= eta for every i <= k: the length rule,
    shared by the training targets and the Empower-at-inference agent."""
    cumulative_nll = np.cumsum(-np.asarray(logprobs, dtype=np.float64))
    exceeded = np.flatnonzero(cumulative_nll > eta_nats)
    return int(exceeded[0]) if exceeded.size else len(cumulative_nll)


def empower_target_length(logprobs: np.ndarray, cut: int, eta_nats: float) -> int:
    """The target length after ``cut`` from one document's per-token log-probs (0 = empty target, which
    teaches the assistant to say nothing there; len - cut = the whole rest)."""
    if not 1 <= cut < len(logprobs):
        raise ValueError(f"cut {cut} outside [1, {len(logprobs)})")
    return longest_within(logprobs[cut:], eta_nats)


# ---- the targets ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """A document's training target: its tokens ``ids[cut:cut + length]``, and their NLL under the
    untrained model where the target was chosen by it (Empower; None for the SFT baselines)."""

    cut: int
    length: int
    nll_nats: float | None = None


def empower_targets(
    documents: Sequence[TokenizedDocument], scorer: Scorer, *, eta_nats: float, seed: int
) -> dict[str, Target]:
    """Algorithm 1's target for every document that has a cut, keyed by document id."""
    cuts = draw_cuts(documents, seed)
    logprobs = scorer.score([doc.ids for doc in documents])
    targets = {}
    for doc, doc_logprobs in zip(documents, logprobs):
        if doc.id not in cuts:
            continue
        cut = cuts[doc.id]
        length = empower_target_length(doc_logprobs, cut, eta_nats)
        targets[doc.id] = Target(cut, length, float(-doc_logprobs[cut : cut + length].sum()))
    return targets


# ---- the same, written literally (tests and benchmarks only) --------------------------------------
def continuation_nll(scorer: Scorer, prefix: Sequence[int], continuation: Sequence[int]) -> float:
    """-log π̂(continuation | prefix) in nats, from a scoring call of its own."""
    logprobs = scorer.score([list(prefix) + list(continuation)])[0]
    return float(-logprobs[len(prefix) :].sum())


def brute_force_target_length(scorer: Scorer, ids: Sequence[int], cut: int, eta_nats: float) -> int:
    """For i = 1, 2, ... score ℓ(n+1..n+i) given ℓ(1..n) with a separate model call, and stop at the
    first i whose H(i) exceeds η. Slow by design."""
    if not 1 <= cut < len(ids):
        raise ValueError(f"cut {cut} outside [1, {len(ids)})")
    for i in range(1, len(ids) - cut + 1):
        if continuation_nll(scorer, ids[:cut], ids[cut : cut + i]) > eta_nats:
            return i - 1
    return len(ids) - cut
