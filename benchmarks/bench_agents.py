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
"""
from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

from codeassist_env.agents import make_agent
from codeassist_env.agents.factories import BackendOptions
from codeassist_env.machine import machine_line
from codeassist_env.problems import load_problems
from codeassist_env.serve import start_local_server


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
    return (f"{name:<20} s/suggestion median {statistics.median(seconds):6.2f}  p90 {p90:6.2f}  "
            f"max {max(seconds):6.2f} | tokens {statistics.mean(tokens):5.1f}  chars "
            f"{statistics.mean(chars):6.1f} | empty {empty}/{len(codes)} ({agent.mode} mode)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", nargs="+", default=["base", "base-10", "empower-infer:0.32",
                                                        "sft-10", "empower"])
    parser.add_argument("--backends", nargs="+", choices=["local", "server"], default=["local", "server"])
    parser.add_argument("--prefixes", type=int, default=4, help="code prefixes timed per agent")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for torch and llama.cpp")
    parser.add_argument("--prompt", choices=["raw", "chat", "prefill"], help="untrained agents' prompt mode")
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    codes = prefixes(args.prefixes)
    print(f"machine: {machine_line(torch_threads=args.threads)}")
    print(f"{len(codes)} prefixes of HumanEval reference solutions, {min(map(len, codes))}-"
          f"{max(map(len, codes))} characters; model SmolLM2-135M-Instruct")
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
                served = f"{name}:{server.model}" if name.startswith(("sft", "empower")) and \
                    not name.startswith("empower-infer") and ":" not in name else name
                print(bench(served, options, codes, args.prompt), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
