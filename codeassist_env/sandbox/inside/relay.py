"""Call tests on the worker's side: the program's child answers calls (checker.serve_candidate) and the worker
hands it one input after another, timing each answer from outside the program's process, and sends the
answers to the host unread. The host alone knows the expected outputs and compares (sandbox/calls.py).

One request carries one input (a test in a process of its own) or many (one process answers them in turn, as
EvalPlus's evaluator runs a program). The worker stops at the first answer that is not a value, or, when the
request says ``keep_going``, at the first after which the process cannot answer again (a time-out, its end,
garbage): a call that raised or returned something that is not plain data leaves it answering. The reply
says when the program was ready (``ready_s``) and the CPU time its process used in all (``cpu_s``), so the
host can tell whether each answer is one a process of its own would have given within its limits.

Part of the sandbox worker's script (see README.md), not a module of its own: it uses the names
of worker.py, plain.py and checker.py directly. Standard library only, python3 >= 3.8.
"""

import os
import select
import struct
import time

if False:  # joined-script names: this file's use of the others, for checkers; worker_source drops it
    from checker import fork_candidate
    from plain import PLAIN_MAX_BYTES
    from worker import _kill_group, _stderr_tail

# What the host gets per call: [kind, text, seconds, CPU seconds or None]. Kinds: R (a value, as plain-data JSON), E (the call
# raised: JSON [type name, message]), B (it returned something that is not plain data), F (the program
# failed before it could be called: JSON [status, error type]), T (the call's time limit passed), X (the
# program's process ended or stopped answering), G (it wrote something that is no answer).
RELAY_FRAME_HEAD = 4
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def run_calls(worker, req):
    """Run the program's child on each input of the request; stop at the first answer that is not a value."""
    calls = worker.read_check(b"", req["calls_bytes"])  # the inputs, each framed as the program reads them
    fds = []
    try:
        program, start, _, out_fd, err_fd, call_r, call_w, resp_r, resp_w = fork_candidate(worker, req, fds)
        for fd in (call_r, resp_w):  # the program's ends: its end of stream is then ours to see
            fds.remove(fd)
            os.close(fd)
        deadline = start + float(req["wall_s"])
        ready_by = min(deadline, start + float(req.get("ready_s", req["wall_s"])))
        answers, ready_s = _relay(
            call_w, resp_r, calls, req["limits"], ready_by, deadline, bool(req.get("keep_going")), program
        )
        _kill_group(program)  # its answers are in; whatever it still does is moot
        usage = os.wait4(program, 0)[2]
        reply = {
            "status": "ok",
            "calls": answers,
            "time_s": round(time.monotonic() - start, 6),
            "ready_s": round(ready_s - start, 6),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 6),
            "stderr": _stderr_tail(err_fd, req),
        }
        if os.fstat(out_fd).st_size > int(req["output_cap"]):
            reply.update(status="output_limit", stderr=reply["stderr"] + "\noutput exceeded the cap")
        return reply
    finally:
        for fd in fds:
            os.close(fd)


class _Inputs:
    """The inputs not yet in the program's pipe, written without blocking as fast as the pipe takes them."""

    def __init__(self, fd, data):
        self.fd, self.left = fd, memoryview(data)
        os.set_blocking(fd, False)

    def push(self):
        try:
            self.left = self.left[os.write(self.fd, self.left) :]
        except BlockingIOError:
            pass
        except OSError:  # its process is gone: the end of its stream says so
            self.left = self.left[:0]


def _relay(call_w, resp_r, calls, limits, ready_by, deadline, keep_going, program):
    """([kind, text, seconds, cpu seconds] per input answered, up to and including the first that is not a
    value (with ``keep_going``: the first after which the process cannot answer again), and when it was
    ready). With ``keep_going``, a call's CPU seconds are its process's CPU time since the answer before it
    (since its start, for the first: a process of its own spends both under one limit); else, and where
    /proc cannot say, None.

    The inputs go into the program's pipe ahead of its answers, so it never waits for the worker between
    two calls. A call's time runs, as seen from outside its process, from the answer before it (from the
    first input's sending, for the first) to its own answer."""
    buffer = bytearray()
    ready, message = _next_message(resp_r, buffer, ready_by)  # the program's start counts only to the wall
    ready_at = time.monotonic()
    if ready != b"+":
        return [_failure(ready, message, 0.0) + [None]], ready_at
    answers = []
    inputs = _Inputs(call_w, calls)
    stat = _open_stat(program) if keep_going else None
    began, cpu_before = time.monotonic(), 0.0
    inputs.push()
    try:
        for limit in limits:
            kind, message = _next_message(resp_r, buffer, min(deadline, began + float(limit)), inputs)
            answered, cpu = time.monotonic(), _cpu_seconds(stat)
            seconds = round(answered - began, 6)
            cpu_s = None if cpu is None or cpu_before is None else round(cpu - cpu_before, 6)
            if kind != b"R":
                answers.append(_failure(kind, message, seconds) + [cpu_s])
                if not (keep_going and kind in (b"E", b"B")):
                    break
            else:
                answers.append(["R", message.decode("utf-8", "replace"), seconds, cpu_s])
            began, cpu_before = answered, cpu
    finally:
        if stat is not None:
            os.close(stat)
    return answers, ready_at


def _open_stat(pid):
    try:
        return os.open("/proc/%d/stat" % pid, os.O_RDONLY)
    except OSError:
        return None


def _cpu_seconds(stat):
    """The user and system CPU time of a process (all its threads) from its open /proc stat file, read
    again from the start; None if there is none or it cannot be read."""
    if stat is None:
        return None
    try:
        fields = os.pread(stat, 1024, 0).rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    except (OSError, ValueError, IndexError):
        return None


def _failure(kind, message, seconds):
    if kind in (b"E", b"F", b"B"):
        return [kind.decode(), message.decode("utf-8", "replace"), seconds]
    if kind in (b"T", b"X"):
        return [kind.decode(), "", seconds]
    return ["G", "", seconds]


def _next_message(fd, buffer, until, inputs=None):
    """(kind byte, body) of the program's next frame; (b"T", b"") once ``until`` passes, (b"X", b"") at the
    end of its stream. Read with a deadline: a program that writes half a frame cannot stall the worker.
    Meanwhile the ``inputs`` (an ``_Inputs``) left go on into the program's pipe as it takes them."""
    while True:
        if len(buffer) >= RELAY_FRAME_HEAD:
            size = struct.unpack(">I", bytes(buffer[:RELAY_FRAME_HEAD]))[0]
            if size > PLAIN_MAX_BYTES or size == 0:
                return b"G", b""
            if len(buffer) >= RELAY_FRAME_HEAD + size:
                frame = bytes(buffer[RELAY_FRAME_HEAD : RELAY_FRAME_HEAD + size])
                del buffer[: RELAY_FRAME_HEAD + size]
                return frame[:1], frame[1:]
        remaining = until - time.monotonic()
        if remaining <= 0:
            return b"T", b""
        writing = [inputs.fd] if inputs is not None and inputs.left else []
        readable, writable, _ = select.select([fd], writing, [], remaining)
        if writable:
            inputs.push()
        if not readable:
            if not writable:
                return b"T", b""
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"X", b""
        buffer += chunk
