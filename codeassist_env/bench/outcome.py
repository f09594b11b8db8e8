"""How a bench run ends: its summary, and the errors that stop it. Shared by the runner, which raises and
returns them, and its executors, which catch an episode's stop signal and raise the run's error; kept
apart so that neither has to import the other for them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from codeassist_env.episode import EpisodeRecord


@dataclass
class RunSummary:
    out: Path
    planned: int  # triples of this shard
    skipped: int  # already done (resume)
    finished: int = 0  # final: played to the end, or failed by the assistant (agent_failures of them)
    agent_failures: int = 0
    errored: int = 0
    retried: int = 0  # episodes run again because the worker running them died (Ray executor)
    wall_s: float = 0.0
    notes: list[str] = field(default_factory=list)


class RunAborted(RuntimeError):
    """The run stopped early because continuing could not give valid results (e.g. a replay-cache miss)."""


class EndpointUnreachable(RunAborted):
    """The run stopped because the simulated human's endpoint is down (``EndpointWatch``); what finished
    is recorded, and ``--resume`` runs the rest."""


class EndpointDownEpisode(Exception):
    """An episode cut short because the human's endpoint is down: not recorded (``--resume`` runs it), and
    no new episode starts."""

    def __init__(self, record: EpisodeRecord):
        super().__init__(record.problem_id)
        self.record = record


class FatalEpisode(Exception):
    """An episode error that must stop the run (a replay-cache miss: the cache does not fit the run)."""

    def __init__(self, record: EpisodeRecord):
        super().__init__(record.error)
        self.record = record


class RunInterrupted(Exception):
    """Ctrl-C (SIGINT) stopped the run: what finished is kept in ``out`` (``kept`` episodes), and the same
    command with ``--resume`` continues it."""

    def __init__(self, out: Path, kept: int):
        super().__init__(f"interrupted: {kept} episodes kept in {out}")
        self.out, self.kept = out, kept
