"""Which prompt mode makes each LM assistant assist: share of rounds with a suggestion, acceptance by the
expert programmer, characters per suggestion and seconds per suggestion, per (agent, mode).

    python benchmarks/bench_prompt_modes.py                                   # 4 test problems, 15 rounds
    python benchmarks/bench_prompt_modes.py --agents base-10 --modes chat prefill --limit 10
    python benchmarks/bench_prompt_modes.py --agents base-10 empower-infer:1 --models smollm2 gemma3.gguf

"Rounds" counts only rounds whose program was non-empty when the agent was asked (an empty program
gives a code-only assistant nothing to continue). The numbers behind docs/prompt_modes.md.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time

import gymnasium

import codeassist_env  # noqa: F401  (registers CodeAssist-v0)
from codeassist_env.agents import make_agent, play_episode
from codeassist_env.agents.factories import BackendOptions
from codeassist_env.machine import machine_line
from codeassist_env.problems import load_problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", nargs="+", default=["base-10", "sft-10", "empower", "empower-infer:1"])
    parser.add_argument("--modes", nargs="+", default=["chat", "prefill", "raw"])
    parser.add_argument(
        "--models",
        nargs="+",
        default=[None],
        metavar="MODEL",
        help="local models to compare (smollm2, a .gguf file or a HF directory; default: each "
        "agent's own); a mode the model cannot run (prefill without a chat template) is skipped",
    )
    parser.add_argument("--problems", default="codeassist-core")
    parser.add_argument("--split", default="test")
    parser.add_argument("--limit", type=int, default=4)
    parser.add_argument("--max-rounds", type=int, default=15)
    parser.add_argument("--human", default="expert")
    parser.add_argument("--sandbox", default="bwrap")
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
    env = gymnasium.make(
        "CodeAssist-v0", problems=problems, human=args.human, sandbox=args.sandbox, max_rounds=args.max_rounds
    )
    print(
        machine_line(
            problems=f"{args.problems}:{args.split} x{len(problems)}", rounds=args.max_rounds, human=args.human
        )
    )
    print("| model | agent | mode | rounds | suggested | accepted | chars/suggestion | s/act median | Pass@1 |")
    print("|---|---|---|---|---|---|---|---|---|")
    try:
        for model, name, mode in itertools.product(args.models, args.agents, args.modes):
            options = BackendOptions(prompt_mode=mode, model=model)
            agent = make_agent(name, problems=problems, backend_options=options)
            if mode == "prefill" and agent.backend.tokenizer.chat_template is None:
                continue
            rounds = suggested = accepted = chars = passed = 0
            act_s: list[float] = []

            def timed(obs, agent=agent):
                started = time.perf_counter()
                suggestion = agent.act(obs)
                act_s.append(time.perf_counter() - started)
                return suggestion

            for problem in problems:
                info = play_episode(env, agent, problem_id=problem.id, seed=0, act=timed)
                passed += info["passed"]
                program = problem.starter_code
                for entry in info["transcript"]:
                    if program:
                        rounds += 1
                        suggested += bool(entry["suggestion"])
                        accepted += entry["decision"] == "accept"
                        chars += len(entry["suggestion"])
                    program += (entry["suggestion"] if entry["decision"] == "accept" else "") + entry["human_text"]
            print(
                f"| {model or 'default'} | {name} | {mode} | {rounds} | {suggested / max(1, rounds):.2f} | "
                f"{accepted / max(1, suggested):.2f} | {chars / max(1, suggested):.0f} | "
                f"{statistics.median(act_s):.2f} | {passed}/{len(problems)} |",
                flush=True,
            )
    finally:
        env.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
