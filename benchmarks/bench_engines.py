"""The same episodes on the local transformers backend and on a served vLLM, at several concurrencies:
generated tokens/s, suggestions/s and episodes/min, and vLLM's ratio to transformers measured in this run.

Each (engine, concurrency) cell is one ``codeassist bench`` run in a process of its own: ``--agents
base-10 --agent-prompt raw`` (the same prompt on both engines: ten tokens of the untrained model after
the program so far) with the expert programmer on the first ``--episodes`` HumanEval problems (each has
starter code, so no prompt is empty: docs/vllm.md), ``--rounds`` rounds each, into a temporary
directory. The time is the run's own wall time (what ``codeassist bench`` prints; loading the models is
not in it). The two engines alternate at each concurrency, so a change in the machine's load falls on
both. The vLLM server is ``codeassist serve --vllm`` (bf16, the shipped adapters loaded), started once.

- tokens: the model tokens the engine generated for the agent (``generated`` in each round's agent
  info; the untrained model rarely stops before 10);
- suggestions: the agent's calls, one a round;
- episodes/min: episodes over the run's wall time.

    python benchmarks/bench_engines.py                          # 32 episodes of 4 rounds, concurrency 1 4 16 32
    python benchmarks/bench_engines.py --levels 1 16 --episodes 16 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from codeassist_env.machine import machine_line

WALL = re.compile(r"episodes finished, (\d+) errored.* in ([0-9.]+) s \(wall\)")


def run_cell(engine: str, concurrency: int, args: argparse.Namespace, base_url: str | None, work: Path) -> dict:
    out = work / f"{engine}-c{concurrency}"
    command = [
        sys.executable,
        "-m",
        "codeassist_env.cli",
        "bench",
        "--agents",
        args.agent,
        "--agent-prompt",
        "raw",
        "--problems",
        args.problems,
        "--limit",
        str(args.episodes),
        "--max-rounds",
        str(args.rounds),
        "--concurrency",
        str(concurrency),
        "--no-progress",
        "--no-report",
        "--out",
        str(out),
    ]
    if base_url:
        command += ["--agent-base-url", base_url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout)
    match = WALL.search(done.stderr)
    if done.returncode != 0 or match is None:
        raise RuntimeError(f"{engine} at concurrency {concurrency}: exit {done.returncode}: {done.stderr[-2000:]}")
    wall = float(match.group(2))
    records = [json.loads(line) for line in (out / "episodes.jsonl").read_text().splitlines()]
    rounds = [t for r in records if r["status"] == "ok" for t in r["transcript"]]
    tokens = sum((t.get("agent_info") or {}).get("generated", 0) for t in rounds)
    ok = sum(r["status"] == "ok" for r in records)
    return {
        "engine": engine,
        "concurrency": concurrency,
        "episodes": ok,
        "errored": int(match.group(1)),
        "suggestions": len(rounds),
        "tokens": tokens,
        "wall_s": wall,
        "tokens_per_s": tokens / wall,
        "suggestions_per_s": len(rounds) / wall,
        "episodes_per_min": 60 * ok / wall,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 4, 16, 32])
    parser.add_argument("--episodes", type=int, default=32, help="episodes per cell: the first N problems")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--problems", default="humaneval")
    parser.add_argument("--agent", default="base-10")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds one cell may take")
    parser.add_argument("--json", type=Path, help="also write the cells here")
    args = parser.parse_args()

    from codeassist_env.vllm_server import start_vllm_server

    print(machine_line(), flush=True)
    started = time.perf_counter()
    cells = []
    with start_vllm_server() as server, tempfile.TemporaryDirectory(prefix="bench-engines-") as work:
        print(f"vLLM ready in {time.perf_counter() - started:.0f} s at {server.base_url}", flush=True)
        for level in args.levels:
            for engine, url in (("transformers", None), ("vllm", server.base_url)):
                cell = run_cell(engine, level, args, url, Path(work))
                cells.append(cell)
                print(
                    f"{engine:12s} c={level:2d}: {cell['episodes']} episodes ({cell['errored']} errored), "
                    f"{cell['suggestions']} suggestions, {cell['tokens']} tokens in {cell['wall_s']:.1f} s",
                    flush=True,
                )
    print(f"\n{machine_line()}\n")
    print("| concurrency | engine | tokens/s | suggestions/s | episodes/min | wall (s) | vLLM / transformers |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for level in args.levels:
        local, served = (
            next(c for c in cells if c["engine"] == e and c["concurrency"] == level) for e in ("transformers", "vllm")
        )
        for cell in (local, served):
            ratio = f"{served['tokens_per_s'] / local['tokens_per_s']:.2f}x tokens/s" if cell is served else ""
            print(
                f"| {level} | {cell['engine']} | {cell['tokens_per_s']:.1f} | {cell['suggestions_per_s']:.2f} | "
                f"{cell['episodes_per_min']:.1f} | {cell['wall_s']:.1f} | {ratio} |"
            )
    best = {e: max(c["tokens_per_s"] for c in cells if c["engine"] == e) for e in ("transformers", "vllm")}
    print(
        f"\nbest tokens/s: transformers {best['transformers']:.1f}, vLLM {best['vllm']:.1f} "
        f"({best['vllm'] / best['transformers']:.1f}x)"
    )
    if args.json:
        args.json.write_text(json.dumps({"machine": machine_line(), "cells": cells}, indent=2))
    return 0 if all(c["errored"] == 0 for c in cells) else 1


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.exit(main())
