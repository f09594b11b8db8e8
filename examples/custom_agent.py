"""Writing a new assistant in ~20 lines and running it in CodeAssist-v0.

An agent is any object with ``reset(info)`` and ``act(observation) -> str``. This one wraps
an LM agent of the package and shows at most one line of its suggestion at a time, so the human
reads less per suggestion.

    python examples/custom_agent.py                                # local transformers, SmolLM2
    python examples/custom_agent.py --base-url http://127.0.0.1:8080/v1 --model smollm2
"""

from __future__ import annotations

import gymnasium as gym

import codeassist_env  # noqa: F401  (registers CodeAssist-v0)
from codeassist_env.agents.assistants import base_agent
from codeassist_env.agents.lm import OpenAICompletionsBackend, TransformersBackend
from codeassist_env.cli.errors import ArgumentParser, at_least, run_script


class OneLineAgent:
    """The wrapped agent's suggestion, cut after its first line that has code on it."""

    def __init__(self, inner):
        self.inner = inner

    def reset(self, info: dict) -> None:
        self.inner.reset(info)

    def act(self, observation: dict) -> str:
        kept = ""
        for line in self.inner.act(observation).splitlines(keepends=True):
            kept += line
            if line.strip():
                break
        return kept


def main() -> int:
    parser = ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="an OpenAI-compatible server (default: local transformers)")
    parser.add_argument("--model", default="smollm2")
    parser.add_argument("--problem", default="HumanEval/0")
    parser.add_argument("--max-rounds", type=at_least(1), default=6)
    args = parser.parse_args()
    if args.base_url:  # a server: the paper's re-type prompt
        agent = OneLineAgent(base_agent(OpenAICompletionsBackend(args.base_url, args.model), 24, mode="chat"))
    else:  # a local model: its chat reply is begun with the code (see agents/prompting.py)
        agent = OneLineAgent(base_agent(TransformersBackend(args.model), 24, mode="prefill"))
    env = gym.make("CodeAssist-v0", problems="humaneval", max_rounds=args.max_rounds)
    try:
        observation, info = env.reset(options={"problem_id": args.problem})
        agent.reset(info)
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
    raise SystemExit(run_script(main))
