"""Seconds per round of CodeAssist-v0 with LLMHuman on the local llama.cpp server (SmolLM2-135M-Instruct),
and the latency of the response cache's hit path.

    python benchmarks/bench_llm_human.py [--problems 3] [--rounds 3] [--hits 2000]

Prints the machine, then per-round timings (decide and write, from the transcript), the outcome mix
(decisions, simulator failures), the human's token usage, and cache-hit latency percentiles.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from codeassist_env.agents import make_agent, play_episode
from codeassist_env.env import CodeAssistEnv
from codeassist_env.humans.cache import ResponseCache, request_key
from codeassist_env.humans.llm import LLMHuman
from codeassist_env.machine import machine_line
from codeassist_env.problems import load_problems
from codeassist_env.llama_cpp_server import DEFAULT_THREADS, start_local_server


def percentiles(values: list[float]) -> str:
    q = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else values * 99
    return f"median {statistics.median(values):.3f}, p90 {q[89]:.3f}, max {max(values):.3f}"


def bench_rounds(n_problems: int, rounds: int, cache_path: str) -> None:
    problems = load_problems("humaneval")[:n_problems]
    with start_local_server() as server:
        human = LLMHuman(base_url=server.base_url, model=server.model, cache_mode="record", cache_path=cache_path)
        env = CodeAssistEnv(problems=problems, human=human, sandbox="auto", max_rounds=rounds, human_tokens=10)
        agent = make_agent("oracle-10", problems=problems, tokenizer=env.tokenizer)
        records, usage = [], Counter()
        started = time.perf_counter()
        try:
            for problem in problems:
                info = play_episode(env, agent, problem_id=problem.id)
                records += info["transcript"]
                usage.update(info["human_usage"])
            wall = time.perf_counter() - started
            # Episodes may end on FINISH before the human writes: time the appender directly too.
            write_s = []
            for problem in problems:
                t0 = time.perf_counter()
                human.write(problem, problem.starter_code, 10, env.tokenizer)
                write_s.append(time.perf_counter() - t0)
        finally:
            env.close()
    per_round = [r["decide_s"] + r["write_s"] for r in records]
    print(
        f"local server (llama.cpp, {server.model}, {DEFAULT_THREADS} threads), {len(problems)} HumanEval "
        f"problems, {len(records)} rounds, {wall:.1f} s wall "
        f"(episodes include one hidden-test run each)"
    )
    print(f"  seconds per round (decide + write): mean {statistics.mean(per_round):.2f}, {percentiles(per_round)}")
    print(
        f"  decide s: mean {statistics.mean(r['decide_s'] for r in records):.2f}; "
        f"write s: mean {statistics.mean(r['write_s'] for r in records):.2f}"
    )
    print(f"  appender request alone (K_H = 10, starter code): {percentiles(write_s)} s")
    print(
        f"  decisions {dict(Counter(r['decision'] for r in records))}, "
        f"simulator failures {dict(Counter(r['simulator_failure'] for r in records if r['simulator_failure']))}"
    )
    print(
        f"  human usage: {usage['requests']} requests, {usage['prompt_tokens']} prompt + "
        f"{usage['completion_tokens']} completion tokens, {usage['cache_hits']} cache hits, "
        f"{usage['latency_s']:.1f} s in requests"
    )


def bench_cache_hits(cache_path: str, n: int) -> None:
    cache = ResponseCache(cache_path, "record")
    messages = [
        {"role": "system", "content": "You are a programmer." * 20},
        {"role": "user", "content": "def f(x):\n    return x\n" * 40},
    ]
    params = {"max_tokens": 10, "temperature": 0.0, "top_p": 1.0}
    keys = []
    for i in range(n):
        key = request_key("smollm2", messages + [{"role": "user", "content": str(i)}], params, 0)
        cache.put(key, "smollm2", {"i": i}, {"content": "ACCEPT", "finish_reason": "stop", "refusal": None})
        keys.append(key)
    replay = ResponseCache(cache_path, "replay")
    lookup, full = [], []
    for i, key in enumerate(keys):
        t0 = time.perf_counter()
        assert replay.get(key) is not None
        lookup.append((time.perf_counter() - t0) * 1e3)
        t0 = time.perf_counter()  # the whole hit path: hash the request, then look it up
        k = request_key("smollm2", messages + [{"role": "user", "content": str(i)}], params, 0)
        assert replay.get(k) is not None
        full.append((time.perf_counter() - t0) * 1e3)
    print(
        f"cache hit path over {n} keys ({len(replay)} rows), ms: SQLite lookup {percentiles(lookup)}; "
        f"key hash + lookup {percentiles(full)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--hits", type=int, default=2000)
    args = parser.parse_args()
    print(f"machine: {machine_line()}")
    with tempfile.TemporaryDirectory() as tmp:
        bench_cache_hits(str(Path(tmp) / "hits.sqlite"), args.hits)
        if args.problems > 0:
            bench_rounds(args.problems, args.rounds, str(Path(tmp) / "rounds.sqlite"))


if __name__ == "__main__":
    main()
