"""Suggestion latency of the LM assistants with SmolLM2-135M-Instruct, on both backends: local
transformers (CPU) and the local llama.cpp server (OpenAI-compatible completions/chat).

    python benchmarks/bench_agents.py [--agents base base-10 empower-infer:0.32 sft-10 empower]
                                      [--backends local server] [--prefixes 4] [--threads N]
                                      [--prompt raw|chat|prefill]

The code prefixes are cuts (at 1/3 and 2/3 of the characters) of the reference solutions of the first
HumanEval problems, i.e. what the assistant sees mid-episode. Per agent and backend it prints the
median / p90 / max seconds per ``act``, the mean suggestion length in model tokens and characters, and
how many suggestions were empty. ``--prompt`` sets the prompt mode of the untrained agents (base,
base-N, empower-infer; default chat); the trained adapters always continue the code (raw). The
first call per agent is a warm-up and not timed (it loads the model or opens the connection).
Agents whose adapter is missing, or whose prompt mode the backend lacks, are reported and skipped.

    python benchmarks/bench_agents.py --lengths 100 500 1000 2000 [--rounds 5] [--prompt raw|prefill]

times the local backend's prompt cache instead: ``base-10`` (raw mode unless ``--prompt``) on a program
of each length in model tokens (HumanEval reference solutions one after another), grown by 10 tokens
a round as the programmer does, with the cache and without it (the anchor: every round encodes the
whole prompt). The first round of each length only fills the cache and is not timed; the two
backends take turns round by round, so load on a shared host hits both alike. It prints the median
seconds per suggestion of each and their ratio, and fails if any suggestion differs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

from codeassist_env.agents import make_agent
from codeassist_env.agents.assistants import base_agent
from codeassist_env.agents.factories import BackendOptions
from codeassist_env.agents.lm import TransformersBackend
from codeassist_env.machine import machine_line
from codeassist_env.problems import load_problems
from codeassist_env.llama_cpp_server import start_local_server


def prefixes(count: int) -> list[str]:
    cuts = []
    for problem in load_problems("humaneval"):
        code = problem.reference_solution or problem.starter_code
        cuts += [code[: len(code) // 3], code[: 2 * len(code) // 3]]
        if len(cuts) >= count:
            return cuts[:count]
    return cuts


def bench(name: str, options: BackendOptions, codes: list[str], prompt: str | None) -> str:
    if not name.startswith(("sft", "empower:")) and name != "empower":
        options = replace(options, prompt_mode=prompt)
    try:
        agent = make_agent(name, backend_options=options)
        agent.act({"code": codes[0], "round": 0, "statement": ""})  # warm-up
    except (FileNotFoundError, ValueError) as error:  # a missing adapter, a mode the backend lacks
        return f"{name:<20} skipped: {error}"
    seconds, tokens, chars, empty = [], [], [], 0
    for i, code in enumerate(codes):
        started = time.perf_counter()
        suggestion = agent.act({"code": code, "round": i + 1, "statement": ""})
        seconds.append(time.perf_counter() - started)
        tokens.append(agent.last_info["tokens"])
        chars.append(len(suggestion))
        empty += not suggestion
    p90 = statistics.quantiles(seconds, n=10, method="inclusive")[-1] if len(seconds) > 1 else seconds[0]
    return (
        f"{name:<20} s/suggestion median {statistics.median(seconds):6.2f}  p90 {p90:6.2f}  "
        f"max {max(seconds):6.2f} | tokens {statistics.mean(tokens):5.1f}  chars "
        f"{statistics.mean(chars):6.1f} | empty {empty}/{len(codes)} ({agent.mode} mode)"
    )


GROWTH_TOKENS = 10  # what the programmer appends per round (K_H)


def long_program(tokenizer, tokens: int) -> list[int]:
    """Token ids of at least ``tokens`` tokens of code: HumanEval reference solutions in file order."""
    ids: list[int] = []
    for problem in load_problems("humaneval"):
        ids += tokenizer((problem.reference_solution or problem.starter_code) + "\n\n").input_ids
        if len(ids) >= tokens:
            return ids
    raise ValueError(f"HumanEval has fewer than {tokens} tokens of reference solutions")


def bench_cache(lengths: list[int], rounds: int, prompt: str) -> None:
    backends = {True: TransformersBackend("smollm2"), False: TransformersBackend("smollm2", prompt_cache=False)}
    agents = {cached: base_agent(backend, 10, mode=prompt) for cached, backend in backends.items()}
    ids = long_program(backends[True].tokenizer, max(lengths))
    print(
        f"base-10, {prompt} prompt; the program grows by {GROWTH_TOKENS} tokens a round; median of "
        f"{rounds} rounds per length"
    )
    print(f"{'program tokens':>14} {'cached s':>9} {'uncached s':>11} {'speed-up':>9} {'reused':>7}")
    for length in lengths:
        seconds: dict[bool, list[float]] = {True: [], False: []}
        reused = []
        for round_ in range(rounds + 1):
            end = length - (rounds - round_) * GROWTH_TOKENS
            code = backends[True].tokenizer.decode(ids[:end])
            observation = {"code": code, "round": round_, "statement": ""}
            suggestions = {}
            for cached, agent in agents.items():
                started = time.perf_counter()
                suggestions[cached] = agent.act(observation)
                if round_:  # round 0 fills the cache
                    seconds[cached].append(time.perf_counter() - started)
            if suggestions[True] != suggestions[False]:
                raise AssertionError(
                    f"the prompt cache changed the suggestion at {end} tokens: "
                    f"{suggestions[True]!r} vs {suggestions[False]!r}"
                )
            if round_:
                prompt_tokens = len(backends[True].tokenizer(agents[True].last_info["prompt"]).input_ids)
                reused.append(backends[True].prompt_cache.reused / prompt_tokens)
        cached, uncached = statistics.median(seconds[True]), statistics.median(seconds[False])
        print(
            f"{length:>14} {cached:>9.3f} {uncached:>11.3f} {uncached / cached:>8.1f}x {statistics.mean(reused):>6.0%}",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", nargs="+", default=["base", "base-10", "empower-infer:0.32", "sft-10", "empower"])
    parser.add_argument("--backends", nargs="+", choices=["local", "server"], default=["local", "server"])
    parser.add_argument("--prefixes", type=int, default=4, help="code prefixes timed per agent")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for torch and llama.cpp")
    parser.add_argument("--prompt", choices=["raw", "chat", "prefill"], help="untrained agents' prompt mode")
    parser.add_argument(
        "--lengths", nargs="+", type=int, help="time the prompt cache at these program lengths (model tokens) instead"
    )
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per length (--lengths)")
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    print(f"machine: {machine_line(torch_threads=args.threads)}")
    if args.lengths:
        bench_cache(args.lengths, args.rounds, args.prompt or "raw")
        return 0
    codes = prefixes(args.prefixes)
    print(
        f"{len(codes)} prefixes of HumanEval reference solutions, {min(map(len, codes))}-"
        f"{max(map(len, codes))} characters; model SmolLM2-135M-Instruct"
    )
    if "local" in args.backends:
        print("--- local transformers (fp32, dequantised from the Q4_1 GGUF) ---")
        for name in args.agents:
            print(bench(name, BackendOptions(), codes, args.prompt), flush=True)
    if "server" in args.backends:
        with start_local_server(n_threads=args.threads) as server:
            print(f"--- llama.cpp server ({server.model}, Q4_1) at {server.base_url} ---")
            # The trained agents would use served adapters (vLLM --lora-modules); llama.cpp serves
            # only the base model here, so they are timed on it with the adapters' stop token.
            options = BackendOptions(base_url=server.base_url, stop="<|im_end|>")
            for name in args.agents:
                served = (
                    f"{name}:{server.model}"
                    if name.startswith(("sft", "empower")) and not name.startswith("empower-infer") and ":" not in name
                    else name
                )
                print(bench(served, options, codes, args.prompt), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
