"""Writing a new simulated programmer and playing one episode of CodeAssist-v0 with it.

A human is any object with ``reset``, ``decide`` and ``write`` (codeassist_env/humans/base.py). This one
is lazy: it types the problem's reference solution, K_H tokens a round, and accepts any suggestion after
which its program still compiles as it goes on typing. It never runs the code, so unlike the expert
programmer (docs/protocol.md §7.3) it also takes code that compiles but is wrong.

    python examples/custom_human.py                               # HumanEval/0, the oracle assistant
    python examples/custom_human.py --problem HumanEval/2 --agent none
"""

from __future__ import annotations

import gymnasium as gym

import codeassist_env  # noqa: F401  (registers CodeAssist-v0)
from codeassist_env.agents import make_agent, play_episode
from codeassist_env.cli.errors import ArgumentParser, run_script
from codeassist_env.humans import Decision, reference_program


def compiles(program: str) -> bool:
    try:
        compile(program, "<program>", "exec")  # parses only: nothing is run
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


class LazyHuman:
    """Types the reference; accepts whatever still compiles when it goes on typing the reference."""

    def reset(self, problem, seed=None) -> None:
        self.reference = reference_program(problem)
        self.position = len(problem.starter_code)  # where in the reference it types next

    def decide(self, problem, code: str, suggestion: str) -> Decision:
        rest = self.reference[self.position :]
        if not rest.strip():
            return Decision("finish", "my program is complete")
        if not suggestion:
            return Decision("reject", "nothing to accept")
        if rest.startswith(suggestion):
            self.position += len(suggestion)
            return Decision("accept", "what I was about to type")
        # Go on typing from here, or skip to one of the next lines: the first place that compiles wins.
        line_starts = [i + 1 for i in range(self.position, len(self.reference)) if self.reference[i] == "\n"]
        for resume in [self.position, *line_starts, len(self.reference)]:
            if compiles(code + suggestion + self.reference[resume:]):
                self.position = resume
                return Decision("accept", f"still compiles if I go on from character {resume}")
        return Decision("reject", "would not compile")

    def write(self, problem, code: str, max_tokens: int, tokenizer) -> str:
        text = tokenizer.truncate(self.reference[self.position :], max_tokens)
        self.position += len(text)
        return text


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problem", default="HumanEval/0", help="a HumanEval problem id")
    parser.add_argument("--agent", default="oracle-10", help="an agent name: none, oracle-10, base-10, ...")
    parser.add_argument("--sandbox", default="auto", help="auto, bwrap, docker or process")
    args = parser.parse_args(argv)
    env = gym.make("CodeAssist-v0", problems="humaneval", human=LazyHuman(), sandbox=args.sandbox)
    try:
        agent = make_agent(args.agent, problems=env.unwrapped.problems)
        info = play_episode(env, agent, problem_id=args.problem, seed=0)
    finally:
        env.close()
    for r in info["transcript"]:
        print(
            f"round {r['round']}: {r['suggestion']!r} -> {r['decision']} ({r['reasoning']}); "
            f"human wrote {r['human_text']!r}"
        )
    print(f"passed: {info['passed']}  accept ratio: {info['accept_ratio']}  DPR: {info['dpr']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_script(main))
