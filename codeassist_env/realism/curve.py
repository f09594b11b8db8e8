"""Acceptance by suggestion length: the curve every report puts beside real programmers' (docs/protocol.md
§7.5). A suggestion falls in one of six length buckets (characters); each bucket's rate comes with its
count and a Wilson 95% interval; ``realism_gap`` is the one number that says how far a simulated curve is
from a real one."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

BUCKETS: tuple[tuple[int, int | None], ...] = ((0, 10), (11, 20), (21, 40), (41, 80), (81, 160), (161, None))
Z95 = 1.959964  # the normal quantile of a two-sided 95% interval


def bucket_label(index: int) -> str:
    low, high = BUCKETS[index]
    return f"{low}-{high}" if high is not None else f"{low}+"


def bucket_of(chars: int) -> int:
    """The index of the bucket a suggestion of ``chars`` characters falls in."""
    return next(i for i, (low, high) in enumerate(BUCKETS) if high is None or chars <= high)


def only_whitespace(suggestion: str) -> bool:
    return bool(suggestion) and not suggestion.strip()


def wilson(accepted: int, shown: int) -> tuple[float, float]:
    """The Wilson score 95% interval of a binomial proportion (it stays inside [0, 1] at 0 and n)."""
    if shown == 0:
        return (math.nan, math.nan)
    p, z2 = accepted / shown, Z95**2
    centre = (p + z2 / (2 * shown)) / (1 + z2 / shown)
    half = Z95 * math.sqrt(p * (1 - p) / shown + z2 / (4 * shown**2)) / (1 + z2 / shown)
    # At 0 of n and n of n the bound is 0 or 1 exactly; rounding would leave 0.9999999999999999.
    return (0.0 if accepted == 0 else max(0.0, centre - half), 1.0 if accepted == shown else min(1.0, centre + half))


class _Proportion:
    """What a count of accepted out of shown suggestions reads as (shared by the two kinds below)."""

    accepted: int
    shown: int

    @property
    def rate(self) -> float | None:
        return self.accepted / self.shown if self.shown else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.accepted, self.shown)

    def cell(self) -> str:
        """``0.20 [0.15, 0.26] (n=198)``, or ``n=0``."""
        if not self.shown:
            return "n=0"
        low, high = self.interval
        return f"{self.rate:.2f} [{low:.2f}, {high:.2f}] (n={self.shown})"


@dataclass(frozen=True)
class Rate(_Proportion):
    """Accepted out of shown, in no particular bucket (all of them, or the whitespace-only suggestions)."""

    accepted: int
    shown: int


@dataclass(frozen=True)
class BucketRate(_Proportion):
    index: int
    accepted: int
    shown: int

    @property
    def label(self) -> str:
        return bucket_label(self.index)


def total(rates: Iterable[_Proportion]) -> Rate:
    rates = list(rates)
    return Rate(sum(r.accepted for r in rates), sum(r.shown for r in rates))


def acceptance_curve(decisions: Iterable[tuple[str, bool]]) -> list[BucketRate]:
    """Per bucket, how many of the (suggestion, accepted) pairs were shown and accepted."""
    shown, accepted = [0] * len(BUCKETS), [0] * len(BUCKETS)
    for suggestion, was_accepted in decisions:
        index = bucket_of(len(suggestion))
        shown[index] += 1
        accepted[index] += bool(was_accepted)
    return [BucketRate(i, accepted[i], shown[i]) for i in range(len(BUCKETS))]


def realism_gap(simulated: list[BucketRate], real: list[BucketRate]) -> float | None:
    """The mean absolute difference between the simulated and the real acceptance rate, over the simulated
    decisions (each bucket weighted by how many suggestions the simulated programmer judged in it; buckets
    the real log has no decision in are left out). 0 = the real curve wherever the agent suggests; None when
    nothing comparable was shown."""
    # Both counts are non-zero here, so each rate is accepted / shown (``rate`` is None only at 0 shown).
    pairs = [
        (s.shown, abs(s.accepted / s.shown - r.accepted / r.shown))
        for s, r in zip(simulated, real)
        if s.shown and r.shown
    ]
    weight = sum(n for n, _ in pairs)
    return sum(n * gap for n, gap in pairs) / weight if weight else None
