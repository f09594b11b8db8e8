"""Assistants that fail on purpose (``codeassist --plugin tests/plugin_faulty.py ...``): one that hangs, one
that raises and one that suggests a lone surrogate, each from round 2 on; round 1 suggests nothing, so that
the failure comes mid-episode. Each has failed its episodes by the protocol (docs/protocol.md §2.6)."""

import threading

from codeassist_env.agents import AGENTS, AgentKind


class FaultyAgent:
    def __init__(self, fault: str):
        self.fault = fault

    def reset(self, info: dict) -> None:
        pass

    def act(self, observation: dict) -> str:
        if observation["round"] < 1:
            return ""
        if self.fault == "hang":
            threading.Event().wait()  # forever: nothing sets it
        if self.fault == "crash":
            raise RuntimeError("the assistant crashed on purpose")
        return "# \ud800\n"


for fault, help_text in (
    ("hang", "hangs in round 2"),
    ("crash", "raises in round 2"),
    ("surrogate", "suggests a lone surrogate in round 2"),
):
    AGENTS.register(AgentKind(fault, lambda _, fault=fault, **__: FaultyAgent(fault), help_text))
