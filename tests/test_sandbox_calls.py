"""Call tests on the worker's side (sandbox/inside/relay.py): one process answers many inputs in turn, each
timed from outside it, with the inputs written into its pipe ahead of its answers."""

from __future__ import annotations

import time

import pytest

from codeassist_env.sandbox import open_sandbox
from codeassist_env.sandbox.inside.plain import decode, encode

pytestmark = pytest.mark.bwrap


@pytest.fixture(scope="module")
def sandbox():
    with open_sandbox("bwrap") as box:
        yield box


def calls(*inputs):
    return [encode(((x,), {})) for x in inputs]


def test_many_inputs_are_answered_in_order_each_timed(sandbox):
    code = "def f(x):\n    return [x, x * 0.5, str(x)]\n"
    reply = sandbox.call(code, "f", calls(*range(2000)), [1.0] * 2000, 30.0, 512)
    assert reply["status"] == "ok" and [kind for kind, *_ in reply["calls"]] == ["R"] * 2000
    assert [decode(text) for _, text, *_ in reply["calls"]] == [[x, x * 0.5, str(x)] for x in range(2000)]
    assert all(0 <= seconds < 1.0 for _, _, seconds, _ in reply["calls"])


def test_a_call_that_loops_is_stopped_at_its_own_limit_counted_from_the_answer_before_it(sandbox):
    code = "import time\ndef f(x):\n    if x == 3:\n        while True:\n            pass\n    time.sleep(0.2)\n    return x\n"
    reply = sandbox.call(code, "f", calls(*range(6)), [1.0, 1.0, 1.0, 0.5, 1.0, 1.0], 10.0, 512)
    # Counted from the start of the run instead, the looping call's 0.5 s would have passed inside the third call.
    assert [kind for kind, *_ in reply["calls"]] == ["R", "R", "R", "T"]  # nothing after the first failure
    # Each call's time runs from the worker's reading of the answer before it: a worker that reads an answer
    # late moves time from one call to the next (the program already has its next input), so only the sum
    # of the three sleeping calls is sure to be at least their 0.6 s.
    assert sum(seconds for _, _, seconds, _ in reply["calls"][:3]) >= 0.6 - 1e-6
    assert 0.5 <= reply["calls"][3][2] < 1.2  # stopped at its own limit, plus the worker's wake-up


def test_inputs_larger_than_the_pipe_do_not_stall_the_worker_when_the_program_stops_reading(sandbox):
    code = "import time\ndef f(x):\n    time.sleep(60)\n"
    started = time.monotonic()
    reply = sandbox.call(code, "f", calls(*["x" * 100_000] * 50), [0.5] * 50, 5.0, 512)
    assert [kind for kind, *_ in reply["calls"]] == ["T"] and time.monotonic() - started < 4.0
