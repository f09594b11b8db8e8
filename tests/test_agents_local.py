"""The LM agents with local transformers and the real SmolLM2-135M-Instruct weights."""

from __future__ import annotations

import json
import math

import gymnasium as gym
import pytest
from agent_episodes import ADD, short_add_env, suggestions_in_episode

import codeassist_env  # noqa: F401  (registers CodeAssist-v0)
from codeassist_env.agents import make_agent
from codeassist_env.agents.assistants import base_agent, inference_empower_agent
from codeassist_env.agents.factories import BackendOptions
from codeassist_env.agents.lm import TransformersBackend

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def backend():
    return TransformersBackend("smollm2")  # the weights are cached in-process after the first load


@pytest.fixture(scope="module")
def adapter_dir(tmp_path_factory, backend):
    """A small LoRA adapter over SmolLM2 with the manifest fields the training pipeline writes."""
    from peft import LoraConfig, get_peft_model

    from codeassist_env.models import load_causal_lm

    model, _ = load_causal_lm("smollm2", shared=False)
    tuned = get_peft_model(
        model, LoraConfig(r=4, lora_alpha=1, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    )
    path = tmp_path_factory.mktemp("adapter")
    tuned.save_pretrained(path, save_embedding_layers=False)
    (path / "manifest.json").write_text(json.dumps({"method": "sft-10", "base_model": "smollm2", "stop": "<|im_end|>"}))
    return path


def _greedy_tokens_and_logprobs(backend, code: str, n: int) -> tuple[list[int], list[float]]:
    """Independently of the agent: transformers' greedy decoding, then ONE forward pass over
    prompt + generated tokens for their log-probs."""
    import torch

    prompt = backend.tokenizer(code).input_ids
    with torch.no_grad():
        out = backend.model.generate(
            torch.tensor([prompt]), max_new_tokens=n, do_sample=False, pad_token_id=backend.tokenizer.pad_token_id
        )
        generated = out[0, len(prompt) :].tolist()
        logits = backend.model(out).logits[0, len(prompt) - 1 : -1]
    logprobs = torch.log_softmax(logits.float(), dim=-1).gather(1, torch.tensor(generated)[:, None])[:, 0]
    return generated, logprobs.tolist()


def test_inference_empower_cut_matches_an_independent_forward_pass(backend):
    code = "def add(a, b):\n    return"
    ids, logprobs = _greedy_tokens_and_logprobs(backend, code, 12)
    cumulative_bits = [-sum(logprobs[: i + 1]) / math.log(2) for i in range(len(logprobs))]
    observation = {"code": code, "round": 0, "statement": ""}
    for expected_cut in (0, 2, 4):
        # η halfway between H(cut) and H(cut + 1): the cut must fall exactly at ``expected_cut``.
        below = cumulative_bits[expected_cut - 1] if expected_cut else 0.0
        eta = (below + cumulative_bits[expected_cut]) / 2
        agent = inference_empower_agent(backend, eta, "bits", cap=12, mode="raw")
        suggestion = agent.act(observation)
        assert agent.last_info["tokens"] == expected_cut, (eta, cumulative_bits, agent.last_info)
        assert suggestion == backend.tokenizer.decode(ids[:expected_cut])
        assert agent.last_info["nll_nats"] == pytest.approx(-sum(logprobs[:expected_cut]), abs=1e-4)
    assert expected_cut and suggestion.strip()  # the last case kept real text


def test_backend_score_agrees_with_generation_logprobs(backend):
    generation = backend.generate("def add(a, b):\n   ", 6, logprobs=True)
    assert "".join(generation.tokens) == generation.text and len(generation.tokens) == 6
    # Re-tokenizing this generated text gives the same tokens, so the scores must agree.
    scored = backend.score("def add(a, b):\n   ", generation.text)
    assert scored == pytest.approx(generation.token_logprobs, abs=1e-4)


def test_sampling_is_seeded(backend):
    agent = inference_empower_agent(backend, 8.0, cap=8, mode="raw", temperature=1.0, seed=7)
    observation = {"code": "def add(a, b):\n    return", "round": 3, "statement": ""}
    first = agent.act(observation), agent.last_info["reply"]
    assert (agent.act(observation), agent.last_info["reply"]) == first


@pytest.mark.parametrize(
    "code, aligned, suggestion",
    [
        # Re-typed exactly: the suggestion is what follows the code.
        ("def add(a,b):\n    return a+", False, "b\n"),
        # The model drops the space in "(x) :", so the alignment rule recovers the continuation.
        ("def square(x) :\n    return x*", True, "*2\n"),
        # The model re-spaces "n%2 ==" as "n % 2 ==": aligned, continuation after the last match.
        ("def is_even(n):\n    return n%2 ==", True, " 0\n"),
        # The model rewrites the body instead of re-typing it: too little matches, no suggestion.
        ("def greet(name):\n    print('Hello, '+name)\n    return", True, ""),
    ],
)
def test_chat_retype_alignment_on_real_model_output(backend, code, aligned, suggestion):
    agent = base_agent(backend, 10)
    assert agent.act({"code": code, "round": 0, "statement": ""}) == suggestion
    info = agent.last_info
    assert info["aligned"] is aligned and info["reply"].startswith("```python\n")
    assert not info["reply"].startswith("```python\n" + code) or not aligned
    assert (info["retyped_share"] >= 0.9) == bool(suggestion), info


def test_prefill_mode_continues_code_without_retyping_it(backend):
    code = (
        'def truncate_number(number: float) -> float:\n    """ Return the decimal part of a positive '
        'floating point number.\n    >>> truncate_number(3.5)\n    0.5\n    """\n    return'
    )
    agent = base_agent(backend, 10, mode="prefill")
    suggestion = agent.act({"code": code, "round": 0, "statement": ""})
    assert suggestion.strip() and 1 <= agent.last_info["tokens"] <= 10, agent.last_info
    assert agent.last_info["prompt"].startswith("<|im_start|>")
    assert agent.last_info["prompt"].endswith("<|im_start|>assistant\n```python\n" + code)


def test_statement_is_shown_only_when_asked(backend):
    env = gym.make("CodeAssist-v0", problems=[ADD], sandbox="process", max_rounds=1, show_problem_to_agent=True)
    try:
        observation, _ = env.reset(seed=0)
        assert observation["statement"] == ADD.statement
        for show in (True, False):
            agent = base_agent(backend, 4, mode="raw", show_statement=show)
            assert agent.act(observation) == agent.last_info["suggestion"]
            assert (ADD.statement.strip() in agent.last_info["prompt"]) is show
            assert agent.last_info["prompt"].endswith(observation["code"])
    finally:
        env.close()


@pytest.mark.bwrap
def test_each_agent_suggests_in_a_real_episode(adapter_dir):
    names = ["base", "base-10", f"sft-10:{adapter_dir}", f"empower:{adapter_dir}", "empower-infer:8"]
    env = short_add_env()
    # Small generation budgets keep the test fast; the agents' length rules still apply within them.
    try:
        for name in names:
            agent = make_agent(name, backend_options=BackendOptions())
            agent.budget = min(agent.budget, 24)
            info, suggestions = suggestions_in_episode(env, agent)
            assert [r["suggestion"] for r in info["transcript"]] == suggestions
            assert any(suggestions), (name, suggestions, agent.last_info)
            assert "verdict" in info
    finally:
        env.close()


def test_shipped_adapters_are_the_defaults_of_sft_and_empower():
    code = {"code": "def add(a, b):\n    return", "round": 0, "statement": ""}
    for name, directory in (("sft-10", "sft10-smollm2"), ("empower", "empower-smollm2")):
        agent = make_agent(name, backend_options=BackendOptions())
        assert agent.backend.name.endswith(f"adapters/{directory}")
        assert (agent.mode, agent.stop, agent.name) == ("raw", ("<|im_end|>",), name)
        suggestion = agent.act(code)
        assert suggestion == agent.last_info["suggestion"] and agent.last_info["tokens"] <= 24
    # SFT-10 was trained to write the next 10 tokens: here it completes the return expression, and a
    # suggestion never runs past the length of its training targets.
    sft = make_agent("sft-10", backend_options=BackendOptions())
    assert sft.budget == 10 and sft.act(code).strip()
    long_code = {"code": "import os\n\n\ndef walk(root):\n    for", "round": 0, "statement": ""}
    assert sft.act(long_code) and 1 <= sft.last_info["tokens"] <= 10  # 30 tokens with a 64-token budget


def test_raw_generation_from_an_empty_program(backend):
    """Stdin problems start with no starter code: raw mode must still produce a continuation,
    starting from the document-boundary token (SmolLM2 has no BOS)."""
    assert backend.tokenizer("").input_ids == []
    generation = backend.generate("", max_tokens=5)
    assert 1 <= len(generation.tokens) <= 5
    assert "".join(generation.tokens) == generation.text
