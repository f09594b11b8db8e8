"""The local backend's prompt cache (KV cache reuse between rounds) with the real SmolLM2 weights:
it must change nothing but the time, so every test compares it with a backend that encodes the whole
prompt each call."""

from __future__ import annotations

import threading
from dataclasses import replace

import gymnasium as gym
import pytest

import codeassist_env  # noqa: F401  (registers CodeAssist-v0)
from codeassist_env.agents import make_agent, play_episode, shipped_adapter_dir
from codeassist_env.agents.factories import BackendOptions
from codeassist_env.agents.lm import TransformersBackend
from codeassist_env.problems import get_problem

pytestmark = pytest.mark.model


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Decoding a 135M model is many small matrix products: on a shared 2-core host a second torch
    thread mostly waits for the busy core (several times slower), so these episodes use one."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def uncached():
    return TransformersBackend("smollm2", prompt_cache=False)


def _common_prefix(a: list[int], b: list[int]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def test_cache_reuses_the_common_token_prefix_and_generates_as_without_it(uncached):
    cached = TransformersBackend("smollm2")
    prompts = [
        "def add(a, b):\n    return a",
        # The new text merges with the last cached token (" a" becomes " a_value"): ids diverge
        # one token before the old end, and the cache must be cut back there.
        "def add(a, b):\n    return a_value",
        "def add(a, b):\n    return a_value + b\n\n\ndef fib(n):\n    ",
        "import sys\n",  # not an extension: nothing in common, a full encode
        "import sys\nimport os\n",
    ]
    previous: list[int] = []
    for prompt in prompts:
        ids = cached.tokenizer(prompt).input_ids
        got = cached.generate(prompt, 12, logprobs=True)
        want = uncached.generate(prompt, 12, logprobs=True)
        assert (got.text, got.tokens) == (want.text, want.tokens), prompt
        assert got.token_logprobs == pytest.approx(want.token_logprobs, abs=1e-4)
        expected = min(_common_prefix(previous, ids), len(ids) - 1)
        assert cached.prompt_cache.reused == expected, (prompt, previous, ids)
        previous = ids
    assert cached.prompt_cache.reused > 0  # the last prompt did extend the one before


def test_a_prompt_equal_to_the_cached_one_and_a_chat_prompt(uncached):
    cached = TransformersBackend("smollm2")
    messages = [{"role": "user", "content": "Continue:\n```python\ndef add(a, b):\n```"}]
    for prompt in ("def f(x):\n    return", "def f(x):\n    return", messages, messages):
        got, want = cached.generate(prompt, 8), uncached.generate(prompt, 8)
        assert (got.text, got.tokens) == (want.text, want.tokens)
    # The same prompt again: all but its last token come from the cache.
    ids = cached.tokenizer.apply_chat_template(messages, add_generation_prompt=True)
    ids = ids["input_ids"] if hasattr(ids, "keys") else ids
    assert cached.prompt_cache.reused == len(ids) - 1


def test_each_thread_keeps_its_own_cache():
    cached = TransformersBackend("smollm2")
    first, other = "def add(a, b):\n    return a + b\n", "class Stack:\n    def push(self, x):\n"
    reused: dict[str, int] = {}

    def play(name: str, prompt: str, barrier: threading.Barrier) -> None:
        cached.generate(prompt, 4)
        barrier.wait()  # both threads have cached their prompt before either extends it
        cached.generate(prompt + "# next\n", 4)
        reused[name] = cached.prompt_cache.reused

    barrier = threading.Barrier(2)
    threads = [
        threading.Thread(target=play, args=(name, prompt, barrier))
        for name, prompt in (("first", first), ("other", other))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name, prompt in (("first", first), ("other", other)):
        assert reused[name] >= len(cached.tokenizer(prompt).input_ids) - 1, reused


@pytest.mark.bwrap
@pytest.mark.parametrize(
    "name, mode", [("base-10", "raw"), ("base-10", "prefill"), ("empower-infer:8", "raw"), ("sft-10", None)]
)
def test_same_suggestions_with_and_without_the_cache_over_an_episode(name, mode):
    """A whole episode of a bundled test problem with the reference programmer (K_H = 10, up to
    50 rounds); ``sft-10`` runs its shipped LoRA adapter, so the cache must hold the adapter's keys.
    Suggestions are capped at 24 tokens (sft-10 rarely stops before its 64) to keep the test short."""
    problem = get_problem(None, "cc021")
    adapter = shipped_adapter_dir(name)
    template = make_agent(name, backend_options=BackendOptions(prompt_mode=mode))
    runs = {}
    for use_cache in (True, False):
        backend = TransformersBackend("smollm2", adapter=adapter, prompt_cache=use_cache)
        agent = replace(template, backend=backend, budget=min(template.budget, 24))
        env = gym.make("CodeAssist-v0", problems=[problem], sandbox="bwrap", human_tokens=10)
        rounds: list[tuple[str, int, int]] = []

        def act(observation, agent=agent, backend=backend, rounds=rounds):
            suggestion = agent.act(observation)
            reused = backend.prompt_cache.reused if backend.prompt_cache else 0
            rounds.append((suggestion, reused, len(backend.tokenizer(agent.last_info["prompt"]).input_ids)))
            return suggestion

        try:
            info = play_episode(env, agent, seed=0, act=act)
        finally:
            env.close()
        runs[use_cache] = rounds
        assert [r["suggestion"] for r in info["transcript"]] == [r[0] for r in rounds]
    with_cache, without = runs[True], runs[False]
    assert [r[0] for r in with_cache] == [r[0] for r in without]
    assert len(with_cache) >= 5 and any(r[0] for r in with_cache), with_cache
    # Raw and prefill prompts end with the program, so each round's prompt extends the last.
    reused = sum(r[1] for r in with_cache[1:])
    previous_lengths = sum(r[2] for r in with_cache[:-1])
    assert reused >= 0.9 * previous_lengths, with_cache
