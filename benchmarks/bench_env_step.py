"""Per-step overhead of CodeAssist-v0 (everything in env.step except running the hidden tests), with the
reference human and an agent (default OracleAgent, 10 tokens) over every HumanEval problem.

    python benchmarks/bench_env_step.py                       # bwrap sandbox, oracle-10, reference human
    python benchmarks/bench_env_step.py --agent none --human reference-whitespace --repeats 3

The sandbox is wrapped so the time of each hidden-test run is measured and subtracted from the step that
ended the episode; the agent's act() is timed separately and is not part of the step.
"""

from __future__ import annotations

import argparse
import statistics
import time

import gymnasium

import codeassist_env  # noqa: F401  (registers CodeAssist-v0)
from codeassist_env.agents import make_agent
from codeassist_env.machine import machine_line
from codeassist_env.problems import load_problems
from codeassist_env.sandbox import open_sandbox


class TimedSandbox:
    """Delegates to a real sandbox and keeps the seconds spent in ``run``."""

    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.seconds = 0.0

    def run(self, problem, code):
        started = time.perf_counter()
        try:
            return self.sandbox.run(problem, code)
        finally:
            self.seconds += time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", default="humaneval")
    parser.add_argument("--agent", default="oracle-10")
    parser.add_argument("--human", default="reference")
    parser.add_argument("--sandbox", default="bwrap")
    parser.add_argument("--max-rounds", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=1, help="passes over the problem set")
    args = parser.parse_args(argv)

    problems = load_problems(args.problems)
    sandbox = TimedSandbox(open_sandbox(args.sandbox))
    # Through gym.make, as users create it (with gymnasium's order-enforcing and checking wrappers).
    env = gymnasium.make(
        "CodeAssist-v0", problems=problems, human=args.human, sandbox=sandbox, max_rounds=args.max_rounds
    )
    agent = make_agent(args.agent, problems=problems)
    step_s: list[float] = []
    agent_s = 0.0
    passed = episodes = 0
    try:
        for _ in range(args.repeats):
            for problem in problems:
                obs, info = env.reset(options={"problem_id": problem.id})
                agent.reset(info)
                done = False
                while not done:
                    started = time.perf_counter()
                    action = agent.act(obs)
                    agent_s += time.perf_counter() - started
                    tests_before = sandbox.seconds
                    started = time.perf_counter()
                    obs, _, terminated, truncated, info = env.step(action)
                    step_s.append(time.perf_counter() - started - (sandbox.seconds - tests_before))
                    done = terminated or truncated
                episodes += 1
                passed += info["passed"]
    finally:
        env.close()
        sandbox.sandbox.close()

    ms = sorted(s * 1e3 for s in step_s)
    print(f"machine: {machine_line(gymnasium=gymnasium.__version__)}")
    print(
        f"setup: {args.problems} x{args.repeats}, agent {args.agent}, human {args.human}, "
        f"sandbox {args.sandbox}, max_rounds {args.max_rounds}"
    )
    print(f"episodes {episodes} (passed {passed}), steps {len(ms)}")
    print(
        f"env step overhead (hidden-test runs excluded): mean {statistics.fmean(ms):.4f} ms/step, "
        f"median {ms[len(ms) // 2]:.4f}, p99 {ms[int(len(ms) * 0.99)]:.4f}, max {ms[-1]:.4f}"
    )
    print(
        f"agent act: mean {agent_s / len(ms) * 1e3:.4f} ms/step; hidden tests: "
        f"{sandbox.seconds / episodes * 1e3:.1f} ms/episode (not included above)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
