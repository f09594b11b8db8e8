"""``codeassist bench --executor ray`` on a local two-CPU Ray cluster: the same episode records as the thread
executor (apart from timings and worker ids), and a Ray worker killed mid-run loses only its in-flight
episodes, which run again: every episode is recorded exactly once."""

from __future__ import annotations

import json
import os
import signal
import threading
import time

import pytest
import ray

from codeassist_env.engines import Engine
from codeassist_env.agents.factories import BackendOptions
from codeassist_env.bench.job import recorded_backend
from codeassist_env.bench.ray_executor import worker_count, worker_resources
from codeassist_env.bench.runner import BenchConfig
from codeassist_env.bench.store import load_episodes, triple_of
from codeassist_env.cli import main

pytestmark = pytest.mark.bwrap

COMMON = [
    "--agents",
    "none",
    "oracle-10",
    "--sandbox",
    "bwrap",
    "--problems",
    "codeassist-core",
    "--split",
    "test",
    "--no-progress",
    "--no-report",
]


@pytest.fixture(scope="module", autouse=True)
def ray_cluster():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def comparable(record: dict) -> dict:
    """A record without what may differ between executors: timings (``*_s``), start time and worker."""

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if not k.endswith("_s")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip({k: v for k, v in record.items() if k not in ("worker", "started_at")})


@pytest.mark.parametrize("human", ["reference", "expert"])
def test_ray_and_threads_record_the_same_episodes(tmp_path, human):
    args = [*COMMON, "--human", human, "--limit", "3", "--seeds", "2", "--max-rounds", "30", "--concurrency", "2"]
    assert main(["bench", *args, "--out", str(tmp_path / "threads")]) == 0
    assert main(["bench", *args, "--executor", "ray", "--out", str(tmp_path / "ray")]) == 0

    threads = {triple_of(r): r for r in load_episodes(tmp_path / "threads" / "episodes.jsonl").records}
    on_ray = {triple_of(r): r for r in load_episodes(tmp_path / "ray" / "episodes.jsonl").records}
    assert len(threads) == len(on_ray) == 2 * 3 * 2
    assert {k: comparable(r) for k, r in on_ray.items()} == {k: comparable(r) for k, r in threads.items()}
    # The episodes did run in Ray workers, other processes than this one.
    pids = {int(r["worker"].split("/")[0].rsplit(":", 1)[1]) for r in on_ray.values()}
    assert pids and os.getpid() not in pids
    assert any(r["passed"] for r in on_ray.values()) and not all(r["passed"] for r in on_ray.values())
    assert json.loads((tmp_path / "ray" / "run.json").read_text())["options"]["executor"] == "ray"


def test_a_killed_worker_loses_only_its_in_flight_episodes(tmp_path, capfd):
    out = tmp_path / "run"
    args = [
        "bench",
        *COMMON,
        "--human",
        "expert",
        "--limit",
        "10",
        "--seeds",
        "2",
        "--max-rounds",
        "40",
        "--concurrency",
        "4",
        "--executor",
        "ray",
        "--out",
        str(out),
    ]
    result: dict[str, int] = {}
    bench = threading.Thread(target=lambda: result.setdefault("code", main(args)))
    bench.start()
    episodes = out / "episodes.jsonl"
    deadline = time.monotonic() + 90
    victim = None
    while time.monotonic() < deadline and bench.is_alive():
        lines = episodes.read_bytes().splitlines() if episodes.is_file() else []
        if len(lines) >= 3:
            victim = int(json.loads(lines[-1])["worker"].split("/")[0].rsplit(":", 1)[1])
            break
        time.sleep(0.05)
    assert victim is not None, "the run ended before a worker could be killed"
    written_before = len(episodes.read_bytes().splitlines())
    os.kill(victim, signal.SIGKILL)
    bench.join(timeout=240)
    assert not bench.is_alive() and result["code"] == 0

    records = load_episodes(episodes).records
    triples = [triple_of(r) for r in records]
    assert len(triples) == len(set(triples)) == 2 * 10 * 2, "an episode was lost or written twice"
    assert all(r["status"] == "ok" for r in records)
    assert written_before < len(records), "the kill came too late to test anything"
    # The killed worker was running episodes (the driver keeps both workers busy): they ran again elsewhere.
    assert "run again after their worker died" in capfd.readouterr().err


def test_workers_are_sized_by_the_agents_declared_resources():
    local_gpu = BenchConfig(agents=("none", "base-10"), problems="codeassist-core", agent_backend={"device": "cuda"})
    served = BenchConfig(
        agents=("none", "base-10"),
        problems="codeassist-core",
        agent_backend={"device": "cuda", "base_url": "http://127.0.0.1:8001/v1"},
    )
    assert worker_resources(local_gpu) == {"num_cpus": 1, "num_gpus": 1}
    assert worker_resources(served) == {"num_cpus": 1}  # the server holds the model
    own_engine = BenchConfig(
        agents=("base-10",),
        problems="codeassist-core",
        agent_backend=recorded_backend(BackendOptions(device="cuda"), Engine.VLLM),
    )
    assert worker_resources(own_engine) == {"num_cpus": 1}  # so does the engine the run started
    assert worker_count(8, {"num_cpus": 1, "num_gpus": 1}, {"CPU": 16.0, "GPU": 2.0}) == 2
    assert worker_count(8, {"num_cpus": 1}, {"CPU": 2.0}) == 2
    with pytest.raises(ValueError, match="needs .*num_gpus.* but the Ray cluster has"):
        worker_count(8, {"num_cpus": 1, "num_gpus": 1}, {"CPU": 2.0})


@pytest.mark.parametrize(
    "options",
    [
        BackendOptions(),
        BackendOptions(batched=False),
        BackendOptions(device="cuda", prompt_mode="chat", show_statement=True),
    ],
)
def test_the_config_records_the_local_backend_the_run_was_given(options):
    """Down to batching, which decides the episodes' bits and so whether a run may resume."""
    assert BackendOptions(**recorded_backend(options, Engine.TRANSFORMERS)) == options


def test_a_served_engine_records_no_local_setting():
    served = BackendOptions(base_url="http://127.0.0.1:8001/v1", batched=False)
    assert recorded_backend(served, Engine.TRANSFORMERS) == {"base_url": served.base_url, "device": "cpu"}
    assert recorded_backend(BackendOptions(), Engine.VLLM) == {"device": "cpu", "engine": "vllm"}
