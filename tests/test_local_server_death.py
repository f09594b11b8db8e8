"""The local llama.cpp server: the launcher's setting reaches it, a server that dies is reported (by
``codeassist serve`` and by ``start_local_server``), and a bench whose LLM human loses its endpoint stops
with its own exit status and finishes on ``--resume`` with every episode exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from codeassist_env.bench.store import load_episodes
from codeassist_env.llama_cpp_server import EXTRA_BUFFERS_OFF
from codeassist_env.local_server import ServerDied, cpu_has_amx, describe_exit, free_port
from codeassist_env.llama_cpp_server import start_local_server

pytestmark = pytest.mark.llm


def children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(x) for x in f.read().split()]


def test_the_launcher_turns_extra_buffers_off_and_the_server_completes(local_llm_server):
    # The fixture's server has already answered a completion (start_local_server sends one); on a CPU
    # with AMX that is the request that used to crash.
    assert EXTRA_BUFFERS_OFF in local_llm_server.log_tail(1_000_000)
    assert local_llm_server.death() is None


def test_describe_exit_names_the_signal_and_the_known_cause():
    text = describe_exit(-signal.SIGSEGV, "line 1\nGET /v1/models\n")
    assert "killed by signal SIGSEGV" in text and "GET /v1/models" in text
    assert ("known cause" in text) == cpu_has_amx()
    assert "exited with status 3" in describe_exit(3, "")
    assert "known cause" not in describe_exit(1, "")


def test_serve_reports_a_server_that_dies():
    serve = subprocess.Popen(
        [sys.executable, "-m", "codeassist_env.cli", "serve", "--local", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = serve.stdout.readline()
        assert first.startswith("base_url="), first + serve.stderr.read()
        (server_pid,) = children(serve.pid)
        os.kill(server_pid, signal.SIGSEGV)  # what the AMX crash looks like from outside
        _, err = serve.communicate(timeout=60)
    finally:
        if serve.poll() is None:
            serve.kill()
    assert serve.returncode == 1
    assert "killed by signal SIGSEGV" in err and "last log lines" in err


def test_start_local_server_raises_instead_of_returning_a_dead_server(tmp_path):
    not_a_model = tmp_path / "broken.gguf"
    not_a_model.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(ServerDied, match="exited with status|did not answer"):
        start_local_server(model_path=not_a_model, startup_timeout_s=60)


def bench(out: Path, base_url: str, *extra: str) -> subprocess.Popen:
    env = dict(
        os.environ,
        CODEASSIST_HUMAN_REASONING_MAX_TOKENS="16",
        CODEASSIST_HUMAN_BACKOFF_S="0.2",
        CODEASSIST_HUMAN_ACCEPTOR_MODE="one_request",
        CODEASSIST_HUMAN_TIMEOUT_S="120",
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "codeassist_env.cli",
            "bench",
            "--agents",
            "none",
            "oracle-10",
            "--problems",
            "humaneval",
            "--limit",
            "3",
            "--max-rounds",
            "3",
            "--human",
            "llm",
            "--human-base-url",
            base_url,
            "--no-progress",
            "--no-report",
            "--concurrency",
            "1",
            "--out",
            str(out),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.bwrap
@pytest.mark.slow
def test_bench_stops_when_the_endpoint_dies_and_resume_finishes_it(tmp_path):
    port = free_port()
    out = tmp_path / "run"
    server = start_local_server(port=port)
    run = bench(out, server.base_url)
    try:
        deadline = time.monotonic() + 600
        while not (out / "episodes.jsonl").is_file() or not (out / "episodes.jsonl").read_text().strip():
            assert run.poll() is None, run.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.5)
        server.stop()  # mid-run: at least one episode is recorded, more are to come
        _, err = run.communicate(timeout=300)
    finally:
        server.stop()
        if run.poll() is None:
            run.kill()
    assert run.returncode == 3, err
    assert "endpoint is down" in err and server.base_url in err and "--resume" in err
    kept = load_episodes(out / "episodes.jsonl").records
    assert kept and len(kept) < 6

    with start_local_server(port=port) as again:
        out_text, err = bench(out, again.base_url, "--resume").communicate(timeout=900)
    records = load_episodes(out / "episodes.jsonl").records
    ok = Counter((r["agent"], r["problem_id"], r["seed"]) for r in records if r["status"] == "ok")
    assert len(ok) == 6 and set(ok.values()) == {1}, (err, json.dumps(records)[:2000])
    # A tiny model's unparseable answers may flag an episode; a round the endpoint was down for may not.
    assert not any(
        entry["simulator_failure"] == "connection" for r in records if r["status"] == "ok" for entry in r["transcript"]
    )


def test_a_server_dies_with_the_process_that_started_it_even_when_that_is_killed(tmp_path):
    """A run killed with SIGKILL runs no clean-up: the kernel stops its server (setpriv --pdeathsig), so no
    orphaned model server keeps the machine's memory and cores."""
    starter = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from codeassist_env.llama_cpp_server import start_local_server\n"
            "server = start_local_server()\nprint(server.process.pid, flush=True)\nimport time\ntime.sleep(600)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    server_pid = int(starter.stdout.readline())
    os.kill(server_pid, 0)  # running
    starter.kill()
    starter.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(server_pid, 0)
        except ProcessLookupError:
            return
        with open(f"/proc/{server_pid}/stat") as stat:
            if stat.read().split(")")[1].split()[0] == "Z":  # ended, waiting for init to reap it
                return
        time.sleep(0.5)
    os.kill(server_pid, signal.SIGKILL)
    pytest.fail("the server outlived the process that started it")
