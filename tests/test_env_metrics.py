"""The metric formulas of docs/protocol.md §3 (codeassist_env.metrics), checked against hand-computed values."""

from __future__ import annotations

import math

import pytest

from codeassist_env.metrics import accept_ratio, discounted_pass_rate, mean_stderr


def test_discounted_pass_rate():
    assert discounted_pass_rate(True, 0, 0) == 1.0
    assert discounted_pass_rate(False, 0, 0) == 0.0
    # 100 tokens read and 40 written: 0.999 ** (0.1 * 100 + 0.5 * 40) = 0.999 ** 30
    assert math.isclose(discounted_pass_rate(True, 100, 40), 0.9704310, rel_tol=1e-7)
    assert math.isclose(discounted_pass_rate(True, 10, 0, gamma=0.5, alpha=1.0), 0.5**10)


def test_accept_ratio_and_mean_stderr():
    assert accept_ratio(3, 4) == 0.75 and accept_ratio(0, 0) is None
    assert mean_stderr([]) == (None, None) and mean_stderr([None]) == (None, None)
    assert mean_stderr([0.5]) == (0.5, 0.0)
    mean, se = mean_stderr([1, 0, 1, 1, None])  # None (undefined) values are left out
    assert mean == 0.75 and se == pytest.approx(math.sqrt(0.25 / 4))  # sample var 0.25, n = 4
