"""One writer per run directory (two processes), and Ctrl-C on a bench (a subprocess sent SIGINT): every
result is kept exactly once, and the user is told how to continue. A plug-in assistant that hangs
(tests/plugin_faulty.py) keeps the first run busy for as long as the test needs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codeassist_env.bench.store import latest_by_triple, load_episodes

pytestmark = pytest.mark.bwrap

REPO = Path(__file__).resolve().parents[1]


def bench_command(out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "codeassist_env.cli",
        "--plugin",
        str(REPO / "tests" / "plugin_faulty.py"),
        "bench",
        "--agents",
        "none",
        "hang",
        "--human",
        "reference",
        "--sandbox",
        "bwrap",
        "--problems",
        "codeassist-core",
        "--split",
        "test",
        "--limit",
        "2",
        "--max-rounds",
        "4",
        "--concurrency",
        "2",
        "--no-progress",
        "--no-report",
        "--out",
        str(out),
        *extra,
    ]


def _interruptible() -> None:
    # A test run started in the background by a shell without job control inherits SIGINT ignored (POSIX
    # shells do that to background jobs), and a Python started so keeps ignoring it: the bench under test
    # gets Ctrl-C's default, as it would in a terminal, however pytest itself was started.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(command: list[str]) -> subprocess.Popen:
    # Own session: signals go to the bench and its sandbox workers at once, as a terminal's would.
    return subprocess.Popen(
        command,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        preexec_fn=_interruptible,
    )


def wait_for_episodes(out: Path, process: subprocess.Popen, count: int) -> None:
    episodes = out / "episodes.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if episodes.is_file() and episodes.read_bytes().count(b"\n") >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"no {count} episodes before the deadline: {process.communicate(timeout=30)}")


def test_a_second_run_on_a_directory_in_use_exits_2_naming_the_holder_and_a_killed_one_leaves_no_lock(tmp_path):
    out = tmp_path / "run"
    first = start(bench_command(out, "--agent-timeout", "120"))
    try:
        wait_for_episodes(out, first, 1)  # `none` is done; `hang` holds the run (and its lock) for 120 s
        second = subprocess.run(
            bench_command(out, "--agent-timeout", "1", "--resume"),
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        assert second.returncode == 2, second.stderr
        assert f"is being written by another run (pid {first.pid})" in second.stderr
        assert second.stderr.strip().splitlines()[-1].startswith("codeassist bench: ")
        assert "Traceback" not in second.stderr and "agents ready" not in second.stderr  # refused before loading
        os.killpg(first.pid, signal.SIGKILL)
    finally:
        first.kill()
        first.communicate(timeout=30)
    third = subprocess.run(
        bench_command(out, "--agent-timeout", "1", "--resume"),
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert third.returncode == 0, third.stderr
    records = load_episodes(out / "episodes.jsonl").records
    assert len(records) == len(latest_by_triple(records)) == 4  # each episode exactly once
    assert sorted(r["status"] for r in records) == ["agent_error", "agent_error", "ok", "ok"]


def test_ctrl_c_keeps_what_finished_says_how_to_continue_and_exits_130(tmp_path):
    out = tmp_path / "run"
    process = start(bench_command(out, "--agent-timeout", "120"))
    try:
        wait_for_episodes(out, process, 1)
        interrupted = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert time.monotonic() - interrupted < 20  # not the 120 s the hanging assistant's deadline would take
    assert process.returncode == 130, stderr
    kept = len(load_episodes(out / "episodes.jsonl").records)
    assert kept >= 1
    assert f"interrupted: {kept} episodes kept in {out}; the same command with --resume continues" in stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
