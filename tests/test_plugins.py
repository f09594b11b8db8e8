"""Plug-ins: a human, an agent and a problem set registered from outside the package (tests/plugin_demo.py)
are choices of ``codeassist bench`` through ``--plugin``, and each is used in the run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PLUGIN = "tests/plugin_demo.py"


def codeassist(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "codeassist_env.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.bwrap
def test_a_plugin_adds_a_human_an_agent_and_a_problem_set_to_bench(tmp_path):
    out = tmp_path / "run"
    done = codeassist(
        "--plugin",
        PLUGIN,
        "bench",
        "--agents",
        "echo",
        "oracle-3",
        "--human",
        "stubborn",
        "--problems",
        "twice",
        "--max-rounds",
        "20",
        "--human-tokens",
        "3",
        "--sandbox",
        "bwrap",
        "--no-progress",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    records = [json.loads(line) for line in (out / "episodes.jsonl").read_text().splitlines()]
    assert sorted((r["agent"], r["problem_id"], r["status"]) for r in records) == [
        ("echo", "twice", "ok"),
        ("oracle-3", "twice", "ok"),
    ]
    for record in records:
        assert record["passed"] and record["code"] == "n = int(input())\nprint(2 * n)\n"
        assert "accept" not in [t["decision"] for t in record["transcript"]], record["transcript"]
    by_agent = {r["agent"]: r for r in records}
    # The stubborn human rejected the oracle's suggestions and typed the reference itself ...
    assert "reject" in [t["decision"] for t in by_agent["oracle-3"]["transcript"] if t["suggestion"]]
    # ... and the echo agent repeated the last line at the end, which a finished program does not need.
    assert by_agent["echo"]["transcript"][-1]["suggestion"] == "print(2 * n)\n"
    run = json.loads((out / "run.json").read_text())
    assert run["human"]["class"] == "StubbornHuman" and run["config"]["problems"] == "twice"


def test_plugin_by_module_name_and_its_names_in_help():
    done = codeassist("bench", "--help", "--plugin", "plugin_demo", env={"PYTHONPATH": str(REPO / "tests")})
    assert done.returncode == 0, done.stderr
    assert "echo: repeats the last line" in done.stdout and "stubborn" in done.stdout


def test_without_the_plugin_its_names_are_unknown_and_nothing_is_created(tmp_path):
    out = tmp_path / "run"
    for args, message in [
        (["--agents", "echo"], "unknown agent 'echo'"),
        (["--agents", "none", "--human", "stubborn"], "unknown human 'stubborn'"),
        (["--agents", "none", "--problems", "twice"], "unknown problem set 'twice'"),
    ]:
        done = codeassist("bench", *args, "--out", str(out))
        assert done.returncode == 2 and message in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and not out.exists()
    done = codeassist("--plugin", "tests/no_such_plugin.py", "bench")
    assert done.returncode == 2 and done.stderr.strip() == (
        "codeassist: plugin file tests/no_such_plugin.py does not exist; give a .py file or an importable module name"
    )
