"""Batched greedy decoding on SmolLM2-135M (``codeassist_env.agents.batched_decoding``): a step's pieces give
the model's own logits, a request's numbers do not depend on what shares its step, and the local backend
generates the same text batched as unbatched, alone or with other threads in flight."""

from __future__ import annotations

import copy
import threading

import pytest
import torch

from codeassist_env.agents import batched_decoding
from codeassist_env.agents.batched_decoding import forward_pieces
from codeassist_env.agents.lm import TransformersBackend

pytestmark = pytest.mark.model

PROMPTS = [
    "def add(a, b):\n    return",
    "import sys\n\n\ndef main() -> None:\n    data = sys.stdin.read().split()\n    n = int(data[0])\n",
    "class Stack:\n    def __init__(self):\n        self.items = []\n\n    def push(self, item):\n",
    "# Read n numbers and print their sum, then the largest of them.\n" * 3 + "def solve(numbers):\n",
    "def fib(n):\n    if n < 2:\n        return n\n",
    "for i in range(10):\n    if i % 2 == 0:\n",
]


@pytest.fixture(scope="module")
def unbatched():
    return TransformersBackend("smollm2", prompt_cache=False, batched=False)


@pytest.fixture(scope="module")
def batched():
    backend = TransformersBackend("smollm2", prompt_cache=False)
    assert backend.decoder is not None  # SmolLM2 has the Llama layout
    return backend


def _cache_of(model, ids):
    from transformers import DynamicCache

    cache = DynamicCache()
    with torch.no_grad():
        model(torch.tensor([ids]), cache=cache, use_cache=True)
    return cache


def _ids(backend, text):
    return backend.tokenizer(text).input_ids


def test_pieces_give_the_models_own_logits(unbatched):
    model = unbatched.model
    ids = _ids(unbatched, PROMPTS[1])
    for piece in (ids[-12:], ids[-1:]):  # a chunk of prompt, and one token as in decoding
        ours, theirs = _cache_of(model, ids[: -len(piece)]), _cache_of(model, ids[: -len(piece)])
        with torch.no_grad():
            expected = model(torch.tensor([piece]), cache=theirs, use_cache=True).logits[0, -1].float()
            got = forward_pieces(model, [piece], [ours])[0]
        assert torch.allclose(got, expected, atol=2e-3), (got - expected).abs().max()
        assert int(got.argmax()) == int(expected.argmax())
        assert ours.get_seq_length() == theirs.get_seq_length() == len(ids)


@pytest.mark.parametrize("threads", [1, 2], ids=["1-thread", "2-threads"])
@pytest.mark.parametrize("size", [7, 1], ids=["prompt-piece", "decoding"])
def test_a_request_gets_the_same_bits_whatever_shares_its_step(unbatched, size, threads):
    """Alone or beside others, first or last in the step: the same logits and keys to the bit, with the
    bench's one torch thread and with two."""
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        _same_bits_whatever_shares_the_step(unbatched, size)
    finally:
        torch.set_num_threads(before)


def _same_bits_whatever_shares_the_step(unbatched, size):
    model = unbatched.model
    ids = _ids(unbatched, PROMPTS[2])
    cache = _cache_of(model, ids[:-size])
    others = [_ids(unbatched, p) for p in PROMPTS[3:6]]
    steps = [[], [(others[1], 1)], [(others[0], 20), (others[2], 1)], [(others[0], 30), (others[1], 5), (others[2], 1)]]
    assert all(len(other) > n for step in steps for other, n in step)
    results = []
    for step in steps:
        pieces = [ids[-size:]] + [other[-n:] for other, n in step]
        caches = [copy.deepcopy(cache)] + [_cache_of(model, other[:-n]) for other, n in step]
        order = list(range(len(pieces)))[::-1] if len(step) % 2 else list(range(len(pieces)))  # other places
        with torch.no_grad():
            logits = forward_pieces(model, [pieces[i] for i in order], [caches[i] for i in order])
        results.append((logits[order.index(0)], caches[0].layers[-1].keys))
    for logits, keys in results[1:]:
        assert torch.equal(logits, results[0][0])
        assert torch.equal(keys, results[0][1])


def test_pieces_beyond_the_step_are_refused(unbatched):
    too_many = [[1]] * (batched_decoding.ROWS + 1)
    with pytest.raises(ValueError, match="pieces"):
        forward_pieces(unbatched.model, too_many, [None] * len(too_many))
    with pytest.raises(ValueError, match="pieces"):
        forward_pieces(unbatched.model, [[1] * (batched_decoding.SLOTS + 1)], [None])


@pytest.mark.parametrize(
    "options",
    [dict(stop=("\n\n",)), dict(logprobs=True, nll_limit=3.0), dict(logprobs=True)],
    ids=["stop", "nll_limit", "logprobs"],
)
def test_batched_generation_is_the_unbatched_one(unbatched, batched, options):
    for prompt in PROMPTS:  # the fourth is longer than a chunk: its prompt is encoded in two steps
        expected = unbatched.generate(prompt, 24, **options)
        got = batched.generate(prompt, 24, **options)
        assert got.tokens == expected.tokens, prompt
        if options.get("logprobs"):
            assert got.token_logprobs == pytest.approx(expected.token_logprobs, abs=1e-3)


def test_requests_in_flight_together_decode_as_they_do_alone(batched):
    alone = [batched.generate(prompt, 16, logprobs=True) for prompt in PROMPTS]
    together: dict[int, object] = {}
    start = threading.Barrier(len(PROMPTS))

    def run(i):
        start.wait()
        together[i] = batched.generate(PROMPTS[i], 16, logprobs=True)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(PROMPTS))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [together[i] for i in range(len(PROMPTS))] == alone  # tokens and log-probs, to the bit
