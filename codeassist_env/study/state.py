"""The study's state in memory, built only by replaying log records.

Every action of the server first appends its record to the log and then applies that same record
here (``StudyState.apply``); starting the server replays the whole log through the same method. So the
state after a restart is, by construction, the state before it, as far as anything was answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Callable

from codeassist_env.humans.base import Choice
from codeassist_env.study.schedule import Schedule, Slot


class Answer(StrEnum):
    """A participant's answer to a suggestion: a programmer's accept or reject (humans/base.py Choice; a
    participant finishes with the page's button, not by answering), or expired: the suggestion came back after
    the person had typed on, so the page never displayed it."""

    ACCEPT = Choice.ACCEPT.value
    REJECT = Choice.REJECT.value
    EXPIRED = "expired"


@dataclass
class ShownSuggestion:
    """A non-empty suggestion the page displayed, and the person's answer (None while unanswered)."""

    text: str
    tokens: int
    decision: Answer | None = None


@dataclass
class SlotProgress:
    """What happened so far on the participant's current problem."""

    started_at: str | None = None
    requests: int = 0  # suggestion requests (the bench's rounds)
    last_decision: str = ""
    suggestions: dict[int, ShownSuggestion] = field(default_factory=dict)  # by suggestion id
    tokens_written: int = 0  # tokens the person typed
    public_runs: int = 0
    code: str | None = None  # the latest program the browser sent (the draft a resume restores)


@dataclass
class Participant:
    code: str
    index: int  # join order, from 0
    schedule: Schedule
    position: int = 0  # problems finished
    preferences: dict[int, dict[str, Any]] = field(default_factory=dict)  # pair -> preference record
    progress: SlotProgress = field(default_factory=SlotProgress)

    @property
    def slot(self) -> Slot | None:
        slots = self.schedule.slots
        return slots[self.position] if self.position < len(slots) else None

    def pending_preference(self, blinded: bool) -> int | None:
        """The pair whose preference question is due, if any."""
        if not blinded or self.position == 0:
            return None
        previous = self.schedule.slots[self.position - 1]
        if previous.last_of_pair and previous.pair not in self.preferences:
            return previous.pair
        return None

    def stage(self, blinded: bool) -> str:
        if self.pending_preference(blinded) is not None:
            return "prefer"
        return "solve" if self.slot is not None else "done"


def seconds_between(start_iso: str, end_iso: str) -> float:
    return (datetime.fromisoformat(end_iso) - datetime.fromisoformat(start_iso)).total_seconds()


class StudyState:
    """Participants by code. ``schedule_for(index)`` gives the schedule of the index-th participant."""

    def __init__(self, schedule_for: Callable[[int], Schedule]):
        self._schedule_for = schedule_for
        self.participants: dict[str, Participant] = {}

    def apply(self, record: dict[str, Any]) -> None:
        kind = record["type"]
        if kind == "join":
            index = record["participant_index"]
            self.participants[record["participant"]] = Participant(
                record["participant"], index, self._schedule_for(index)
            )
            return
        person = self.participants[record["participant"]]
        progress = person.progress
        if kind == "preference":
            person.preferences[record["pair"]] = record
            return
        if kind == "problem":
            person.position += 1
            person.progress = SlotProgress()
            return
        progress.tokens_written += record.get("typed_tokens", 0)
        if record.get("code") is not None:
            progress.code = record["code"]
        if kind == "start":
            progress.started_at = record["at"]
        elif kind == "suggestion":
            progress.requests += 1
            if record["text"]:
                progress.suggestions[record["suggestion_id"]] = ShownSuggestion(record["text"], record["tokens"])
        elif kind == "decision":
            if record["decision"] == Answer.EXPIRED:  # arrived after the person typed on: never displayed
                del progress.suggestions[record["suggestion_id"]]
                return
            progress.suggestions[record["suggestion_id"]].decision = Answer(record["decision"])
            progress.last_decision = record["decision"]
        elif kind == "run":
            progress.public_runs += 1
