"""Fairness of the study server under load: N participants press Run at once on 127.0.0.1, half of them on a
program that never ends (an infinite loop, or a fork bomb), half on a correct program.

    python benchmarks/bench_study_fairness.py [--participants 20] [--presses 3] [--sandboxes 12]
                                              [--timeout 300]

A real server (``codeassist_env.study.server.serve``, uvicorn) on the bwrap sandbox, in solo mode with the
``none`` assistant; each participant is a thread that joins and presses Run ``--presses`` times, one after
the other, as a person would. Printed: the seconds a well-behaved participant's Run took (median, p95,
max), in the hostile setting and in the anchor, where every participant is well-behaved, measured in the
same process; and their ratio. The target: p95 <= 2 s for the well-behaved while the others hang.
Every request must be answered and every run logged, in the time ``--timeout`` bounds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from codeassist_env.humans.reference import reference_program
from codeassist_env.machine import machine_line
from codeassist_env.problems import load_problems
from codeassist_env.study.core import StudyConfig
from codeassist_env.study.log import LOG_FILE, read_log
from codeassist_env.study.server import DEFAULT_SANDBOXES, build_study, serve

HANGS = ("while True:\n    pass\n", "import os\nwhile True:\n    os.fork()\n")
TARGET_P95_S = 2.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def post(url: str, body: dict, timeout: float) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        return json.loads(reply.read())


def one_setting(hostile: int, participants: int, presses: int, sandboxes: int, timeout: float) -> list[float]:
    """Seconds of every well-behaved Run when ``hostile`` of the ``participants`` run programs that hang."""
    references = {p.id: reference_program(p) for p in load_problems("codeassist-core")}
    with tempfile.TemporaryDirectory() as directory:
        study, close = build_study(
            StudyConfig(agents=("none",), problems="codeassist-core", solo=True),
            Path(directory) / "study",
            sandbox="bwrap",
            sandboxes=sandboxes,
        )
        lines: list[str] = []
        server = threading.Thread(
            target=serve, args=(study,), kwargs={"port": 0, "announce": lines.append}, daemon=True
        )
        server.start()
        while not lines:
            time.sleep(0.05)
        base = lines[0].rsplit(" ", 1)[-1] + "api/"
        good_times: list[float] = []
        failures: list[str] = []
        start = threading.Barrier(participants)

        def participant(index: int) -> None:
            code = f"P{index:02d}"
            try:
                view = post(base + "join", {"participant": code, "consent": True}, timeout)
                program = HANGS[index % len(HANGS)] if index < hostile else references[view["problem_id"]]
                start.wait()
                for _ in range(presses):
                    began = time.monotonic()
                    post(
                        base + "run",
                        {"participant": code, "problem_id": view["problem_id"], "code": program, "typed": ""},
                        timeout,
                    )
                    if index >= hostile:
                        good_times.append(time.monotonic() - began)
            except Exception as error:  # counted: every request must be answered
                failures.append(f"{code}: {type(error).__name__}: {error}")

        threads = [threading.Thread(target=participant, args=(i,)) for i in range(participants)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        runs = sum(r["type"] == "run" for r in read_log(Path(directory) / "study" / LOG_FILE).records)
        close()
    if failures:
        raise SystemExit("unanswered requests: " + "; ".join(failures[:5]))
    if runs != participants * presses:
        raise SystemExit(f"{runs} runs logged, expected {participants * presses}")
    return good_times


def describe(times: list[float]) -> str:
    return (
        f"median {statistics.median(times):.2f} s, p95 {percentile(times, 0.95):.2f} s, "
        f"max {max(times):.2f} s over {len(times)} runs"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=20)
    parser.add_argument("--presses", type=int, default=3, help="Runs per participant, one after the other")
    parser.add_argument("--sandboxes", type=int, default=DEFAULT_SANDBOXES, help="the study's sandboxes (build_study)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds any one request may take")
    args = parser.parse_args()
    print(machine_line())
    anchor = one_setting(0, args.participants, args.presses, args.sandboxes, args.timeout)
    print(f"anchor, all {args.participants} well-behaved: {describe(anchor)}")
    hostile = args.participants // 2
    loaded = one_setting(hostile, args.participants, args.presses, args.sandboxes, args.timeout)
    print(f"{hostile} hanging, {args.participants - hostile} well-behaved: {describe(loaded)}")
    p95 = percentile(loaded, 0.95)
    print(
        f"well-behaved p95 with others hanging / anchor p95: {p95 / percentile(anchor, 0.95):.2f}x; "
        f"target p95 <= {TARGET_P95_S:g} s: {'met' if p95 <= TARGET_P95_S else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
