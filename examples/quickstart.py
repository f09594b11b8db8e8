"""Run one CodeAssist-v0 episode and print it round by round, then the episode's metrics.

python examples/quickstart.py --problems humaneval --id HumanEval/0 --agent oracle-10
python examples/quickstart.py --agent none --max-rounds 5      # a seeded problem of the default set
"""

from __future__ import annotations

import json

import gymnasium as gym

import codeassist_env  # noqa: F401  (registers CodeAssist-v0)
from codeassist_env.agents import make_agent
from codeassist_env.cli.errors import ArgumentParser, at_least, run_script

METRICS = (
    "passed",
    "pass_fraction",
    "dpr",
    "accept_ratio",
    "suggestions_shown",
    "accepted",
    "rejected",
    "tokens_read",
    "tokens_written",
    "rounds",
    "finished",
    "simulator_failed",
    "tokenizer",
)


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", default=None, help="problem set name or path (default: the bundled set)")
    parser.add_argument("--id", default=None, help="problem id (default: drawn with --seed)")
    parser.add_argument("--seed", type=at_least(0), default=0)
    parser.add_argument("--agent", default="oracle-10", help="agent name, e.g. none, oracle-10")
    parser.add_argument("--human", default="reference", help="reference or reference-whitespace")
    parser.add_argument("--max-rounds", type=at_least(1), default=50)
    parser.add_argument("--human-tokens", type=at_least(0), default=10, help="K_H: tokens the human writes per round")
    parser.add_argument("--sandbox", default="auto", help="auto, docker, bwrap or process")
    args = parser.parse_args(argv)

    env = gym.make(
        "CodeAssist-v0",
        problems=args.problems,
        human=args.human,
        sandbox=args.sandbox,
        max_rounds=args.max_rounds,
        human_tokens=args.human_tokens,
    )
    try:
        agent = make_agent(args.agent, problems=env.unwrapped.problems)
        obs, info = env.reset(seed=args.seed, options={"problem_id": args.id} if args.id else None)
        agent.reset(info)
        print(f"problem {info['problem_id']}  agent {args.agent}  human {args.human}  tokenizer {info['tokenizer']}")
        print("--- starter code ---")
        print(obs["code"])
        terminated = truncated = False
        while not (terminated or truncated):
            suggestion = agent.act(obs)
            obs, reward, terminated, truncated, info = env.step(suggestion)
            print(f"[round {info['round']}] suggestion {suggestion!r} -> {info['decision']}")
            if info["human_text"]:
                print(f"           human wrote {info['human_text']!r}")
        print("--- final program ---")
        print(info["code"])
        verdict = info["verdict"]
        print(
            f"--- {'finished' if terminated else 'truncated'}; verdict {verdict.status} "
            f"({verdict.n_passed}/{verdict.n_total} tests, {verdict.backend}) ---"
        )
        print(json.dumps({key: info[key] for key in METRICS} | {"reward": reward}, indent=2))
    finally:
        env.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(run_script(main))
