"""Hostile programs under the real bwrap and docker sandboxes: each is reported as not passed, and each test
checks on the host that the attack had no effect. Docker tests skip outside CI when no daemon answers."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from pathlib import Path

import pytest

from codeassist_env.problem import Problem
from codeassist_env.problem import TestCase as Case
from codeassist_env.problems.schema import write_problems

REPO = Path(__file__).resolve().parents[1]
WALL_S = 3.0  # wall limit of a 1 s problem: 2 * 1 s + 1 s


def problem(expected: str = "never printed", *more: Case, time_limit_s: float = 1.0) -> Problem:
    return Problem(
        id="hostile",
        statement="",
        test_kind="stdin",
        time_limit_s=time_limit_s,
        memory_limit_mb=256,
        hidden_tests=[Case("", expected), *more],
    )


def host_processes(uid: int) -> list[int]:
    """Pids on the host running as ``uid``: the sandbox's own processes, seen from outside."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                status = Path(f"/proc/{entry}/status").read_text()
            except OSError:
                continue
            uids = next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1:]
            if int(uids[0]) == uid:
                pids.append(int(entry))
    return pids


@pytest.fixture
def contained(sandbox):
    """Yields the sandbox; afterwards checks that no process the test started outlives it on the host,
    that the worker was never restarted, and that it still grades a correct program."""
    sandbox.run(problem("1"), "print(1)")
    sandbox.run(ASSERT_ONE, "def one():\n    return 1\n")  # the worker's judge (for assert tests) is up
    uid = sandbox.worker.uid
    separate_uid = uid != os.getuid()  # as root every sandbox runs under its own uid
    before = set(host_processes(uid)) if separate_uid else None
    restarts = sandbox.restarts
    yield sandbox
    if separate_uid:  # a program may have killed the judge (same uid); nothing else may be gone, or new
        deadline = time.monotonic() + 5
        while not set(host_processes(uid)) <= before and time.monotonic() < deadline:
            time.sleep(0.1)  # processes killed by the worker may take a moment to be reaped
        assert set(host_processes(uid)) <= before and len(before - set(host_processes(uid))) <= 1
    assert sandbox.restarts == restarts
    assert sandbox.run(problem("ok"), "print('ok')").passed


ASSERT_ONE = Problem(
    id="one",
    statement="",
    test_kind="assert",
    entry_point="one",
    hidden_tests=[Case("def check(candidate):\n    assert candidate() == 1\n")],
)


def run_hostile(sb, code: str, prob: Problem | None = None) -> tuple[str, float]:
    start = time.monotonic()
    verdict = sb.run(prob or problem(), code)
    assert not verdict.passed
    return verdict.tests[0].status, time.monotonic() - start


def test_fork_bomb(contained):
    code = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    status, elapsed = run_hostile(contained, code)
    assert status == "time_limit" and elapsed < WALL_S + 3


def test_memory_bomb(contained):
    code = "hoard = []\nwhile True:\n    hoard.append(bytearray(32 * 1024 * 1024))\n"
    status, _ = run_hostile(contained, code, problem(time_limit_s=5.0))
    assert status == "memory_limit"


def test_infinite_loop(contained):
    status, elapsed = run_hostile(contained, "while True:\n    pass\n")
    assert status == "time_limit" and elapsed < WALL_S + 2


def test_sleeping_past_the_wall_limit(contained):
    status, elapsed = run_hostile(contained, "import time\ntime.sleep(3600)\n")
    assert status == "time_limit" and WALL_S - 0.1 < elapsed < WALL_S + 2


def test_output_flood(contained):
    code = "import sys\nwhile True:\n    sys.stdout.write('flood' * 100000)\n"
    status, elapsed = run_hostile(contained, code)
    assert status == "runtime_error" and elapsed < WALL_S + 2
    v = contained.run(problem(), "import sys\nwhile True:\n    sys.stderr.write('flood' * 100000)\n")
    assert not v.passed and len(v.tests[0].stderr) <= 2000


def test_filling_the_private_tmp(contained):
    # Files of up to 16 MiB each until /tmp (256 MiB) is full: the program fails, the host's memory does not.
    code = (
        "i = 0\nwhile True:\n    with open('/tmp/fill%d' % i, 'wb') as f:\n"
        "        f.write(b'x' * (15 * 1024 * 1024))\n    i += 1\n"
    )
    status, _ = run_hostile(contained, code, problem(time_limit_s=5.0))
    assert status == "runtime_error"
    locked = "import os\nos.makedirs('/tmp/a/b')\nopen('/tmp/a/b/f', 'w').write('x')\nos.chmod('/tmp/a', 0)\n"
    assert not contained.run(problem(), locked).passed
    census = "import os\nprint(len(os.listdir('/tmp')))"
    assert contained.run(problem("0"), census).passed  # the next test finds /tmp empty again


def test_network_to_a_host_listener(contained):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.1)
    accepted, stop = [], threading.Event()
    thread = threading.Thread(target=_accept_until, args=(listener, stop, accepted))
    thread.start()
    port = listener.getsockname()[1]
    code = (
        f"import socket\ns = socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
        "s.sendall(b'escaped')\nprint('connected')\n"
    )
    try:
        status, _ = run_hostile(contained, code, problem("connected"))
    finally:
        stop.set()
        thread.join()
        listener.close()
    assert status == "runtime_error"
    assert accepted == []  # nobody connected


def _accept_until(listener: socket.socket, stop: threading.Event, accepted: list) -> None:
    while not stop.is_set():
        try:
            conn, peer = listener.accept()
        except socket.timeout:
            continue
        accepted.append(peer)
        conn.close()


def test_writing_into_the_checkout_and_host_tmp(contained, tmp_path):
    targets = [
        REPO / f"escape-{uuid.uuid4().hex}.txt",
        tmp_path / "escape.txt",
        Path("/tmp") / f"escape-{uuid.uuid4().hex}",
    ]
    code = "".join(f"open({str(t)!r}, 'w').write('pwned')\n" for t in targets) + "print('written')\n"
    status, _ = run_hostile(contained, code, problem("written"))
    assert status == "runtime_error"
    assert not any(t.exists() for t in targets)
    # Inside, nothing but /tmp and /dev/shm is writable either.
    count = (
        "import os\nn = 0\nfor d in ('/', '/etc', '/usr', '/dev', '/proc', '/usr/lib'):\n    try:\n"
        "        open(os.path.join(d, 'x'), 'w').close()\n        n += 1\n    except OSError:\n        pass\nprint(n)"
    )
    assert contained.run(problem("0"), count).passed


SEARCH_PROGRAM = r"""
import gc, os, re, stat, sys
pattern = re.compile(rb"%s-[0-9a-f]{32}")
found = set()
def scan(data):
    found.update(m.decode() for m in pattern.findall(data))
def scan_file(path):
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # pipes would block
            return
        with open(path, "rb") as f:
            scan(f.read(4 * 1024 * 1024))
    except OSError:
        pass
for hint in %r:  # where the host keeps the problem files
    if os.path.isdir(hint):
        for name in os.listdir(hint):
            scan_file(os.path.join(hint, name))
    else:
        scan_file(hint)
for top in os.listdir("/"):
    if top in ("proc", "sys", "dev", "usr") or os.path.islink("/" + top):  # the system's own files
        continue
    for root, dirs, files in os.walk("/" + top):
        for name in files:
            scan_file(os.path.join(root, name))
for pid in os.listdir("/proc"):
    if pid.isdigit():
        for what in ("cmdline", "environ"):
            scan_file("/proc/%%s/%%s" %% (pid, what))
        try:
            for fd in os.listdir("/proc/%%s/fd" %% pid):
                scan_file("/proc/%%s/fd/%%s" %% (pid, fd))
        except OSError:
            pass
for obj in gc.get_objects():  # this process's memory, inherited from the worker
    for value in (obj.values() if isinstance(obj, dict) else obj if isinstance(obj, (list, tuple)) else ()):
        if isinstance(value, (str, bytes)):
            scan(value.encode() if isinstance(value, str) else value)
scan(sys.stdin.read().encode())
print(" ".join(sorted(found)) or "nothing found")
"""


def test_reading_expected_outputs_and_test_files(contained, tmp_path):
    secret = f"EXPECTED-{uuid.uuid4().hex}"
    prob = problem(secret)
    problems_file = tmp_path / "hidden.jsonl"
    write_problems(problems_file, [prob])
    assert secret in problems_file.read_text()
    code = SEARCH_PROGRAM % ("EXPECTED", [str(problems_file), str(tmp_path), str(REPO / "problems")])
    status, _ = run_hostile(contained, code, prob)
    assert status == "wrong_answer"  # the search ran to the end and found nothing


def test_reading_later_test_inputs(contained):
    later_input = f"INPUT-{uuid.uuid4().hex}"
    # The first test passes only if the program finds the second test's input while running the first.
    prob = problem(later_input, Case(later_input + "\n", "irrelevant"))
    status, _ = run_hostile(contained, SEARCH_PROGRAM % ("INPUT", []), prob)
    assert status == "wrong_answer"


def test_killing_its_parent_and_the_worker(contained):
    code = (
        "import os, signal\n"
        "for target in (os.getppid(), 1, -1):\n"
        "    try:\n"
        "        os.kill(target, signal.SIGKILL)\n"
        "    except OSError:\n"
        "        pass\n"
        "print('still here')\n"
    )
    status, _ = run_hostile(contained, code)
    assert status == "wrong_answer"  # the kills were no-ops: the program ran on, the worker lived on


def test_background_process_left_behind(contained):
    leave = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        while True:\n"
        "            time.sleep(0.05)\n"
        "    os._exit(0)\n"
        "print('left one behind')\n"
    )
    # Seen from inside, the next test finds the same processes as the one before: the worker (PID 1), its
    # judge (for assert tests), itself.
    census = "import os\nprint(sorted(int(p) for p in os.listdir('/proc') if p.isdigit() and int(p) != os.getpid()))"
    before = contained.execute(problem(), census, "")
    status, _ = run_hostile(contained, leave)
    assert status == "wrong_answer"
    after = contained.execute(problem(), census, "")
    assert after["status"] == before["status"] == "ok" and after["stdout"] == before["stdout"]
    assert len(json.loads(before["stdout"])) == 2  # PID 1 and the judge


def test_forging_a_reply_on_the_workers_pipes(contained):
    # An assert test passes on a bare {"status": "ok"}: a program that could write to the worker's stdout
    # (or its memory) would pass without running check(). The worker is not dumpable, so it cannot.
    forge = (
        "import os\n"
        "line = b'{\"status\": \"ok\", \"time_s\": 0}\\n'\n"
        "hits = 0\n"
        "for fd in range(64):\n"
        "    try:\n"
        "        with open('/proc/1/fd/%d' % fd, 'wb', buffering=0) as f:\n"
        "            f.write(line)\n"
        "            hits += 1\n"
        "    except OSError:\n"
        "        pass\n"
        "try:\n"
        "    open('/proc/1/mem', 'rb').close()\n"
        "    hits += 1\n"
        "except OSError:\n"
        "    pass\n"
        "def solve():\n"
        "    return hits\n"
    )
    prob = Problem(
        id="forge",
        statement="",
        test_kind="assert",
        entry_point="solve",
        time_limit_s=1.0,
        hidden_tests=[Case("def check(candidate):\n    assert candidate() == -1\n")] * 2,
    )
    verdict = contained.run(prob, forge)
    assert [t.status for t in verdict.tests] == ["wrong_answer", "wrong_answer"]
    assert "assert candidate() == -1" in verdict.tests[0].stderr or "AssertionError" in verdict.tests[0].stderr


def test_forging_a_report_on_the_result_channel(contained):
    # A bare '{"status": "ok"}' written to every descriptor the program has (its only way out is its channel
    # to the judge, which runs the check in another process) and a quick exit must not pass an assert test
    # whose check() never ran.
    forge = (
        "import os\n"
        "for fd in range(3, 64):\n"
        "    try:\n"
        "        os.write(fd, b'{\"status\": \"ok\"}')\n"
        "    except OSError:\n"
        "        pass\n"
        "os._exit(0)\n"
    )
    prob = Problem(
        id="forge",
        statement="",
        test_kind="assert",
        entry_point="solve",
        time_limit_s=1.0,
        hidden_tests=[Case("def check(candidate):\n    assert False\n")],
    )
    verdict = contained.run(prob, forge)
    assert [t.status for t in verdict.tests] == ["runtime_error"]
    assert "wrote to its channel" in verdict.tests[0].stderr
