"""The study's counterbalanced schedule and the report's exact binomial test."""

from __future__ import annotations

from collections import Counter

import pytest

from codeassist_env.bench.stats import sign_test
from codeassist_env.study.report import binomial_p, paper_role
from codeassist_env.study.schedule import CONDITIONS, blinded_schedule, condition_of, solo_schedule

IDS = [f"cc{i:03d}" for i in range(1, 41)]


def test_every_block_of_four_participants_covers_the_four_conditions():
    for seed in (0, 1, 7):
        conditions = [condition_of(seed, i) for i in range(40)]
        for block in range(10):
            assert sorted(conditions[4 * block : 4 * block + 4]) == [0, 1, 2, 3]
    assert [condition_of(0, i) for i in range(8)] != [condition_of(1, i) for i in range(8)]  # the seed matters


def test_labels_and_order_are_counterbalanced_and_reproducible():
    schedules = [blinded_schedule(5, i, ("empower", "base-20"), IDS, pairs=2) for i in range(4)]
    assert Counter(s.labels["A"] for s in schedules) == {"empower": 2, "base-20": 2}
    assert Counter(s.slots[0].label for s in schedules) == {"A": 2, "B": 2}
    for s in schedules:
        assert [slot.pair for slot in s.slots] == [0, 0, 1, 1]
        for pair in (0, 1):
            assert {slot.agent for slot in s.slots if slot.pair == pair} == {"empower", "base-20"}
        assert all(s.labels[slot.label] == slot.agent for slot in s.slots)
        assert len({slot.problem_id for slot in s.slots}) == 4
        assert (CONDITIONS[s.condition][0]) == (s.labels["A"] == "empower")
    assert blinded_schedule(5, 2, ("empower", "base-20"), IDS, 2) == schedules[2]


def test_schedules_refuse_impossible_designs():
    with pytest.raises(ValueError, match="two different agents"):
        blinded_schedule(0, 0, ("empower", "empower"), IDS, 1)
    with pytest.raises(ValueError, match="pairs=21 needs 42 problems; the problem set has 40"):
        blinded_schedule(0, 0, ("empower", "none"), IDS, 21)
    solo = solo_schedule("base-10", IDS[:3])
    assert [(s.label, s.agent, s.problem_id) for s in solo.slots] == [("base-10", "base-10", i) for i in IDS[:3]]


def test_exact_binomial_test_against_the_papers_numbers():
    # The paper: 14 of 18 people (78%) preferred Empower, p = 0.015: the one-sided tail.
    assert binomial_p(14, 18, two_sided=False) == pytest.approx(0.01544, abs=1e-5)
    assert binomial_p(14, 18) == pytest.approx(0.03088, abs=1e-5)
    assert binomial_p(9, 18) == 1.0 and binomial_p(0, 0) is None and binomial_p(0, 0, two_sided=False) is None
    for k in range(0, 13):
        assert binomial_p(k, 12) == sign_test(k, 12 - k)  # the same test as the bench's sign test
    with pytest.raises(ValueError):
        binomial_p(5, 4)


def test_our_agents_map_to_the_papers_study_arms():
    assert [paper_role(a) for a in ("empower", "empower:adapters/x", "base-20", "base", "sft-10", "none")] == [
        "Empower",
        "Empower",
        "Base-20",
        "Base-20",
        None,
        None,
    ]
