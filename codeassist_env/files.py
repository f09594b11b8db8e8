"""The package's files: JSON Lines read with errors that name the file and the line, and files written whole
or not at all.

A file written whole is seen by a reader (a resumed run, a report, another process) as the old file or the new
one, never half of one: it is written to a temporary file beside the target and renamed over the target, which
POSIX makes atomic on one file system."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def json_lines(
    path: str | os.PathLike, error: type[Exception], lines: Iterable[str] | None = None, hint: str = ""
) -> Iterator[tuple[int, Any]]:
    """(line number, value) for each non-blank line of a JSON Lines file. The file is
    read as UTF-8, gzip-compressed when its name ends in .gz, unless ``lines`` are given (read from it some
    other way). A line that is not JSON raises ``error`` naming the file and the line, then ``hint``; a file
    that cannot be read raises ``error`` naming it."""
    path = Path(path)
    try:
        if lines is None:
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rt", encoding="utf-8") as handle:
                yield from json_lines(path, error, handle, hint)
            return
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as e:
                raise error(f"{path}:{number}: not valid JSON ({e.msg}){hint}") from None
            yield number, value
    except (OSError, EOFError, UnicodeDecodeError) as e:
        raise error(f"{path}: cannot be read ({type(e).__name__}: {e})") from None


@contextmanager
def replaced_whole(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside ``path``, with its suffix, to write to; it replaces ``path`` when the block ends
    without an error, and is removed when it raises."""
    path = Path(path)
    temporary = path.with_name(f".tmp-{os.getpid()}-{path.name}")  # its suffix kept: a plot's format reads it
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_whole(path: str | os.PathLike, content: str | bytes) -> Path:
    """Write ``content`` (text as UTF-8) to ``path`` whole or not at all; return the path."""
    with replaced_whole(path) as temporary:
        if isinstance(content, bytes):
            temporary.write_bytes(content)
        else:
            temporary.write_text(content, encoding="utf-8")
    return Path(path)
