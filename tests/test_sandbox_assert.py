"""Assert-style tests (HumanEval's ``check(candidate)``) under the real bwrap and docker sandboxes: programs
that try to pass without computing the answer do not pass, each with a verdict that says why; what a real
solution does (return plain values, raise, keep state between calls) still works. Docker tests skip outside
CI when no daemon answers."""

from __future__ import annotations

import ast
import uuid

import pytest

from codeassist_env.problems import get_problem
from codeassist_env.problem import Problem
from codeassist_env.problem import TestCase as Case
from codeassist_env.sandbox.channel import WORKER_FILES


def problem(check: str, entry_point: str = "solve", time_limit_s: float = 1.0) -> Problem:
    return Problem(
        id="assert",
        statement="",
        test_kind="assert",
        entry_point=entry_point,
        time_limit_s=time_limit_s,
        memory_limit_mb=512,
        hidden_tests=[Case(check)],
    )


def verdict_of(sb, check: str, code: str, **kw) -> tuple[str, str]:
    test = sb.run(problem(check, **kw), code).tests[0]
    return test.status, test.stderr


EQUALS_SEVEN = "def check(candidate):\n    assert candidate(3) == 7\n"
CLOSE_TO_HALF = "def check(candidate):\n    assert abs(candidate(2) - 0.5) < 1e-6\n"


# ---- values that answer every comparison with "yes" ------------------------------------------------------

ALWAYS_EQUAL = {
    "object whose __eq__ is always True": (
        "class Yes:\n    def __eq__(self, other):\n        return True\n    __hash__ = object.__hash__\n"
        "def solve(x):\n    return Yes()\n",
        "of type Yes",
    ),
    "int subclass (bool cannot be subclassed)": (
        "class I(int):\n    def __eq__(self, other):\n        return True\n    __hash__ = int.__hash__\n"
        "def solve(x):\n    return I(0)\n",
        "subclass of int",
    ),
    "str subclass": (
        "class S(str):\n    def __eq__(self, other):\n        return True\n    __hash__ = str.__hash__\n"
        "def solve(x):\n    return S('no')\n",
        "subclass of str",
    ),
    "list holding a dict subclass": (
        "class D(dict):\n    def __eq__(self, other):\n        return True\ndef solve(x):\n    return [1, D()]\n",
        "[1] is of type D (a subclass of dict)",
    ),
}


@pytest.mark.parametrize("name", ALWAYS_EQUAL)
def test_objects_that_equal_anything_are_wrong_answers(sandbox, name):
    code, reason = ALWAYS_EQUAL[name]
    status, stderr = verdict_of(sandbox, EQUALS_SEVEN, code)
    assert status == "wrong_answer"
    assert reason in stderr and "may return only" in stderr


def test_float_subclass_that_defeats_a_tolerance_check(sandbox):
    code = (
        "class F(float):\n"
        "    def __sub__(self, other):\n        return self\n"
        "    def __abs__(self):\n        return self\n"
        "    def __lt__(self, other):\n        return True\n"
        "    def __eq__(self, other):\n        return True\n"
        "    __hash__ = float.__hash__\n"
        "def solve(x):\n    return F(123.0)\n"
    )
    status, stderr = verdict_of(sandbox, CLOSE_TO_HALF, code)
    assert status == "wrong_answer" and "subclass of float" in stderr


# ---- reaching into the checker -------------------------------------------------------------------------


def test_hunting_the_report_function_and_nonce(sandbox):
    # Everything callable named like a report, and every 32-hex string, found through the garbage collector
    # and the call stack; each report function is called with a passing status, each string tried as a nonce
    # on every file descriptor; then the process ends before the check can fail.
    code = r"""
import gc, json, os, re, sys
def solve(x):
    reports, nonces = [], set()
    for obj in gc.get_objects():
        if callable(obj) and getattr(obj, "__name__", "") in ("report", "_write_all", "send"):
            reports.append(obj)
        if isinstance(obj, dict):
            for v in list(obj.values()):
                if isinstance(v, str) and re.fullmatch("[0-9a-f]{32}", v):
                    nonces.add(v)
    frame = sys._getframe()
    while frame:
        for v in frame.f_locals.values():
            if isinstance(v, str) and re.fullmatch("[0-9a-f]{32}", v):
                nonces.add(v)
        frame = frame.f_back
    for report in reports:
        try:
            report(status="ok")
        except Exception:
            continue
        os._exit(0)  # reported: leave before the check can fail
    for nonce in nonces:
        line = json.dumps({"status": "ok", "nonce": nonce}).encode()
        for fd in range(3, 64):
            try:
                os.write(fd, line)
            except OSError:
                pass
    os._exit(0)
"""
    status, stderr = verdict_of(sandbox, EQUALS_SEVEN, code)
    assert status in ("runtime_error", "wrong_answer")
    assert "channel" in stderr or "exited" in stderr


def test_patching_builtins_and_the_callers_globals(sandbox):
    # abs() made to answer 0 for everything: in the builtins when the program starts, and in the globals of
    # whoever calls it (checked by the second assert, since the first looks abs up before the call).
    code = (
        "import builtins, sys\n"
        "builtins.abs = lambda v: 0.0\n"
        "def solve(x):\n"
        "    sys._getframe(1).f_globals['abs'] = lambda v: 0.0\n"
        "    return 42.0\n"
    )
    check = "def check(candidate):\n    for _ in range(2):\n        assert abs(candidate(2) - 0.5) < 1e-6\n"
    status, stderr = verdict_of(sandbox, check, code)
    assert status == "wrong_answer" and "AssertionError" in stderr


def test_reading_the_expected_value_from_the_check(sandbox):
    # The expected value is a fresh string that appears nowhere but in the check. The program looks for it in
    # its caller's constants, in every object the garbage collector knows and in all of its own memory, and
    # prints what it finds; the argument it was called with shows that the memory search works.
    secret, control = f"SECRET-{uuid.uuid4().hex}", f"CONTROL-{uuid.uuid4().hex}"
    check = f"def check(candidate):\n    assert candidate({control!r}) == {secret!r}\n"
    code = r"""
import gc, re, sys
PATTERN = re.compile(rb"(?:SECRET|CONTROL)-[0-9a-f]{32}")
def solve(x):
    found = set()
    for const in sys._getframe(1).f_code.co_consts:
        if isinstance(const, str):
            found.update(PATTERN.findall(const.encode()))
    for obj in gc.get_objects():
        for v in (obj.values() if isinstance(obj, dict) else obj if isinstance(obj, (list, tuple)) else ()):
            if isinstance(v, str):
                found.update(PATTERN.findall(v.encode()))
    with open("/proc/self/maps") as maps, open("/proc/self/mem", "rb", 0) as mem:
        for line in maps:
            span, perms = line.split()[:2]
            if perms.startswith("r"):
                lo, hi = (int(a, 16) for a in span.split("-"))
                try:
                    mem.seek(lo)
                    found.update(PATTERN.findall(mem.read(hi - lo)))
                except (OSError, OverflowError, ValueError):
                    pass
    print("found:", sorted(m.decode() for m in found), file=sys.stderr)
    secrets = [m.decode() for m in found if m.startswith(b"SECRET")]
    return secrets[0] if secrets else "nothing found"
"""
    status, stderr = verdict_of(sandbox, check, code, time_limit_s=4.0)
    assert status == "wrong_answer" and "AssertionError" in stderr
    assert control in stderr and secret not in stderr


KILL_OTHERS = (
    "import os, signal\n"
    "def kill_others(sig):\n"
    "    for pid in os.listdir('/proc'):\n"
    "        if pid.isdigit() and int(pid) not in (1, os.getpid()):\n"
    "            try:\n"
    "                os.kill(int(pid), sig)\n"
    "            except OSError:\n"
    "                pass\n"
)


@pytest.mark.parametrize(
    "when, sig, verdict",
    [("call", "SIGKILL", "runtime_error"), ("start", "SIGKILL", "runtime_error"), ("call", "SIGSTOP", "time_limit")],
)
def test_killing_or_stopping_the_judge(sandbox, when, sig, verdict):
    # Same uid as the judge that runs the check: the program can signal it, but a dead or stopped judge passes
    # nothing, and the next test gets a new one.
    at_start = f"kill_others(signal.{sig})\n" if when == "start" else ""
    in_call = f"    kill_others(signal.{sig})\n" if when == "call" else ""
    code = KILL_OTHERS + at_start + "def solve(x):\n" + in_call + "    return 7\n"
    status, stderr = verdict_of(sandbox, EQUALS_SEVEN, code)
    assert status == verdict
    if verdict == "runtime_error":
        assert "judge's process, which runs the check, was killed" in stderr
    assert verdict_of(sandbox, EQUALS_SEVEN, "def solve(x):\n    return 7\n") == ("passed", "")


def test_closing_or_flooding_the_channel(sandbox):
    closing = "import os\ndef solve(x):\n    os.closerange(3, 256)\n    return 7\n"
    status, stderr = verdict_of(sandbox, EQUALS_SEVEN, closing)
    assert status == "runtime_error" and "closed its channel" in stderr
    # A forged report where an answer is expected (the channel carries the program's own answers, so a
    # well-formed message would only be an answer like any other).
    garbage = (
        "import os\ndef solve(x):\n    for fd in range(3, 64):\n        try:\n"
        "            os.write(fd, b'{\"status\": \"ok\"}')\n        except OSError:\n"
        "            pass\n    return 7\n"
    )
    status, stderr = verdict_of(sandbox, EQUALS_SEVEN, garbage)
    assert status == "runtime_error" and "wrote to its channel" in stderr


def test_a_full_disk_does_not_turn_a_wrong_answer_into_a_sandbox_failure(sandbox):
    # The test's stderr lives in the private /tmp: a program that fills it leaves the judge nowhere to write
    # its traceback. That must still be the program's wrong answer, not an infra_error (which a benchmark
    # would leave out of its scores).
    fill = (
        "i = 0\n"
        "try:\n"
        "    while True:\n"
        "        with open('/tmp/fill%d' % i, 'wb') as f:\n"
        "            f.write(b'x' * (15 * 1024 * 1024))\n"
        "        i += 1\n"
        "except OSError:\n"
        "    pass\n"
        "def solve(x):\n    return 6 if x == 3 else object()\n"
    )
    check = "def check(candidate):\n    candidate(0)\n"  # not plain data: said on stderr, which is full
    assert verdict_of(sandbox, check, fill, time_limit_s=4.0)[0] == "wrong_answer"
    assert verdict_of(sandbox, EQUALS_SEVEN, fill, time_limit_s=4.0)[0] == "wrong_answer"


# ---- values outside plain data, honest or not ----------------------------------------------------------

NOT_PLAIN = {
    "generator": ("def solve(x):\n    return (i for i in range(3))\n", "of type generator"),
    "recursive list": ("def solve(x):\n    a = []\n    a.append(a)\n    return a\n", "nested more than 100 deep"),
    "deeply nested list": (
        "def solve(x):\n    a = []\n    for _ in range(100000):\n        a = [a]\n    return a\n",
        "nested more than 100 deep",
    ),
    "a billion values by sharing": (
        "def solve(x):\n    a = [0] * 1000\n    return [[a] * 1000] * 1000\n",
        "more than 2000000 values",
    ),
    "40 MB string": ("def solve(x):\n    return 'x' * (40 * 1024 * 1024)\n", "more than 33554432 bytes"),
    "function": ("def solve(x):\n    return solve\n", "of type function"),
}


@pytest.mark.parametrize("name", NOT_PLAIN)
def test_values_outside_plain_data_are_wrong_answers(sandbox, name):
    code, reason = NOT_PLAIN[name]
    status, stderr = verdict_of(
        sandbox, "def check(candidate):\n    assert list(candidate(3)) == [0, 1, 2]\n", code, time_limit_s=4.0
    )
    assert status == "wrong_answer" and reason in stderr


def test_a_check_that_swallows_exceptions_still_sees_a_bad_value(sandbox):
    check = "def check(candidate):\n    try:\n        candidate(1)\n    except:\n        pass\n"
    status, stderr = verdict_of(sandbox, check, "def solve(x):\n    return object()\n")
    assert status == "wrong_answer" and "of type object" in stderr


# ---- what real solutions do still works -----------------------------------------------------------------


def test_plain_values_arrive_with_their_exact_types(sandbox):
    check = (
        "import math\n"
        "def check(candidate):\n"
        "    v = candidate()\n"
        "    assert type(v) is tuple and v[:3] == (None, True, 10 ** 5000)\n"
        "    assert v[3] == -0.0 and math.copysign(1, v[3]) == -1 and math.isnan(v[4]) and v[5] == math.inf\n"
        "    assert v[6] == 'é\\ud800' and v[7] == b'\\x00\\xff' and type(v[8]) is list\n"
        "    assert v[9] == {(1, 2): {3}, 'k': frozenset({'a'})} and type(v[9][(1, 2)]) is set\n"
    )
    code = (
        "def solve():\n"
        "    return (None, True, 10 ** 5000, -0.0, float('nan'), float('inf'), 'é\\ud800', b'\\x00\\xff',\n"
        "            [1, [2]], {(1, 2): {3}, 'k': frozenset({'a'})})\n"
    )
    status, stderr = verdict_of(sandbox, check, code)
    assert status == "passed", stderr


def test_state_lives_for_the_whole_test_and_keywords_pass(sandbox):
    check = "def check(candidate):\n    assert [candidate(step=2) for _ in range(3)] == [2, 4, 6]\n"
    code = "total = 0\ndef solve(step):\n    global total\n    total += step\n    return total\n"
    assert verdict_of(sandbox, check, code) == ("passed", "")


def test_exceptions_reach_the_check_as_exceptions(sandbox):
    check = (
        "def check(candidate):\n"
        "    try:\n        candidate(-1)\n    except ValueError as e:\n        assert 'negative' in str(e)\n"
        "    else:\n        assert False, 'no ValueError'\n"
        "    assert candidate(4) == 2\n"
    )
    raising = "def solve(x):\n    if x < 0:\n        raise ValueError('negative input')\n    return int(x ** 0.5)\n"
    assert verdict_of(sandbox, check, raising)[0] == "passed"
    status, stderr = verdict_of(sandbox, check, "def solve(x):\n    return int(abs(x) ** 0.5)\n")
    assert status == "wrong_answer" and "no ValueError" in stderr
    own_class = "class Bad(Exception):\n    pass\ndef solve(x):\n    raise Bad('mine')\n"
    status, stderr = verdict_of(sandbox, check, own_class)  # not a ValueError: the check does not catch it
    assert status == "runtime_error" and "Bad: mine" in stderr


def test_a_program_that_cannot_start_fails_even_a_check_that_never_calls_it(sandbox):
    idle = "def check(candidate):\n    pass\n"
    assert verdict_of(sandbox, idle, "def solve(x):\n  return (\n")[0] == "syntax_error"
    status, stderr = verdict_of(sandbox, idle, "raise KeyError('at import')\ndef solve(x):\n    return 1\n")
    assert status == "runtime_error" and "KeyError: 'at import'" in stderr
    status, stderr = verdict_of(sandbox, EQUALS_SEVEN, "def other(x):\n    return 7\n")
    assert status == "runtime_error" and "defines no function 'solve'" in stderr
    assert verdict_of(sandbox, idle, "def solve(x):\n    return 1\n")[0] == "passed"


def test_memory_in_a_call_and_arguments_that_are_not_plain(sandbox):
    status, _ = verdict_of(sandbox, EQUALS_SEVEN, "def solve(x):\n    return len(bytearray(2 * 1024 ** 3))\n")
    assert status == "memory_limit"
    # A check that passes a function cannot be run this way: the test's fault, not the program's.
    status, stderr = verdict_of(
        sandbox, "def check(candidate):\n    assert candidate(len) == 3\n", "def solve(f):\n    return f('abc')\n"
    )
    assert status == "infra_error" and "an argument" in stderr and "builtin_function_or_method" in stderr


def test_time_limits_hold_in_a_call_and_across_both_processes(sandbox):
    status, _ = verdict_of(sandbox, EQUALS_SEVEN, "def solve(x):\n    while True:\n        pass\n")
    assert status == "time_limit"
    status, _ = verdict_of(sandbox, EQUALS_SEVEN, "import time\ndef solve(x):\n    time.sleep(60)\n")
    assert status == "time_limit"
    # 0.7 s of CPU in the program's process and 0.7 s in the checker's: 1.4 s against a 1 s limit.
    burn = (
        "import time\ndef burn():\n    t = time.process_time()\n"
        "    while time.process_time() - t < 0.7:\n        pass\n"
    )
    check = burn + "def check(candidate):\n    burn()\n    assert candidate(3) == 7\n"
    status, _ = verdict_of(sandbox, check, burn + "def solve(x):\n    burn()\n    return 7\n", time_limit_s=1.0)
    assert status == "time_limit"


@pytest.mark.parametrize("problem_id", ["HumanEval/32", "HumanEval/53"])
def test_humaneval_checks_that_call_the_candidate_from_a_loop(sandbox, problem_id):
    p = get_problem("humaneval", problem_id)
    assert sandbox.run(p, p.reference_solution).passed
    wrong = p.reference_solution + f"\n\ndef {p.entry_point}(*args):\n    return 0\n"
    assert sandbox.run(p, wrong).tests[0].status == "wrong_answer"


def test_the_worker_script_files_define_distinct_names():
    # They run joined as one script: a name defined twice would silently replace the first definition.
    seen: dict[str, str] = {}
    for path in WORKER_FILES:
        for node in ast.parse(open(path, encoding="utf-8").read()).body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            names = [getattr(node, "name", None)]
            names += [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
            for name in filter(None, names):
                assert name not in seen, f"{name} is defined in {seen[name]} and {path}"
                seen[name] = path
    assert {"main", "serve_candidate", "run_check", "encode", "_child_entry"} <= set(seen)
