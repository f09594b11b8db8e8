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


_TO_OPEN = object()  # a ticket's sandbox: the pool may grow, and the ticket's own thread opens one


class FairRuns:
    """``run(participant, work)`` calls ``work(sandbox)`` with a sandbox of the pool when the participant's
    turn comes. The pool starts with ``sandboxes`` and grows, with ``open_sandbox()``, to ``size`` when
    every sandbox is busy (so that a quiet study holds one). At most ``slow_slots`` sandboxes (at least one
    fewer than ``size``, when it is two or more) run the participants whose last run was slow:
    ``slow(result, seconds)`` says which (default: it took over ``SLOW_RUN_S``). ``sandboxes`` lists every
    sandbox opened, for the caller to close."""

    def __init__(
        self,
        sandboxes: Sequence[Any],
        slow_slots: int = 1,
        slow: Callable[[Any, float], bool] = lambda result, seconds: seconds > SLOW_RUN_S,
        open_sandbox: Callable[[], Any] | None = None,
        size: int | None = None,
    ):
        if not sandboxes:
            raise ValueError("FairRuns needs at least one sandbox")
        self.sandboxes = list(sandboxes)
        self._free = list(sandboxes)
        self._open, self._size = open_sandbox, max(size or 0, len(sandboxes)) if open_sandbox else len(sandboxes)
        self._opened = len(sandboxes)  # opening included
        self._is_slow = slow
        self.slow_slots = max(1, min(slow_slots, self._size - 1))
        self._slow_running = 0
        self._slow: set[str] = set()  # participants whose last run was slow
        self._waiting: dict[str, deque[dict[str, Any]]] = {}  # participant -> its tickets, oldest first
        self._turns: deque[str] = deque()  # participants with a ticket waiting, next to serve first
        self._changed = threading.Condition()
        self._closed = False

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
            if sandbox is _TO_OPEN:
                sandbox = self._open_one()
                with self._changed:
                    self.sandboxes.append(sandbox)  # closed by close(), with the others
            result = work(sandbox)
            return result
        finally:
            took = time.monotonic() - started
            with self._changed:
                if sandbox is _TO_OPEN:  # it could not be opened: the next ticket may try again
                    self._opened -= 1
                else:
                    self._free.append(sandbox)
                self._slow_running -= slow
                (self._slow.add if self._is_slow(result, took) else self._slow.discard)(participant)
                self._grant()

    def warm(self) -> None:
        """Open the rest of the pool now, one by one (a server calls it on a thread of its own at start, so
        that a burst of runs does not wait for sandboxes to start)."""
        while True:
            with self._changed:
                if self._closed or self._opened >= self._size:
                    return
                self._opened += 1
            try:
                sandbox = self._open_one()
            except BaseException:
                with self._changed:
                    self._opened -= 1
                raise
            with self._changed:
                if self._closed:
                    sandbox.close()
                    return
                self.sandboxes.append(sandbox)
                self._free.append(sandbox)
                self._grant()

    def close(self) -> None:
        """Close every sandbox opened (the runs in flight must have ended); a warm-up still opening stops."""
        with self._changed:
            self._closed = True
            opened, self.sandboxes = self.sandboxes, []
        for sandbox in opened:
            sandbox.close()

    def _open_one(self) -> Any:
        """A new sandbox from ``open_sandbox``. Only called when the pool may grow, which it may only with
        ``open_sandbox`` given (without it the pool's size is the sandboxes it started with)."""
        if self._open is None:  # calling None would raise this TypeError; this one says what is missing
            raise TypeError("FairRuns cannot open a sandbox: no open_sandbox was given")
        return self._open()

    def _grant(self) -> None:
        """Give free sandboxes to the waiting tickets, participants in turn (the caller holds the lock)."""
        granted = False
        for _ in range(len(self._turns)):
            if not self._free and self._opened >= self._size:
                break
            participant = self._turns.popleft()
            slow = participant in self._slow
            if slow and self._slow_running >= self.slow_slots:
                self._turns.append(participant)  # keeps its place among the slow ones
                continue
            queue = self._waiting[participant]
            ticket = queue.popleft()
            if self._free:
                ticket.update(sandbox=self._free.pop(), slow=slow)
            else:
                self._opened += 1
                ticket.update(sandbox=_TO_OPEN, slow=slow)
            self._slow_running += slow
            granted = True
            if queue:
                self._turns.append(participant)
            else:
                del self._waiting[participant]
        if granted:
            self._changed.notify_all()
