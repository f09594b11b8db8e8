"""SamplingGate: greedy calls into a shared local model overlap; a sampling call runs alone and is not starved."""

from __future__ import annotations

import threading
import time

from codeassist_env.bench.guards import SamplingGate


def hold(context, entered: threading.Event, release: threading.Event, log: list, name: str) -> threading.Thread:
    def body():
        with context:
            log.append(f"{name} in")
            entered.set()
            release.wait(10)
            log.append(f"{name} out")

    thread = threading.Thread(target=body)
    thread.start()
    return thread


def test_greedy_calls_overlap_and_a_sampling_call_waits_for_them_and_goes_before_later_greedy_ones():
    gate, log = SamplingGate(), []
    events = {n: (threading.Event(), threading.Event()) for n in ("g1", "g2", "s", "g3")}
    threads = [hold(gate.greedy(), *events["g1"], log, "g1"), hold(gate.greedy(), *events["g2"], log, "g2")]
    assert events["g1"][0].wait(5) and events["g2"][0].wait(5)  # both greedy calls inside at once

    threads.append(hold(gate.sampling(), *events["s"], log, "s"))
    time.sleep(0.2)
    assert not events["s"][0].is_set()  # the sampler waits for the greedy calls
    threads.append(hold(gate.greedy(), *events["g3"], log, "g3"))
    time.sleep(0.2)
    assert not events["g3"][0].is_set()  # a greedy call arriving now waits behind the sampler

    events["g1"][1].set()
    events["g2"][1].set()
    assert events["s"][0].wait(5)
    time.sleep(0.2)
    assert not events["g3"][0].is_set()  # the sampler runs alone
    events["s"][1].set()
    assert events["g3"][0].wait(5)
    events["g3"][1].set()
    for thread in threads:
        thread.join(10)
    assert log.index("s in") > max(log.index("g1 out"), log.index("g2 out"))
    assert log.index("g3 in") > log.index("s out")
