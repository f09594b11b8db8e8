"""Run trusted code (reference and known-wrong solutions of the bundled set) on many inputs.

One worker process per call, one forked child per test, as the sandbox does it, but with no isolation:
use it only for code kept in this repository. The functional convention is the sandbox's:
``Solution().<entry_point>(*args)`` (or a top-level function of that name) with one JSON argument per
input line; the result is written as JSON (tuples become lists).

Run as a script it is the worker: it reads one JSON job on stdin and prints one JSON list of runs.
"""
from __future__ import annotations

import json
import math
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass

STDERR_KEEP = 2000  # characters of a failing run's stderr worth keeping


@dataclass
class Run:
    status: str  # "ok", "error" (non-zero exit or exception) or "timeout"
    output: str
    cpu_s: float
    wall_s: float
    stderr: str = ""


def run_program(code: str, test_kind: str, entry_point: str | None, inputs: list[str],
                time_limit_s: float = 30.0) -> list[Run]:
    """Run ``code`` once per input; a run past ``time_limit_s`` CPU (or 2x + 1 s wall) is a timeout."""
    job = {"code": code, "test_kind": test_kind, "entry_point": entry_point, "inputs": inputs,
           "time_limit_s": time_limit_s}
    # A fixed hash seed: outputs must not depend on set/dict iteration order of strings by chance.
    env = dict(os.environ, PYTHONHASHSEED="0")
    proc = subprocess.run([sys.executable, os.path.abspath(__file__)], input=json.dumps(job),
                          capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"reference runner worker failed (exit {proc.returncode}): {proc.stderr[-STDERR_KEEP:]}")
    return [Run(**r) for r in json.loads(proc.stdout)]


def outputs_match(test_kind: str, got: str, expected: str) -> bool:
    """The sandbox's own comparators (tokens with float tolerance; JSON values), so this quick check
    grades exactly as the real sandbox does. Imported here: the worker process never needs them."""
    from codeassist_env.sandbox.compare import json_output_match, tokens_match

    if test_kind == "functional":
        try:
            return json_output_match(got, expected)
        except ValueError:  # the program printed more than its JSON result
            return False
    return tokens_match(got, expected)


def _child(job: dict, stdin_path: str, stdout_path: str, stderr_path: str) -> None:
    """Runs in the forked child; never returns."""
    limit = job["time_limit_s"]
    signal.alarm(math.ceil(2 * limit + 1))  # wall clock: the default SIGALRM action kills the child
    cpu = math.ceil(limit)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    for fd, path, flags in ((0, stdin_path, os.O_RDONLY), (1, stdout_path, os.O_WRONLY | os.O_TRUNC),
                            (2, stderr_path, os.O_WRONLY | os.O_TRUNC)):
        os.dup2(os.open(path, flags), fd)
    sys.stdin = open(0, "r", closefd=False)
    sys.stdout = open(1, "w", closefd=False)
    sys.stderr = open(2, "w", closefd=False)
    status = 0
    try:
        namespace = {"__name__": "__main__"}
        exec(compile(job["code"], "solution.py", "exec"), namespace)
        if job["test_kind"] == "functional":
            with open(stdin_path) as f:
                args = [json.loads(line) for line in f.read().splitlines() if line.strip()]
            entry = job["entry_point"]
            target = getattr(namespace["Solution"](), entry) if "Solution" in namespace else namespace[entry]
            sys.stdout.write(json.dumps(target(*args)))
    except SystemExit as e:
        status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException:  # noqa: BLE001 - the child reports every failure of the program under test
        traceback.print_exc()
        status = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(status)


def _run_one(job: dict, text: str, tmp: str) -> dict:
    paths = [os.path.join(tmp, name) for name in ("stdin", "stdout", "stderr")]
    for path, content in zip(paths, (text, "", "")):
        with open(path, "w") as f:
            f.write(content)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            _child(job, *paths)
        finally:
            os._exit(70)  # only reached if setting up the child itself failed
    _, wait_status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    with open(paths[1]) as f:
        output = f.read()
    with open(paths[2]) as f:
        stderr = f.read()[-STDERR_KEEP:]
    if os.WIFSIGNALED(wait_status) or cpu > job["time_limit_s"]:
        timed_out = cpu > job["time_limit_s"] or os.WTERMSIG(wait_status) in (signal.SIGALRM, signal.SIGXCPU,
                                                                                   signal.SIGKILL)
        status = "timeout" if timed_out else "error"
    else:
        status = "ok" if os.WEXITSTATUS(wait_status) == 0 else "error"
    return {"status": status, "output": output, "cpu_s": round(cpu, 4), "wall_s": round(wall, 4),
            "stderr": stderr if status != "ok" else ""}


def _worker() -> None:
    job = json.load(sys.stdin)
    with tempfile.TemporaryDirectory(prefix="codeassist-core-run-") as tmp:
        runs = [_run_one(job, text, tmp) for text in job["inputs"]]
    json.dump(runs, sys.stdout)


if __name__ == "__main__":
    _worker()
