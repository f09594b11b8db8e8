"""The whole Empower pipeline offline with SmolLM2-135M (CLI data builds -> LoRA -> agent in an episode),
fine-tuning details, and the shipped adapters."""

from __future__ import annotations

from pathlib import Path

import gymnasium as gym
import pytest

import codeassist_env
from codeassist_env.agents import make_agent
from codeassist_env.cli import main as cli_main
from codeassist_env.training.datasets import read_dataset, read_stats
from codeassist_env.training.finetune import FinetuneConfig, encode_example, finetune, read_manifest

ADAPTERS = Path(codeassist_env.__file__).parent / "data" / "adapters"
SHIPPED = {
    "empower-smollm2": "empower",
    "empower-eta0.32-smollm2": "empower",
    "empower-eta4-smollm2": "empower",
    "sft10-smollm2": "sft-10",
    "sft20-smollm2": "sft-20",
}
MANIFEST_KEYS = {
    "method",
    "base_model",
    "stop",
    "prompt_format",
    "command",
    "corpus",
    "seed",
    "n_examples",
    "steps",
    "final_loss",
    "packages",
    "created",
    "hardware",
    "train_seconds",
}


def run_episode(agent, max_rounds: int = 4) -> list[dict]:
    env = gym.make("CodeAssist-v0", problems="humaneval", sandbox="process", max_rounds=max_rounds)
    try:
        obs, info = env.reset(options={"problem_id": "HumanEval/0"})
        agent.reset(info)
        done = False
        while not done:
            obs, _, terminated, truncated, info = env.step(agent.act(obs))
            done = terminated or truncated
        return info["transcript"]
    finally:
        env.close()


@pytest.mark.model
def test_encode_example_masks_the_prompt():
    from codeassist_env.models import load_causal_lm

    _, tokenizer = load_causal_lm("smollm2")
    record = {"prefix": "def f(x):\n    return", "target": " x + 1", "stop": tokenizer.eos_token}
    ids, labels = encode_example(tokenizer, record, max_tokens=64)
    target = tokenizer(" x + 1", add_special_tokens=False).input_ids
    assert ids[-len(target) - 1 :] == target + [tokenizer.eos_token_id]
    assert labels == [-100] * (len(ids) - len(target) - 1) + target + [tokenizer.eos_token_id]
    # a long prefix keeps its end (the code right before the cut); the target is whole
    ids, labels = encode_example(tokenizer, {**record, "prefix": "x = 1\n" * 50}, max_tokens=16)
    assert len(ids) == 16 and ids[-len(target) - 1 :] == target + [tokenizer.eos_token_id]
    with pytest.raises(ValueError, match="not a single token"):
        encode_example(tokenizer, {**record, "stop": "<no such token>"}, max_tokens=64)


@pytest.mark.model
@pytest.mark.slow
def test_pipeline_corpus_to_episode(tmp_path, capsys):
    corpus = "stdlib:bisect,heapq,colorsys,fnmatch"
    common = ["--corpus", corpus, "--limit", "30", "--max-tokens", "48", "--seed", "1"]
    assert cli_main(["data", "empower", *common, "--eta", "4", "--out", str(tmp_path / "empower.jsonl")]) == 0
    assert cli_main(["data", "sft", *common, "--n", "10", "--out", str(tmp_path / "sft10.jsonl")]) == 0
    empower, sft10 = read_dataset(tmp_path / "empower.jsonl"), read_dataset(tmp_path / "sft10.jsonl")
    assert len(empower) == len(sft10) >= 24
    assert [r["cut"] for r in empower] == [r["cut"] for r in sft10]  # same cut points
    assert read_stats(tmp_path / "empower.jsonl")["params"]["eta"] == 4.0
    assert "empty targets" in capsys.readouterr().out

    # a few steps on one fixed batch: the training loss on it goes down
    batch = empower[:8]
    config = FinetuneConfig(method="empower", epochs=4, batch_size=8, learning_rate=2e-3, max_tokens=48)
    result = finetune(
        batch,
        tmp_path / "adapter",
        config,
        manifest_extra={"eta": 4.0, "eta_unit": "bits", "corpus": {"specs": [corpus]}},
        log=lambda _: None,
    )
    assert result.steps == 4 and result.losses[-1] < result.losses[0]
    manifest = read_manifest(tmp_path / "adapter")
    assert MANIFEST_KEYS <= set(manifest) and manifest["eta"] == 4.0 and manifest["steps"] == 4
    assert (tmp_path / "adapter" / "adapter_model.safetensors").stat().st_size < 8_000_000

    agent = make_agent(f"empower:{tmp_path / 'adapter'}")
    transcript = run_episode(agent, max_rounds=3)
    assert len(transcript) == 3 and all(isinstance(r["suggestion"], str) for r in transcript)


@pytest.mark.model
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_adapter_manifest_and_episode(name):
    path = ADAPTERS / name
    manifest = read_manifest(path)
    assert MANIFEST_KEYS <= set(manifest), MANIFEST_KEYS - set(manifest)
    assert manifest["method"] == SHIPPED[name] and manifest["base_model"] == "smollm2"
    if manifest["method"] == "empower":
        assert manifest["eta_unit"] == "bits" and manifest["eta"] > 0
    else:
        assert manifest["n"] == int(SHIPPED[name].split("-")[1])
    assert manifest["n_examples"] >= 100 and manifest["final_loss_mean_last_10"] < manifest["first_loss"]
    assert (path / "adapter_model.safetensors").stat().st_size < 8_000_000
    kind = "empower" if manifest["method"] == "empower" else manifest["method"]
    agent = make_agent(f"{kind}:{path}")
    # 8 rounds: the sft-10 adapter trained on 1,210 documents ends its suggestion at once for the first 4
    # rounds of HumanEval/0 (right after the docstring) and suggests from the 5th on.
    transcript = run_episode(agent, max_rounds=8)
    assert len(transcript) >= 1
    # the trained stop token is honoured: suggestions never run on for long
    limit = 200 if manifest["method"] == "empower" else 40 * manifest["n"]
    assert all(len(r["suggestion"]) <= limit for r in transcript)
    # SFT-N always suggests something after a non-empty prefix
    if manifest["method"] != "empower":
        assert any(r["suggestion"] for r in transcript)


def test_the_default_empower_is_the_eta_the_train_split_selection_chose():
    """The shipped ``empower`` carries the η selection that chose it (examples/select_eta.py: highest DPR on
    the train split with the expert, ties to the higher accept ratio), and every candidate is shipped."""
    manifest = read_manifest(ADAPTERS / "empower-smollm2")
    selection = manifest["selection"]
    candidates = [r for r in selection["results"] if "eta_bits" in r]
    best = max(candidates, key=lambda r: (r["dpr"], r["accept_ratio"]))
    assert manifest["eta"] == selection["chosen_eta_bits"] == best["eta_bits"]
    assert "train" in selection["problems"] and "test" not in selection["problems"]
    shipped = {read_manifest(path)["eta"]: path.name for path in ADAPTERS.glob("empower*") if path.is_dir()}
    assert {r["eta_bits"] for r in candidates} <= set(shipped) and len(candidates) >= 3
    for name in shipped.values():
        assert read_manifest(ADAPTERS / name)["n_examples"] == manifest["n_examples"], name
