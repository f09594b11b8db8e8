"""LLMHuman against the real llama.cpp server with SmolLM2-135M-Instruct: full CodeAssist-v0 episodes
hold the protocol (not that the tiny model is smart), record then replay reproduces them offline, and
``codeassist serve --local`` / ``codeassist ping`` work end to end."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from codeassist_env.agents import make_agent
from codeassist_env.cli import main as cli_main
from codeassist_env.env import CodeAssistEnv
from codeassist_env.humans.base import CHOICES
from codeassist_env.humans.cache import CacheMiss
from codeassist_env.humans.llm import FAILURE_REASONS, LLMHuman
from codeassist_env.problems import load_problems
from fault_server import FaultServer

K_H = 10
MAX_ROUNDS = 2
PROBLEM_IDS = ("HumanEval/2", "HumanEval/12")


def play_all(human, problems) -> list[dict]:
    """One episode per problem with the oracle assistant (it proposes the reference's next tokens, so
    the acceptor sees real suggestions); returns each episode's final info."""
    env = CodeAssistEnv(problems=problems, human=human, sandbox="bwrap", max_rounds=MAX_ROUNDS, human_tokens=K_H)
    agent = make_agent("oracle-8", problems=problems, tokenizer=env.tokenizer)
    infos = []
    try:
        for problem in problems:
            obs, info = env.reset(options={"problem_id": problem.id})
            agent.reset(info)
            while True:
                obs, _, terminated, truncated, info = env.step(agent.act(obs))
                if terminated or truncated:
                    infos.append(info)
                    break
    finally:
        env.close()
    return infos


def without_timings(info: dict) -> list[dict]:
    return [{k: v for k, v in r.items() if not k.endswith("_s")} for r in info["transcript"]]


@pytest.mark.llm
@pytest.mark.bwrap
def test_episodes_hold_the_protocol_then_replay_offline(local_llm_server, tmp_path):
    problems = [p for p in load_problems("humaneval") if p.id in PROBLEM_IDS]
    cache = str(tmp_path / "human.sqlite")
    settings = dict(model=local_llm_server.model, reasoning_max_tokens=48, timeout_s=600, cache_path=cache)
    recorded = play_all(LLMHuman(base_url=local_llm_server.base_url, cache_mode="record", **settings), problems)

    parsed = 0
    for problem, info in zip(problems, recorded):
        assert 1 <= info["rounds"] <= MAX_ROUNDS and len(info["transcript"]) == info["rounds"]
        assert "verdict" in info and info["tokenizer"]
        code = problem.starter_code
        for r in info["transcript"]:
            assert r["decision"] in CHOICES
            assert r["simulator_failure"] is None or r["simulator_failure"] in FAILURE_REASONS
            parsed += r["simulator_failure"] is None
            assert r["tokens_written"] <= K_H
            if r["decision"] == "accept":
                code += r["suggestion"]
            code += r["human_text"]
        assert info["code"] == code  # the human only ever appended
        assert info["simulator_failed"] == any(r["simulator_failure"] for r in info["transcript"])
        usage = info["human_usage"]
        # record mode answers a repeated request (same reasoning, same re-ask) from the cache
        assert usage["requests"] + usage["cache_hits"] >= info["rounds"] and usage["prompt_tokens"] > 0
    assert parsed > 0, "no round got a decision from the model"

    # Replay: the same benchmark, pointed at a server that counts requests, never reaches it.
    with FaultServer() as counter:
        replayed = play_all(LLMHuman(base_url=counter.base_url, cache_mode="replay", **settings), problems)
        assert len(counter.requests) == 0
    assert [without_timings(i) for i in replayed] == [without_timings(i) for i in recorded]
    assert [i["code"] for i in replayed] == [i["code"] for i in recorded]
    assert all(i["human_usage"]["requests"] == 0 and i["human_usage"]["cache_hits"] > 0 for i in replayed)

    # A different setting is a different request: a clear miss, not a silent network call.
    with pytest.raises(CacheMiss, match="HumanEval|model='smollm2'"):
        play_all(
            LLMHuman(base_url=local_llm_server.base_url, cache_mode="replay", **{**settings, "temperature": 0.5}),
            problems[:1],
        )


def _interruptible() -> None:
    """In the child before exec: Ctrl-C as in a terminal. A child inherits an ignored or blocked SIGINT: when
    the suite runs as a background job of a non-interactive shell (`bash .ci/run &`), SIGINT is ignored and
    the server never saw the test's Ctrl-C (reproduced by running this test under a parent that ignores it)."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.llm
def test_serve_local_prints_base_url_answers_ping_and_stops_on_ctrl_c(capsys):
    process = subprocess.Popen(
        [sys.executable, "-m", "codeassist_env.cli", "serve", "--local", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_interruptible,
    )
    try:
        first = process.stdout.readline()
        assert first.startswith("base_url=http://127.0.0.1:"), process.stderr.read()
        base_url = first.split()[0].removeprefix("base_url=")
        assert cli_main(["ping", "--base-url", base_url, "--model", "smollm2", "--timeout", "300"]) == 0
        out = capsys.readouterr().out
        assert "1 model(s)" in out and "  smollm2" in out and "chat with smollm2" in out
        assert cli_main(["ping", "--base-url", base_url, "--model", "gemma"]) == 1
        assert "'gemma' is not served" in capsys.readouterr().err
    finally:
        process.send_signal(signal.SIGINT)
        try:
            assert process.wait(timeout=30) == 0
        finally:
            if process.poll() is None:  # a failed test must not leave a server running
                process.kill()
    assert cli_main(["ping", "--base-url", base_url, "--timeout", "2"]) == 1  # stopped: nothing listens
