"""The output and stderr caps live in sandbox/limits.py alone: the host sends them with every request and
the worker applies what it is sent."""

from __future__ import annotations

import pytest

from codeassist_env.problems import Problem
from codeassist_env.problems import TestCase as Case  # a Test* name would be collected by pytest
from codeassist_env.sandbox import open_sandbox
from codeassist_env.sandbox.scripts import grade
from codeassist_env.sandbox.limits import STDERR_CAP_BYTES, STDERR_KEEP

NOISY = Problem("noisy", "print ok", "stdin", [Case("", "ok")])
# 100 KB on stderr ending with a marker, then a correct answer.
PROGRAM = "import sys\nsys.stderr.write('x' * 100000 + 'END')\nprint('ok')\n"


@pytest.mark.bwrap
def test_the_worker_sends_back_the_stderr_tail_the_host_asks_for():
    with open_sandbox("bwrap") as sandbox:
        reply = sandbox.execute(NOISY, PROGRAM, "")
        assert reply["status"] == "ok" and len(reply["stderr"]) == STDERR_CAP_BYTES
        assert reply["stderr"].endswith("END")
        result = grade(NOISY, NOISY.hidden_tests[0], reply)
        assert result.status == "passed" and len(result.stderr) == STDERR_KEEP


def test_no_cap_is_written_down_twice():
    from pathlib import Path

    sources = Path(__file__).resolve().parents[1] / "codeassist_env" / "sandbox"
    for name in (
        "inside/worker.py",
        "inside/judge.py",
        "inside/child.py",
        "core.py",
        "channel.py",
        "docker_backend.py",
    ):
        text = (sources / name).read_text(encoding="utf-8")
        # the worker once had its own defaults and stderr cap, the host its own cut of startup errors
        assert 'req.get("output_cap"' not in text and "STDERR_KEEP =" not in text and "[-2000:]" not in text, name
