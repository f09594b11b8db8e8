"""CodeAssist-v0 with the LLM human on a real llama.cpp server (SmolLM2-135M-Instruct): episodes run to
the end, every round is recorded (a decision or a simulator failure), the tests run once, and the human's
request usage lands in the final info."""

from __future__ import annotations

import pytest

from codeassist_env.agents import make_agent
from codeassist_env.env import CodeAssistEnv
from codeassist_env.humans.llm import LLMHuman
from codeassist_env.problems import load_problems


@pytest.mark.llm
@pytest.mark.bwrap
@pytest.mark.slow
def test_llm_human_episode(local_llm_server):
    problems = [p for p in load_problems("humaneval") if p.id == "HumanEval/2"]
    # Small replies and one request per decision keep this cheap on 2 shared CPU cores.
    human = LLMHuman(
        base_url=local_llm_server.base_url,
        model=local_llm_server.model,
        timeout_s=120,
        acceptor_mode="one_request",
        reasoning_max_tokens=48,
        max_reasks=0,
    )
    env = CodeAssistEnv(problems=problems, human=human, sandbox="bwrap", max_rounds=2)
    agent = make_agent("oracle-10", problems=problems)
    try:
        obs, info = env.reset(seed=0)
        agent.reset(info)
        codes = [obs["code"]]
        terminated = truncated = False
        while not (terminated or truncated):
            obs, reward, terminated, truncated, info = env.step(agent.act(obs))
            codes.append(obs["code"])
        assert env.evaluations == 1 and info["verdict"].n_total == 1
        assert 1 <= info["rounds"] <= 2 and len(info["transcript"]) == info["rounds"]
        for record in info["transcript"]:
            assert record["decision"] in ("accept", "reject", "finish")
            assert record["simulator_failure"] or record["reasoning"]  # the LLM explains its decision
            assert record["decide_s"] > 0
        assert info["simulator_failed"] == any(r["simulator_failure"] for r in info["transcript"])
        assert info["human_usage"]["requests"] >= info["rounds"]
        for before, after in zip(codes, codes[1:]):
            assert after.startswith(before)
        print(
            f"\nLLM human: decisions {[r['decision'] for r in info['transcript']]}, failures "
            f"{[r['simulator_failure'] for r in info['transcript']]}, passed {info['passed']}, "
            f"usage {info['human_usage']}"
        )
    finally:
        env.close()
