"""Shared by the LM-agent tests of both backends: a one-line problem and an episode that keeps the
agent's suggestions, so a test can compare them with the transcript."""

from __future__ import annotations

import gymnasium as gym

import codeassist_env  # noqa: F401  (registers CodeAssist-v0)
from codeassist_env.agents import play_episode
from codeassist_env.problems import Problem
from codeassist_env.problems import TestCase as HiddenTest

ADD = Problem(
    id="add",
    statement="Return the sum of a and b.",
    test_kind="assert",
    hidden_tests=[HiddenTest("def check(f):\n    assert f(2, 3) == 5\n")],
    starter_code="def add(a, b):\n",
    reference_solution="def add(a, b):\n    return a + b\n",
    entry_point="add",
)


def short_add_env(sandbox: str = "bwrap") -> gym.Env:
    return gym.make("CodeAssist-v0", problems=[ADD], sandbox=sandbox, max_rounds=2, human_tokens=3)


def suggestions_in_episode(env: gym.Env, agent) -> tuple[dict, list[str]]:
    """Play one episode; returns the final info and every suggestion the agent made."""
    suggestions: list[str] = []

    def act(observation):
        suggestions.append(agent.act(observation))
        return suggestions[-1]

    return play_episode(env, agent, seed=0, act=act), suggestions
