"""The study's program runs, shared fairly between participants.

Every Run and Submit of every participant needs a sandbox. ``FairRuns`` holds a pool of them and hands
them out in turn: participants with a run waiting are served round-robin (each participant's own runs in
the order they came), so that a participant's run never waits behind more than one run of each other
participant, whatever those programs do. A participant has one run at a time anyway (the study holds a
lock per participant around it).

Runs are of two kinds, told apart by the participant's last run: *quick* ones and *slow* ones (the last
run was slow: the study counts a run slow when a test hit its time limit, a program that loops, sleeps or
forks until its limit, or when it took longer than ``SLOW_RUN_S``). Slow runs may
hold at most ``slow_slots`` sandboxes at once, so the rest of the pool always serves the others: ten
participants whose programs hang then cost the well-behaved little more than the first run of each, which
nobody can tell from a good one beforehand, and which runs beside the others' on the pool's other sandboxes.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

SLOW_RUN_S = 5.0  # a run longer than this is slow whatever its result (a well-behaved one takes ~0.1 s)
Result = TypeVar("Result")


class FairRuns:
    """``run(participant, work)`` calls ``work(sandbox)`` with a sandbox of the pool when the participant's
    turn comes; at most ``slow_slots`` sandboxes (at least one fewer than the pool, when it has two or
    more) run the participants whose last run was slow: ``slow(result, seconds)`` says which (default: it
    took over ``SLOW_RUN_S``)."""

    def __init__(self, sandboxes: Sequence[Any], slow_slots: int = 1,
                 slow: Callable[[Any, float], bool] = lambda result, seconds: seconds > SLOW_RUN_S):
        if not sandboxes:
            raise ValueError("FairRuns needs at least one sandbox")
        self._is_slow = slow
        self._free = list(sandboxes)
        self.slow_slots = max(1, min(slow_slots, len(sandboxes) - 1))
        self._slow_running = 0
        self._slow: set[str] = set()  # participants whose last run was slow
        self._waiting: dict[str, deque[dict[str, Any]]] = {}  # participant -> its tickets, oldest first
        self._turns: deque[str] = deque()  # participants with a ticket waiting, next to serve first
        self._changed = threading.Condition()

    def run(self, participant: str, work: Callable[[Any], Result]) -> Result:
        ticket: dict[str, Any] = {"sandbox": None}
        with self._changed:
            queue = self._waiting.setdefault(participant, deque())
            if not queue:
                self._turns.append(participant)
            queue.append(ticket)
            self._grant()
            while ticket["sandbox"] is None:
                self._changed.wait()
        slow, sandbox = ticket["slow"], ticket["sandbox"]
        started, result = time.monotonic(), None
        try:
            result = work(sandbox)
            return result
        finally:
            took = time.monotonic() - started
            with self._changed:
                self._free.append(sandbox)
                self._slow_running -= slow
                (self._slow.add if self._is_slow(result, took) else self._slow.discard)(participant)
                self._grant()

    def _grant(self) -> None:
        """Give free sandboxes to the waiting tickets, participants in turn (the caller holds the lock)."""
        granted = False
        for _ in range(len(self._turns)):
            if not self._free:
                break
            participant = self._turns.popleft()
            slow = participant in self._slow
            if slow and self._slow_running >= self.slow_slots:
                self._turns.append(participant)  # keeps its place among the slow ones
                continue
            queue = self._waiting[participant]
            ticket = queue.popleft()
            ticket.update(sandbox=self._free.pop(), slow=slow)
            self._slow_running += slow
            granted = True
            if queue:
                self._turns.append(participant)
            else:
                del self._waiting[participant]
        if granted:
            self._changed.notify_all()
