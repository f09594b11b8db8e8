"""Fault injection: full CodeAssist-v0 episodes with LLMHuman against a scripted HTTP server on
127.0.0.1. Every fault ends in a completed episode whose rounds carry the right simulator_failure;
nothing raises out of step(). The ``process`` sandbox runs the final program (it only ever holds
starter code plus scripted text)."""

from __future__ import annotations

import time

import pytest

from codeassist_env.env import CodeAssistEnv
from codeassist_env.humans.llm import LLMHuman
from codeassist_env.problems import Problem
from codeassist_env.problems import TestCase as HiddenTest
from codeassist_env.local_server import free_port
from fault_server import FaultServer, Garbage, Reply, Slow, Status

ADD = Problem(
    id="add",
    statement="Write add(a, b) returning a + b.",
    test_kind="assert",
    hidden_tests=[HiddenTest("def check(candidate):\n    assert candidate(2, 3) == 5\n")],
    starter_code="def add(a, b):\n",
    entry_point="add",
)
SUGGESTION = "    return a + b\n"
pytestmark = pytest.mark.filterwarnings("ignore:sandbox backend 'process' is NOT a sandbox")
FAST = dict(model="fault-model", timeout_s=0.3, max_retries=1, backoff_s=0.01, max_reasks=1)


def run_episode(base_url: str, max_rounds: int = 2, **overrides):
    """One episode; the agent proposes SUGGESTION every round. Returns the final info."""
    human = LLMHuman(base_url=base_url, **{**FAST, **overrides})
    env = CodeAssistEnv(problems=[ADD], human=human, sandbox="process", max_rounds=max_rounds, human_tokens=10)
    try:
        env.reset(seed=0)
        while True:
            _, _, terminated, truncated, info = env.step(SUGGESTION)
            if terminated or truncated:
                return info
    finally:
        env.close()


def failures(info) -> list[str | None]:
    return [r["simulator_failure"] for r in info["transcript"]]


@pytest.mark.parametrize(
    "behaviour, reason, requests_per_round",
    [
        (Status(500), "http_error", 2),  # retried once, then given up
        (Status(503), "http_error", 2),
        (Status(400), "http_error", 1),  # a client error is not retried
        (Status(429, retry_after="0"), "rate_limited", 2),
        (Slow(1.0), "timeout", 2),
        (Garbage(), "bad_response", 1),
        (Garbage('{"object": "chat.completion", "choices": []}'), "bad_response", 1),
        (Reply("maybe later"), "unparseable", 3),  # reasoning, decision, one re-ask
        (Reply("I'm sorry, but I can't help with that."), "refusal", 3),
    ],
)
def test_each_fault_completes_the_episode_with_its_reason(behaviour, reason, requests_per_round):
    with FaultServer(default=behaviour) as server:
        info = run_episode(server.base_url)
        assert failures(info) == [reason, reason]
        assert info["simulator_failed"] and info["rounds"] == 2 and "verdict" in info
        assert all(r["decision"] == "reject" and r["human_text"] == "" for r in info["transcript"])
        assert info["code"] == ADD.starter_code  # nothing accepted, nothing written
        assert len(server.requests) == 2 * requests_per_round
        # usage is per episode and counts every attempt that reached the network
        assert info["human_usage"]["requests"] == 2 * requests_per_round


def test_connection_refused_is_classified():
    port = free_port()  # a port nobody listens on: bound, its number read, closed
    info = run_episode(f"http://127.0.0.1:{port}/v1")
    assert failures(info) == ["connection", "connection"] and info["simulator_failed"]


def test_retry_after_is_honoured_then_the_round_succeeds():
    script = [
        Status(429, retry_after="0.4"),
        Reply("Correct and what I would write."),
        Reply("ACCEPT"),
        Reply("```python\n    # done\n```"),
    ]
    with FaultServer(script=script, default=Reply("FINISH")) as server:
        info = run_episode(server.base_url, max_rounds=3)
        first = info["transcript"][0]
        assert first["simulator_failure"] is None and first["decision"] == "accept"
        assert first["decide_s"] >= 0.4  # waited as told, not the 0.01 s backoff
        assert first["human_text"] == "    # done\n"
        assert info["finished"] and not info["simulator_failed"] and info["passed"]
        assert info["code"] == ADD.starter_code + SUGGESTION + "    # done\n"
        assert len(server.requests) == 6  # 429, reasoning, decision, write; round 2: reasoning, decision


def test_a_failed_write_is_recorded_and_a_fault_in_one_round_does_not_leak_into_the_next():
    script = [
        Reply("Wrong."),
        Reply("REJECT"),
        Status(500),
        Status(500),  # round 1: write fails
        Reply("Fine."),
        Reply("**Accept**"),
        Reply("I'm sorry, I can't do that."),
    ]  # round 2: write refuses
    with FaultServer(script=script, default=Reply("Decision: finish")) as server:
        info = run_episode(server.base_url, max_rounds=3)
        assert failures(info) == ["http_error", "refusal", None]
        assert [r["decision"] for r in info["transcript"]] == ["reject", "accept", "finish"]
        assert info["code"] == ADD.starter_code + SUGGESTION
        assert info["simulator_failed"] and info["passed"]  # flagged, yet the program is correct


def test_a_slow_server_recovers_within_the_retry_budget():
    script = [Slow(1.0, "Looks right."), Reply("Looks right."), Reply("accept"), Reply("")]
    with FaultServer(script=script, default=Reply("finish")) as server:
        started = time.monotonic()
        info = run_episode(server.base_url, max_rounds=2)
        assert time.monotonic() - started < 10
        assert failures(info) == [None, None] and not info["simulator_failed"]
        assert info["transcript"][0]["decision"] == "accept"
        assert info["human_usage"]["requests"] == 6 and info["human_usage"]["prompt_tokens"] == 5 * 11


def test_one_request_acceptor_mode():
    with FaultServer(default=Reply("The code is right.\nDECISION: FINISH")) as server:
        info = run_episode(server.base_url, acceptor_mode="one_request")
        assert info["finished"] and failures(info) == [None]
        assert len(server.requests) == 1
        assert "DECISION: <word>" in server.requests[0]["messages"][-1]["content"]
