"""Every input graded in as few processes as keep the verdicts (sandbox/batches.py), which programs count as
carrying state between calls (sandbox/carried_state.py) or between whole runs (sandbox/script_state.py), and
the budget that stops a program that hangs (sandbox/hang_budget.py), on real sandboxes and EvalPlus's
HumanEval+-Mini."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from codeassist_env.problem import Problem
from codeassist_env.problem import TestCase as Case
from codeassist_env.sandbox import open_sandbox
from codeassist_env.sandbox.carried_state import may_carry_state
from codeassist_env.sandbox.scripts import wall_limit_s
from codeassist_env.sandbox.hang_budget import NOT_RUN
from codeassist_env.sandbox.script_state import may_carry_state_between_runs

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sandbox():
    """A bwrap sandbox that keeps the number of inputs of each process it starts."""
    with open_sandbox("bwrap") as box:
        real_call, real_execute, box.processes = box.call, box.execute, []

        def call(code, entry_point, calls, *rest, **options):
            box.processes.append(len(calls))
            return real_call(code, entry_point, calls, *rest, **options)

        def execute(*args, **options):
            box.processes.append(1)
            return real_execute(*args, **options)

        box.call, box.execute = call, execute
        yield box


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    """HumanEval+-Mini from the package's copy, its expected outputs in tests/test_evalplus.py's session cache."""
    from codeassist_env.problems import load_problems
    from codeassist_env.problems.evalplus import DIR_ENV

    with pytest.MonkeyPatch.context() as patch:
        for variable in (DIR_ENV, "HUMANEVAL_OVERRIDE_PATH"):
            patch.delenv(variable, raising=False)
        patch.setenv("CODEASSIST_EVALPLUS_CACHE", str(tmp_path_factory.getbasetemp() / "evalplus-cache"))
        yield {p.id: p for p in load_problems("humanevalplus-mini")}


def _variants(code: str, entry_point: str) -> dict[str, str]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from grading_paths import variants
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return variants(code, entry_point, with_loops=True)


@pytest.mark.bwrap
@pytest.mark.parametrize("problem_id", ["HumanEval/0"])
def test_every_variant_gets_the_statuses_of_one_process_per_input(sandbox, mini, problem_id):
    problem = mini[problem_id]
    made = _variants(problem.reference_solution, problem.entry_point)
    assert {"reference", "none", "raises", "counter", "loops"} <= set(made)
    for name, code in made.items():
        sandbox.processes.clear()
        anchor = sandbox.run(problem, code, one_process=False)
        assert sandbox.processes == [1] * len(sandbox.processes)
        sandbox.processes.clear()
        fast = sandbox.run(problem, code)
        assert fast.passed == anchor.passed and len(fast.tests) == len(anchor.tests), name
        if name == "loops":  # after its first time-out either path answers what the hang budget lets it
            ran = [
                (a.status, b.status) for a, b in zip(anchor.tests, fast.tests) if NOT_RUN not in (a.stderr, b.stderr)
            ]
            assert ran and all(a == b for a, b in ran) and anchor.status == fast.status == "time_limit"
            continue
        assert [t.status for t in fast.tests] == [t.status for t in anchor.tests], name
        assert fast.pass_fraction == anchor.pass_fraction, name
        if name in ("reference", "none", "raises"):  # no state, no time-out: one process answers every input
            assert sandbox.processes == [len(problem.hidden_tests)], name
        if name == "counter":  # its answers depend on the calls before: one process per input
            assert may_carry_state(code) and anchor.passed and sandbox.processes == [1] * len(problem.hidden_tests)


@pytest.mark.bwrap
def test_a_call_test_program_that_hangs_on_all_25_inputs_takes_at_most_4_wall_limits(sandbox, mini):
    problem = mini["HumanEval/0"]
    tests = (problem.hidden_tests * 2)[:25]  # not the problem's own tuple: each input gets the 1 s limit
    started = time.monotonic()
    verdict = sandbox.run(
        problem, "def has_close_elements(numbers, threshold):\n    while True:\n        pass\n", tests=tests
    )
    took = time.monotonic() - started
    assert {t.status for t in verdict.tests} == {"time_limit"} and len(verdict.tests) == 25
    assert took <= 4 * (problem.time_limit_s + 1.0), took
    assert verdict.tests[-1].stderr == NOT_RUN and verdict.tests[0].stderr != NOT_RUN


@pytest.mark.bwrap
def test_a_stdin_program_that_hangs_on_all_25_tests_takes_at_most_4_wall_limits(sandbox):
    problem = Problem(
        id="echo",
        statement="Print the input.",
        test_kind="stdin",
        time_limit_s=0.5,
        hidden_tests=tuple(Case(f"{i}\n", f"{i}\n") for i in range(25)),
    )
    started = time.monotonic()
    verdict = sandbox.run(problem, "import time\nn = input()\nif n != '0':\n    time.sleep(60)\nprint(n)\n")
    took = time.monotonic() - started
    assert [t.status for t in verdict.tests[:2]] == ["passed", "time_limit"] and len(verdict.tests) == 25
    assert {t.status for t in verdict.tests[1:]} == {"time_limit"} and verdict.pass_fraction == 1 / 25
    assert took <= 4 * wall_limit_s(problem), took
    assert verdict.tests[-1].stderr == NOT_RUN


@pytest.mark.parametrize(
    "code, carries",
    [
        ("def f(x):\n    return x + 1\n", False),
        ("c = [0]\ndef f(x):\n    c[0] += 1\n    return c[0]\n", True),
        ("def f(x, acc=[]):\n    acc.append(x)\n    return acc\n", True),
        ("n = 0\ndef f(x):\n    global n\n    n += 1\n    return n\n", True),
        ("import heapq\ndef f(xs):\n    h = []\n    for x in xs:\n        heapq.heappush(h, x)\n    return h\n", False),
        ("import random\nrandom.seed(0)\ndef f(x):\n    return random.random()\n", True),
        ("from random import randint\ndef f(x):\n    return randint(0, x)\n", True),
        ("import numpy as np\ndef f(x):\n    return np.random.rand()\n", True),
        ("import numpy as np\ndef f(x):\n    return np.array(x).sum()\n", False),
        ("memo = {}\ndef f(x):\n    memo[x] = x\n    return len(memo)\n", True),
        ("D = {'a': 1}\ndef f(x):\n    return D.get(x)\n", False),
        (
            "class S:\n    memo = {}\n    def g(self, x):\n        self.memo[x] = 1\n        return len(self.memo)\n"
            "def f(x):\n    return S().g(x)\n",
            True,
        ),
        (
            "class S:\n    def __init__(self):\n        self.a = []\n    def g(self, x):\n        self.a.append(x)\n"
            "        return len(self.a)\ns = S()\ndef f(x):\n    return s.g(x)\n",
            True,
        ),
        (
            "from functools import lru_cache\n@lru_cache(None)\ndef f(x):\n    return x if x < 2 else f(x - 1) + f(x - 2)\n",
            False,
        ),
        ("it = iter(range(10))\ndef f(x):\n    return next(it)\n", True),
        ("squares = (i * i for i in range(10))\ndef f(x):\n    return list(squares)[x]\n", True),
        (
            "def make():\n    c = [0]\n    def g(x):\n        c[0] += 1\n        return c[0]\n    return g\n"
            "f = make()\n",
            True,
        ),
        ("import sys\nsys.setrecursionlimit(10000)\ndef f(x):\n    return x\n", False),
        ("def f(x):\n    import sys\n    sys.setrecursionlimit(10000 + x)\n    return x\n", True),
        ("def helper(a, x):\n    a.append(x)\nR = []\ndef f(x):\n    helper(R, x)\n    return len(R)\n", True),
        ("def f(s):\n    return ''.join(sorted(c.upper() for c in s))\n", False),
        ("def f(x:\n", False),  # fails to parse: the same failure in any process
    ],
)
def test_which_programs_count_as_carrying_state(code, carries):
    assert may_carry_state(code) is carries


DOUBLE = Problem(
    id="double",
    statement="Print twice the number.",
    test_kind="stdin",
    hidden_tests=tuple(Case(f"{i}\n", f"{2 * i}\n") for i in range(1, 7)),
)
DOUBLE_FUNCTION = Problem(
    id="double-f",
    statement="Return twice n.",
    test_kind="functional",
    entry_point="f",
    hidden_tests=tuple(Case(f"{i}", f"{2 * i}") for i in range(1, 5)),
)
PASS, WRONG, ERROR = "passed", "wrong_answer", "runtime_error"


@pytest.mark.bwrap
@pytest.mark.parametrize(
    "problem, code, expected, together",
    [
        (DOUBLE, "print(int(input()) * 2)\n", [PASS] * 6, True),
        # a file object left in the module: the collector must not close the next run's descriptor 0
        (DOUBLE, "f = open(0)\nn = int(f.read())\nprint(n * 2)\n", [PASS] * 6, True),
        (DOUBLE, "import os\nn = int(input())\nos.write(1, str(2 * n).encode())\n", [PASS] * 6, True),
        # output left in a buffer nobody flushes is lost in a process of its own: it must be lost here too
        (
            DOUBLE,
            "import sys, io\nout = sys.stdout\nsys.stdout = io.StringIO()\nout.write(str(2 * int(input())))\n",
            [WRONG] * 6,
            True,
        ),
        (DOUBLE, "import sys\nprint(int(input()) * 2)\nsys.exit(0)\nprint('more')\n", [PASS] * 6, True),
        (DOUBLE, "import sys\nn = int(input())\nprint(n * 2)\nsys.exit(n % 2)\n", [ERROR, PASS] * 3, True),
        # the recursion limit one run sets is not the next run's
        (
            DOUBLE,
            "import sys\nn = int(input())\nif n == 1:\n    sys.setrecursionlimit(10000)\n"
            "print(2 * n if n == 1 or sys.getrecursionlimit() < 5000 else -1)\n",
            [PASS] * 6,
            True,
        ),
        (DOUBLE, "import random\nn = int(input())\nprint(2 * n + random.randint(0, 0))\n", [PASS] * 6, False),
        (
            DOUBLE,
            "import builtins\nbuiltins.seen = getattr(builtins, 'seen', 0) + 1\nprint(2 * int(input()) * builtins.seen)\n",
            [PASS] * 6,
            False,
        ),
        (
            DOUBLE_FUNCTION,
            "class Solution:\n    memo = {}\n    def f(self, n):\n        self.memo[n] = 1\n"
            "        return 2 * n * len(self.memo)\n",
            [PASS] * 4,
            True,
        ),
        # a huge result lifts the digit limit while it is written out; the next run has it again
        (
            DOUBLE_FUNCTION,
            "def f(n):\n    if n == 1:\n        return 10 ** 5000\n    s = str(10 ** 5000)\n    return 2 * n\n",
            None,
            True,
        ),
        (
            DOUBLE_FUNCTION,
            "def f(n):\n    assert n != 2\n    return {n, 1} if n == 3 else 2 * n\n",
            [PASS, WRONG, WRONG, PASS],
            True,
        ),
    ],
)
def test_stdin_and_functional_programs_get_the_statuses_of_one_process_per_test(
    sandbox, problem, code, expected, together
):
    sandbox.processes.clear()
    anchor = sandbox.run(problem, code, one_process=False)
    assert sandbox.processes == [1] * len(problem.hidden_tests)
    sandbox.processes.clear()
    fast = sandbox.run(problem, code)
    assert [t.status for t in fast.tests] == [t.status for t in anchor.tests]
    if expected is not None:
        assert [t.status for t in fast.tests] == expected
    else:
        assert fast.tests[0].status == WRONG
    assert may_carry_state_between_runs(code) is not together
    if together:
        assert sandbox.processes[0] > 1, sandbox.processes
    else:
        assert sandbox.processes == [1] * len(problem.hidden_tests)


@pytest.mark.parametrize(
    "code, carries",
    [
        ("n = int(input())\nprint(n * 2)\n", False),
        ("import sys\ninput = sys.stdin.readline\nsys.setrecursionlimit(10 ** 6)\nprint(input())\n", False),
        ("import os, io\ninput = io.BytesIO(os.read(0, os.fstat(0).st_size)).readline\nprint(input())\n", False),
        ("from sys import stdin\nprint(stdin.readline())\n", False),
        ("print(open(0).read())\n", False),
        (
            "from collections import deque, Counter\nd = deque()\nd.append(1)\nprint(Counter('ab').most_common(1))\n",
            False,
        ),
        ("import heapq\nh = []\nheapq.heappush(h, 1)\n", False),
        ("import functools\n@functools.lru_cache(None)\ndef f(n):\n    return n\nprint(f(3))\n", False),
        (
            "class S:\n    memo = {}\n    def f(self, x):\n        self.memo[x] = 1\n        return len(self.memo)\n",
            False,
        ),
        ("import sys\nsys.stdout = open(1, 'w')\n", False),
        ("def f(x:\n", False),  # fails to parse: the same failure in any process
        ("import os\nr = os.read\nprint(r(0, 10))\n", True),  # a second name for os.read: its descriptor unknown
        ("import os\nos.write(5, b'x')\n", True),
        ("print(open('f.txt', 'w'))\n", True),
        ("import random\nprint(random.random())\n", True),
        ("import math\nmath.pi = 3\n", True),
        ("from fractions import Fraction\nFraction.x = 1\n", True),
        ("import threading\nthreading.Thread(target=print).start()\n", True),
        ("import collections.abc\ncollections.abc.Sequence.register(int)\n", True),
        ("import sys\nsys.argv.append(1)\n", True),
        ("import sys\nsys.modules['x'] = 1\n", True),
        ("from sys import *\n", True),
        ("x = eval(input())\n", True),
        ("import decimal\n", True),
        ("__builtins__.print = None\n", True),
        ("x = ().__class__\n", True),
    ],
)
def test_which_programs_count_as_carrying_state_between_runs(code, carries):
    assert may_carry_state_between_runs(code) is carries
