"""The real decision log a ``codeassist realism`` command reads: the one named, else the default."""
from __future__ import annotations

from pathlib import Path

from codeassist_env.realism.logs import DecisionLogError, default_logs

REAL_HELP = "a real decision log (default: the Copilot study's copilot_events.jsonl.gz, where it is found)"


def real_log(path: str | None) -> Path:
    if path:
        return Path(path)
    found = default_logs()
    if not found:
        raise DecisionLogError("no real decision log given (--real PATH) and the Copilot study's "
                               "copilot_events.jsonl.gz was not found (set CODEASSIST_DATA_DIR to its folder)")
    return found[0]
