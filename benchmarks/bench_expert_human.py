"""How fast the expert programmer decides: seconds per decision and sandbox runs per decision, on real
suggestions (by default the ``sft-10`` agent's, on the bundled test split).

    python benchmarks/bench_expert_human.py                          # sft-10, 10 test problems, 20 rounds
    python benchmarks/bench_expert_human.py --agent oracle-10 --limit 30 --max-rounds 50

Each decision is timed by the environment (``decide_s`` in the transcript); the agent's own time is not
part of it. Target (issue: the expert programmer): median decision <= 50 ms on a 2-core machine.
"""

from __future__ import annotations

import argparse
import statistics
import time

import gymnasium

import codeassist_env  # noqa: F401  (registers CodeAssist-v0)
from codeassist_env.agents import make_agent, play_episode
from codeassist_env.humans import ExpertHuman
from codeassist_env.machine import machine_line
from codeassist_env.problems import load_problems


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", default="codeassist-core")
    parser.add_argument("--split", default="test")
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--agent", default="sft-10")
    parser.add_argument("--sandbox", default="bwrap")
    parser.add_argument("--max-rounds", type=int, default=20)
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch CPU threads (default 1: spinning threads crawl on a shared 2-core machine)",
    )
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)

    problems = load_problems(args.problems, args.split)[: args.limit]
    human = ExpertHuman(sandbox=args.sandbox)
    env = gymnasium.make(
        "CodeAssist-v0", problems=problems, human=human, sandbox=args.sandbox, max_rounds=args.max_rounds
    )
    agent = make_agent(args.agent, problems=problems)
    decide_s: list[float] = []
    shown_s: list[float] = []  # decisions on a non-empty suggestion
    reasons: dict[str, int] = {}
    started = time.perf_counter()
    try:
        for problem in problems:
            info = play_episode(env, agent, problem_id=problem.id, seed=0)
            for entry in info["transcript"]:
                decide_s.append(entry["decide_s"])
                if entry["suggestion"]:
                    shown_s.append(entry["decide_s"])
                    reason = entry["reasoning"].split(" (")[0].rstrip("0123456789 ")
                    reasons[reason] = reasons.get(reason, 0) + 1
    finally:
        env.close()
        human.close()
    print(
        machine_line(agent=args.agent, problems=f"{args.problems}:{args.split} x{len(problems)}", sandbox=args.sandbox)
    )
    print(
        f"episodes {len(problems)}, decisions {len(decide_s)} ({len(shown_s)} on a suggestion), "
        f"wall {time.perf_counter() - started:.1f} s"
    )
    for label, values in (("all decisions", decide_s), ("on a suggestion", shown_s)):
        if values:
            print(
                f"{label}: median {1000 * statistics.median(values):.2f} ms, p90 "
                f"{1000 * percentile(values, 0.9):.2f} ms, max {1000 * max(values):.1f} ms, "
                f"{len(values) / sum(values):.0f} decisions/s"
            )
    print(
        f"candidate programs run on the public tests: {human.sandbox_runs}, "
        f"{human.sandbox_runs / max(1, len(shown_s)):.2f} per decision on a suggestion"
    )
    for reason, count in sorted(reasons.items(), key=lambda kv: -kv[1]):
        print(f"  {count:5d}  {reason}")
    median_ms = 1000 * statistics.median(decide_s) if decide_s else float("nan")
    print(f"target: median decision <= 50 ms: {'met' if median_ms <= 50 else 'NOT met'} ({median_ms:.2f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
