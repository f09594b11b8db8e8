"""Real programmers' accept/reject decisions on code suggestions, read from public logs.

One record type, ``RealDecision``, for every log; two formats:

- the Copilot user study of Mozannar et al. (CHI 2024), converted to JSON Lines
  (``copilot_events.jsonl.gz``: one line per logged event; a decision is an ``Accepted`` or ``Rejected``
  event, and its ``TimeSpentInState`` is the seconds the suggestion was on screen before it);
- RealHumanEval's ``autocomplete_data.csv`` (Mozannar et al. 2024): one row per suggestion shown.

Nothing here needs pandas or pickle. A file that is missing, in neither format, or with a row that cannot
be read raises ``DecisionLogError``: one line naming the file and the row.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeassist_env.errors import InputError
from codeassist_env.files import json_lines
from codeassist_env.package_data import data_path

# A data folder that overrides the package's copy of the Copilot study (its copilot-user-study/ subfolder).
DATA_DIR_ENV = "CODEASSIST_DATA_DIR"
COPILOT_FILE = Path("copilot-user-study") / "copilot_events.jsonl.gz"
REALHUMANEVAL_COLUMNS = (
    "prefix_code",
    "suffix_code",
    "suggestion",
    "logprobs",
    "accepted",
    "programmer_id",
    "timestamp",
    "model",
    "task_name",
    "requested",
)


class DecisionLogError(InputError):
    """A decision log that cannot be read: the message names the file and, where it applies, the row."""


@dataclass(frozen=True)
class RealDecision:
    """One real programmer's decision on one suggestion."""

    prefix: str  # the code before the cursor
    suggestion: str
    accepted: bool
    participant: str
    model: str  # the assistant that suggested it
    seconds: float | None  # time the suggestion was shown before the decision, where the log has it
    source: str  # the log's file name
    task: str | None = None  # the study's name for the task the person was doing, where the log has one

    @property
    def chars(self) -> int:
        return len(self.suggestion)


def default_logs() -> list[Path]:
    """The real logs a report uses when none is named: the Copilot study's decisions, from
    ``$CODEASSIST_DATA_DIR/copilot-user-study/`` where that variable is set, else the package's copy."""
    if os.environ.get(DATA_DIR_ENV):
        return [Path(os.environ[DATA_DIR_ENV]) / COPILOT_FILE]
    return [data_path(*COPILOT_FILE.parts)]


def load_decisions(path: str | Path) -> list[RealDecision]:
    """Every decision in the log at ``path`` (format told by the name: ``.jsonl[.gz]`` is the Copilot
    study, ``.csv[.gz]`` is RealHumanEval)."""
    path = Path(path)
    if not path.is_file():
        raise DecisionLogError(
            f"{path}: no such decision log (the Copilot study's copilot_events.jsonl.gz or "
            "RealHumanEval's autocomplete_data.csv)"
        )
    name = path.name.removesuffix(".gz")
    if name.endswith(".jsonl"):
        decisions = list(_copilot(path))
    elif name.endswith(".csv"):
        decisions = list(_realhumaneval(path))
    else:
        raise DecisionLogError(
            f"{path}: unknown decision log format (expected .jsonl[.gz] from the Copilot "
            "study or .csv[.gz] from RealHumanEval)"
        )
    if not decisions:
        raise DecisionLogError(f"{path}: no accept/reject decisions in it")
    return decisions


@contextmanager
def _reading(path: Path) -> Iterator[io.TextIOBase]:
    """The log opened as text (gunzipped when its name ends in .gz). A file that cannot be opened,
    decompressed or decoded, found at any point of the reading, becomes one ``DecisionLogError`` line."""
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8", newline="") as handle:
            yield handle
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise DecisionLogError(f"{path}: cannot be read ({type(error).__name__}: {error})") from None


COPILOT_HINT = "; is this the Copilot study's copilot_events.jsonl?"


def json_events(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, value) of each line of a JSON Lines log, read as ``_reading`` reads it."""
    with _reading(path) as handle:
        yield from json_lines(path, DecisionLogError, handle, COPILOT_HINT)


def _copilot(path: Path) -> Iterator[RealDecision]:
    for number, event in json_events(path):
        where = f"{path}:{number}"
        if not isinstance(event, dict) or "StateName" not in event:
            raise DecisionLogError(f"{where}: no StateName field; is this the Copilot study's copilot_events.jsonl?")
        if event["StateName"] not in ("Accepted", "Rejected"):
            continue  # Shown, Replay, Browsing: not decisions
        suggestion, prefix, seconds = (event.get(k) for k in ("CurrentSuggestion", "CurrentPrompt", "TimeSpentInState"))
        if not isinstance(suggestion, str) or not isinstance(prefix, str):
            raise DecisionLogError(
                f"{where}: CurrentSuggestion and CurrentPrompt must be text, got "
                f"{type(suggestion).__name__} and {type(prefix).__name__}"
            )
        if seconds is not None and not isinstance(seconds, (int, float)):
            raise DecisionLogError(f"{where}: TimeSpentInState must be a number, got {seconds!r}")
        yield RealDecision(
            prefix,
            suggestion,
            event["StateName"] == "Accepted",
            str(event.get("UserId")),
            "copilot",
            None if seconds is None else float(seconds),
            path.name,
            event.get("Task") if isinstance(event.get("Task"), str) else None,
        )


_TRUE, _FALSE = {"true", "1", "1.0", "yes"}, {"false", "0", "0.0", "no"}


def _realhumaneval(path: Path) -> Iterator[RealDecision]:
    with _reading(path) as handle:
        try:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            missing = [
                c for c in ("prefix_code", "suggestion", "accepted", "programmer_id", "model") if c not in columns
            ]
            if missing:
                raise DecisionLogError(
                    f"{path}: not RealHumanEval's autocomplete_data.csv (no column "
                    f"{', '.join(missing)}; expected {', '.join(REALHUMANEVAL_COLUMNS)})"
                )
            for number, row in enumerate(reader, start=1):
                # A quoted cell may span lines: the row's number among the data rows, and the line it ends on.
                where = f"{path}, row {number} (line {reader.line_num})"
                if None in row or any(v is None for v in row.values()):
                    raise DecisionLogError(f"{where}: {len(columns)} columns expected")
                accepted = row["accepted"].strip().lower()
                if accepted not in _TRUE | _FALSE:
                    raise DecisionLogError(f"{where}: accepted must be True or False, got {row['accepted']!r}")
                yield RealDecision(
                    row["prefix_code"],
                    row["suggestion"],
                    accepted in _TRUE,
                    row["programmer_id"],
                    row["model"],
                    None,
                    path.name,
                    row.get("task_name") or None,
                )
        except csv.Error as error:
            raise DecisionLogError(f"{path}: not a CSV file ({error})") from None
