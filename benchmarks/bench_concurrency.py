"""Episodes per second of the benchmark runner against an LLM human, at 1, 2, 4, ... 32 concurrent episodes.

A real HTTP server on 127.0.0.1 (the chat server of ``tests/fault_server.py``, in its own process so it
does not share this one's GIL) answers every chat request after a fixed delay, as a model server would.
Every episode makes the same requests (the ``none`` agent, ``--rounds`` rounds, one one-test problem),
so with perfect concurrency episodes/second grows linearly with the number of concurrent episodes.
Prints the table, the efficiency vs linear (target >= 0.8 up to 32) and the machine.

``--executor ray`` runs the same levels on Ray workers (a local Ray instance of all this machine's CPUs,
started once before the first level; each level's time includes starting its workers), ``both`` runs
threads then Ray, for episodes/second side by side.

    python benchmarks/bench_concurrency.py                       # delay 0.5 s, 3 rounds, up to 32
    python benchmarks/bench_concurrency.py --levels 1 8 32 --delay 1.0 --episodes-per-slot 3
    python benchmarks/bench_concurrency.py --executor both --levels 1 4 16
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from codeassist_env.bench.runner import BenchConfig, BenchRunner, RunOptions
from codeassist_env.bench.store import EPISODES_FILE, load_episodes
from codeassist_env.humans.llm import LLMHuman, LLMHumanConfig
from codeassist_env.machine import machine_line

REPO = Path(__file__).resolve().parent.parent
SERVER = """
import sys, time
sys.path.insert(0, {tests!r})
from fault_server import FaultServer, Slow
server = FaultServer(default=Slow({delay!r}, "ACCEPT"))
print(server.base_url, flush=True)
sys.stdin.read()  # until the benchmark closes our stdin
server.stop()
"""
# One problem with one cheap hidden test: the sandbox's share of an episode stays small and constant.
PROBLEM = {
    "id": "echo",
    "statement": "Print the input back.",
    "test_kind": "stdin",
    "hidden_tests": [{"input": "1\n", "output": "1\n"}],
    "reference_solution": "print(input())\n",
    "source": "bench_concurrency",
}


def start_server(delay: float) -> tuple[subprocess.Popen, str]:
    code = SERVER.format(tests=str(REPO / "tests"), delay=delay)
    process = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    return process, process.stdout.readline().strip()


def run_level(
    concurrency: int,
    episodes: int,
    base_url: str,
    problems: Path,
    rounds: int,
    sandbox: str,
    workdir: Path,
    executor: str = "threads",
) -> float:
    """Wall seconds to run ``episodes`` episodes at ``concurrency``."""
    config = BenchConfig(
        agents=("none",),
        problems=str(problems),
        seeds=episodes,
        human="llm",
        human_model="bench",
        max_rounds=rounds,
        sandbox=sandbox,
    )
    options = RunOptions(
        out=workdir / f"{executor}-k{concurrency}",
        concurrency=concurrency,
        progress=False,
        human_base_url=base_url,
        executor=executor,
    )
    human_config = LLMHumanConfig(base_url=base_url, model="bench", max_retries=0, timeout_s=60.0)

    def make_agent(name, problem_list):
        from codeassist_env.agents import make_agent as build

        return build(name, problems=problem_list)

    runner = BenchRunner(config, options, lambda: LLMHuman(human_config), make_agent)
    summary = runner.run()
    if summary.finished != episodes:
        raise SystemExit(
            f"concurrency {concurrency}: {summary.errored} of {episodes} episodes errored; "
            f"see {options.out / 'episodes.jsonl'}"
        )
    if any(r.get("simulator_failed") for r in load_episodes(options.out / EPISODES_FILE).records):
        raise SystemExit(f"concurrency {concurrency}: the simulated human failed; see {options.out}")
    return summary.wall_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 2, 4, 8, 16, 32])
    parser.add_argument("--delay", type=float, default=0.5, help="server delay per chat request, seconds")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per episode")
    parser.add_argument(
        "--episodes-per-slot",
        type=int,
        default=4,
        help="episodes run at each level = this x the concurrency (default 4)",
    )
    parser.add_argument(
        "--sandbox",
        default="process",
        help="sandbox of the final test run (default process: the program is this script's own "
        "one-liner, and the benchmark is about the runner, not isolation)",
    )
    parser.add_argument(
        "--executor",
        choices=("threads", "ray", "both"),
        default="threads",
        help="what runs the episodes (default threads; both: threads, then Ray)",
    )
    args = parser.parse_args()
    executors = ("threads", "ray") if args.executor == "both" else (args.executor,)
    if "ray" in executors:
        import ray

        ray.init(include_dashboard=False, log_to_driver=False)  # once: its start-up is not a level's

    server, base_url = start_server(args.delay)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            problems = workdir / "echo.jsonl"
            problems.write_text(json.dumps(PROBLEM) + "\n", encoding="utf-8")
            for executor in executors:
                for k in args.levels:
                    episodes = args.episodes_per_slot * k
                    wall = run_level(k, episodes, base_url, problems, args.rounds, args.sandbox, workdir, executor)
                    rows.append((executor, k, episodes, wall, episodes / wall))
                    print(f"  {executor} concurrency {k:3d}: {episodes:4d} episodes in {wall:6.2f} s", file=sys.stderr)
    finally:
        server.stdin.close()
        server.wait(timeout=30)

    print(
        f"\nbench_concurrency: LLM human over HTTP (127.0.0.1, {args.delay} s per chat request), agent none, "
        f"{args.rounds} rounds/episode, sandbox {args.sandbox}"
    )
    print(f"machine: {machine_line()}")
    print("| executor | concurrency | episodes | wall s | episodes/s | speedup vs 1 | efficiency vs linear |")
    print("|---|---|---|---|---|---|---|")
    worst = {}
    for executor in executors:
        mine = [row for row in rows if row[0] == executor]
        base = next((eps for _, k, _, _, eps in mine if k == 1), mine[0][4] / mine[0][1])
        for _, k, episodes, wall, eps in mine:
            print(
                f"| {executor} | {k} | {episodes} | {wall:.2f} | {eps:.3f} | {eps / base:.2f}x | {eps / base / k:.2f} |"
            )
        worst[executor] = min(eps / base / k for _, k, _, _, eps in mine)
    for executor, low in worst.items():
        print(
            f"{executor}: lowest efficiency vs linear: {low:.2f} (target >= 0.80): {'met' if low >= 0.8 else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
