"""Asking a simulated programmer for decisions outside an episode, as replay (real decisions) and judge
(known answers) do: the programmer is built by name, each case is one decision, and what it costs
(requests, tokens, wall time) is summed over the cases.

An LLM programmer answers with a score (``LLMHuman.decide_scored``); any other gives its decision only.
A programmer that cannot answer (``SimulatorFailure``) is charged a reject, as the environment charges
it, and the failure is counted.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from codeassist_env.errors import InputError
from codeassist_env.humans.base import Choice, SimulatorFailure


@dataclass(frozen=True)
class Answer:
    """One decision of the programmer on one case."""

    choice: str  # accept, reject or finish; reject when it failed
    score: float | None  # P(accept), where the programmer gives one
    score_kind: str | None  # llm_scoring.SCORE_KINDS, or None
    failure: str | None  # SimulatorFailure.reason, or None

    @property
    def accepted(self) -> bool:
        return self.choice == Choice.ACCEPT


@dataclass
class Cost:
    """Requests, tokens and wall time over every case asked."""

    requests: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    wall_s: float = 0.0
    failures: Counter = field(default_factory=Counter)

    def add(self, usage: dict[str, float]) -> None:
        self.requests += int(usage.get("requests", 0))
        self.cache_hits += int(usage.get("cache_hits", 0))
        self.prompt_tokens += int(usage.get("prompt_tokens", 0))
        self.completion_tokens += int(usage.get("completion_tokens", 0))

    def line(self) -> str:
        failed = ", ".join(f"{n} {reason}" for reason, n in sorted(self.failures.items())) or "none"
        return (
            f"{self.requests} requests to the endpoint ({self.cache_hits} answered from the response cache), "
            f"{self.prompt_tokens} prompt + {self.completion_tokens} completion tokens, "
            f"{self.wall_s:.0f} s wall; programmer failures (counted as reject): {failed}"
        )


def ask(human: Any, problem: Any, code: str, suggestion: str, cost: Cost) -> Answer:
    """The programmer's decision on ``suggestion`` after ``code``, its cost added to ``cost``."""
    started = time.perf_counter()
    human.reset(problem, seed=0)
    try:
        if hasattr(human, "decide_scored"):
            scored = human.decide_scored(problem, code, suggestion)
            answer = Answer(scored.decision.choice, scored.score, scored.score_kind, None)
        else:
            answer = Answer(human.decide(problem, code, suggestion).choice, None, None, None)
    except SimulatorFailure as failure:
        cost.failures[failure.reason] += 1
        answer = Answer(Choice.REJECT, None, None, failure.reason)
    finally:
        usage = getattr(human, "usage", None)
        cost.add(usage() if usage else {})
        cost.wall_s += time.perf_counter() - started
    return answer


def check_endpoint(base_url: str, api_key: str, timeout_s: float = 60.0) -> None:
    """Raise ``InputError`` (bad input: one line) when no server at ``base_url`` lists its models (a busy
    single-threaded local server may take a while to answer; a missing one is refused at once)."""
    import openai

    from codeassist_env.server_pool import split_urls

    for url in split_urls(base_url):
        client = openai.OpenAI(base_url=url, api_key=api_key, timeout=timeout_s, max_retries=0)
        try:
            client.models.list()
            return
        except openai.APIError:
            continue
        finally:
            client.close()
    raise InputError(
        f"base_url {base_url}: no OpenAI-compatible server answers there (start one with "
        "`codeassist serve --local`, or replay a recorded response cache: cache_mode 'replay' and its cache_path)"
    )
