"""What machine a number was measured on: recorded in benchmark results and printed by every benchmark,
because a timing without its machine (and its load, on shared hosts) cannot be compared."""

from __future__ import annotations

import os
import platform
from typing import Any


def _cpuinfo_field(name: str) -> str | None:
    """The first ``name`` line of /proc/cpuinfo, or None (no such line, or not Linux)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.split(":", 1)[0].strip() == name:
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def cpu_model() -> str:
    return _cpuinfo_field("model name") or platform.processor() or platform.machine() or "unknown"


def cpu_flags() -> set[str]:
    """The CPU's feature flags (e.g. ``avx2``, ``amx_tile``); empty where /proc/cpuinfo is not there."""
    return set((_cpuinfo_field("flags") or "").split())


def machine_facts() -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "hostname": platform.node(),
    }


def machine_line(**extra: Any) -> str:
    """One printable line: CPUs, model, load average, platform, Python, then ``key value`` extras."""
    load = " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    parts = [
        f"{os.cpu_count()} CPUs ({cpu_model()})",
        f"load average {load}",
        platform.platform(),
        f"Python {platform.python_version()}",
    ]
    parts += [f"{key.replace('_', ' ')} {value}" for key, value in extra.items()]
    return ", ".join(parts)
