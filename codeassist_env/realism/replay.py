"""Real programmers' decisions replayed to a simulated programmer (``codeassist realism replay``).

Each real decision is shown as the person saw it: the file before the cursor as the program so far and the
assistant's suggestion. No problem statement exists for these files; the programmer is told so, with the
study's task where the log names it. The programmer's decisions are then held against the person's:
acceptance by length beside the real curve, balanced accuracy, Cohen's kappa and, where the programmer gives
a score, the AUC; every figure with a 95% interval from resampling participants (``agreement``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np

from codeassist_env.problem import Problem, TestKind
from codeassist_env.realism.agreement import auc, balanced_accuracy, cluster_bootstrap, cohen_kappa
from codeassist_env.realism.curve import BUCKETS, bucket_of, realism_gap, acceptance_curve
from codeassist_env.realism.logs import RealDecision
from codeassist_env.realism.programmer import Answer, Cost, ask

NO_STATEMENT = (
    "There is no written problem statement. The program below is a real programmer's file, as it stood "
    "when the assistant's proposal appeared{task}. Judge the proposal from the code alone: whether it is "
    "correct and is what the author of this file would write next."
)


def statement_for(task: str | None) -> str:
    """What the programmer is told in place of a problem statement."""
    return NO_STATEMENT.format(task=f", during a task of the study named {task!r}" if task else "")


def replay_problem(decision: RealDecision) -> Problem:
    """A problem with the replay's statement and nothing to test: enough for a programmer that judges from
    the statement and the code."""
    return Problem(
        id=f"{decision.source}:{decision.task or 'untitled'}",
        statement=statement_for(decision.task),
        test_kind=TestKind.STDIN,
        hidden_tests=(),
        source=decision.source,
    )


def stratified_order(decisions: Sequence[RealDecision], seed: int = 0) -> list[int]:
    """Every decision's index, in an order whose every prefix is a stratified sample: within each (length
    bucket, participant) stratum of n decisions, a seeded random permutation puts its k-th at (k + u) / n
    (u, one random offset per stratum), and the order sorts by that. The first m then hold about m / N of
    each stratum, for any m, so a replay cut short is still a sample of the whole log, and a larger
    ``--limit`` extends a smaller one instead of drawing anew."""
    strata: dict[tuple[int, str], list[int]] = {}
    for index, d in enumerate(decisions):
        strata.setdefault((bucket_of(d.chars), d.participant), []).append(index)
    rng = np.random.default_rng(seed)
    ranked = []
    for key in sorted(strata):
        members, offset = rng.permutation(strata[key]), rng.random()
        ranked += [((k + offset) / len(members), int(index)) for k, index in enumerate(members)]
    return [index for _, index in sorted(ranked)]


def stratified_subset(decisions: Sequence[RealDecision], limit: int | None, seed: int = 0) -> list[int]:
    """The first ``limit`` of ``stratified_order`` (all, in log order, when ``limit`` is None)."""
    if limit is None:
        return list(range(len(decisions)))
    return stratified_order(decisions, seed)[:limit]


@dataclass(frozen=True)
class Replayed:
    """One real decision and the programmer's answer to it."""

    index: int  # the decision's place in the log
    decision: RealDecision
    answer: Answer


def replay(
    decisions: Sequence[RealDecision], indices: Sequence[int], human, progress: Callable[[int, int], None] | None = None
) -> tuple[list[Replayed], Cost]:
    """Ask ``human`` about each chosen decision, in order."""
    cost, replayed = Cost(), []
    for n, index in enumerate(indices, start=1):
        d = decisions[index]
        replayed.append(Replayed(index, d, ask(human, replay_problem(d), d.prefix, d.suggestion, cost)))
        if progress:
            progress(n, len(indices))
    return replayed, cost


Estimate = tuple[float, float, float]  # point, low, high


@dataclass(frozen=True)
class ReplayFigures:
    cases: int
    participants: int
    real_rate: Estimate
    simulated_rate: Estimate
    balanced_accuracy: Estimate
    kappa: Estimate
    auc: Estimate | None  # None where no case has a score
    scored: int  # cases with a score
    score_kinds: dict[str, int]
    real_curve: list[Estimate | None]  # per length bucket; None where no case falls in it
    simulated_curve: list[Estimate | None]
    bucket_counts: list[int]
    realism_gap: float | None


def _estimate(
    statistic: Callable[[np.ndarray], float], n: int, groups: np.ndarray, resamples: int, seed: int
) -> Estimate:
    low, high = cluster_bootstrap(statistic, groups, resamples=resamples, seed=seed)
    return (statistic(np.arange(n)), low, high)


def _rate(values: np.ndarray, where: np.ndarray) -> Callable[[np.ndarray], float]:
    def rate(i: np.ndarray) -> float:
        i = i[where[i]]
        return float(values[i].mean()) if len(i) else math.nan

    return rate


def figures(replayed: Sequence[Replayed], resamples: int, seed: int = 0) -> ReplayFigures:
    """The replay's figures, each with its participant-resampled 95% interval."""
    n = len(replayed)
    real = np.array([r.decision.accepted for r in replayed], dtype=int)
    simulated = np.array([r.answer.accepted for r in replayed], dtype=int)
    groups = np.array([r.decision.participant for r in replayed])
    buckets = np.array([bucket_of(r.decision.chars) for r in replayed])
    everywhere = np.ones(n, dtype=bool)

    def estimate(statistic: Callable[[np.ndarray], float]) -> Estimate:
        return _estimate(statistic, n, groups, resamples, seed)

    scores = np.array([math.nan if r.answer.score is None else r.answer.score for r in replayed])
    has_score = ~np.isnan(scores)
    auc_estimate = None
    if has_score.any():

        def scored_auc(i: np.ndarray) -> float:
            i = i[has_score[i]]
            return auc(scores[i], real[i])

        auc_estimate = estimate(scored_auc)
    curves = []
    for values in (real, simulated):
        curves.append(
            [estimate(_rate(values, buckets == b)) if (buckets == b).any() else None for b in range(len(BUCKETS))]
        )
    kinds: dict[str, int] = {}
    for r in replayed:
        if r.answer.score is not None:
            # A score comes with its kind: score_kind is None only where no request was made, hence no score.
            kind = cast(str, r.answer.score_kind)
            kinds[kind] = kinds.get(kind, 0) + 1
    pairs = [(r.decision.suggestion, r.answer.accepted) for r in replayed]
    real_pairs = [(r.decision.suggestion, r.decision.accepted) for r in replayed]
    return ReplayFigures(
        n,
        len(set(groups)),
        estimate(_rate(real, everywhere)),
        estimate(_rate(simulated, everywhere)),
        estimate(lambda i: balanced_accuracy(simulated[i], real[i])),
        estimate(lambda i: cohen_kappa(simulated[i], real[i])),
        auc_estimate,
        int(has_score.sum()),
        kinds,
        curves[0],
        curves[1],
        [int((buckets == b).sum()) for b in range(len(BUCKETS))],
        realism_gap(acceptance_curve(pairs), acceptance_curve(real_pairs)),
    )
