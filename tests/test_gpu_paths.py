"""What the GPU paths check on a CPU: the vLLM scorer's up-front refusals, the LoRA ranks vLLM can serve,
one copy of a model being fine-tuned, gradient checkpointing, and the server-kind helpers of the
completions backend (token respelling, echo alignment, sampling fields)."""

from __future__ import annotations

import pytest

from codeassist_env.agents.server_kinds import continuation_logprobs, respell, sampling_fields
from codeassist_env.cli import main


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["data", "empower", "--scorer", "vllm", "--base", "smollm2", "--out", "x"],
            "scorer vllm needs base to be a Hugging Face model directory, got 'smollm2'",
        ),
        (["data", "empower", "--scorer", "vllm", "--base", "m.gguf", "--out", "x"], "got 'm.gguf' (a GGUF model)"),
        (["data", "empower", "--scorer", "vllm", "--base", ".", "--out", "x"], "is not a Hugging Face model directory"),
        (
            ["data", "empower", "--scorer", "vllm", "--gpu-memory-utilization", "1.5", "--out", "x"],
            "argument --gpu-memory-utilization: must be a number in (0, 1], got '1.5'",
        ),
        (["train", "--method", "empower", "--scorer", "vllm", "--out", "x"], "build the set first"),
        (["train", "--method", "sft-10", "--rank", "4", "--out", "x"], "argument --rank: invalid choice: 4"),
    ],
)
def test_gpu_options_are_refused_before_anything_loads(argv, message, tmp_path, monkeypatch, capfd):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capfd.readouterr().err
    assert message in err and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


def test_respell_gives_cleaned_up_tokens_their_spaces_back():
    assert respell(["x", " =", " a", "!=", " b"], "x = a != b") == ["x", " =", " a", " !=", " b"]
    assert respell(["a", "\n", "'s"], "a\n 's") == ["a", "\n", " 's"]
    assert respell(["ab", "c\n```"], "abc") == ["ab", "c\n```"]  # the last token runs past a stop
    assert respell(["ab", "d"], "abc") is None and respell(["a", "b"], "abc") is None
    assert respell(["a", "b"], "a b ") is None  # whitespace the tokens never reach


def test_continuation_is_what_the_full_echo_has_past_the_prefix_echo():
    head = [("<bos>", None), ("def", -1.0), (" f", -2.0)]
    full = [("<bos>", None), ("def", -1.0), (" f", -2.0), ("():", -3.0), ("\n", -4.0)]
    assert continuation_logprobs(head, full) == [-3.0, -4.0]
    # A token that crosses the boundary (" f" + "(" merged) counts as the continuation's first.
    assert continuation_logprobs(head, [("<bos>", None), ("def", -1.0), (" f(", -2.5), (")", -3.0)]) == [-2.5, -3.0]


def test_sampling_fields_turn_every_filter_off_where_the_server_takes_them():
    assert sampling_fields("vllm") == ({"top_p": 1.0}, {"top_k": -1, "min_p": 0.0, "repetition_penalty": 1.0})
    assert sampling_fields("me") == ({"top_p": 1.0}, {"top_k": 0, "min_p": 0.0, "repeat_penalty": 1.0})
    assert sampling_fields("openai") == ({"top_p": 1.0}, {})  # OpenAI rejects fields it does not know


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory):
    """A two-layer random Llama in a Hugging Face directory, with SmolLM2's tokenizer (no download)."""
    from transformers import LlamaConfig, LlamaForCausalLM

    from codeassist_env.models import load_tokenizer, resolve_model

    directory = tmp_path_factory.mktemp("tiny-llama")
    tokenizer = load_tokenizer(resolve_model("smollm2"))
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=256,
    )
    LlamaForCausalLM(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


@pytest.mark.model
def test_a_private_model_is_not_also_kept_in_the_cache(tiny_model_dir):
    from codeassist_env import models

    before = len(models._base_cache)
    first, _ = models.load_causal_lm(tiny_model_dir, shared=False)
    second, _ = models.load_causal_lm(tiny_model_dir, shared=False)
    assert first is not second and len(models._base_cache) == before  # one copy each, none cached
    shared, _ = models.load_causal_lm(tiny_model_dir)
    assert len(models._base_cache) == before + 1 and models.load_causal_lm(tiny_model_dir)[0] is shared
    assert models.load_causal_lm(tiny_model_dir, shared=False)[0] is not shared


@pytest.mark.model
def test_gradient_checkpointing_trains_the_same_adapter(tiny_model_dir, tmp_path):
    import torch

    from codeassist_env.training.finetune import FinetuneConfig, finetune

    records = [
        {"prefix": f"def f{i}(x):\n", "target": f"    return x + {i}\n", "stop": "<|im_end|>", "target_tokens": 6}
        for i in range(4)
    ]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        results = [
            finetune(
                records,
                tmp_path / str(flag),
                FinetuneConfig(
                    base=str(tiny_model_dir), batch_size=2, epochs=1.5, max_tokens=32, gradient_checkpointing=flag
                ),
                log=lambda _: None,
            )
            for flag in (False, True)
        ]
    finally:
        torch.set_num_threads(threads)
    plain, checkpointed = results
    assert checkpointed.manifest["training"]["gradient_checkpointing"] is True
    assert checkpointed.losses == pytest.approx(plain.losses, abs=1e-5) and len(plain.losses) == 3


def test_gpu_check_says_skip_without_vllm():
    import importlib.util
    import subprocess
    from pathlib import Path

    if importlib.util.find_spec("vllm") is not None:
        pytest.skip("vLLM is installed: the script runs its checks (minutes, a GPU) instead of saying SKIP")
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "gpu_check.sh"
    done = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("SKIP gpu_check: vLLM is not installed"), done
