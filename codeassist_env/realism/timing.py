"""What reading a suggestion costs real programmers against writing the same text, from the Copilot
study's labelled sessions, to put beside DPR's weights (α = 0.1 per token read, β = 0.5 per token
written: reading costs α/β = 0.2 of writing; docs/protocol.md §7.6).

Each participant labelled every interval of their session (``LabeledState``). Reading is the time
labelled "Thinking/Verifying Suggestion" over the characters of the suggestions they decided on; writing
is the time labelled "Writing New Functionality" over the characters they typed themselves (the growth of
the document less the characters of the suggestions they accepted). Both are pooled over participants;
participants whose document shrank (they deleted more than they typed, so typed characters are unknown)
count for reading only. The interval of the ratio comes from resampling participants.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from codeassist_env.metrics import DPR_ALPHA, DPR_BETA
from codeassist_env.realism.logs import DecisionLogError, json_events

READING, WRITING = "Thinking/Verifying Suggestion (A)", "Writing New Functionality (Z)"
DPR_RATIO = DPR_ALPHA / DPR_BETA


@dataclass(frozen=True)
class Participant:
    reading_s: float
    read_chars: int  # characters of the suggestions decided on
    writing_s: float
    typed_chars: int  # may be negative: the document shrank


@dataclass(frozen=True)
class ReadingVsWriting:
    reading_s_per_char: float
    writing_s_per_char: float
    ratio: float  # reading / writing, per character
    interval: tuple[float, float]  # 95%, participants resampled
    participants: int
    typing_participants: int


def participants(path: str | Path) -> list[Participant]:
    """Per participant, the labelled reading and writing time and characters of a Copilot study log."""
    path = Path(path)
    events: dict[object, list[dict]] = {}
    for number, event in json_events(path):
        try:
            events.setdefault(event["UserId"], []).append(event)
        except (KeyError, TypeError):
            raise DecisionLogError(f"{path}:{number}: not a Copilot study event with a UserId") from None
    people = []
    for session in events.values():
        try:
            session.sort(key=lambda e: e["TimeGenerated"])  # ISO 8601 in UTC: sorts as text
            lengths = [e["Measurements"]["documentLength"] for e in session]
            decided = [e for e in session if e["StateName"] in ("Accepted", "Rejected")]
            people.append(
                Participant(
                    sum(e["TimeSpentInState"] for e in session if e["LabeledState"] == READING),
                    sum(len(e["CurrentSuggestion"]) for e in decided),
                    sum(e["TimeSpentInState"] for e in session if e["LabeledState"] == WRITING),
                    int(
                        max(lengths)
                        - lengths[0]
                        - sum(len(e["CurrentSuggestion"]) for e in decided if e["StateName"] == "Accepted")
                    ),
                )
            )
        except (KeyError, TypeError) as error:
            raise DecisionLogError(
                f"{path}: participant {session[0].get('UserId')!r} lacks the labelled "
                f"times this needs ({type(error).__name__}: {error})"
            ) from None
    return people


def _per_char(people: list[Participant]) -> tuple[float, float]:
    typists = [p for p in people if p.typed_chars > 0]
    reading = sum(p.reading_s for p in people) / max(1, sum(p.read_chars for p in people))
    writing = sum(p.writing_s for p in typists) / max(1, sum(p.typed_chars for p in typists))
    return reading, writing


def reading_vs_writing(path: str | Path, resamples: int = 2000, seed: int = 0) -> ReadingVsWriting:
    people = participants(path)
    if not any(p.read_chars for p in people) or not any(p.typed_chars for p in people):
        raise DecisionLogError(
            f"{path}: {len(people)} participant(s), and none both read a decided suggestion "
            "and typed text of their own: reading against writing needs both"
        )
    reading, writing = _per_char(people)
    rng = np.random.default_rng(seed)
    ratios = []
    for _ in range(resamples):
        r, w = _per_char([people[i] for i in rng.integers(0, len(people), len(people))])
        if w > 0:
            ratios.append(r / w)
    low, high = np.percentile(ratios, [2.5, 97.5])
    return ReadingVsWriting(
        reading,
        writing,
        reading / writing,
        (float(low), float(high)),
        len(people),
        sum(p.typed_chars > 0 for p in people),
    )
