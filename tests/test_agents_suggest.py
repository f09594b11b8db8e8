"""Every LM assistant of the main job actually assists: on the bundled test split with the default local
model and prompt modes, it suggests something in at least half the rounds whose program is non-empty.

The one allowed exception is the method working as specified: an Empower adapter whose training targets
were mostly empty (its manifest's ``empty_target_share``) learned to stop at once, and says so in the
report's "hardly suggests" warning instead."""

from __future__ import annotations

import pytest

from codeassist_env.agents import make_agent, play_episode, shipped_adapter_dir
from codeassist_env.env import CodeAssistEnv
from codeassist_env.problems import load_problems
from codeassist_env.training.finetune import read_manifest

pytestmark = [pytest.mark.model, pytest.mark.bwrap, pytest.mark.slow]

ROUNDS = 8


@pytest.fixture(scope="module")
def env():
    problems = load_problems("codeassist-core", "test")[:3]
    environment = CodeAssistEnv(problems=problems, human="expert", sandbox="bwrap", max_rounds=ROUNDS)
    yield environment
    environment.close()


def suggestion_share(env, name: str) -> float:
    agent = make_agent(name, problems=env.problems)
    asked = suggested = 0
    for problem in env.problems:
        info = play_episode(env, agent, problem_id=problem.id, seed=0)
        program = problem.starter_code
        for entry in info["transcript"]:
            if program:
                asked += 1
                suggested += bool(entry["suggestion"])
            program += (entry["suggestion"] if entry["decision"] == "accept" else "") + entry["human_text"]
    assert asked >= ROUNDS
    return suggested / asked


@pytest.mark.parametrize("name", ["base-10", "sft-10", "empower", "empower-infer:1"])
def test_the_assistant_suggests_in_at_least_half_the_rounds(env, name):
    share = suggestion_share(env, name)
    adapter = shipped_adapter_dir(name)
    manifest = read_manifest(adapter) if adapter is not None else {}
    if share < 0.5 and manifest.get("method") == "empower" and manifest["empty_target_share"] > 0.5:
        pytest.xfail(
            f"{name}: {manifest['empty_target_share']:.0%} of its training targets were empty, so "
            f"stopping at once is what it learned (it suggested in {share:.0%} of rounds)"
        )
    assert share >= 0.5, f"{name} suggested in only {share:.0%} of the rounds"
