"""Asking an agent for a suggestion on behalf of a person, with a deadline.

An agent is one object shared by every participant, so calls to it are serialised, and it is told
which problem it is on (``reset(info)``, the agents' contract, with the episode's seed in ``info``)
whenever the participant or the problem changes between calls. A call that raises,
or does not answer within the deadline, becomes "no suggestion" with the reason; the person's
session goes on. A call still running past its deadline keeps the agent busy: the next requests get
"no suggestion (busy)" at once instead of queueing behind it.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from codeassist_env.env import MAX_SUGGESTION_CHARS


class SuggestionStatus(StrEnum):
    """How a request for a suggestion ended (a suggestion record's ``status`` in the study log)."""

    OK = "ok"  # the assistant answered; its text may still be ""
    ERROR = "error"  # it raised, or returned something that is no suggestion
    TIMEOUT = "timeout"  # no answer within the deadline
    BUSY = "busy"  # an earlier call is still running past its deadline


@dataclass
class AssistantReply:
    text: str  # "" = no suggestion
    status: SuggestionStatus
    error: str | None
    act_s: float


class Assistant:
    """One agent behind a lock and a one-thread executor (so a deadline can be enforced)."""

    def __init__(self, name: str, agent: Any, timeout_s: float):
        self.name = name
        self.agent = agent
        self.timeout_s = timeout_s
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"agent-{name}")
        self._busy = threading.Lock()
        self._episode: tuple[str, str] | None = None  # (participant, problem) the agent was last reset for

    def _call(self, episode: tuple[str, str], info: dict[str, Any], observation: dict[str, Any]) -> str:
        try:
            if self._episode != episode:
                self._episode = None
                self.agent.reset(info)
                self._episode = episode
            text = self.agent.act(observation)
        finally:
            self._busy.release()
        if not isinstance(text, str):
            raise TypeError(f"agent {self.name!r} returned {type(text).__name__}, not a str")
        if len(text) > MAX_SUGGESTION_CHARS:
            raise ValueError(f"agent {self.name!r} suggested {len(text)} characters (more than {MAX_SUGGESTION_CHARS})")
        return text

    def suggest(self, participant: str, info: dict[str, Any], observation: dict[str, Any]) -> AssistantReply:
        started = time.perf_counter()
        if not self._busy.acquire(blocking=False):
            return AssistantReply(
                "", SuggestionStatus.BUSY, "the assistant is still working on an earlier request", 0.0
            )
        episode = (participant, info["problem_id"])
        try:
            future = self._executor.submit(self._call, episode, info, observation)
        except RuntimeError as error:  # executor shut down
            self._busy.release()
            return AssistantReply("", SuggestionStatus.ERROR, str(error), 0.0)
        try:
            text = future.result(timeout=self.timeout_s)
        except FutureTimeout:
            return AssistantReply(
                "", SuggestionStatus.TIMEOUT, f"no answer within {self.timeout_s:g} s", time.perf_counter() - started
            )
        except Exception as error:  # any agent failure is "no suggestion", logged with its reason
            return AssistantReply(
                "", SuggestionStatus.ERROR, f"{type(error).__name__}: {error}"[:500], time.perf_counter() - started
            )
        return AssistantReply(text, SuggestionStatus.OK, None, time.perf_counter() - started)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        close = getattr(self.agent, "close", None)
        if callable(close):
            close()
