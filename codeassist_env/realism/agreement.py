"""How far a simulated programmer's decisions agree with someone else's: a real person's (replay) or the
hidden tests' (known answers).

Plain functions over 0/1 sequences (``pred``: the programmer accepted; ``truth``: the person accepted, or
the piece is right) and scores (a programmer's P(accept)):

- ``balanced_accuracy``: the mean of the rates on accepted and on rejected cases (0.5 = chance, whatever
  the base rate);
- ``cohen_kappa``: agreement beyond what the two acceptance rates give by chance (0 = chance; a programmer
  that always answers the same gets 0);
- ``auc``: the chance that an accepted case scores above a rejected one (ties counted half);
- ``cluster_bootstrap``: a percentile 95% interval of any of them with whole participants resampled, since
  one person's decisions are not independent of each other. The seed and resample count follow the
  bench's paired bootstrap (``codeassist_env.bench.stats``), so a report is reproducible.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence

import numpy as np

from codeassist_env.bench.stats import BOOTSTRAP_SEED, CONFIDENCE
from codeassist_env.realism.curve import wilson
from codeassist_env.realism.worth import auc as _mann_whitney

# Fewer than the paired bootstrap's 10,000: each resample recomputes a statistic over every decision.
CLUSTER_RESAMPLES = 2_000

Interval = tuple[float, float]
Binary = Sequence | np.ndarray  # 0/1 (or False/True) values, one a case


def _binary(values: Binary, name: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name}: a flat sequence of 0/1 values is needed, got shape {array.shape}")
    if array.size and not np.isin(array, (0, 1)).all():
        raise ValueError(f"{name}: only 0/1 (or False/True) values are allowed")
    return array.astype(int)


def _pair(pred: Binary, truth: Binary) -> tuple[np.ndarray, np.ndarray]:
    p, t = _binary(pred, "pred"), _binary(truth, "truth")
    if len(p) != len(t):
        raise ValueError(f"pred has {len(p)} values but truth has {len(t)}")
    return p, t


def balanced_accuracy(pred: Binary, truth: Binary) -> float:
    """(true-positive rate + true-negative rate) / 2; NaN unless truth holds both classes."""
    p, t = _pair(pred, truth)
    if not t.any() or t.all():
        return math.nan
    return float((p[t == 1].mean() + (1 - p[t == 0]).mean()) / 2)


def cohen_kappa(pred: Binary, truth: Binary) -> float:
    """(observed agreement - chance agreement) / (1 - chance agreement), chance from the two marginal
    rates. Undefined (NaN) only when both always give the same one answer, so chance agreement is 1."""
    p, t = _pair(pred, truth)
    if not len(p):
        return math.nan
    observed = float((p == t).mean())
    p_rate, t_rate = p.mean(), t.mean()
    chance = float(p_rate * t_rate + (1 - p_rate) * (1 - t_rate))
    if chance == 1.0:
        return math.nan
    return (observed - chance) / (1 - chance)


def auc(scores: Sequence[float], truth: Sequence) -> float:
    """The Mann-Whitney AUC of ``scores`` for ``truth`` (ties counted half); NaN without both classes."""
    t = _binary(truth, "truth")
    s = np.asarray(scores, dtype=float)
    if len(s) != len(t):
        raise ValueError(f"scores has {len(s)} values but truth has {len(t)}")
    value = _mann_whitney(s, t)
    return math.nan if value is None else value


def acceptance_rate_interval(accepted: Sequence) -> tuple[float, Interval]:
    """The share accepted and its Wilson 95% interval (decisions taken as independent)."""
    a = _binary(accepted, "accepted")
    return (float(a.mean()) if len(a) else math.nan), wilson(int(a.sum()), len(a))


def cluster_bootstrap(
    statistic: Callable[[np.ndarray], float],
    groups: Sequence[Hashable] | np.ndarray,
    *,
    resamples: int = CLUSTER_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
    confidence: float = CONFIDENCE,
) -> Interval:
    """Percentile interval of ``statistic(indices)`` with groups resampled whole, with replacement.

    ``groups[i]`` is the participant of case i; each resample draws as many participants as there are,
    and ``statistic`` gets the concatenated case indices of the drawn ones (a participant drawn twice
    appears twice). Resamples where the statistic is NaN (one class missing) are left out; (NaN, NaN)
    when none is left."""
    if resamples < 1:
        raise ValueError(f"cluster_bootstrap: resamples must be >= 1, got {resamples}")
    if not 0 < confidence < 1:
        raise ValueError(f"cluster_bootstrap: confidence must be in (0, 1), got {confidence}")
    members: dict[Hashable, list[int]] = {}
    for index, group in enumerate(groups):
        members.setdefault(group, []).append(index)
    if not members:
        return (math.nan, math.nan)
    clusters = [np.asarray(m) for m in members.values()]
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(resamples):
        drawn = rng.integers(0, len(clusters), len(clusters))
        value = statistic(np.concatenate([clusters[i] for i in drawn]))
        if not math.isnan(value):
            values.append(value)
    if not values:
        return (math.nan, math.nan)
    tail = (1 - confidence) / 2
    low, high = np.quantile(values, [tail, 1 - tail])
    return float(low), float(high)
