"""Empower training pipeline: corpora, units, Algorithm 1 (one pass vs brute force), dataset builders."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from codeassist_env.training.corpus import (
    Document,
    deduplicate,
    hf_documents,
    jsonl_documents,
    load_corpus,
    normalized_hash,
    python_source_documents,
)
from codeassist_env.training.datasets import build_empower, build_sft, build_sft_rand, read_dataset, write_dataset
from codeassist_env.training.empower import (
    brute_force_target_length,
    draw_cuts,
    empower_target_length,
    eta_to_nats,
    tokenize_documents,
)
from codeassist_env.training.scoring import TransformersScorer

# Short real code, so the brute force (one model call per length i) stays fast.
SNIPPETS = [
    "def add(a, b):\n    return a + b\n",
    "for i in range(10):\n    print(i)\n",
    "import sys\n\ndef main():\n    data = sys.stdin.read().split()\n    n = int(data[0])\n",
    "class Stack:\n    def __init__(self):\n        self.items = []\n\n    def push(self, x):\n",
    "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n",
    "n = int(input())\nnums = list(map(int, input().split()))\nprint(sum(nums))\n",
]


# ---- units and the target rule on hand-written log-probs ------------------------------------------


def test_eta_units():
    assert eta_to_nats(1.0) == pytest.approx(math.log(2))
    assert eta_to_nats(0.32, "bits") == pytest.approx(0.32 * math.log(2))
    assert eta_to_nats(0.5, "nats") == 0.5
    with pytest.raises(ValueError, match="unit 'bytes'"):
        eta_to_nats(1.0, "bytes")
    with pytest.raises(ValueError, match="non-negative"):
        eta_to_nats(-1.0)


def test_target_rule_edges():
    logprobs = np.log([np.nan, 0.9, 0.9, 0.5, 0.99])  # token 0 is never scored
    nll = -logprobs
    # empty target: the first token's NLL already exceeds eta
    assert empower_target_length(logprobs, 3, eta_nats=0.1) == 0
    # stop at the first i with H(i) > eta: 0.105 + 0.105 <= 0.25, + 0.693 > 0.25
    assert empower_target_length(logprobs, 1, eta_nats=0.25) == 2
    # H(i) == eta is still inside (<=)
    assert empower_target_length(logprobs, 1, eta_nats=float(nll[1])) == 1
    # whole rest: never exceeds eta
    assert empower_target_length(logprobs, 1, eta_nats=10.0) == 4
    with pytest.raises(ValueError, match="cut 0"):
        empower_target_length(logprobs, 0, 1.0)
    with pytest.raises(ValueError, match="cut 5"):
        empower_target_length(logprobs, 5, 1.0)


def test_bits_and_nats_differ_where_they_should():
    logprobs = np.array([np.nan, -0.8])  # 0.8 nats = 1.15 bits
    assert empower_target_length(logprobs, 1, eta_to_nats(1.0, "nats")) == 1
    assert empower_target_length(logprobs, 1, eta_to_nats(1.0, "bits")) == 0


# ---- corpora --------------------------------------------------------------------------------------


def test_jsonl_corpus_and_errors(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text('{"id": "a", "text": "x = 1\\n"}\n\n{"id": "b", "text": "y = 2\\n"}\n')
    assert [d.id for d in jsonl_documents(path)] == ["a", "b"]
    assert [d.id for d in load_corpus(f"jsonl:{path}")] == ["a", "b"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "x"}\n{"id": "b", "code": "y"}\n')
    with pytest.raises(ValueError, match=r"bad.jsonl:2: field 'text'"):
        list(jsonl_documents(bad))
    bad.write_text("{not json\n")
    with pytest.raises(ValueError, match=r"bad.jsonl:1: not valid JSON"):
        list(jsonl_documents(bad))
    with pytest.raises(FileNotFoundError, match="corpus not found"):
        list(jsonl_documents(tmp_path / "missing.jsonl"))
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "m.py").write_text("def f():\n    return 1\n")
    assert [d.id for d in load_corpus(f"jsonl:{tmp_path / 'src'}")] == ["m.py"]
    with pytest.raises(ValueError, match="unknown corpus spec 'nope:x'"):
        load_corpus("nope:x")


def test_dedup_ignores_formatting_and_comments():
    a = Document("a", "def f(x):\n    return x + 1\n")
    b = Document("b", "def f(x):  # add one\n\n    return (x + 1)\n")
    c = Document("c", "def f(x):\n    return x + 2\n")
    assert normalized_hash(a.text) == normalized_hash(b.text) != normalized_hash(c.text)
    assert [d.id for d in deduplicate([a, b, c, Document("e", "  \n")])] == ["a", "c"]


def test_python_source_chunks_at_function_and_class_level():
    docs = list(python_source_documents(["bisect", "graphlib"]))
    ids = {d.id for d in docs}
    assert "bisect:bisect.py:insort_right" in ids
    # graphlib.TopologicalSorter is longer than max_chars: split into methods, each dedented
    assert "graphlib:graphlib.py:TopologicalSorter.prepare" in ids
    assert all(not d.text[0].isspace() for d in docs)
    assert all(d.text.lstrip().startswith(("def ", "class ", "async def ", "@")) for d in docs)


def test_problem_set_references_and_hub_refusal():
    docs = load_corpus("problems:codeassist-core:train")
    assert docs and all(d.id.startswith("codeassist-core/") and d.text.strip() for d in docs)
    # no datasets package / no hub on these machines: a clear refusal, at once
    with pytest.raises(RuntimeError, match="datasets|not reachable"):
        list(hf_documents())


# ---- model log-probs: one pass vs Algorithm 1 written literally -----------------------------------


@pytest.fixture(scope="module")
def smollm2():
    from codeassist_env.models import load_causal_lm

    return load_causal_lm("smollm2")


@pytest.mark.model
def test_batched_scores_equal_unbatched(smollm2):
    model, tokenizer = smollm2
    docs = [tokenizer(t, add_special_tokens=False).input_ids for t in SNIPPETS]
    batched = TransformersScorer(model, tokenizer, batch_size=8).score(docs)
    single = TransformersScorer(model, tokenizer, batch_size=1).score(docs)
    for doc, a, b in zip(docs, batched, single):
        assert len(a) == len(doc) and np.isnan(a[0])  # SmolLM2 adds no BOS: token 0 is not scored
        assert np.all(a[1:] < 0)
        np.testing.assert_allclose(a[1:], b[1:], atol=2e-4)


@pytest.mark.model
@pytest.mark.slow
def test_one_pass_builder_equals_brute_force_algorithm_1(smollm2):
    model, tokenizer = smollm2
    docs = tokenize_documents([Document(f"s{i}", t) for i, t in enumerate(SNIPPETS)], tokenizer)
    scorer = TransformersScorer(model, tokenizer)
    nonempty = 0
    for eta, unit in ((0.32, "bits"), (4.0, "bits"), (12.0, "nats")):
        records, stats = build_empower(docs, tokenizer, scorer, eta=eta, unit=unit, seed=3)
        cuts = draw_cuts(docs, seed=3)
        assert stats.examples == len(docs)
        for doc, record in zip(docs, records):
            assert record["cut"] == cuts[doc.id]
            brute = brute_force_target_length(scorer, doc.ids, cuts[doc.id], eta_to_nats(eta, unit))
            assert record["target_tokens"] == brute, (doc.id, eta, unit)
            assert record["target_nll_nats"] <= eta_to_nats(eta, unit) + 1e-9
            nonempty += brute > 0
    assert nonempty >= 3  # the comparison covered real, non-empty targets


@pytest.mark.model
def test_builders_edge_cases_on_real_log_probs(smollm2, tmp_path):
    model, tokenizer = smollm2
    texts = SNIPPETS + ["", "x"]  # 0 and 1 token: no valid cut
    docs = tokenize_documents([Document(f"d{i}", t) for i, t in enumerate(texts)], tokenizer, max_tokens=16)
    scorer = TransformersScorer(model, tokenizer)
    # eta = 0: every token has probability < 1, so every target is empty (stop right away)
    records, stats = build_empower(docs, tokenizer, scorer, eta=0.0)
    assert stats.skipped_short == 2 and stats.examples == len(SNIPPETS) and stats.empty_targets == len(SNIPPETS)
    assert stats.truncated_long == sum(len(tokenizer(t).input_ids) > 16 for t in texts) > 0
    assert all(r["target"] == "" and r["stop"] == tokenizer.eos_token for r in records)
    # huge eta: the whole rest of each (truncated) document
    records, stats = build_empower(docs, tokenizer, scorer, eta=1e9)
    assert stats.whole_rest_targets == stats.examples
    assert all(r["prefix_tokens"] + r["target_tokens"] == r["doc_tokens"] for r in records)
    # 1 bit == ln 2 nats: identical records
    in_bits, _ = build_empower(docs, tokenizer, scorer, eta=1.0, unit="bits")
    in_nats, _ = build_empower(docs, tokenizer, scorer, eta=math.log(2), unit="nats")
    assert [r["target"] for r in in_bits] == [r["target"] for r in in_nats]
    # prefix and target are the document's own tokens, cut on a token boundary
    for doc, r in zip([d for d in docs if len(d.ids) >= 2], in_bits):
        assert r["prefix"] == tokenizer.decode(doc.ids[: r["cut"]])
        assert r["target"] == tokenizer.decode(doc.ids[r["cut"] : r["cut"] + r["target_tokens"]])


@pytest.mark.model
def test_sft_builders_share_cut_points_and_roundtrip(smollm2, tmp_path):
    _, tokenizer = smollm2
    docs = tokenize_documents([Document(f"d{i}", t) for i, t in enumerate(SNIPPETS)], tokenizer)
    sft10, stats10 = build_sft(docs, tokenizer, n=10, seed=7)
    rand, stats_rand = build_sft_rand(docs, tokenizer, lo=1, hi=30, seed=7)
    assert [r["cut"] for r in sft10] == [r["cut"] for r in rand] == [draw_cuts(docs, 7)[d.id] for d in docs]
    assert all(r["target_tokens"] == min(10, r["doc_tokens"] - r["cut"]) for r in sft10)
    assert all(1 <= r["drawn_length"] <= 30 for r in rand)
    # cut points do not depend on the order of the documents
    assert draw_cuts(docs[::-1], 7) == draw_cuts(docs, 7)
    assert set(stats10.target_tokens_histogram) >= {"0", "1", "10-19", "100+"}
    assert sum(stats10.target_tokens_histogram.values()) == stats10.examples
    path = tmp_path / "sft10.jsonl"
    stats_path = write_dataset(sft10, stats10, path)
    assert read_dataset(path) == sft10
    assert json.loads(stats_path.read_text())["params"] == {"n": 10, "seed": 7}
    path.write_text('{"prefix": "x", "target": 3, "stop": "s"}\n')
    with pytest.raises(ValueError, match=r"sft10.jsonl:1: field 'target'"):
        read_dataset(path)
    with pytest.raises(ValueError, match="n must be >= 1"):
        build_sft(docs, tokenizer, n=0)
