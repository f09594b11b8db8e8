"""Episode fingerprints: checking that a run reproduces another, episode by episode and round by round.

An episode's fingerprint is a hash of what decides its score and nothing else: each round's suggestion and
decision, and the final program. Timings, machine facts and the agents' log-probabilities are left out, so
two runs that played the same episodes have the same fingerprints on any machine. Each round also gets a
short hash of its own (suggestion, decision, the programmer's text), so a comparison can say in which round
two episodes part.

A run's fingerprints are one line per episode in ``fingerprints.jsonl`` (written with every report);
``codeassist report RUN --compare OTHER`` compares a run with another run or with such a file, e.g. the main
job's published one, ``docs/main_job.fingerprints.jsonl``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeassist_env.episode import EpisodeRecord, episode_fingerprint, round_hashes
from codeassist_env.errors import InputError
from codeassist_env.files import json_lines, write_whole

FINGERPRINTS_FILE = "fingerprints.jsonl"
Key = tuple[str, str, int]  # (agent, problem_id, seed)


class FingerprintError(InputError):
    """A fingerprints file or run that cannot be read: the message names the file and the line."""


@dataclass(frozen=True)
class Fingerprint:
    """One episode's fingerprint; ``fingerprint`` is None for an episode that did not run to its end."""

    agent: str
    problem_id: str
    seed: int
    status: str
    fingerprint: str | None
    rounds: tuple[str, ...]

    @property
    def key(self) -> Key:
        return (self.agent, self.problem_id, self.seed)

    @classmethod
    def of(cls, record: EpisodeRecord) -> "Fingerprint":
        result = record.result
        if result is None:
            return cls(record.agent, record.problem_id, record.seed, str(record.status), None, ())
        return cls(
            record.agent,
            record.problem_id,
            record.seed,
            str(record.status),
            episode_fingerprint(result.transcript, result.code),
            tuple(round_hashes(result.transcript)),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "agent": self.agent,
            "problem_id": self.problem_id,
            "seed": self.seed,
            "status": self.status,
            "fingerprint": self.fingerprint,
            "rounds": list(self.rounds),
        }


def write_fingerprints(records: Iterable[EpisodeRecord], path: Path) -> Path:
    prints = sorted((Fingerprint.of(r) for r in records), key=lambda f: f.key)
    return write_whole(path, "".join(json.dumps(f.to_json(), sort_keys=True) + "\n" for f in prints))


def read_fingerprints(path: Path) -> dict[Key, Fingerprint]:
    """A ``fingerprints.jsonl`` file; a line that is not one raises ``FingerprintError`` naming it."""
    prints: dict[Key, Fingerprint] = {}
    for number, raw in json_lines(path, FingerprintError, hint=": not a fingerprint line"):
        try:
            fingerprint = Fingerprint(
                str(raw["agent"]),
                str(raw["problem_id"]),
                int(raw["seed"]),
                str(raw["status"]),
                raw["fingerprint"],
                tuple(raw["rounds"]),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise FingerprintError(
                f"{path}:{number}: not a fingerprint line ({type(error).__name__}: {error})"
            ) from None
        prints[fingerprint.key] = fingerprint
    return prints


@dataclass(frozen=True)
class Difference:
    key: Key
    what: str  # "missing here", "missing there", "status", "rounds"
    first_round: int | None = None  # 1-based: the first round that differs

    def line(self) -> str:
        agent, problem_id, seed = self.key
        where = f" from round {self.first_round}" if self.first_round is not None else ""
        return f"{agent} {problem_id} seed {seed}: {self.what}{where}"


def compare(here: dict[Key, Fingerprint], there: dict[Key, Fingerprint]) -> list[Difference]:
    """Every episode that differs between two sets of fingerprints, in key order."""
    differences = []
    for key in sorted(set(here) | set(there)):
        a, b = here.get(key), there.get(key)
        if a is None or b is None:
            differences.append(Difference(key, "missing here" if a is None else "missing there"))
        elif a.fingerprint is None or b.fingerprint is None:
            if (a.fingerprint, a.status) != (b.fingerprint, b.status):
                differences.append(Difference(key, f"status {a.status} here, {b.status} there"))
        elif a.fingerprint != b.fingerprint:
            parted = next((i for i, (x, y) in enumerate(zip(a.rounds, b.rounds), 1) if x != y), None)
            if parted is None:  # the same rounds as far as the shorter goes
                parted = min(len(a.rounds), len(b.rounds)) + 1 if len(a.rounds) != len(b.rounds) else None
            what = "different episode" if parted is not None else "same rounds, different final program"
            differences.append(Difference(key, what, parted))
    return differences
