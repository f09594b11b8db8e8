"""The LM agents over a real OpenAI-compatible server: llama.cpp serving SmolLM2-135M-Instruct."""

from __future__ import annotations

import math

import pytest
from agent_episodes import short_add_env, suggestions_in_episode

from codeassist_env.agents import make_agent
from codeassist_env.agents.assistants import base_agent, inference_empower_agent
from codeassist_env.agents.factories import BackendOptions
from codeassist_env.agents.lm import OpenAICompletionsBackend

pytestmark = pytest.mark.llm


@pytest.fixture(scope="module")
def served(local_llm_server):
    return OpenAICompletionsBackend(local_llm_server.base_url, local_llm_server.model)


def test_completions_and_chat_return_tokens_and_logprobs(served):
    raw = served.generate("def add(a, b):\n    return", 8, stop=["\n"], logprobs=True)
    assert raw.text and "\n" not in raw.text and "".join(raw.tokens) == raw.text
    assert len(raw.token_logprobs) == len(raw.tokens) and all(v <= 0 for v in raw.token_logprobs)
    chat = served.generate([{"role": "user", "content": "Write a Python function add(a, b)."}], 24, logprobs=False)
    assert chat.text and "".join(chat.tokens) == chat.text and chat.token_logprobs is None


def test_score_is_refused_on_llama_cpp_with_the_reason(served):
    # SmolLM2 adds no BOS token; llama-cpp-python's echo is then one token out of place.
    with pytest.raises(NotImplementedError, match="adds no BOS token"):
        served.score("def add(a, b):\n", "    return a + b\n")


def test_inference_empower_cut_matches_the_servers_logprobs(served):
    observation = {"code": "def add(a, b):\n    return", "round": 0, "statement": ""}
    reference = served.generate(observation["code"], 12, stop=["```"], temperature=0.0, seed=0, logprobs=True)
    cumulative_bits = [-sum(reference.token_logprobs[: i + 1]) / math.log(2) for i in range(len(reference.tokens))]
    for cut in (0, 3):
        eta = ((cumulative_bits[cut - 1] if cut else 0.0) + cumulative_bits[cut]) / 2
        agent = inference_empower_agent(served, eta, cap=12, mode="raw", temperature=0.0)
        assert agent.act(observation) == "".join(reference.tokens[:cut])
        assert agent.last_info["tokens"] == cut


def test_chat_retype_over_the_server(served):
    agent = base_agent(served, 10)
    suggestion = agent.act({"code": "def add(a,b):\n    return a+", "round": 0, "statement": ""})
    assert agent.last_info["retyped_share"] >= 0.9 and suggestion.strip(), agent.last_info
    assert agent.last_info["tokens"] <= 10


@pytest.mark.bwrap
def test_each_agent_suggests_in_a_real_episode(local_llm_server):
    # The trained agents address a served adapter by model name; llama.cpp serves only the base
    # model here, so the name is "smollm2" and the stop token is given explicitly.
    options = BackendOptions(base_url=local_llm_server.base_url, stop="<|im_end|>")
    names = [
        "base",
        "base-10",
        f"sft-10:{local_llm_server.model}",
        f"empower:{local_llm_server.model}",
        "empower-infer:8",
    ]
    env = short_add_env()
    # Small generation budgets keep the test fast; the agents' length rules still apply within them.
    try:
        for name in names:
            agent = make_agent(name, backend_options=options)
            agent.budget = min(agent.budget, 24)
            assert agent.backend.model == local_llm_server.model
            info, suggestions = suggestions_in_episode(env, agent)
            assert [r["suggestion"] for r in info["transcript"]] == suggestions
            assert any(suggestions), (name, suggestions, agent.last_info)
    finally:
        env.close()
