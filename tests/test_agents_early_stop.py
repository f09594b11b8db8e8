"""Empower at inference stops generating once its likelihood budget is spent (``nll_limit``): with
the real SmolLM2 weights, that must give the suggestions of generating the whole cap and cutting."""

from __future__ import annotations

from dataclasses import replace

import gymnasium as gym
import pytest

import codeassist_env  # noqa: F401  (registers CodeAssist-v0)
from codeassist_env.agents import make_agent, play_episode
from codeassist_env.agents.assistants import LikelihoodCut
from codeassist_env.agents.lm import TransformersBackend
from codeassist_env.problems import get_problem

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def backend():
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield TransformersBackend("smollm2", prompt_cache=False)
    torch.set_num_threads(threads)


@pytest.mark.parametrize("eta_nats", [0.1, 1.0, 4.0])
def test_generation_stops_after_the_first_token_over_the_budget(backend, eta_nats):
    prompt = "def fibonacci(n):\n    if n < 2:\n        return n\n    return"
    full = backend.generate(prompt, 24, logprobs=True)
    early = backend.generate(prompt, 24, logprobs=True, nll_limit=eta_nats)
    rule = LikelihoodCut(eta_nats)
    kept = rule.keep(full.tokens, full.token_logprobs)
    # Same kept tokens; the early generation ends with the one token that crossed the budget.
    assert early.tokens[:kept] == full.tokens[:kept]
    assert rule.keep(early.tokens, early.token_logprobs) == kept
    assert len(early.tokens) == min(kept + 1, len(full.tokens))
    assert early.token_logprobs == pytest.approx(full.token_logprobs[: len(early.tokens)], abs=1e-4)


class _NoEarlyStop:
    """The same backend with ``nll_limit`` dropped: it generates the whole cap."""

    def __init__(self, inner):
        self.inner, self.name = inner, inner.name

    def render_chat(self, messages):
        return self.inner.render_chat(messages)

    def generate(self, prompt, max_tokens, nll_limit=None, **kwargs):
        return self.inner.generate(prompt, max_tokens, **kwargs)


@pytest.mark.bwrap
@pytest.mark.parametrize("mode", ["prefill", "raw"])
def test_same_suggestions_with_and_without_the_early_stop_over_an_episode(backend, mode):
    from codeassist_env.agents.factories import BackendOptions

    problem = get_problem(None, "cc021")
    template = make_agent("empower-infer:1", backend_options=BackendOptions(prompt_mode=mode))
    suggestions = {}
    for name, agent_backend in (("early", backend), ("full", _NoEarlyStop(backend))):
        agent = replace(template, backend=agent_backend)
        # Eight rounds hold the property (every suggestion the same) at a third of a whole episode's cost.
        env = gym.make("CodeAssist-v0", problems=[problem], sandbox="bwrap", human_tokens=10, max_rounds=8)
        try:
            info = play_episode(env, agent, seed=0)
        finally:
            env.close()
        suggestions[name] = [r["suggestion"] for r in info["transcript"]]
    assert suggestions["early"] == suggestions["full"]
    assert len(suggestions["early"]) >= 5 and any(suggestions["early"]), suggestions
