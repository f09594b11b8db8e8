"""Episodes on HumanEval+ against the same episodes on HumanEval: the main protocol (the five assistants, the
expert, 50 rounds of K_H = 10) on the first N problems of each set, side by side in one run on one machine, as
wall time of the whole ``codeassist bench`` command (start-up and final grading included). The two sets have
the same problems, prompts and public tests; HumanEval+ grades each final program on its 785 inputs on average
instead of HumanEval's 7, so the ratio is what the stronger tests cost an episode.

    python benchmarks/bench_plus_episodes.py [--limit 30] [--out runs/bench-plus] [--first humaneval]

Each bench is a fresh process with ``--no-progress --no-report``; its median episode time comes from its
episodes' own ``elapsed_s``. The load average is printed before and after each.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from codeassist_env.machine import machine_line

SETS = ("humaneval", "humanevalplus")


def run_bench(problems: str, limit: int, out: Path) -> tuple[float, list[float], int]:
    """(wall seconds, each episode's seconds, episodes that ended ok) of one bench."""
    command = [
        sys.executable,
        "-m",
        "codeassist_env.cli",
        "bench",
        "--problems",
        problems,
        "--limit",
        str(limit),
        "--no-progress",
        "--no-report",
        "--out",
        str(out),
    ]
    started = time.monotonic()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - started
    records = [json.loads(line) for line in (out / "episodes.jsonl").read_text().splitlines() if line.strip()]
    return wall, [float(r["elapsed_s"]) for r in records], sum(r["status"] == "ok" for r in records)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=30, help="problems of each set (default 30)")
    parser.add_argument("--out", type=Path, default=Path("runs/bench-plus"), help="where the two runs go")
    parser.add_argument("--first", choices=SETS, default="humaneval", help="which set runs first")
    args = parser.parse_args()
    print(machine_line())
    order = SETS if args.first == "humaneval" else SETS[::-1]
    rows = {}
    for problems in order:
        out = args.out / f"{problems}-{args.limit}"
        if out.exists():
            sys.exit(f"{out} exists: give another --out (a resumed run would not time the whole bench)")
        print(f"{problems}: load average {os.getloadavg()[0]:.1f} before", flush=True)
        rows[problems] = run_bench(problems, args.limit, out)
        print(f"{problems}: {rows[problems][0]:.0f} s, load average {os.getloadavg()[0]:.1f} after", flush=True)
    print("\n| set | episodes (ok) | wall (s) | median episode (s) |\n|---|---|---|---|")
    for problems in SETS:
        wall, episodes, ok = rows[problems]
        print(f"| {problems} | {len(episodes)} ({ok}) | {wall:.0f} | {statistics.median(episodes):.2f} |")
    ratio = rows["humanevalplus"][0] / rows["humaneval"][0]
    print(f"\nHumanEval+ / HumanEval wall time: {ratio:.2f}x (target <= 1.3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
