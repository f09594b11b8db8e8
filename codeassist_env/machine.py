"""What machine a number was measured on: recorded in benchmark results and printed by every benchmark,
because a timing without its machine (and its load, on shared hosts) cannot be compared."""
from __future__ import annotations

import os
import platform
from typing import Any


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def machine_facts() -> dict[str, Any]:
    return {"cpu_count": os.cpu_count(), "cpu_model": cpu_model(), "python": platform.python_version(),
            "platform": platform.platform(), "hostname": platform.node()}


def machine_line(**extra: Any) -> str:
    """One printable line: CPUs, model, load average, platform, Python, then ``key value`` extras."""
    load = " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    parts = [f"{os.cpu_count()} CPUs ({cpu_model()})", f"load average {load}", platform.platform(),
             f"Python {platform.python_version()}"]
    parts += [f"{key.replace('_', ' ')} {value}" for key, value in extra.items()]
    return ", ".join(parts)
