"""Choose η on the TRAIN split: run Empower adapters trained with different η (and the no-assistant
baseline) with the expert programmer (the main job's human) on the train problems, and rank them by
mean DPR; ties go to the higher accept ratio. Never select on the test split.

DPR counts both whether the program passed and the tokens the programmer had to read and write, so
an adapter that stays silent ties with no assistant and one whose suggestions cost reading loses.

    python examples/select_eta.py codeassist_env/data/adapters/empower-eta0.32-smollm2 runs/empower-eta4
"""
from __future__ import annotations

import json
import time

import gymnasium as gym

import codeassist_env  # noqa: F401  (registers CodeAssist-v0)
from codeassist_env.agents import make_agent, play_episode
from codeassist_env.cli.errors import ArgumentParser, at_least, run_script
from codeassist_env.metrics import mean_stderr
from codeassist_env.problems import load_problems
from codeassist_env.training.finetune import read_manifest


def evaluate(agent_name: str, problems, max_rounds: int, sandbox: str, human: str) -> dict:
    env = gym.make("CodeAssist-v0", problems=problems, sandbox=sandbox, max_rounds=max_rounds, human=human)
    agent = make_agent(agent_name)
    started = time.time()
    try:
        rows = [play_episode(env, agent, problem_id=problem.id) for problem in problems]
    finally:
        env.close()
    dpr, dpr_se = mean_stderr(r["dpr"] for r in rows)
    shown = sum(r["suggestions_shown"] for r in rows)
    return {"agent": agent_name, "problems": len(rows), "pass_at_1": mean_stderr(r["passed"] for r in rows)[0],
            "dpr": dpr, "dpr_se": dpr_se, "suggestions_shown": shown,
            "accept_ratio": sum(r["accepted"] for r in rows) / shown if shown else None,
            "tokens_written": sum(r["tokens_written"] for r in rows), "seconds": round(time.time() - started, 1)}


def main() -> int:
    parser = ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("adapters", nargs="+", help="Empower adapter directories (manifest.json gives η)")
    parser.add_argument("--problems", default="codeassist-core")
    parser.add_argument("--split", default="train")
    parser.add_argument("--max-rounds", type=at_least(1), default=50)
    parser.add_argument("--sandbox", default="auto")
    parser.add_argument("--human", default="expert", help="simulated programmer (default: expert)")
    args = parser.parse_args()

    problems = load_problems(args.problems, split=args.split)
    results = [evaluate("none", problems, args.max_rounds, args.sandbox, args.human)]
    for path in args.adapters:
        manifest = read_manifest(path)
        result = evaluate(f"empower:{path}", problems, args.max_rounds, args.sandbox, args.human)
        results.append({**result, "eta": manifest.get("eta"), "eta_unit": manifest.get("eta_unit")})
    for result in results:
        print(json.dumps(result))
    best = max(results[1:], key=lambda r: (r["dpr"], r["accept_ratio"] or 0.0))
    print(f"best on {args.problems}:{args.split}: eta={best['eta']} {best['eta_unit']} ({best['agent']}), "
          f"DPR {best['dpr']:.4f} vs no assistant {results[0]['dpr']:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_script(main))
