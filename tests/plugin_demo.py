"""A plug-in from outside the package (``codeassist --plugin tests/plugin_demo.py ...``): one new human,
one new agent and one new problem set, registered without editing the package."""

from pathlib import Path

from codeassist_env.agents import AGENTS, AgentKind
from codeassist_env.humans import HUMANS, HumanKind, ReferenceHuman
from codeassist_env.problems import PROBLEM_SETS, ProblemSet


class StubbornHuman(ReferenceHuman):
    """Types the reference and rejects every suggestion."""

    def decide(self, problem, code, suggestion):
        return super().decide(problem, code, "")


class EchoLineAgent:
    """Suggests repeating the last line, once the program has one."""

    def reset(self, info: dict) -> None:
        pass

    def act(self, observation: dict) -> str:
        lines = observation["code"].rstrip("\n").split("\n")
        return lines[-1] + "\n" if observation["code"].endswith("\n") and lines[-1].strip() else ""


HUMANS.register(
    HumanKind(
        "stubborn",
        lambda arg, tokenizer=None, **_: StubbornHuman(tokenizer=tokenizer),
        "types the reference, rejects every suggestion",
    )
)
AGENTS.register(AgentKind("echo", lambda _, **__: EchoLineAgent(), "repeats the last line"))
PROBLEM_SETS.register(
    ProblemSet(
        "twice", lambda: Path(__file__).parent / "fixtures" / "plugin_twice.jsonl", "one stdin problem: print 2 * n"
    )
)
