"""Paired comparisons of two agents run on the same (problem, seed) pairs.

The report compares each agent with a baseline episode by episode: both played the same problem with
the same seed, so the per-pair difference removes most of the problem-to-problem spread that makes
unpaired means over a few problems so uncertain. Two summaries of the differences:

- a percentile bootstrap confidence interval of their mean (pairs resampled with replacement; a fixed
  seed and a stated number of resamples, so that a report is reproducible);
- an exact two-sided sign test: under "neither agent is better" each non-zero difference is positive
  with probability 1/2. Zero differences (ties) carry no sign and are dropped, as the sign test does;
  Pass@1 differences are mostly ties, and the report says how many were dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np

BOOTSTRAP_RESAMPLES = 10_000
BOOTSTRAP_SEED = 0
CONFIDENCE = 0.95
_CHUNK_CELLS = 4_000_000  # resampled values held at once (32 MB of float64), whatever the number of pairs


def bootstrap_ci(
    differences: Sequence[float],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
    confidence: float = CONFIDENCE,
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of ``differences`` (needs at least one value)."""
    values = np.asarray(differences, dtype=float)
    n = len(values)
    if n == 0:
        raise ValueError("bootstrap_ci: no differences to resample")
    if resamples < 1:
        raise ValueError(f"bootstrap_ci: resamples must be >= 1, got {resamples}")
    if not 0 < confidence < 1:
        raise ValueError(f"bootstrap_ci: confidence must be in (0, 1), got {confidence}")
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    rows = max(1, _CHUNK_CELLS // n)
    for start in range(0, resamples, rows):
        stop = min(resamples, start + rows)
        means[start:stop] = values[rng.integers(0, n, size=(stop - start, n))].mean(axis=1)
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return float(low), float(high)


def sign_test(positive: int, negative: int) -> float | None:
    """Exact two-sided sign-test p-value for ``positive`` and ``negative`` non-zero differences (ties
    already dropped): twice the binomial(m, 1/2) tail at the rarer sign, capped at 1. None when m = 0."""
    if positive < 0 or negative < 0:
        raise ValueError(f"sign_test: counts must be >= 0, got {positive} and {negative}")
    m = positive + negative
    if m == 0:
        return None
    tail = sum(math.comb(m, k) for k in range(min(positive, negative) + 1))
    return float(min(Fraction(1), Fraction(2 * tail, 2**m)))


@dataclass(frozen=True)
class PairedDifference:
    """``agent`` minus ``baseline`` for one metric over ``pairs`` matched episodes."""

    metric: str
    agent: str
    baseline: str
    pairs: int
    mean: float
    ci_low: float
    ci_high: float
    positive: int
    negative: int
    ties: int  # zero differences, left out of the sign test
    p_value: float | None  # None when every difference is a tie


def paired_difference(
    metric: str,
    agent: str,
    baseline: str,
    agent_values: Sequence[float],
    baseline_values: Sequence[float],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> PairedDifference:
    """Compare two equally long sequences, position i of each being the same (problem, seed)."""
    if len(agent_values) != len(baseline_values):
        raise ValueError(
            f"paired_difference {metric}: {len(agent_values)} values of {agent!r} but "
            f"{len(baseline_values)} of {baseline!r}; pairs must match one to one"
        )
    differences = np.asarray(agent_values, dtype=float) - np.asarray(baseline_values, dtype=float)
    low, high = bootstrap_ci(differences, resamples=resamples, seed=seed)
    positive, negative = int((differences > 0).sum()), int((differences < 0).sum())
    return PairedDifference(
        metric,
        agent,
        baseline,
        len(differences),
        float(differences.mean()),
        low,
        high,
        positive,
        negative,
        len(differences) - positive - negative,
        sign_test(positive, negative),
    )
