"""The SQLite response cache: stable keys, record/replay/off, clear misses, concurrent writers."""

import multiprocessing
import threading

import pytest

from codeassist_env.humans.cache import CacheMiss, ResponseCache, describe_request, request_key
from codeassist_env.humans.llm import LLMHuman
from codeassist_env.problem import Problem
from fault_server import FaultServer, Reply

MESSAGES = [{"role": "system", "content": "You are a programmer."}, {"role": "user", "content": "Decide."}]
PARAMS = {"max_tokens": 10, "temperature": 0.0, "top_p": 1.0}
PROBLEM = Problem(id="add", statement="Return a + b.", test_kind="assert", hidden_tests=[], entry_point="add")


def test_key_is_stable_and_covers_every_field():
    key = request_key("m", MESSAGES, PARAMS, 0)
    assert key == request_key("m", [dict(m) for m in MESSAGES], dict(reversed(PARAMS.items())), 0)
    assert len(key) == 64
    variants = [
        request_key("other", MESSAGES, PARAMS, 0),
        request_key("m", MESSAGES[:1], PARAMS, 0),
        request_key("m", MESSAGES, {**PARAMS, "temperature": 0.5}, 0),
        request_key("m", MESSAGES, PARAMS, 1),
        request_key("m", MESSAGES, PARAMS, None),
    ]
    assert len({key, *variants}) == 6


def test_record_then_replay_and_first_writer_wins(tmp_path):
    path = tmp_path / "cache.sqlite"
    rec = ResponseCache(path, "record")
    assert rec.get("k") is None
    assert rec.put("k", "m", {"messages": MESSAGES}, {"content": "ACCEPT"}) == {"content": "ACCEPT"}
    assert rec.put("k", "m", {"messages": MESSAGES}, {"content": "REJECT"}) == {"content": "ACCEPT"}
    assert len(rec) == 1
    rep = ResponseCache(path, "replay")
    assert rep.get("k") == {"content": "ACCEPT"}
    with pytest.raises(RuntimeError, match="only 'record' stores"):
        rep.put("k2", "m", {}, {"content": "x"})


def test_replay_needs_an_existing_file_and_bad_mode_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.sqlite does not exist"):
        ResponseCache(tmp_path / "missing.sqlite", "replay")
    with pytest.raises(ValueError, match="cache mode 'replays'"):
        ResponseCache(tmp_path / "c.sqlite", "replays")


def test_describe_request_names_model_message_and_key():
    text = describe_request("gemma", MESSAGES, "abc123")
    assert "gemma" in text and "Decide." in text and "abc123" in text


def _record_many(path: str, worker: int, n: int) -> None:
    cache = ResponseCache(path, "record")
    for i in range(n):
        # half the keys are shared by every worker, half are the worker's own
        key = f"shared-{i}" if i % 2 == 0 else f"w{worker}-{i}"
        cache.put(key, "m", {"i": i}, {"content": f"from worker {worker}"})


def test_concurrent_writers_in_threads_and_processes(tmp_path):
    path = str(tmp_path / "cache.sqlite")
    ResponseCache(path, "record")  # schema first, as an LLMHuman does at construction
    n = 40
    threads = [threading.Thread(target=_record_many, args=(path, w, n)) for w in range(4)]
    ctx = multiprocessing.get_context("spawn")
    processes = [ctx.Process(target=_record_many, args=(path, w, n)) for w in range(4, 6)]
    for t in threads + processes:
        t.start()
    for t in threads + processes:
        t.join(timeout=120)
    assert all(p.exitcode == 0 for p in processes)
    cache = ResponseCache(path, "replay")
    assert len(cache) == n // 2 + 6 * n // 2
    assert cache.get("shared-0")["content"].startswith("from worker ")
    assert cache.get("w5-39") == {"content": "from worker 5"}


def test_replay_never_touches_the_network(tmp_path):
    path = tmp_path / "cache.sqlite"
    with FaultServer(default=Reply("ACCEPT")) as server:
        recorder = LLMHuman(base_url=server.base_url, model="m", cache_mode="record", cache_path=str(path))
        recorded = recorder.decide(PROBLEM, "def add(a, b):\n", "    return a + b\n")
        assert len(server.requests) == 2  # reasoning, then decision
        assert recorder.usage()["requests"] == 2

        player = LLMHuman(base_url=server.base_url, model="m", cache_mode="replay", cache_path=str(path))
        assert player.decide(PROBLEM, "def add(a, b):\n", "    return a + b\n") == recorded
        assert player.usage()["cache_hits"] == 2 and player.usage()["requests"] == 0
        assert len(server.requests) == 2

        with pytest.raises(CacheMiss, match=r"model='m', last message .*key=[0-9a-f]{64}"):
            player.decide(PROBLEM, "def add(a, b):\n", "    return a - b\n")
        assert len(server.requests) == 2


def test_record_mode_answers_repeats_from_the_cache(tmp_path):
    with FaultServer(default=Reply("REJECT")) as server:
        human = LLMHuman(
            base_url=server.base_url, model="m", cache_mode="record", cache_path=str(tmp_path / "c.sqlite")
        )
        first = human.decide(PROBLEM, "x = 1\n", "y = 2\n")
        human.reset(PROBLEM)
        assert human.decide(PROBLEM, "x = 1\n", "y = 2\n") == first
        assert human.usage() == {
            "requests": 0,
            "prompt_tokens": 0,
            "completion_tokens": 0,
            "latency_s": 0.0,
            "cache_hits": 2,
        }
        assert len(server.requests) == 2
