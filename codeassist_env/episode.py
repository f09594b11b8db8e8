"""The episode record, owned here: what ``CodeAssist-v0`` tells about an episode, and what the benchmark
writes and its report reads.

- ``ResetInfo``: the ``info`` of ``env.reset``; ``StepInfo``: the ``info`` of every step.
- ``EpisodeResult``: what the last step adds to its ``info`` (the environment makes one and spreads its
  fields into ``info``), with one ``Round`` per round in ``transcript``. ``episode_result`` is its one
  builder: the environment's last step and the user study's submitted problem both score through it.
- ``EpisodeRecord``: one line of a run's ``episodes.jsonl``: the bench's own fields (agent, seed, status,
  ...) and, unless the episode raised, its ``EpisodeResult``, stored flat, as the line always was.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypedDict

from codeassist_env import metrics
from codeassist_env.protocol import Choice
from codeassist_env.sandbox.result import Verdict


class EpisodeStatus(StrEnum):
    """How the bench recorded an episode (``EpisodeRecord.status``), by whose failure it was
    (docs/protocol.md §2.6); --resume runs again all but the final ones (``OK``, ``AGENT_ERROR``)."""

    OK = "ok"  # played to its end
    AGENT_ERROR = "agent_error"  # the assistant failed (deadline, raised, invalid action): scored 0, counted
    ERROR = "error"  # the harness or the simulated programmer raised, or the human's endpoint was down: left out
    INFRA_ERROR = "infra_error"  # the sandbox failed, not the agent: left out of every mean

    @property
    def final(self) -> bool:
        """A result: kept by --resume, counted in the headline (unless its human failed)."""
        return self in (EpisodeStatus.OK, EpisodeStatus.AGENT_ERROR)


# The format of an episode line (``EpisodeRecord.to_json``), written in each line as ``format``. Format 1 is
# every line without the number: the sandbox's failure was then the status "infra" and the result's flag
# "sandbox_failed", and fields added later (infra_error, human_usage, servers) may be missing (their
# defaults apply). ``migrate_episode_line`` reads a line of any format as this one.
EPISODE_FORMAT = 2
_FORMAT_1_STATUSES: dict[object, EpisodeStatus] = {"infra": EpisodeStatus.INFRA_ERROR}  # looked up with any status
_FORMAT_1_KEYS = {"sandbox_failed": "infra_error"}


def migrate_episode_line(line: dict[str, Any]) -> dict[str, Any]:
    """An episode line of any format as format ``EPISODE_FORMAT`` has it; a newer format raises ValueError."""
    version = line.get("format", 1)
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= EPISODE_FORMAT:
        raise ValueError(f"episode line format {version!r}: this codeassist_env reads formats 1 to {EPISODE_FORMAT}")
    if version == 1:
        line = {_FORMAT_1_KEYS.get(k, k): v for k, v in line.items()}
        line["status"] = _FORMAT_1_STATUSES.get(line.get("status"), line.get("status"))
    return {**line, "format": EPISODE_FORMAT}


class ResetInfo(TypedDict):
    problem_id: str
    starter_code: str
    tokenizer: str
    seed: int | None


class StepInfo(TypedDict):
    problem_id: str
    round: int
    decision: str
    human_text: str
    round_tokens_read: int
    round_tokens_written: int
    simulator_failure: str | None


class EnvRound(TypedDict):
    """One round of ``transcript`` as the environment records it."""

    round: int
    suggestion: str
    decision: str
    reasoning: str
    human_text: str
    simulator_failure: str | None
    tokens_read: int
    tokens_written: int
    decide_s: float
    write_s: float


class Round(EnvRound, total=False):
    """A round as the bench stores it: the environment's, and what the agent said about it."""

    act_s: float  # seconds the agent took to suggest
    agent_info: dict[str, Any]  # the agent's ``last_info``


@dataclass
class EpisodeResult:
    problem_id: str
    verdict: Verdict  # a dict (Verdict.to_dict(), as an episode line has it) is turned into one
    passed: bool
    pass_fraction: float
    pass_at_1: float
    dpr: float
    accepted: int
    rejected: int
    suggestions_shown: int  # non-empty suggestions, the one pending at FINISH included
    suggestion_chars: int
    accept_ratio: float | None  # None when nothing was shown
    tokens_read: int
    tokens_written: int
    rounds: int
    finished: bool  # FINISH rather than truncation
    simulator_failed: bool
    code: str
    tokenizer: str
    transcript: list[Round]
    # Defaulted: episode files written without these fields still load.
    infra_error: bool = False  # the hidden tests could not run (Verdict.infra_error): says nothing about the agent
    human_usage: dict[str, float] | None = None  # humans with a usage() method (the LLM human's tokens)
    # Why the assistant failed the episode (deadline, raised, invalid action): it scores 0 (§2.6); None if it did not.
    agent_failure: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.verdict, dict):
            self.verdict = Verdict.from_dict(self.verdict)

    def to_info(self) -> dict[str, Any]:
        """The fields as the last step's ``info`` has them (``verdict`` a ``Verdict``)."""
        info = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        for optional in ("human_usage", "agent_failure"):
            if info[optional] is None:
                del info[optional]
        return info

    def to_json(self) -> dict[str, Any]:
        """The fields as an episode line stores them (``verdict`` a dict)."""
        return {**self.to_info(), "verdict": self.verdict.to_dict()}

    @classmethod
    def from_info(cls, info: dict[str, Any]) -> "EpisodeResult":
        """The result in a last step's ``info`` (or an episode line of this format); extra keys are ignored."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in info.items() if k in names})


def episode_result(
    problem_id: str,
    verdict: Verdict,
    shown: Sequence[tuple[str, str | None]],
    *,
    tokens_read: int,
    tokens_written: int,
    rounds: int,
    finished: bool,
    code: str,
    tokenizer: str,
    transcript: Sequence[Round] = (),
    simulator_failed: bool = False,
    agent_failure: str | None = None,
    human_usage: dict[str, float] | None = None,
) -> EpisodeResult:
    """An episode's result, scored (docs/protocol.md §4): Pass@1, pass fraction and DPR from the verdict and the
    tokens read and written, the accept ratio from ``shown``, the non-empty suggestions shown as
    ``(text, decision)``, the decision ``None`` while unanswered. The environment's last step and the user
    study's submitted problem both build their result here."""
    accepted = sum(decision == Choice.ACCEPT for _, decision in shown)
    return EpisodeResult(
        problem_id=problem_id,
        verdict=verdict,
        passed=verdict.passed,
        pass_fraction=verdict.pass_fraction,
        pass_at_1=1.0 if verdict.passed else 0.0,
        dpr=metrics.discounted_pass_rate(verdict.passed, tokens_read, tokens_written),
        accepted=accepted,
        rejected=sum(decision == Choice.REJECT for _, decision in shown),
        suggestions_shown=len(shown),
        suggestion_chars=sum(len(text) for text, _ in shown),
        accept_ratio=metrics.accept_ratio(accepted, len(shown)),
        tokens_read=tokens_read,
        tokens_written=tokens_written,
        rounds=rounds,
        finished=finished,
        simulator_failed=simulator_failed,
        code=code,
        tokenizer=tokenizer,
        transcript=list(transcript),
        infra_error=verdict.infra_error,
        human_usage=human_usage,
        agent_failure=agent_failure,
    )


_RECORD_FIELDS = (
    "agent",
    "problem_id",
    "seed",
    "status",
    "error",
    "worker",
    "started_at",
    "elapsed_s",
    "traceback",
    "servers",
)
_OPTIONAL_FIELDS = ("traceback", "servers")  # left out of a line when None (lines before "servers" lack it)


@dataclass
class EpisodeRecord:
    agent: str
    problem_id: str
    seed: int
    status: EpisodeStatus  # an EpisodeStatus value given as a string is turned into it
    error: str | None = None
    worker: str | None = None
    started_at: str | None = None
    elapsed_s: float | None = None
    traceback: str | None = None
    # Which inference server answered how many requests, by role: {"human": {url: n}, "agent": {url: n}}
    # (codeassist_env.server_pool); None when the episode made no request to a server.
    servers: dict[str, dict[str, int]] | None = None
    result: EpisodeResult | None = None  # None when the episode raised before its end

    def __post_init__(self) -> None:
        self.status = EpisodeStatus(self.status)

    @property
    def headline(self) -> bool:
        """Counted in the headline metrics: it ran to its end, or its assistant failed it (scored 0), and its
        human did not fail."""
        return self.status.final and self.result is not None and not self.result.simulator_failed

    def to_json(self) -> dict[str, Any]:
        line = {"format": EPISODE_FORMAT, **{name: getattr(self, name) for name in _RECORD_FIELDS}}
        for name in _OPTIONAL_FIELDS:
            if line[name] is None:
                del line[name]
        if self.result is not None:
            line.update(self.result.to_json())
            line["fingerprint"] = episode_fingerprint(self.result.transcript, self.result.code)
        return line

    @classmethod
    def from_json(cls, line: dict[str, Any]) -> "EpisodeRecord":
        """A line of ``episodes.jsonl``, of this format or an earlier one (``migrate_episode_line``)."""
        line = migrate_episode_line(line)
        own = {name: line[name] for name in _RECORD_FIELDS if name in line}
        own["seed"] = int(own["seed"])
        result = EpisodeResult.from_info(line) if "passed" in line else None
        return cls(**own, result=result)


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=True, separators=(",", ":")).encode()).hexdigest()


def episode_fingerprint(transcript: list[Any], code: str) -> str:
    """What decides an episode's score, hashed (16 hex digits): each round's suggestion and decision, and the
    final program; timings and log-probabilities left out (``bench.fingerprints`` compares them)."""
    return _digest([[[r.get("suggestion", ""), r.get("decision", "")] for r in transcript], code])[:16]


def round_hashes(transcript: list[Any]) -> list[str]:
    """One short hash (8 hex digits) per round of its suggestion, decision and the programmer's text: where two
    episodes with different fingerprints part."""
    return [_digest([r.get("suggestion", ""), r.get("decision", ""), r.get("human_text", "")])[:8] for r in transcript]
