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
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from codeassist_env.protocol import Choice

if TYPE_CHECKING:
    from codeassist_env.problem import Problem

__all__ = ["CHOICES", "Choice", "Decision", "FailureReason", "Human", "SimulatorFailure"]

CHOICES: tuple[Choice, ...] = tuple(Choice)


@dataclass(frozen=True)
class Decision:
    choice: Choice
    reasoning: str = ""

    def __post_init__(self) -> None:
        if self.choice not in CHOICES:
            raise ValueError(f"decision {self.choice!r} is not one of {', '.join(CHOICES)}")
        object.__setattr__(self, "choice", Choice(self.choice))


class FailureReason(StrEnum):
    """Why a simulated human could not answer: the word an episode records on the round
    (``simulator_failure``) and the reports count."""

    TIMEOUT = "timeout"  # the endpoint gave no reply in time
    CONNECTION = "connection"  # the endpoint cannot be reached: a bench stops when it stays so (bench/guards.py)
    RATE_LIMITED = "rate_limited"
    HTTP_ERROR = "http_error"
    BAD_RESPONSE = "bad_response"  # a reply that is no chat completion
    UNPARSEABLE = "unparseable"  # no decision, or no code, could be read from the reply
    REFUSAL = "refusal"
    SANDBOX = "sandbox"  # the expert's run of the public tests failed on the machine's side


class SimulatorFailure(Exception):
    """The simulated human could not produce an answer; ``reason`` is a ``FailureReason`` (given as the enum or
    its word; any other word is refused, so that every failure a report counts has a known meaning)."""

    def __init__(self, reason: FailureReason | str, detail: str = ""):
        try:
            reason = FailureReason(reason)
        except ValueError:
            raise ValueError(
                f"SimulatorFailure reason {reason!r} is not one of {', '.join(r.value for r in FailureReason)}"
            ) from None
        super().__init__(f"{reason}: {detail}" if detail else str(reason))
        self.reason = reason
        self.detail = detail


@runtime_checkable
class Human(Protocol):
    def reset(self, problem: "Problem", seed: int | None = None) -> None: ...

    def decide(self, problem: "Problem", code: str, suggestion: str) -> Decision: ...

    def write(self, problem: "Problem", code: str, max_tokens: int, tokenizer) -> str: ...
