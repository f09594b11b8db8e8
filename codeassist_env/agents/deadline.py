"""The assistant's calls under a deadline, and its failures charged to it (docs/protocol.md §2.6).

Python cannot stop a thread, so a call that passes its deadline is not stopped: each episode runs its
agent's calls (``reset``, ``act``) on a daemon thread of its own, waits for each at most the deadline,
and on a miss leaves that thread to finish or hang by itself. The episode ends charged to the agent,
and the caller must not use that agent object again (the bench builds a fresh one for its next episode).
A hung thread holds its memory until the process ends, never the run: it is a daemon, and nothing waits
for it.
"""

from __future__ import annotations

import queue
import threading
import traceback
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from codeassist_env.errors import InputError

# Seconds one call of the assistant may take in the bench (``--agent-timeout``). Generous: a local 135M
# model answers a round in well under a second on 2 CPU cores, a 1.5B one in a few seconds, and an
# answer after five minutes is a hang by any measure.
DEFAULT_AGENT_TIMEOUT_S = 300.0


class AgentFailure(StrEnum):
    """How the assistant failed an episode: the first word of its ``agent_failure`` (docs/protocol.md §2.6)."""

    TIMEOUT = "timeout"  # a call passed its deadline
    RAISED = "raised"  # a call raised
    INVALID_ACTION = "invalid_action"  # it returned what is no suggestion


class AgentFailed(Exception):
    """The assistant failed the episode, in one of the ways of ``AgentFailure``."""

    def __init__(self, kind: AgentFailure, detail: str):
        # The agent's own error text may hold what cannot be stored (a lone surrogate): escaped here.
        super().__init__(f"{kind}: {detail}".encode("utf-8", "backslashreplace").decode("utf-8"))
        self.kind = kind


def _where(error: BaseException) -> str:
    """The innermost frame of ``error``'s traceback, as ``file:line in function``."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f" at {last.filename.rsplit('/', 1)[-1]}:{last.lineno} in {last.name}"


class AgentCalls:
    """Runs one agent's calls, one at a time, each under ``timeout`` seconds (None: no deadline, and the
    calls run in the caller's thread). Any exception a call raises becomes ``AgentFailed(AgentFailure.RAISED)``."""

    def __init__(self, timeout: float | None, name: str = "agent"):
        if timeout is not None and not timeout > 0:
            raise InputError(f"agent timeout must be a number of seconds > 0, got {timeout!r}")
        self.timeout, self.name = timeout, name
        self._requests: queue.SimpleQueue | None = None

    def call(self, what: str, function: Callable[..., Any], *args: Any) -> Any:
        """``function(*args)``; ``what`` names the call in the failure (``act``, ``reset``)."""
        if self.timeout is None:
            try:
                return function(*args)
            except AgentFailed:
                raise
            except Exception as error:
                raise AgentFailed(
                    AgentFailure.RAISED, f"{what} raised {type(error).__name__}: {error}{_where(error)}"
                ) from error
        if self._requests is None:
            self._requests = queue.SimpleQueue()
            threading.Thread(target=_serve, args=(self._requests,), name=f"{self.name}-calls", daemon=True).start()
        done = threading.Event()
        box: dict[str, Any] = {}  # "value" or "error", set by _serve
        self._requests.put((function, args, box, done))
        if not done.wait(min(self.timeout, threading.TIMEOUT_MAX)):
            self._requests = None  # that thread is left to its call; a later call would get a new one
            raise AgentFailed(AgentFailure.TIMEOUT, f"{what} took longer than the deadline of {self.timeout:g} s")
        if "error" in box:
            raised = box["error"]
            if isinstance(raised, AgentFailed):  # the caller's wrapper refused what the agent gave
                raise raised
            raise AgentFailed(
                AgentFailure.RAISED, f"{what} raised {type(raised).__name__}: {raised}{_where(raised)}"
            ) from raised
        return box["value"]

    def close(self) -> None:
        """Let the calls' thread end (one that missed its deadline ends when its call does, if ever)."""
        if self._requests is not None:
            self._requests.put(None)
            self._requests = None


def _serve(requests: queue.SimpleQueue) -> None:
    while (request := requests.get()) is not None:
        function, args, box, done = request
        try:
            box["value"] = function(*args)
        except BaseException as error:  # handed to the caller, who charges it to the agent
            box["error"] = error
        done.set()
