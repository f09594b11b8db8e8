"""Every input graded in as few processes as keep the verdicts (sandbox/call_batches.py), which programs count
as carrying state between calls (sandbox/carried_state.py), and the budget that stops a program that hangs
(sandbox/hang_budget.py), on real sandboxes and EvalPlus's HumanEval+-Mini."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from codeassist_env.problems.model import Problem
from codeassist_env.problems.model import TestCase as Case
from codeassist_env.sandbox import open_sandbox
from codeassist_env.sandbox.carried_state import may_carry_state
from codeassist_env.sandbox.core import wall_limit_s
from codeassist_env.sandbox.hang_budget import NOT_RUN

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sandbox():
    """A bwrap sandbox that keeps the number of inputs of each process it starts for call tests."""
    with open_sandbox("bwrap") as box:
        real, box.processes = box.call, []

        def call(code, entry_point, calls, *rest, **options):
            box.processes.append(len(calls))
            return real(code, entry_point, calls, *rest, **options)

        box.call = call
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
            ran = [(a.status, b.status) for a, b in zip(anchor.tests, fast.tests)
                   if NOT_RUN not in (a.stderr, b.stderr)]
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
    verdict = sandbox.run(problem, "def has_close_elements(numbers, threshold):\n    while True:\n        pass\n",
                          tests=tests)
    took = time.monotonic() - started
    assert {t.status for t in verdict.tests} == {"time_limit"} and len(verdict.tests) == 25
    assert took <= 4 * (problem.time_limit_s + 1.0), took
    assert verdict.tests[-1].stderr == NOT_RUN and verdict.tests[0].stderr != NOT_RUN


@pytest.mark.bwrap
def test_a_stdin_program_that_hangs_on_all_25_tests_takes_at_most_4_wall_limits(sandbox):
    problem = Problem(id="echo", statement="Print the input.", test_kind="stdin", time_limit_s=0.5,
                      hidden_tests=tuple(Case(f"{i}\n", f"{i}\n") for i in range(25)))
    started = time.monotonic()
    verdict = sandbox.run(problem, "import time\nn = input()\nif n != '0':\n    time.sleep(60)\nprint(n)\n")
    took = time.monotonic() - started
    assert [t.status for t in verdict.tests[:2]] == ["passed", "time_limit"] and len(verdict.tests) == 25
    assert {t.status for t in verdict.tests[1:]} == {"time_limit"} and verdict.pass_fraction == 1 / 25
    assert took <= 4 * wall_limit_s(problem), took
    assert verdict.tests[-1].stderr == NOT_RUN


@pytest.mark.parametrize("code, carries", [
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
    ("class S:\n    memo = {}\n    def g(self, x):\n        self.memo[x] = 1\n        return len(self.memo)\n"
     "def f(x):\n    return S().g(x)\n", True),
    ("class S:\n    def __init__(self):\n        self.a = []\n    def g(self, x):\n        self.a.append(x)\n"
     "        return len(self.a)\ns = S()\ndef f(x):\n    return s.g(x)\n", True),
    ("from functools import lru_cache\n@lru_cache(None)\ndef f(x):\n    return x if x < 2 else f(x - 1) + f(x - 2)\n",
     False),
    ("it = iter(range(10))\ndef f(x):\n    return next(it)\n", True),
    ("squares = (i * i for i in range(10))\ndef f(x):\n    return list(squares)[x]\n", True),
    ("def make():\n    c = [0]\n    def g(x):\n        c[0] += 1\n        return c[0]\n    return g\n"
     "f = make()\n", True),
    ("import sys\nsys.setrecursionlimit(10000)\ndef f(x):\n    return x\n", False),
    ("def f(x):\n    import sys\n    sys.setrecursionlimit(10000 + x)\n    return x\n", True),
    ("def helper(a, x):\n    a.append(x)\nR = []\ndef f(x):\n    helper(R, x)\n    return len(R)\n", True),
    ("def f(s):\n    return ''.join(sorted(c.upper() for c in s))\n", False),
    ("def f(x:\n", False),  # fails to parse: the same failure in any process
])
def test_which_programs_count_as_carrying_state(code, carries):
    assert may_carry_state(code) is carries
