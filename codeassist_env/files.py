"""Files written whole or not at all: a reader (a resumed run, a report, another process) finds the old file or
the new one, never half of one. Each writes a temporary file beside the target and renames it over the target,
which POSIX makes atomic on one file system."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


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
