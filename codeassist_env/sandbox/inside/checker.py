"""Assert tests in two processes: the program's, which only answers calls, and the judge's (judge.py), which
runs ``check(candidate)`` with a ``candidate`` that forwards each call to the program and rebuilds the answer
from plain data (plain.py). Nothing of the program's objects reaches the check, and nothing of the check
(its code, its report channel) is ever in the program's process, so a program can pass only by returning
the right values.

Part of the sandbox worker's script (see README.md), not a module of its own: it uses the names
of plain.py directly, and judge.py uses its. Standard library only, python3 >= 3.8.

Messages from the program: ``+`` ready; ``F`` + (status, error_type) the program failed before it could be
called; ``R`` + value a call returned; ``E`` + (type name, message) a call raised; ``B`` + reason a call
returned something that is not plain data. To the program: (args, kwargs) of one call.
"""

import builtins
import os
import sys
import time
import traceback
import types

if False:  # joined-script names: this file's use of the others, for checkers; worker_source drops it
    from child import serve_script
    from plain import NotPlain, PLAIN_MAX_DEPTH, PLAIN_TYPES, decode, encode, recv_frame, send_frame
    from worker import _drain

MESSAGE_KEEP = 1000  # characters of an exception's message passed on
PROGRAM_FAILURES = ("syntax_error", "error", "memory")  # what a program may say about its own failure


def fork_candidate(worker, req, fds):
    """Fork the program's child that answers calls (``serve_candidate``), for assert and call tests alike, or
    runs a stdin or functional program once per input (``serve_script``, when the request names one).
    The descriptors it makes are appended to ``fds`` as they are made, so the caller closes them whatever
    fails; returns (its pid, when it started, input_fd, out_fd, err_fd, call_r, call_w, resp_r, resp_w)."""
    fds += [worker.unlinked_file(), worker.unlinked_file(), worker.unlinked_file()]
    fds += os.pipe() + os.pipe()
    input_fd, out_fd, err_fd, call_r, call_w, resp_r, resp_w = fds[-7:]
    ours = worker.own_fds() + [input_fd, out_fd, err_fd, call_w, resp_r]
    _drain(worker.wake_r)
    start = time.monotonic()
    if req.get("script"):  # a stdin or functional program run once per input (child.py)
        body = lambda: serve_script(worker, req, call_r, resp_w)
    else:
        body = lambda: serve_candidate(req["code"], req["entry_point"], call_r, resp_w)
    program = worker.fork(req, (input_fd, out_fd, err_fd), ours, True, body)
    return (program, start) + tuple(fds[-7:])


def serve_candidate(code, entry_point, call_r, resp_w):
    """The program's process: run the program, then answer calls until the judge closes the channel."""
    module = types.ModuleType("solution")
    module.__dict__["__builtins__"] = builtins
    sys.modules["solution"] = module
    try:
        program = compile(code, "<program>", "exec")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
        traceback.print_exc(limit=0)
        status = "memory" if isinstance(e, MemoryError) else "syntax_error"  # a huge program may not compile
        send_frame(resp_w, b"F" + encode((status, type(e).__name__)))
        return
    del code
    try:
        exec(program, module.__dict__)
        func = module.__dict__.get(entry_point)
        if not callable(func):
            raise NameError("the program defines no function %r to test" % entry_point)
    except BaseException as e:  # the program's own failure, reported, never raised further
        _print_program_traceback(e)
        status = "memory" if isinstance(e, MemoryError) else "error"
        send_frame(resp_w, b"F" + encode((status, type(e).__name__)))
        return
    send_frame(resp_w, b"+")
    origin = os.getpid()
    while True:
        data = recv_frame(call_r)
        if data is None:
            return
        args, kwargs = decode(data)
        try:
            value = func(*args, **kwargs)
        except BaseException as e:
            if os.getpid() != origin:  # a copy the program forked inside the call: only the original answers
                os._exit(0)
            _print_program_traceback(e)
            send_frame(resp_w, b"E" + encode((type(e).__name__, _message(e))))
            continue
        if os.getpid() != origin:
            os._exit(0)
        try:
            reply = b"R" + encode(value, "the return value")
        except NotPlain as e:
            reply = b"B" + str(e).encode("utf-8", "replace")
        del value
        send_frame(resp_w, reply)


def _message(e):
    try:
        text = str(e)
    except BaseException:
        text = ""
    return text[:MESSAGE_KEEP] if type(text) is str else ""


def _print_program_traceback(e):
    try:  # the program's frames only, not this script's
        traceback.print_exception(type(e), e, e.__traceback__.tb_next, limit=-8)
        sys.stderr.flush()
    except BaseException:
        pass


class CandidateError(Exception):
    """Stands in the check for an exception of a type defined by the program (its class stays there)."""


class _Broken(BaseException):
    """The channel to the program failed; a BaseException so that ``except Exception`` in a check does not
    swallow it (and the judge reports the failure even when a bare ``except`` does)."""


class _Program:
    """The judge's end of the channel; ``failure`` is set once it breaks and stays set."""

    def __init__(self, call_w, resp_r):
        self.call_w, self.resp_r = call_w, resp_r
        self.failure = None  # (report fields, text for stderr)
        # Whether the program said it is ready. Read lazily: the first call goes out at once and the answer
        # to it follows the ready message, so a test waits for the program once, not twice.
        self.ready = False

    def expect_ready(self):
        if self.ready:
            return
        kind, payload = self.receive()
        if kind == "F":  # it printed its own traceback
            status, error_type = payload
            self.fail(
                {
                    "status": "program",
                    "program_status": status if status in PROGRAM_FAILURES else "error",
                    "error_type": error_type[:100],
                },
                "",
            )
        if kind != "+":
            self.garbage("a %r message before it was ready" % kind)
        self.ready = True

    def receive(self):
        """The program's next message as (kind, payload); breaks the channel on end of stream or garbage."""
        try:
            data = recv_frame(self.resp_r)
            if data is None:
                return self.fail({"status": "program"}, "the program's process ended or closed its channel")
            kind, body = data[:1], data[1:]
            if kind == b"+" and not body:
                return "+", None
            if kind == b"B":
                return self.fail(
                    {"status": "error", "error_type": "BadResult"},
                    "%s: an assert-style program may return only %s (exact types, at most %d deep)"
                    % (body.decode("utf-8", "replace")[:MESSAGE_KEEP], PLAIN_TYPES, PLAIN_MAX_DEPTH),
                )
            if kind in (b"R", b"E", b"F"):
                payload = decode(body)
                if kind == b"R" or _is_pair_of_str(payload):
                    return kind.decode(), payload
            problem = "a message of unknown kind"
        except NotPlain as e:
            problem = str(e)
        return self.garbage(problem)

    def garbage(self, problem):
        return self.fail(
            {"status": "error", "error_type": "ForgedResult"},
            "the program's process wrote to its channel to the judge: %s" % problem,
        )

    def fail(self, report, text):
        if self.failure is None:
            self.failure = (report, text)
        raise _Broken(text)

    def call(self, args, kwargs):
        if self.failure is not None:
            raise _Broken(self.failure[1])
        try:
            data = encode((args, kwargs), "an argument")
        except NotPlain as e:
            return self.fail(
                {"status": "infra_error"},
                "the check passed the candidate something the sandbox cannot send to the program's process: %s" % e,
            )
        try:
            send_frame(self.call_w, data)
            sent = True
        except OSError:  # gone: whatever it said first (it could not start?) is still to be read
            sent = False
        self.expect_ready()
        if not sent:
            return self.fail({"status": "program"}, "the program's process ended or closed its channel")
        kind, payload = self.receive()
        if kind == "R":
            return payload
        if kind == "E":
            raise _rebuild(*payload)
        return self.garbage("a %r message in answer to a call" % kind)


def _is_pair_of_str(value):
    return type(value) is tuple and len(value) == 2 and all(type(v) is str for v in value)


def _rebuild(name, message):
    """An exception the check can catch like the program's own: the builtin class of that name if there
    is one, else CandidateError."""
    cls = getattr(builtins, name, None)
    if isinstance(cls, type) and issubclass(cls, BaseException):
        try:
            return cls(message)
        except Exception:
            pass  # a builtin whose constructor wants more than a message (UnicodeDecodeError, ...)
    return CandidateError("%s: %s" % (name, message))


def run_check(check_text, entry_point, call_w, resp_r):
    """Run one test's check in the judge's process; returns the report fields (status, error_type, ...)."""
    program = _Program(call_w, resp_r)

    def candidate(*args, **kwargs):
        return program.call(args, kwargs)

    namespace = {"__name__": "__check__", "__builtins__": builtins}
    try:
        exec(compile(check_text, "<test>", "exec"), namespace)
        check = namespace["check"]
    except BaseException as e:
        return _infra("the test's code failed before the program was called: %s: %s" % (type(e).__name__, e))
    del check_text
    # HumanEval's checks ran in the program's module, and one (HumanEval/33) calls the function by its name.
    namespace[entry_point] = candidate
    try:
        check(candidate)
        program.expect_ready()  # a program that cannot start fails even a check that never calls it
    except BaseException as e:
        try:  # a failed check says less than a program that could not start
            program.expect_ready()
        except _Broken:
            pass
        if program.failure is not None:
            return _report_failure(program)
        _print_check_traceback(e)
        if isinstance(e, MemoryError):
            return {"status": "memory", "error_type": "MemoryError"}
        return {"status": "error", "error_type": type(e).__name__}
    if program.failure is not None:  # the check caught the failure itself
        return _report_failure(program)
    return {"status": "ok"}


def _report_failure(program):
    report, text = program.failure
    if text:
        _say(text)
    return report


def _infra(text):
    _say(text)
    return {"status": "infra_error"}


def _say(text):
    """A line on the test's stderr. Never raises: the program may have filled the disk under that file,
    and what it did must not turn into a failure of the judge."""
    try:
        sys.stderr.write(text + "\n")
    except (OSError, ValueError):
        pass


def _print_check_traceback(e):
    """The check's frames and the exception, without this script's frames."""
    try:
        own = sys._getframe().f_code.co_filename
        frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename != own]
        sys.stderr.write(
            "".join(
                ["Traceback (most recent call last):\n"]
                + traceback.format_list(frames[-8:])
                + traceback.format_exception_only(type(e), e)
            )
        )
        sys.stderr.flush()
    except BaseException:
        pass
