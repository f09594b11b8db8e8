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
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

LOG_FILE = "study.jsonl"
CONFIG_FILE = "study.json"
RECORD_TYPES = ("join", "start", "suggestion", "decision", "run", "problem", "preference")


class StudyLogError(ValueError):
    """A study directory that cannot be used (corrupt log, different configuration)."""


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass
class LoadedLog:
    records: list[dict[str, Any]] = field(default_factory=list)
    good_bytes: int = 0  # up to and including the last whole line
    truncated_tail: bool = False
    notes: list[str] = field(default_factory=list)


def read_log(path: Path) -> LoadedLog:
    """Every whole record of ``path``. A bad line before the last one is corruption: ``StudyLogError``."""
    loaded = LoadedLog()
    if not path.is_file():
        return loaded
    lines = path.read_bytes().split(b"\n")
    ends_clean = not lines[-1]
    if ends_clean:
        lines.pop()
    for number, raw in enumerate(lines, 1):
        problem = None
        try:
            record = json.loads(raw)
            if not isinstance(record, dict):
                problem = f"a JSON {type(record).__name__}, not an object"
            elif record.get("type") not in RECORD_TYPES:
                problem = f"field 'type' is {record.get('type')!r}, not one of {RECORD_TYPES}"
        except ValueError as error:
            problem = f"not JSON: {error}"
        if number == len(lines) and (problem or not ends_clean):
            loaded.truncated_tail = True
            loaded.notes.append(f"{path}:{number}: cut-short last line ({len(raw)} bytes, "
                                f"{problem or 'no final newline'}) ignored")
            break
        if problem:
            raise StudyLogError(f"{path}:{number}: corrupt line before the last one ({problem})")
        loaded.records.append(record)
        loaded.good_bytes += len(raw) + 1
    return loaded


class LogWriter:
    """Appends records to ``study.jsonl``; safe to share between threads."""

    def __init__(self, path: Path, loaded: LoadedLog):
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        if loaded.truncated_tail:
            os.ftruncate(self._fd, loaded.good_bytes)
            os.fsync(self._fd)
        self._lock = threading.Lock()

    def append(self, record: dict[str, Any]) -> dict[str, Any]:
        record = {"type": record["type"], "at": now_iso(), **record}
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        with self._lock:
            if self._fd < 0:
                raise RuntimeError(f"{self.path} is closed")
            written = os.write(self._fd, line)
            if written != len(line):
                raise OSError(f"{self.path}: short write ({written} of {len(line)} bytes)")
            os.fsync(self._fd)
        return record

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1


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
            raise StudyLogError(f"{path}: this study was started with other settings ({', '.join(changed)}: "
                                f"{', '.join(f'{old.get(k)!r} -> {config.get(k)!r}' for k in changed)}); "
                                "use a new --out directory")
        return
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def read_config(directory: Path) -> dict[str, Any]:
    path = directory / CONFIG_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StudyLogError(f"{directory} is not a study directory: it has no {CONFIG_FILE}") from None
    except ValueError as error:
        raise StudyLogError(f"{path}: not JSON ({error})") from None
