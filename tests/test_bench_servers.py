"""Several inference servers behind one run (``--human-base-url A B``): requests spread round-robin, a server
that stops answering leaves the rotation without failing any request another server could answer, and
comes back once it answers again. The servers are real HTTP servers on 127.0.0.1 (``fault_server``)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
import threading
import time
from urllib.parse import urlsplit

import openai

from codeassist_env.agents.pooled import PooledBackend
from codeassist_env.bench.store import load_episodes, triple_of
from codeassist_env.cli import main
from codeassist_env.server_pool import ServerPool, split_urls, tally
from fault_server import FaultServer, Reply, Slow

# One problem with one cheap hidden test: the run is about the human's servers, not the sandbox.
PROBLEM = {
    "id": "echo",
    "statement": "Print the input back.",
    "test_kind": "stdin",
    "hidden_tests": [{"input": "1\n", "output": "1\n"}],
    "reference_solution": "print(input())\n",
    "source": "test_bench_servers",
}


def ask(url: str) -> str:
    client = openai.OpenAI(base_url=url, api_key="EMPTY", max_retries=0, timeout=5)
    try:
        return (
            client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
            .choices[0]
            .message.content
        )
    finally:
        client.close()


def test_pool_takes_a_dead_server_out_and_puts_it_back_when_it_answers():
    a, b = FaultServer(default=Reply("from a")), FaultServer(default=Reply("from b"))
    now = [0.0]  # the pool's clock, moved by hand: the test must not depend on how fast requests are
    pool = ServerPool([a.base_url, b.base_url], "human", retry_after_s=10.0, clock=lambda: now[0])
    try:
        with tally() as counts:
            assert sorted(pool.call(ask) for _ in range(4)) == ["from a", "from a", "from b", "from b"]
        assert counts == {"human": {a.base_url: 2, b.base_url: 2}}

        a.stop()
        # Every request is answered (by b); the first to meet the dead server takes it out of rotation.
        assert [pool.call(ask) for _ in range(6)] == ["from b"] * 6
        assert pool.up() == [b.base_url]
        requests_a = len(a.requests)

        a = FaultServer(default=Reply("from a again"), port=urlsplit(a.base_url).port)
        now[0] = 9.0
        assert [pool.call(ask) for _ in range(3)] == ["from b"] * 3, "probed before retry_after_s"
        now[0] = 10.0
        assert pool.call(ask) == "from a again"  # the probe: the next request goes to it first
        assert pool.up() == [a.base_url, b.base_url]
        assert sorted(pool.call(ask) for _ in range(2)) == ["from a again", "from b"]
        assert requests_a == 2, "the stopped server still received requests"
    finally:
        a.stop()
        b.stop()


def test_the_agents_backend_moves_on_from_a_dead_server():
    dead, live = FaultServer(), FaultServer(default=Reply(""))
    dead.stop()
    backend = PooledBackend([dead.base_url, live.base_url], "fault-model")
    try:
        with tally() as counts:
            for _ in range(3):
                generation = backend.generate([{"role": "user", "content": "def f():"}], 5)
                assert generation.text == "" and generation.tokens == []
        assert counts == {"agent": {live.base_url: 3}}
        assert backend.pool.up() == [live.base_url] and backend.name.endswith(f"{dead.base_url},{live.base_url}")
    finally:
        live.stop()


def test_a_server_list_that_is_not_urls_is_bad_input(tmp_path, capfd):
    assert split_urls(["http://a/v1,http://b/v1", "http://a/v1"]) == ["http://a/v1", "http://b/v1"]
    assert (
        main(
            [
                "bench",
                "--agents",
                "none",
                "--human",
                "llm",
                "--human-base-url",
                "http://127.0.0.1:9/v1",
                "127.0.0.1:8000",
                "--out",
                str(tmp_path / "run"),
            ]
        )
        == 2
    )
    err = capfd.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'127.0.0.1:8000'" in err[0] and "http://" in err[0]


def test_a_server_stopped_mid_run_fails_no_episode(tmp_path, capfd):
    problems = tmp_path / "echo.jsonl"
    problems.write_text(json.dumps(PROBLEM) + "\n", encoding="utf-8")
    a, b = FaultServer(default=Slow(0.02, "ACCEPT")), FaultServer(default=Slow(0.02, "ACCEPT"))
    out = tmp_path / "run"
    args = [
        "bench",
        "--agents",
        "none",
        "--human",
        "llm",
        "--human-base-url",
        a.base_url,
        b.base_url,
        "--problems",
        str(problems),
        "--seeds",
        "16",
        "--max-rounds",
        "3",
        "--sandbox",
        "bwrap",
        "--concurrency",
        "2",
        "--no-progress",
        "--no-report",
        "--out",
        str(out),
    ]
    result: dict[str, int] = {}
    bench = threading.Thread(target=lambda: result.setdefault("code", main(args)))
    try:
        bench.start()
        episodes = out / "episodes.jsonl"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and bench.is_alive():
            if episodes.is_file() and episodes.read_bytes().count(b"\n") >= 4:
                break
            time.sleep(0.02)
        written_before = episodes.read_bytes().count(b"\n")
        a.stop()
        stopped = datetime.now(timezone.utc)  # a's socket is closed: no request can reach it from here on
        bench.join(timeout=120)
    finally:
        a.stop()
        b.stop()
    assert not bench.is_alive() and result["code"] == 0, capfd.readouterr().err

    records = load_episodes(out / "episodes.jsonl").records
    assert sorted(triple_of(r) for r in records) == [("none", "echo", s) for s in range(16)]
    assert written_before < 14, "the server was stopped too late to test anything"
    for record in records:  # nothing flagged that the other server could answer
        assert record["status"] == "ok" and not record["simulator_failed"], record.get("error")
        assert not any(r["simulator_failure"] for r in record["transcript"])
    # Each episode says which server answered its requests: both before the stop, only b for every episode
    # that started after it. (Episodes can finish in another order than they started, and stopping the
    # server takes a moment, so "after" is decided by each episode's start time, not its line number.)
    served = [set(r["servers"]["human"]) for r in records]
    assert set().union(*served[:written_before]) == {a.base_url, b.base_url}
    later = [set(r["servers"]["human"]) for r in records if datetime.fromisoformat(r["started_at"]) > stopped]
    assert later and set().union(*later) == {b.base_url}
    # b never failed: every request it received was answered and counted in exactly one episode.
    assert sum(r["servers"]["human"].get(b.base_url, 0) for r in records) == len(b.requests)
