"""Append-only JSON Lines files that a crash mid-write cannot corrupt: the bench's ``episodes.jsonl`` and
the study's ``study.jsonl``.

Each line is written with a single ``os.write`` on an ``O_APPEND`` descriptor and fsync'ed, so concurrent
writers (threads or processes) never interleave and a line on disk is either whole or, after a ``kill -9``
or a crash mid-write, a cut-short last line. Reading reports such a last line and leaves it out; opening
the file for appending truncates it away first, so the next line starts clean. A bad line before the last
one cannot come from a crash: it is corruption, and the caller's error is raised.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable


class UnstorableRecord(RuntimeError):
    """A record that JSON or UTF-8 cannot hold (a lone surrogate, a non-JSON value): a bug of whoever made it."""


@dataclass
class LoadedLines:
    records: list[dict[str, Any]] = field(default_factory=list)
    truncated_tail: bool = False  # the last line was cut short and is left out of ``records``
    good_bytes: int = 0  # length of the file up to and including the last whole line
    notes: list[str] = field(default_factory=list)


def read_lines(
    path: Path,
    error: type[Exception],
    check: Callable[[dict[str, Any]], str | None] | None = None,
    tail_note: str = "cut-short last line ({size} bytes, {why}) ignored",
) -> LoadedLines:
    """Every whole record of ``path`` (none when it does not exist). ``check`` returns what is wrong with a
    JSON object (or None): on the last line that makes it cut short, before it that raises ``error``.
    ``tail_note`` words the note on a cut-short last line (``{size}``, ``{why}``); it is prefixed with
    ``path:line:``."""
    loaded = LoadedLines()
    if not path.is_file():
        return loaded
    lines = path.read_bytes().split(b"\n")
    # A clean file ends with a newline, so its split ends with b""; anything else there lacks its newline.
    ends_clean = not lines[-1]
    if ends_clean:
        lines.pop()
    for number, raw in enumerate(lines, 1):
        problem = None
        try:
            record = json.loads(raw)
            if not isinstance(record, dict):
                problem = f"a JSON {type(record).__name__}, not an object"
            elif check is not None:
                problem = check(record)
        except ValueError as failure:
            problem = f"not JSON: {failure}"
        if number == len(lines) and (problem or not ends_clean):
            loaded.truncated_tail = True
            note = tail_note.format(size=len(raw), why=problem or "no final newline")
            loaded.notes.append(f"{path}:{number}: {note}")
            break
        if problem:
            raise error(f"{path}:{number}: corrupt line before the last one ({problem})")
        loaded.records.append(record)
        loaded.good_bytes += len(raw) + 1
    return loaded


class LineWriter:
    """Appends one JSON line per ``append`` to a file read by ``read_lines``; safe to share between threads."""

    def __init__(self, path: Path, loaded: LoadedLines):
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        if loaded.truncated_tail:
            os.ftruncate(self._fd, loaded.good_bytes)  # O_APPEND writes then start after the last whole line
            os.fsync(self._fd)
        self._lock = threading.Lock()  # only to keep fsync and close apart; the write itself is atomic

    def append(self, record: dict[str, Any], name: str = "record") -> None:
        """Write ``record`` whole, or raise ``UnstorableRecord`` naming it (``name``) and write nothing."""
        try:
            line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        except (TypeError, ValueError) as error:  # UnicodeEncodeError (a lone surrogate) is a ValueError
            raise UnstorableRecord(
                f"{self.path}: {name} cannot be stored, nothing written: {type(error).__name__}: {error}"
            ) from error
        with self._lock:
            if self._fd < 0:
                raise RuntimeError(f"{self.path} is closed")
            written = os.write(self._fd, line)
            if written != len(line):  # a regular file only writes short on a full disk or a quota
                raise OSError(f"{self.path}: short write ({written} of {len(line)} bytes)")
            os.fsync(self._fd)

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    def __enter__(self) -> "LineWriter":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
