"""The per-episode metrics of the benchmark, how they are averaged, and the environment's rewards (one place
for every formula)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Protocol

DPR_GAMMA = 0.999
DPR_ALPHA = 0.1  # weight of tokens the human read (suggestions shown)
DPR_BETA = 0.5  # weight of tokens the human wrote itself


def discounted_pass_rate(
    passed: bool,
    tokens_read: int,
    tokens_written: int,
    *,
    gamma: float = DPR_GAMMA,
    alpha: float = DPR_ALPHA,
    beta: float = DPR_BETA,
) -> float:
    """DPR = 1[passed] * gamma ** (alpha * tokens_read + beta * tokens_written)."""
    if not passed:
        return 0.0
    return gamma ** (alpha * tokens_read + beta * tokens_written)


def accept_ratio(accepted: int, shown: int) -> float | None:
    """Accepted suggestions / non-empty suggestions shown; ``None`` when nothing was shown (undefined,
    and left out of averages rather than counted as 0)."""
    return accepted / shown if shown else None


# ---- rewards: what CodeAssist-v0 gives on an episode's last step, a function of the episode's result ----
class EpisodeScores(Protocol):
    """What a reward reads of an ``episode.EpisodeResult`` (which is built from the formulas above)."""

    pass_at_1: float
    dpr: float
    pass_fraction: float


def pass_reward(result: EpisodeScores) -> float:
    """1.0 if every hidden test passed, else 0.0 (Pass@1)."""
    return result.pass_at_1


def dpr_reward(result: EpisodeScores) -> float:
    """The discounted pass rate (``discounted_pass_rate``)."""
    return result.dpr


def pass_fraction_reward(result: EpisodeScores) -> float:
    """The fraction of hidden tests passed."""
    return result.pass_fraction


Reward = Callable[[EpisodeScores], float]
REWARDS: dict[str, Reward] = {"pass": pass_reward, "dpr": dpr_reward, "pass_fraction": pass_fraction_reward}


def mean_stderr(values: Iterable[float | None]) -> tuple[float | None, float | None]:
    """Mean and standard error of the mean (sample std, ddof=1, over sqrt(n)) of the values that are
    not ``None``. One value gives a standard error of 0.0; no values give ``(None, None)``."""
    xs = [float(v) for v in values if v is not None]
    n = len(xs)
    if n == 0:
        return None, None
    mean = sum(xs) / n
    if n == 1:
        return mean, 0.0
    variance = sum((x - mean) ** 2 for x in xs) / (n - 1)
    return mean, math.sqrt(variance / n)
