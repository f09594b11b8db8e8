"""The study's record on disk: ``DIR/study.json`` (the configuration) and ``DIR/study.jsonl`` (what happened).

``study.jsonl`` is append-only, one JSON object per line, each with a ``type``: ``join``, ``start``
(a problem first shown), ``suggestion``, ``decision``, ``run`` (public tests), ``problem`` (a finished
problem, with the bench's episode fields), ``preference``. A line is written with one ``os.write`` on an
``O_APPEND`` descriptor and fsync'ed before the server answers, so whatever a participant was told is
saved is on disk. A crash mid-write can only leave a cut-short last line: reading reports and skips it,
and opening the log for appending truncates it away so the next line starts clean. The server rebuilds
its whole state from this file when it starts, which is how a restart loses nothing and a participant
resumes.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from codeassist_env.errors import InputError
from codeassist_env.files import write_whole
from codeassist_env.jsonl_log import LineWriter, LoadedLines, read_lines

LOG_FILE = "study.jsonl"
CONFIG_FILE = "study.json"
RECORD_TYPES = ("join", "start", "suggestion", "decision", "run", "problem", "preference")


class StudyLogError(InputError):
    """A study directory that cannot be used (corrupt log, different configuration)."""


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _check(record: dict[str, Any]) -> str | None:
    if record.get("type") not in RECORD_TYPES:
        return f"field 'type' is {record.get('type')!r}, not one of {RECORD_TYPES}"
    return None


def read_log(path: Path) -> LoadedLines:
    """Every whole record of ``path``. A bad line before the last one is corruption: ``StudyLogError``."""
    return read_lines(path, StudyLogError, _check)


class LogWriter:
    """Appends records to ``study.jsonl``, each stamped with the time; safe to share between threads.

    It holds a ``LineWriter`` rather than being one: its ``append`` takes no name and returns the stamped
    record, so it cannot stand where a ``LineWriter`` is expected."""

    def __init__(self, path: Path, loaded: LoadedLines):
        self.path = path
        self._lines = LineWriter(path, loaded)

    def append(self, record: dict[str, Any]) -> dict[str, Any]:
        record = {"type": record["type"], "at": now_iso(), **record}
        self._lines.append(record, name=f"{record['type']} record of participant {record.get('participant')!r}")
        return record

    def close(self) -> None:
        self._lines.close()

    def __enter__(self) -> LogWriter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def check_config(directory: Path, config: dict[str, Any]) -> None:
    """Write ``study.json`` on the first start; refuse to continue a study under another configuration
    (its log would mix two designs)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / CONFIG_FILE
    if path.is_file():
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as error:
            raise StudyLogError(f"{path}: not JSON ({error})") from None
        changed = sorted(k for k in set(old) | set(config) if old.get(k) != config.get(k))
        if changed:
            raise StudyLogError(
                f"{path}: this study was started with other settings ({', '.join(changed)}: "
                f"{', '.join(f'{old.get(k)!r} -> {config.get(k)!r}' for k in changed)}); "
                "use a new study directory"
            )
        return
    write_whole(path, json.dumps(config, indent=2, sort_keys=True) + "\n")


def read_config(directory: Path) -> dict[str, Any]:
    path = directory / CONFIG_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StudyLogError(f"{directory} is not a study directory: it has no {CONFIG_FILE}") from None
    except ValueError as error:
        raise StudyLogError(f"{path}: not JSON ({error})") from None
