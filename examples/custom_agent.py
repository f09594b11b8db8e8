"""Writing a new assistant in ~20 lines and running it in CodeAssist-v0.

An agent is any object with ``act(observation) -> str`` (and optionally ``reset()``). This one reuses
an LM backend: it suggests the model's greedy continuation up to the end of the current line, and
nothing while the line is still empty of code (the human's turn to decide what comes next).

    python examples/custom_agent.py                                # local transformers, SmolLM2
    python examples/custom_agent.py --base-url http://127.0.0.1:8080/v1 --model smollm2
"""
from __future__ import annotations

import argparse

import gymnasium as gym

import codeassist_env  # noqa: F401  (registers CodeAssist-v0)
from codeassist_env.agents.lm import LMBackend, OpenAICompletionsBackend, TransformersBackend
from codeassist_env.agents.prompting import locate_continuation, retype_messages


class RestOfLineAgent:
    """Finish the current line, and only when it has started."""

    def __init__(self, backend: LMBackend, max_tokens: int = 24):
        self.backend, self.max_tokens = backend, max_tokens

    def act(self, observation: dict) -> str:
        code = observation["code"]
        if not code.split("\n")[-1].strip():
            return ""
        reply = self.backend.generate(retype_messages(code), len(code) // 2 + self.max_tokens).text
        start = locate_continuation(reply, code).start
        return "" if start is None else reply[start:].split("\n")[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="an OpenAI-compatible server (default: local transformers)")
    parser.add_argument("--model", default="smollm2")
    parser.add_argument("--problem", default="HumanEval/2")
    parser.add_argument("--max-rounds", type=int, default=6)
    args = parser.parse_args()
    backend = (OpenAICompletionsBackend(args.base_url, args.model) if args.base_url
               else TransformersBackend(args.model))
    agent = RestOfLineAgent(backend)
    env = gym.make("CodeAssist-v0", problems="humaneval", max_rounds=args.max_rounds)
    try:
        observation, info = env.reset(options={"problem_id": args.problem})
        done = False
        while not done:
            suggestion = agent.act(observation)
            observation, reward, terminated, truncated, info = env.step(suggestion)
            print(f"round {info['round']}: {suggestion!r} -> {info['decision']}; human wrote {info['human_text']!r}")
            done = terminated or truncated
        print(f"passed: {info['passed']}  accept ratio: {info['accept_ratio']}  DPR: {info['dpr']:.3f}")
    finally:
        env.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
