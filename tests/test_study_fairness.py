"""The study server under hostile input and load: a body it cannot take is a 400 that changes nothing, and
program runs are shared fairly (``study.runs.FairRuns``). The 20-participant measurement on the real
server is benchmarks/bench_study_fairness.py."""

from __future__ import annotations

import threading
import time

import pytest
from starlette.testclient import TestClient

from codeassist_env.study.app import create_app
from codeassist_env.study.core import StudyConfig
from codeassist_env.study.log import LOG_FILE, read_log
from codeassist_env.study.runs import FairRuns
from codeassist_env.study.server import build_study


@pytest.mark.bwrap
def test_a_body_the_server_cannot_take_is_a_400_and_changes_nothing(tmp_path):
    study, close = build_study(
        StudyConfig(agents=("none",), problems="codeassist-core", solo=True),
        tmp_path / "study",
        sandbox="bwrap",
        sandboxes=1,
    )
    try:
        http = TestClient(create_app(study), raise_server_exceptions=False)
        view = http.post("/api/join", json={"participant": "P1", "consent": True}).json()
        before = (read_log(tmp_path / "study" / LOG_FILE).records, http.get("/api/state?participant=P1").json())
        surrogate = b'{"participant": "P1", "problem_id": "%s", "code": "# \\ud800", "typed": ""}' % (
            view["problem_id"].encode()
        )
        deep = b'{"participant": "P1", "code": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        for path in ("/api/run", "/api/submit", "/api/suggest", "/api/join"):
            for body in (surrogate, deep):
                reply = http.post(path, content=body)
                assert reply.status_code == 400, (path, reply.status_code, reply.text[:200])
        assert "not valid Unicode" in http.post("/api/run", content=surrogate).json()["error"]
        assert "nested too deep" in http.post("/api/run", content=deep).json()["error"]
        after = (read_log(tmp_path / "study" / LOG_FILE).records, http.get("/api/state?participant=P1").json())
        assert after == before
    finally:
        close()


def test_runs_are_served_round_robin_so_nobody_waits_behind_two_runs_of_another():
    runs = FairRuns(["box"], slow_slots=1)
    started: list[str] = []
    gate = threading.Event()

    def press(participant: str, times: int) -> None:
        for _ in range(times):
            runs.run(participant, lambda box: (started.append(participant), gate.wait()))

    first = threading.Thread(target=press, args=("A", 1))
    first.start()
    while not started:
        time.sleep(0.01)
    # While A's run holds the one sandbox, B queues three runs and C one (B's come first).
    others = [threading.Thread(target=runs.run, args=("B", lambda box: started.append("B"))) for _ in range(3)]
    for thread in others:
        thread.start()
    time.sleep(0.2)
    late = threading.Thread(target=runs.run, args=("C", lambda box: started.append("C")))
    late.start()
    time.sleep(0.2)
    gate.set()
    for thread in [first, *others, late]:
        thread.join(timeout=10)
    assert started == ["A", "B", "C", "B", "B"]  # C waited behind one run of B, not three


def test_participants_whose_runs_hang_hold_only_the_slow_slots():
    hang_s = 0.6  # a run that "hangs" until its limit, as the study's verdict would say (time_limit)
    runs = FairRuns(["box1", "box2", "box3"], slow_slots=1, slow=lambda result, seconds: result == "time_limit")
    took: dict[str, list[float]] = {}

    def press(participant: str, seconds: float, times: int) -> None:
        for _ in range(times):
            began = time.monotonic()
            runs.run(participant, lambda box: (time.sleep(seconds), "time_limit" if seconds >= hang_s else "ok")[1])
            took.setdefault(participant, []).append(time.monotonic() - began)

    hangers = [threading.Thread(target=press, args=(f"H{i}", hang_s, 3)) for i in range(4)]
    for thread in hangers:
        thread.start()
    time.sleep(2.5 * hang_s)  # every hanger has had a slow run: from now on they share one sandbox
    quick = [threading.Thread(target=press, args=(f"Q{i}", 0.02, 5)) for i in range(4)]
    for thread in quick:
        thread.start()
    for thread in quick:
        thread.join(timeout=30)
    assert max(max(took[f"Q{i}"]) for i in range(4)) < hang_s  # never behind a hanging run
    for thread in hangers:
        thread.join(timeout=60)
    assert all(len(took[f"H{i}"]) == 3 for i in range(4))  # the hangers were served too


def test_the_pool_grows_to_its_size_only_when_every_sandbox_is_busy():
    opened = []
    runs = FairRuns(["box0"], open_sandbox=lambda: opened.append(f"box{len(opened) + 1}") or opened[-1], size=3)
    runs.run("A", lambda box: None)
    runs.run("A", lambda box: None)
    assert opened == []  # one at a time needs one
    gate, started = threading.Event(), []
    threads = [
        threading.Thread(target=runs.run, args=(f"P{i}", lambda box: (started.append(box), gate.wait())))
        for i in range(5)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    assert sorted(started) == ["box0", "box1", "box2"] and len(opened) == 2  # three at once, two waiting
    gate.set()
    for thread in threads:
        thread.join(timeout=10)
    assert len(started) == 5 and sorted(runs.sandboxes) == ["box0", "box1", "box2"]


def test_warming_opens_the_rest_of_the_pool_and_close_closes_every_sandbox():
    class Box:
        closed = False

        def close(self):
            self.closed = True

    runs = FairRuns([Box()], open_sandbox=Box, size=3)
    runs.warm()
    boxes = list(runs.sandboxes)
    assert len(boxes) == 3
    runs.run("A", lambda box: None)
    runs.close()
    assert all(box.closed for box in boxes) and runs.sandboxes == []
