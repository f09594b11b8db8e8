"""Two reference assistants: ``NullAgent`` (never suggests; the human works alone) and
``OracleAgent`` (suggests the next N tokens of the reference solution; an upper bound for tests).

How the oracle learns which problem is being solved: the observation deliberately does not say, so
the oracle is built with the problem set and reads ``info["problem_id"]`` from ``env.reset``::

    obs, info = env.reset(seed=0)
    agent.reset(info)                 # every agent's contract (agents/base.py)
    suggestion = agent.act(obs)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from codeassist_env.errors import InputError
from codeassist_env.humans.reference import reference_program
from codeassist_env.problem import Problem
from codeassist_env.tokenizer import Tokenizer, get_tokenizer


class NullAgent:
    """Never suggests anything."""

    def reset(self, info: dict[str, Any]) -> None:
        pass

    def act(self, observation: dict[str, Any]) -> str:
        return ""


class OracleAgent:
    """Suggests the next ``n`` reference tokens after the code so far; nothing when the code has left
    the reference or only whitespace remains (the reference human then finishes).

    ``problems``: the problem set the environment draws from (``Problem`` objects or a set name).
    ``reset(info)`` must be called with the info of every ``env.reset``."""

    def __init__(self, n: int = 10, problems: Iterable[Problem] | str = (), tokenizer: Tokenizer | str | None = None):
        if n < 1:
            raise InputError(f"OracleAgent: n must be >= 1 tokens, got {n}")
        if isinstance(problems, str):
            from codeassist_env.problems import load_problems

            problems = load_problems(problems)
        self.n = n
        self.tokenizer = get_tokenizer(tokenizer)
        self._problems = {p.id: p for p in problems}
        self._reference: str | None = None

    def reset(self, info: dict[str, Any]) -> None:
        problem_id = info.get("problem_id")
        if problem_id not in self._problems:
            raise KeyError(
                f"OracleAgent: problem {problem_id!r} is not in the problem set it was given "
                f"({len(self._problems)} problems)"
            )
        self._reference = reference_program(self._problems[problem_id])

    def act(self, observation: dict[str, Any]) -> str:
        if self._reference is None:
            raise RuntimeError("OracleAgent.act before reset(info): call agent.reset(info) after every env.reset")
        code = observation["code"]
        if not self._reference.startswith(code):
            return ""
        rest = self._reference[len(code) :]
        return "" if rest.isspace() or not rest else self.tokenizer.truncate(rest, self.n)
