"""Building the LM assistants from one-line names (the registry entries of ``codeassist_env.agents``).

Names: ``base``, ``base-N`` (N tokens of the model's own tokenizer), ``sft-N``, ``sft-N:PATH``,
``empower``, ``empower:PATH``, ``empower-infer:ETA`` (η in bits; ``empower-infer:ETAnats`` for nats).

The backend comes from :class:`BackendOptions` (CLI: ``--agent-base-url``, ``--agent-model``, ...):
- no base URL: local transformers, SmolLM2-135M-Instruct by default; ``PATH`` is a LoRA adapter
  directory (``manifest.json`` gives its base model and stop token); without a path the adapter
  shipped in ``codeassist_env/data/adapters/`` is used (``empower-smollm2``, ``sft10-smollm2``, ...).
- a base URL: an OpenAI-compatible server; ``PATH`` is then the *served model name* of the adapter
  (vLLM: ``--enable-lora --lora-modules NAME=ADAPTER_DIR``); without it, the shipped adapter's
  directory name. The stop token comes from ``--agent-stop``, else from the manifest of a local
  directory of that name, else the server stops at the model's end-of-turn token.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from codeassist_env.agents.assistants import LMAgent, base_agent, empower_agent, inference_empower_agent, sft_agent
from codeassist_env.agents.lm import LMBackend, TransformersBackend
from codeassist_env.agents.pooled import PooledBackend
from codeassist_env.errors import InputError, MissingFile
from codeassist_env.package_data import data_path
from codeassist_env.server_pool import shared_pool, split_urls
from codeassist_env.training.empower import DEFAULT_ETA_BITS
from codeassist_env.training.finetune import read_manifest

ADAPTERS_DIR = data_path("adapters")
DEFAULT_LOCAL_MODEL = "smollm2"
EMPOWER_ADAPTER = "empower-smollm2"  # the shipped adapter of agent "empower"


@dataclass(frozen=True)
class BackendOptions:
    base_url: str | None = None  # OpenAI-compatible server(s), comma-separated; None = local transformers
    model: str | None = None  # local: HF dir / .gguf / "smollm2"; served: the model name
    api_key: str | None = None
    device: str = "cpu"
    prompt_mode: str | None = None  # "raw" | "chat" | "prefill"; None = each agent's default
    stop: str | None = None  # overrides the adapter's stop token
    show_statement: bool = False
    batched: bool = True  # local: greedy calls in flight together run as one (agents.batched_decoding)


def _served_model(options: BackendOptions, backend_cache: dict) -> str:
    if options.model:
        return options.model
    key = ("models", options.base_url)
    if key not in backend_cache:
        from openai import OpenAI

        def models(url: str) -> list[str]:
            client = OpenAI(base_url=url, api_key=options.api_key or os.environ.get("OPENAI_API_KEY", "EMPTY"))
            return [m.id for m in client.models.list().data]

        backend_cache[key] = shared_pool("agent", split_urls(options.base_url)).call(models)
    if not backend_cache[key]:
        raise InputError(f"server {options.base_url} serves no model")
    return backend_cache[key][0]


_backends: dict[Any, Any] = {}


def _backend(
    options: BackendOptions,
    *,
    served_model: str | None = None,
    local_model: str | None = None,
    adapter: Path | None = None,
) -> LMBackend:
    if options.base_url:
        model = served_model or _served_model(options, _backends)
        key: tuple[Any, ...] = ("openai", options.base_url, model, options.api_key)
        if key not in _backends:
            _backends[key] = PooledBackend(split_urls(options.base_url), model, api_key=options.api_key)
        return _backends[key]
    model = options.model or local_model or DEFAULT_LOCAL_MODEL
    key = ("local", model, str(adapter), options.device, options.batched)
    if key not in _backends:
        _backends[key] = TransformersBackend(model, adapter=adapter, device=options.device, batched=options.batched)
    return _backends[key]


def sft_adapter(parsed: tuple[int, str]) -> str | None:
    """The shipped adapter of ``sft-N`` (none when a path is given)."""
    n, path = parsed
    return None if path else f"sft{n}-smollm2"


def _trained(kind: str, default_dir: str, path: str, options: BackendOptions, **extra: Any) -> LMAgent:
    """A fine-tuned agent (``kind`` is ``empower`` or ``sft``) from an adapter path or served name."""
    mode = options.prompt_mode or "raw"
    common = dict(mode=mode, show_statement=options.show_statement, **extra)
    make = empower_agent if kind == "empower" else sft_agent
    if options.base_url:
        served = path or default_dir
        local = Path(path) if path else ADAPTERS_DIR / default_dir
        stop = options.stop or (read_manifest(local)["stop"] if local.is_dir() else None)
        return make(_backend(options, served_model=served), stop, **common)
    adapter = Path(path).expanduser() if path else ADAPTERS_DIR / default_dir
    if not adapter.is_dir():
        shipped = sorted(p.name for p in ADAPTERS_DIR.glob("*") if p.is_dir()) if ADAPTERS_DIR.is_dir() else []
        raise MissingFile(f"adapter directory {adapter} does not exist (shipped adapters: {shipped})")
    manifest = read_manifest(adapter)
    backend = _backend(options, local_model=manifest.get("base_model"), adapter=adapter.resolve())
    return make(backend, options.stop or manifest["stop"], **common)


def untrained_mode(options: BackendOptions, backend: LMBackend, local: str = "prefill") -> str:
    """The untrained model's default prompt mode, chosen by measurement for the model (docs/prompt_modes.md
    has the numbers), whichever engine computes it: ``local`` ("prefill" for Base-N, with which SmolLM2 suggests
    where in chat mode it rarely re-types the code; "raw" for Empower at inference, which suggests and is
    accepted more often raw) when the model's chat template can be rendered here, or "raw" when it has none
    (a base model such as Gemma-3-270M). A served model whose tokenizer cannot be read
    here (another host's, or a server that does not say where it is) gets the paper's chat mode: prefill
    needs the template rendered locally, and the instruct models one serves re-type code as asked."""
    if options.prompt_mode:
        return options.prompt_mode
    tokenizer = getattr(backend, "tokenizer", None)
    if tokenizer is None and options.base_url:
        return "chat"
    return local if getattr(tokenizer, "chat_template", None) else "raw"


# ---- the agent kinds' argument parsers (registered in codeassist_env.agents) and builders -------------
def parse_base(arg: str) -> int | None:
    if arg and not arg.isdigit():
        raise InputError(f"agent 'base-{arg}': expected a token count after 'base-', e.g. base-10")
    return int(arg) if arg else None


def parse_sft(arg: str) -> tuple[int, str]:
    n, colon, path = arg.partition(":")
    if colon and not path:
        raise InputError(f"agent 'sft-{arg}': empty path after ':'")
    if not n.isdigit():
        raise InputError(f"agent 'sft-{arg}': expected sft-N or sft-N:PATH with N a token count")
    return int(n), path


def parse_eta(arg: str) -> tuple[float, str]:
    text = arg or str(DEFAULT_ETA_BITS)
    unit = "nats" if text.endswith("nats") else "bits"
    try:
        return float(text.removesuffix("nats").removesuffix("bits")), unit
    except ValueError:
        raise InputError(
            f"agent 'empower-infer:{arg}': η must be a number of bits (e.g. "
            "empower-infer:0.32) or nats (empower-infer:0.22nats)"
        ) from None


def make_base(n: int | None, backend_options: BackendOptions | None = None, **_: Any) -> LMAgent:
    options = backend_options or BackendOptions()
    backend = _backend(options)
    return base_agent(backend, n, mode=untrained_mode(options, backend), show_statement=options.show_statement)


def make_sft(parsed: tuple[int, str], backend_options: BackendOptions | None = None, **_: Any) -> LMAgent:
    n, path = parsed
    adapter = cast(str, sft_adapter((n, "")))  # a str: no path is given
    return _trained("sft", adapter, path, backend_options or BackendOptions(), n=n)


def make_empower(path: str, backend_options: BackendOptions | None = None, **_: Any) -> LMAgent:
    return _trained("empower", EMPOWER_ADAPTER, path, backend_options or BackendOptions())


def make_inference_empower(
    parsed: tuple[float, str], backend_options: BackendOptions | None = None, **_: Any
) -> LMAgent:
    options = backend_options or BackendOptions()
    eta, unit = parsed
    backend = _backend(options)
    return inference_empower_agent(
        backend, eta, unit, mode=untrained_mode(options, backend, local="raw"), show_statement=options.show_statement
    )


# ---- what a worker running the agent kinds needs (Ray's resources; codeassist bench --executor ray) -------
def no_model_resources(options: BackendOptions | None = None) -> dict[str, float]:
    """An agent without a model of its own (none, oracle), or one whose model is served: a CPU."""
    return {"num_cpus": 1}


def model_resources(options: BackendOptions | None = None) -> dict[str, float]:
    """An LM agent: a CPU, and a GPU when its model is local and asked to run on one (--agent-device cuda)."""
    options = options or BackendOptions()
    on_gpu = not options.base_url and options.device.startswith("cuda")
    return {"num_cpus": 1, "num_gpus": 1} if on_gpu else {"num_cpus": 1}
