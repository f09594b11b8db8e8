"""The simulated-human protocol: decide on a suggestion, then write a few tokens of code.

A new human is a class with three methods (see ``examples/`` and ``humans/reference.py``)::

    class MyHuman:
        def reset(self, problem, seed=None): ...   # seed: the episode's, for any randomness
        def decide(self, problem, code, suggestion) -> Decision: ...
        def write(self, problem, code, max_tokens, tokenizer) -> str: ...

A human that cannot answer (server down, unparseable reply, ...) raises ``SimulatorFailure``; the
environment records the reason for the round, takes the documented fallback (REJECT, write nothing)
and flags the episode, so simulator failures are never counted as the assistant's failures.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    from codeassist_env.problems.model import Problem

Choice = Literal["accept", "reject", "finish"]
CHOICES: tuple[str, ...] = ("accept", "reject", "finish")


@dataclass(frozen=True)
class Decision:
    choice: Choice
    reasoning: str = ""

    def __post_init__(self) -> None:
        if self.choice not in CHOICES:
            raise ValueError(f"decision {self.choice!r} is not one of {CHOICES}")


class SimulatorFailure(Exception):
    """The simulated human could not produce an answer; ``reason`` is a short machine-readable tag
    (e.g. ``timeout``, ``http_error``, ``unparseable``, ``refusal``, ``connection``)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@runtime_checkable
class Human(Protocol):
    def reset(self, problem: "Problem", seed: int | None = None) -> None: ...

    def decide(self, problem: "Problem", code: str, suggestion: str) -> Decision: ...

    def write(self, problem: "Problem", code: str, max_tokens: int, tokenizer) -> str: ...
