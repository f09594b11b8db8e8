"""What keeps a benchmark's concurrent episodes honest: ``SamplingGate`` (a sampling call into a local model
runs alone, so its seeded suggestion is reproducible) and ``EndpointWatch`` (the run stops once the simulated
human's endpoint is down, instead of recording rounds of failures)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from codeassist_env.humans.base import FailureReason
from codeassist_env.problems import Problem


class EndpointDown(RuntimeError):
    """Raised through a watched human once its endpoint is known to be down: ends the episode unrecorded."""


class EndpointWatch:
    """Counts rounds in a row, across every worker, in which the simulated human could not connect to its
    endpoint (``SimulatorFailure`` with reason ``connection``); any other answer or failure resets the
    count. At ``limit`` the watch trips, and from then on every call of a watched human raises
    ``EndpointDown`` at once, so the run stops within a round in each worker."""

    def __init__(self, limit: int):
        self.limit = limit
        self.consecutive = 0
        self.detail = ""
        self._lock = threading.Lock()

    @property
    def tripped(self) -> bool:
        return self.consecutive >= self.limit

    def call(self, method: Callable[..., Any], *args: Any) -> Any:
        from codeassist_env.humans import SimulatorFailure

        if self.tripped:
            raise EndpointDown(self.detail)
        try:
            result = method(*args)
        except SimulatorFailure as failure:
            with self._lock:
                self.consecutive = self.consecutive + 1 if failure.reason == FailureReason.CONNECTION else 0
                self.detail = str(failure)
                if self.tripped:
                    raise EndpointDown(self.detail) from failure
            raise
        with self._lock:
            self.consecutive = 0
        return result


class WatchedHuman:
    """A simulated human whose ``decide`` and ``write`` go through an ``EndpointWatch``."""

    def __init__(self, human: Any, watch: EndpointWatch):
        self.human, self.watch = human, watch

    def reset(self, problem: Problem, seed: int | None = None) -> None:
        self.human.reset(problem, seed=seed)

    def decide(self, problem: Problem, code: str, suggestion: str) -> Any:
        return self.watch.call(self.human.decide, problem, code, suggestion)

    def write(self, problem: Problem, code: str, max_tokens: int, tokenizer: Any) -> str:
        return self.watch.call(self.human.write, problem, code, max_tokens, tokenizer)

    def __getattr__(self, name: str) -> Any:  # usage(), close(), ...
        return getattr(self.human, name)


class SamplingGate:
    """Greedy calls into local models run side by side; a sampling call runs alone. A seeded sampling
    call sets torch's process-wide RNG (and every call saves and restores it around generation), so a
    sampled suggestion is reproducible only while no other call touches that RNG. Waiting samplers go
    first, so a stream of greedy calls cannot starve them."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._greedy = 0
        self._sampling = False
        self._samplers_waiting = 0

    @contextmanager
    def greedy(self) -> Iterator[None]:
        with self._condition:
            self._condition.wait_for(lambda: not self._sampling and not self._samplers_waiting)
            self._greedy += 1
        try:
            yield
        finally:
            with self._condition:
                self._greedy -= 1
                self._condition.notify_all()

    @contextmanager
    def sampling(self) -> Iterator[None]:
        with self._condition:
            self._samplers_waiting += 1
            self._condition.wait_for(lambda: not self._sampling and not self._greedy)
            self._samplers_waiting -= 1
            self._sampling = True
        try:
            yield
        finally:
            with self._condition:
                self._sampling = False
                self._condition.notify_all()
