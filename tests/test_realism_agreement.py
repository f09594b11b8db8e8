"""Agreement statistics (codeassist_env.realism.agreement) against hand computations: balanced accuracy,
Cohen's kappa at its extremes and on a 2x2 table worked by hand, the AUC with ties counted half, and the
participant-resampling bootstrap (whole clusters drawn, reproducible, NaN resamples left out)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from codeassist_env.realism.agreement import (
    acceptance_rate_interval,
    auc,
    balanced_accuracy,
    cluster_bootstrap,
    cohen_kappa,
)


def test_balanced_accuracy_by_hand():
    truth = [1, 1, 1, 1, 0, 0]
    pred = [1, 1, 1, 0, 0, 1]  # 3/4 of accepted, 1/2 of rejected
    assert balanced_accuracy(pred, truth) == pytest.approx((0.75 + 0.5) / 2)
    assert balanced_accuracy([1] * 6, truth) == 0.5  # always accept: chance, whatever the base rate
    assert math.isnan(balanced_accuracy([1, 0], [1, 1]))


def test_cohen_kappa_by_hand():
    # 2x2 table: both accept 20, both reject 15, pred only 5, truth only 10 (n = 50).
    pred = [1] * 20 + [0] * 15 + [1] * 5 + [0] * 10
    truth = [1] * 20 + [0] * 15 + [0] * 5 + [1] * 10
    observed = 35 / 50
    chance = (25 / 50) * (30 / 50) + (25 / 50) * (20 / 50)
    assert cohen_kappa(pred, truth) == pytest.approx((observed - chance) / (1 - chance))
    assert cohen_kappa(truth, truth) == 1.0
    assert cohen_kappa([1] * 50, truth) == 0.0  # always accept
    assert cohen_kappa([1 - t for t in truth], truth) < 0
    assert math.isnan(cohen_kappa([1, 1], [1, 1]))


def test_auc_ties_count_half():
    truth = [1, 1, 0, 0]
    assert auc([0.9, 0.8, 0.1, 0.2], truth) == 1.0
    assert auc([0.1, 0.2, 0.9, 0.8], truth) == 0.0
    assert auc([0.5, 0.5, 0.5, 0.5], truth) == 0.5
    # positives 0.9, 0.5 against negatives 0.5, 0.1: 0.9 beats both, 0.5 ties one and beats one.
    assert auc([0.9, 0.5, 0.5, 0.1], truth) == pytest.approx((2 + 1.5) / 4)
    assert math.isnan(auc([0.3, 0.4], [1, 1]))


def test_inputs_refused():
    with pytest.raises(ValueError, match="pred has 2 values but truth has 3"):
        cohen_kappa([1, 0], [1, 0, 1])
    with pytest.raises(ValueError, match="only 0/1"):
        balanced_accuracy([2, 0], [1, 0])


def test_acceptance_rate_interval():
    rate, (low, high) = acceptance_rate_interval([1, 1, 0, 0])
    assert rate == 0.5 and 0 < low < 0.5 < high < 1
    assert acceptance_rate_interval([1, 1])[1][1] == 1.0


def test_cluster_bootstrap_draws_whole_participants():
    # Two participants who disagree entirely: every resample is all-A, all-B or a mix of the two.
    groups = ["a"] * 3 + ["b"] * 5
    values = np.array([1.0] * 3 + [0.0] * 5)
    seen = []

    def mean(indices):
        seen.append(len(indices))
        return float(values[indices].mean())

    low, high = cluster_bootstrap(mean, groups, resamples=200, seed=1)
    assert set(seen) <= {6, 8, 10}  # two participants drawn: 3+3, 3+5 or 5+5 cases
    assert low == 0.0 and high == 1.0
    assert cluster_bootstrap(mean, groups, resamples=200, seed=1) == (low, high)  # reproducible


def test_cluster_bootstrap_interval_covers_kappa_and_skips_nan():
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(20), 10)
    truth = rng.integers(0, 2, 200)
    pred = np.where(rng.random(200) < 0.8, truth, 1 - truth)
    point = cohen_kappa(pred, truth)
    low, high = cluster_bootstrap(lambda i: cohen_kappa(pred[i], truth[i]), groups, resamples=300)
    assert low < point < high and high - low < 0.4
    # A statistic that is NaN in some resamples still gives an interval from the others.
    assert cluster_bootstrap(lambda i: 1.0 if 0 in i else math.nan, groups, resamples=50) == (1.0, 1.0)
    assert all(math.isnan(v) for v in cluster_bootstrap(lambda i: math.nan, groups, resamples=5))
