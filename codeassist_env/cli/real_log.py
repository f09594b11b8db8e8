"""The real decision log a ``codeassist realism`` command reads: the one named, else the default."""

from __future__ import annotations

from pathlib import Path

from codeassist_env.realism.logs import default_logs

REAL_HELP = "a real decision log (default: the Copilot study's copilot_events.jsonl.gz, shipped with the package)"


def real_log(path: str | None) -> Path:
    return Path(path) if path else default_logs()[0]
