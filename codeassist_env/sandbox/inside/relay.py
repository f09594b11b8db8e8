"""Call tests on the worker's side: the program's child answers calls (checker.serve_candidate) and the worker
hands it one input after another, timing each answer from outside the program's process, and sends the
answers to the host unread. The host alone knows the expected outputs and compares (sandbox/calls.py).

One request carries one input (a test in a process of its own) or many (fast mode: one process answers
them in turn, as EvalPlus's evaluator runs a program; the worker stops at the first answer that is not a
value, the host at the first wrong value).

Part of the sandbox worker's script (see README.md), not a module of its own: it uses the names
of worker.py, plain.py and checker.py directly. Standard library only, python3 >= 3.8.
"""
import os
import select
import struct
import time

# What the host gets per call: [kind, text, seconds]. Kinds: R (a value, as plain-data JSON), E (the call
# raised: JSON [type name, message]), B (it returned something that is not plain data), F (the program
# failed before it could be called: JSON [status, error type]), T (the call's time limit passed), X (the
# program's process ended or stopped answering), G (it wrote something that is no answer).
RELAY_FRAME_HEAD = 4


def run_calls(worker, req):
    """Run the program's child on each input of the request; stop at the first answer that is not a value."""
    calls = worker.read_check(b"", req["calls_bytes"])  # the inputs, each framed as the program reads them
    fds = []
    try:
        program, start, _, out_fd, err_fd, call_r, call_w, resp_r, resp_w = fork_candidate(worker, req, fds)
        for fd in (call_r, resp_w):  # the program's ends: its end of stream is then ours to see
            fds.remove(fd)
            os.close(fd)
        answers = _relay(call_w, resp_r, calls, req["limits"], start + float(req["wall_s"]))
        _kill_group(program)  # its answers are in; whatever it still does is moot
        os.wait4(program, 0)
        reply = {"status": "ok", "calls": answers, "time_s": round(time.monotonic() - start, 6),
                 "stderr": _stderr_tail(err_fd, req)}
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
            self.left = self.left[os.write(self.fd, self.left):]
        except BlockingIOError:
            pass
        except OSError:  # its process is gone: the end of its stream says so
            self.left = self.left[:0]


def _relay(call_w, resp_r, calls, limits, deadline):
    """[kind, text, seconds] per input answered, up to and including the first that is not a value.

    The inputs go into the program's pipe ahead of its answers, so it never waits for the worker between
    two calls. A call's time runs, as seen from outside its process, from the answer before it (from the
    first input's sending, for the first) to its own answer."""
    buffer = bytearray()
    ready, message = _next_message(resp_r, buffer, deadline)  # the program's start counts only to the wall
    if ready != b"+":
        return [_failure(ready, message, 0.0)]
    answers = []
    inputs = _Inputs(call_w, calls)
    began = time.monotonic()
    inputs.push()
    for limit in limits:
        kind, message = _next_message(resp_r, buffer, min(deadline, began + float(limit)), inputs)
        answered = time.monotonic()
        seconds = round(answered - began, 6)
        if kind != b"R":
            answers.append(_failure(kind, message, seconds))
            break
        answers.append(["R", message.decode("utf-8", "replace"), seconds])
        began = answered
    return answers


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
                frame = bytes(buffer[RELAY_FRAME_HEAD:RELAY_FRAME_HEAD + size])
                del buffer[:RELAY_FRAME_HEAD + size]
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
