"""The sandbox's grading: every test kind, every status, comparators, output cap, worker restarts.

Runs on the real backends: ``process`` everywhere, ``bwrap`` and ``docker`` (markers) where they exist.
Docker tests skip outside CI when no daemon answers; with CI=true they must run.
"""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from codeassist_env.problem import Problem
from codeassist_env.problem import TestCase as Case
from codeassist_env.sandbox import SandboxUnavailable, evaluate, open_sandbox, resolve_backend
from codeassist_env.sandbox.compare import json_output_match, tokens_match, values_match
from codeassist_env.sandbox.local import SANDBOX_PYTHON_ENV

pytestmark = pytest.mark.filterwarnings("ignore:sandbox backend 'process' is NOT a sandbox")


def require_backend(name: str) -> None:
    try:
        resolve_backend(name)
    except SandboxUnavailable as e:
        if name == "docker" and os.environ.get("CI") != "true":
            pytest.skip(str(e))
        raise


@pytest.fixture(
    scope="module",
    params=[
        "process",
        pytest.param("bwrap", marks=pytest.mark.bwrap),
        pytest.param("docker", marks=pytest.mark.docker),
    ],
)
def sandbox(request):
    require_backend(request.param)
    with open_sandbox(request.param) as sb:
        yield sb


def stdin_problem(*tests: tuple[str, str], **kw) -> Problem:
    return Problem(id="stdin", statement="", test_kind="stdin", hidden_tests=[Case(i, o) for i, o in tests], **kw)


def functional_problem(entry_point: str, *tests: tuple[str, str]) -> Problem:
    return Problem(
        id="functional",
        statement="",
        test_kind="functional",
        entry_point=entry_point,
        hidden_tests=[Case(i, o) for i, o in tests],
    )


def assert_problem(entry_point: str, check: str) -> Problem:
    return Problem(id="assert", statement="", test_kind="assert", entry_point=entry_point, hidden_tests=[Case(check)])


ADD = stdin_problem(("1 2\n", "3\n"), ("10 -4\n", "6"))
ADD_CODE = "a, b = map(int, input().split())\nprint(a + b)\n"


def statuses(verdict) -> list[str]:
    return [t.status for t in verdict.tests]


def test_stdin_passed_and_wrong_answer(sandbox):
    v = sandbox.run(ADD, ADD_CODE)
    assert v.passed and v.n_passed == 2 and v.backend == sandbox.backend
    assert statuses(sandbox.run(ADD, "a, b = map(int, input().split())\nprint(a - b)")) == ["wrong_answer"] * 2


def test_stdin_tokens_ignore_whitespace_and_floats_use_tolerance(sandbox):
    p = stdin_problem(("", "0.3333333333 2\n"))
    assert sandbox.run(p, "print(1/3,\n'   2   ')").passed
    assert sandbox.run(p, "print('0.33333334 2')").passed  # within 1e-6
    assert not sandbox.run(p, "print('0.3334 2')").passed
    assert not sandbox.run(p, "print('0.3333333333 2 extra')").passed


def test_stdin_exit_codes(sandbox):
    p = stdin_problem(("", "ok"))
    assert sandbox.run(p, "import sys\nprint('ok')\nsys.exit(0)").passed
    assert sandbox.run(p, "import os, sys\nprint('ok')\nsys.stdout.flush()\nos._exit(0)").passed
    v = sandbox.run(p, "import sys\nprint('ok')\nsys.exit(3)")
    assert statuses(v) == ["runtime_error"] and "SystemExit" in v.tests[0].stderr


def test_functional_method_function_tuples_and_json_values(sandbox):
    p = functional_problem("pair", ("[3, 1, 2]\n5", "[1, 5]"), ("[]\n0", "null"))
    method = "class Solution:\n    def pair(self, xs, k):\n        return (min(xs), k) if xs else None\n"
    assert sandbox.run(p, method).passed  # a tuple compares equal to the JSON list
    function = "def pair(xs, k):\n    return [min(xs), k] if xs else None\n"
    assert sandbox.run(p, function).passed
    assert statuses(sandbox.run(p, "def pair(xs, k):\n    return [k, min(xs)] if xs else 0\n")) == ["wrong_answer"] * 2
    printing = "def pair(xs, k):\n    print([min(xs), k])\n"  # printing is not returning
    assert sandbox.run(p, printing).tests[0].status == "wrong_answer"


def test_functional_booleans_floats_and_unserializable_results(sandbox):
    p = functional_problem("f", ("1", "true"))
    assert sandbox.run(p, "def f(x): return x == 1").passed
    assert statuses(sandbox.run(p, "def f(x): return 1")) == ["wrong_answer"]  # 1 is not true
    q = functional_problem("f", ("2", "0.6666666667"))
    assert sandbox.run(q, "def f(x): return x / 3").passed
    assert statuses(sandbox.run(q, "def f(x): return object()")) == ["wrong_answer"]
    assert statuses(sandbox.run(q, "def f(x): return 10 ** 400")) == ["wrong_answer"]  # no float: not near one
    assert statuses(sandbox.run(q, "def g(x): return 1")) == ["runtime_error"]  # no such entry point


def test_functional_main_block_does_not_run(sandbox):
    p = functional_problem("f", ("1", "2"))
    code = "def f(x):\n    return x + 1\nif __name__ == '__main__':\n    raise SystemExit(input())\n"
    assert sandbox.run(p, code).passed


def test_assert_kind(sandbox):
    p = assert_problem("inc", "def check(candidate):\n    assert candidate(1) == 2\n    assert candidate(-1) == 0\n")
    assert sandbox.run(p, "def inc(x):\n    return x + 1\n").passed
    wrong = sandbox.run(p, "def inc(x):\n    return x\n")
    assert statuses(wrong) == ["wrong_answer"] and "AssertionError" in wrong.tests[0].stderr
    assert statuses(sandbox.run(p, "def inc(x):\n    return x + 'a'\n")) == ["runtime_error"]


def test_programs_may_fork(sandbox):
    p = stdin_problem(("", "1 " * 8))
    assert sandbox.run(p, "import os\nfor _ in range(3):\n    os.fork()\nprint(1)").passed
    mp = "import multiprocessing as m\nwith m.get_context('fork').Pool(2) as pool:\n    print(*pool.map(abs, [-1] * 8))\n"
    assert sandbox.run(p, mp).passed


def test_syntax_error(sandbox):
    v = sandbox.run(ADD, "def broken(:\n    pass\n")
    assert statuses(v) == ["syntax_error", "syntax_error"] and "SyntaxError" in v.tests[0].stderr
    p = assert_problem("inc", "def check(candidate):\n    assert candidate(1) == 2\n")
    assert statuses(sandbox.run(p, "def inc(x):\n  return x +\n")) == ["syntax_error"]


def test_runtime_error_carries_the_traceback(sandbox):
    v = sandbox.run(ADD, "raise ValueError('boom ' * 3)\n", fail_fast=True)
    assert statuses(v) == ["runtime_error"]  # fail_fast stops after the first test
    assert "ValueError: boom boom boom" in v.tests[0].stderr and "worker" not in v.tests[0].stderr


def test_traceback_survives_a_long_stderr(sandbox):
    # More stderr than the worker sends back: the end (where the traceback is) is what is kept.
    noisy = "import sys\nfor i in range(3000):\n    print('debug line', i, file=sys.stderr)\nraise ValueError('late')\n"
    v = sandbox.run(ADD, noisy, fail_fast=True)
    assert statuses(v) == ["runtime_error"] and "ValueError: late" in v.tests[0].stderr


def test_time_limit_cpu_and_wall(sandbox):
    p = stdin_problem(("", "x"), time_limit_s=1.0)
    for code in ("while True:\n    pass\n", "import time\ntime.sleep(60)\n"):
        start = time.monotonic()
        v = sandbox.run(p, code)
        assert statuses(v) == ["time_limit"]
        assert time.monotonic() - start < 3.0 + 2.0  # wall limit 2 * 1 s + 1 s, plus slack
    assert sandbox.run(ADD, ADD_CODE).passed  # the worker is fine afterwards


def test_memory_limit(sandbox):
    p = stdin_problem(("", "x"), memory_limit_mb=256)
    assert statuses(sandbox.run(p, "x = bytearray(2 * 1024 ** 3)\n")) == ["memory_limit"]
    grow = "chunks = []\nwhile True:\n    chunks.append(bytearray(16 * 1024 * 1024))\n"
    assert statuses(sandbox.run(p, grow)) == ["memory_limit"]
    assert sandbox.run(stdin_problem(("", "1"), memory_limit_mb=256), "x = bytearray(64 * 1024 ** 2)\nprint(1)").passed


def test_output_cap(sandbox):
    cap = sandbox.output_cap
    sandbox.output_cap = 10_000
    try:
        v = sandbox.run(stdin_problem(("", "x")), "print('y' * 20_000)")
        assert statuses(v) == ["runtime_error"] and "output exceeded 10000 bytes" in v.tests[0].stderr
        assert sandbox.run(stdin_problem(("", "y" * 9000)), "print('y' * 9000)").passed
    finally:
        sandbox.output_cap = cap


def test_large_input_and_output_round_trip(sandbox):
    n = 200_000
    p = stdin_problem((" ".join(map(str, range(n))) + "\n", " ".join(str(2 * i) for i in range(n))))
    assert sandbox.run(p, "print(*(2 * int(t) for t in input().split()))").passed


def test_program_sees_only_its_own_private_tmp(sandbox):
    # A file one test leaves behind is gone for the next: every test starts in an empty directory.
    p = stdin_problem(("", "[]"), ("", "[]"))
    code = "import os\nprint(sorted(os.listdir('.')))\nopen('left-behind', 'w').write('x')\n"
    assert sandbox.run(p, code).passed


def test_evaluate_one_shot_names_the_resolved_backend():
    v = evaluate(ADD, ADD_CODE, backend="process")
    assert v.passed and v.backend == "process" and v.to_dict()["n_total"] == 2


def test_process_backend_warns():
    with pytest.warns(RuntimeWarning, match="NOT a sandbox"):
        open_sandbox("process").close()


def test_worker_killed_by_the_program_is_restarted_once_then_blamed():
    # Only the process backend lets a program kill its worker (elsewhere the worker is PID 1 of its namespace).
    with open_sandbox("process") as sb:
        v = sb.run(ADD, "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n", fail_fast=True)
        assert statuses(v) == ["runtime_error"] and "died twice" in v.tests[0].stderr
        assert sb.restarts == 1
        assert sb.run(ADD, ADD_CODE).passed and sb.restarts == 2


def test_a_run_that_failed_gets_one_status_whatever_the_kind_of_test():
    """Call tests (calls.grade_calls) and the others (core.grade) read a failed run alike; in particular a worker
    that died twice on one test (what Sandbox.request replies then) is the program's runtime error, never an
    infra_error, which a benchmark would leave out of the program's score."""
    from codeassist_env.sandbox.calls import EvalPlusRules, grade_calls
    from codeassist_env.sandbox.core import RunStatus
    from codeassist_env.sandbox.scripts import grade

    rules = EvalPlusRules("humaneval", "f", 0.0)
    for status in RunStatus:
        if status == RunStatus.OK:
            continue
        reply = {"status": status, "time_s": 1.0, "stderr": "x"}
        assert [t.status for t in grade_calls(reply, rules, [((1,), {})], [1], [0.0])] == [
            grade(ADD, ADD.hidden_tests[0], reply).status
        ], status
    died_twice = {
        "status": RunStatus.ERROR,
        "error_type": "WorkerDied",
        "time_s": 1.0,
        "stderr": "the sandbox worker died twice on this test",
    }
    assert grade_calls(died_twice, rules, [((1,), {})], [1], [0.0])[0].status == "runtime_error"


@pytest.mark.bwrap
def test_worker_killed_from_outside_is_restarted_and_the_test_rerun():
    require_backend("bwrap")
    with open_sandbox("bwrap") as sb:
        os.kill(sb.worker.proc.pid, signal.SIGKILL)  # fault injection: the worker dies between tests
        assert sb.run(ADD, ADD_CODE).passed
        assert sb.restarts == 1


@pytest.mark.bwrap
def test_failure_to_restart_is_infra_error_not_the_programs_fault(monkeypatch):
    require_backend("bwrap")
    with open_sandbox("bwrap") as sb:
        monkeypatch.setenv(SANDBOX_PYTHON_ENV, "/nonexistent/python3")  # the next start really fails
        os.kill(sb.worker.proc.pid, signal.SIGKILL)
        v = sb.run(ADD, ADD_CODE)
        assert statuses(v) == ["infra_error", "infra_error"] and v.infra_error
        assert "could not restart" in v.tests[0].stderr


@pytest.mark.docker
def test_docker_container_killed_is_restarted_and_daemon_gone_is_infra_error(monkeypatch):
    require_backend("docker")
    with open_sandbox("docker") as sb:
        sb.worker.container.kill()  # fault injection: the container dies between tests
        assert sb.run(ADD, ADD_CODE).passed and sb.restarts == 1
        sb.worker.container.kill()
        monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")  # and now no daemon answers
        v = sb.run(ADD, ADD_CODE)
        assert statuses(v) == ["infra_error", "infra_error"] and "could not" in v.tests[0].stderr


@pytest.mark.bwrap
def test_concurrent_sandboxes_in_threads():
    require_backend("bwrap")

    def work(_):
        with open_sandbox("bwrap") as sb:
            return all(sb.run(ADD, ADD_CODE).passed for _ in range(5)), sb.worker.uid

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(work, range(4)))
    assert all(ok for ok, _ in results)
    if os.getuid() == 0:
        assert len({uid for _, uid in results}) == 4  # no two workers share an RLIMIT_NPROC budget


def test_unavailable_backend_says_what_is_missing(monkeypatch):
    monkeypatch.setenv(SANDBOX_PYTHON_ENV, "/nonexistent/python3")
    with pytest.raises(SandboxUnavailable, match="apt-get install python3"):
        resolve_backend("bwrap")
    with pytest.raises(ValueError, match="unknown sandbox backend 'firejail'"):
        resolve_backend("firejail")


def test_comparators():
    assert tokens_match("1 2\n3\n", "1\n2 3")
    assert tokens_match("1.0000001", "1.0") and not tokens_match("1.001", "1.0")
    assert tokens_match("1e9", "1000000000.0000001")
    assert not tokens_match("1_000", "1000")  # only plain decimal numbers are numbers
    assert not tokens_match("nan", "NaN") and not tokens_match("YES", "yes")
    assert values_match([1, [2.0000001, "a"]], [1, [2, "a"]])
    assert not values_match(True, 1) and not values_match({"a": 1}, {"b": 1})
    assert json_output_match("[1, 2]", "[1,2]") and not json_output_match(None, "1")
