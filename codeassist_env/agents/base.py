"""The assistant protocol: given the observation, return the suggestion (a string; "" = none).

A new agent is any object with ``act(observation) -> str`` and, optionally, ``reset()``::

    class MyAgent:
        def act(self, observation: dict) -> str:
            return "    return 0\n" if observation["code"].endswith(":\n") else ""
"""
from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Agent(Protocol):
    def act(self, observation: dict[str, Any]) -> str: ...
