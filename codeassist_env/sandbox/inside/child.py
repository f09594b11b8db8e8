"""What runs in the worker's forked children: the setup every child gets (session, limits, stdin/stdout/
stderr) and the program of a stdin or functional test (an assert test's program: checker.py).

Part of the sandbox worker's script (see README.md), not a module of its own: it uses the names
of worker.py directly, and the other files use its. Standard library only, python3 >= 3.8.
"""

import gc
import json
import os
import resource
import signal
import sys
import traceback
import types

if False:  # joined-script names: this file's use of the others, for checkers; worker_source drops it
    from plain import PLAIN_MAX_BYTES, encode, recv_frame, send_frame
    from worker import MB, _read

FILE_SIZE_LIMIT = 16 * 1024 * 1024
OPEN_FILES_LIMIT = 256


_libc = None
PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER = 4, 36


def _prctl(option, value):
    """prctl(2) through ctypes; False where that is not possible (the worker then works without it)."""
    global _libc
    try:
        if _libc is None:
            import ctypes

            _libc = ctypes.CDLL(None, use_errno=True)
        return _libc.prctl(option, value, 0, 0, 0) == 0
    except (ImportError, OSError, AttributeError):
        return False


def _write_all(fd, data):
    data = memoryview(data)  # sliced without copying the rest: a reply of many MB goes in many writes
    while data:
        data = data[os.write(fd, data) :]


def _set_limit(which, soft, hard=None):
    try:
        resource.setrlimit(which, (soft, soft if hard is None else hard))
    except (ValueError, OSError):
        pass  # a limit the platform refuses must not stop the test; the wall clock still applies


def _jsonable_result(value):
    """The return value as JSON text (tuples become lists, sets sorted lists), or raise TypeError."""

    def default(obj):
        if isinstance(obj, (set, frozenset)):
            try:
                return sorted(obj)
            except TypeError:
                return list(obj)
        raise TypeError("return value of type %s is not JSON-serializable" % type(obj).__name__)

    if hasattr(sys, "set_int_max_str_digits"):
        sys.set_int_max_str_digits(0)  # big integers are legitimate answers
    return json.dumps(value, default=default)


def _run_child(req, result_fd, nonce):
    """Body of the forked child; returns its exit code. ``nonce`` marks the one genuine report."""
    origin = os.getpid()
    try:
        program = compile(req["code"], "<program>", "exec")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
        report = {"status": "memory" if isinstance(e, MemoryError) else "syntax_error", "error_type": type(e).__name__}
        traceback.print_exc(limit=0)
    else:
        del req["code"]
        report = run_program(program, req["kind"], req["entry_point"], req["input"])
    if os.getpid() == origin:  # a copy the program forked ran to the end: only the original reports
        report["nonce"] = nonce
        _write_all(result_fd, json.dumps(report).encode())
    return 0


def run_program(program, kind, entry_point, text):
    """Run a compiled stdin or functional program once, in a fresh module, on one input (a functional
    test's arguments: one JSON value per line; a stdin test reads its own from standard input); returns
    the report: ``status`` ok, error or memory, and ``error_type`` or a functional test's ``result``."""
    module_name = "__main__" if kind == "stdin" else "solution"
    module = types.ModuleType(module_name)
    module.__dict__["__builtins__"] = __builtins__
    sys.modules[module_name] = module
    try:
        try:
            exec(program, module.__dict__)
            if kind != "functional":
                return {"status": "ok"}
            ns = module.__dict__
            if isinstance(ns.get("Solution"), type) and hasattr(ns["Solution"], entry_point):
                func = getattr(ns["Solution"](), entry_point)
            elif callable(ns.get(entry_point)):
                func = ns[entry_point]
            else:
                raise NameError("entry point %r is neither a method of class Solution nor a function" % entry_point)
            args = [json.loads(line) for line in text.splitlines() if line.strip()]
            result = func(*args)
            try:
                return {"status": "ok", "result": _jsonable_result(result)}
            except (TypeError, ValueError) as e:
                sys.stderr.write("%s\n" % e)
                return {"status": "error", "error_type": "BadResult"}
        except SystemExit as e:
            code = e.code
            if kind == "stdin" and (code is None or code == 0):
                return {"status": "ok"}
            sys.stderr.write("SystemExit: %r\n" % (code,))
            return {"status": "error", "error_type": "SystemExit"}
    except MemoryError:
        return {"status": "memory", "error_type": "MemoryError"}
    except BaseException as e:  # the program's own failure, reported, never raised further
        try:  # the program's frames only, not this worker's
            traceback.print_exception(type(e), e, e.__traceback__.tb_next, limit=-8)
        except BaseException:
            pass
        return {"status": "error", "error_type": type(e).__name__}


def _child_entry(req, stdio, close_fds, workdir, dumpable, body):
    """Set up a forked child (session, limits, stdin/stdout/stderr) and exit with what ``body()`` returns."""
    code = 1
    try:
        os.setsid()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for target, fd in enumerate(stdio):
            os.dup2(fd, target)
        for fd in close_fds:
            os.close(fd)
        if dumpable:  # the program may read its own /proc/self; the worker and its judge stay closed
            _prctl(PR_SET_DUMPABLE, 1)
        os.chdir(workdir)
        cpu = int(req["cpu_s"])  # whole seconds, at least 1
        _set_limit(resource.RLIMIT_CPU, cpu, cpu + 1)
        _set_limit(resource.RLIMIT_AS, int(req["memory_mb"]) * MB)
        _set_limit(resource.RLIMIT_FSIZE, max(int(req["output_cap"]), FILE_SIZE_LIMIT))
        _set_limit(resource.RLIMIT_NOFILE, OPEN_FILES_LIMIT)
        if req.get("nproc"):
            _set_limit(resource.RLIMIT_NPROC, int(req["nproc"]))
        if "random" in sys.modules:  # else every child would draw the worker's random sequence
            sys.modules["random"].seed()
        sys.stdin = open(0, "r", closefd=False)
        sys.stdout = open(1, "w", closefd=False)
        sys.stderr = open(2, "w", closefd=False)
        code = body() or 0
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        pass
    finally:
        os._exit(code)


def serve_script(worker, req, call_r, resp_w):
    """The program's process for many stdin or functional inputs (relay.py): compile the program once, then,
    for each input, run the whole program as a process of its own would (``run_program``, in a fresh
    module, with fresh standard input and output, and the interpreter settings the programs may change
    reset) and answer with what that process would have reported: ``R`` and the output (stdout, or the
    functional result as JSON), ``E`` and (error type, "") for a failure, ``O`` when the output passed the
    cap (not an answer: that input runs alone). Whether the program could carry anything else from one run
    to the next is the host's to decide (sandbox/script_state.py)."""
    kind, cap = req["script"], min(int(req["output_cap"]), PLAIN_MAX_BYTES - 1)
    try:
        program = compile(req["code"], "<program>", "exec")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
        traceback.print_exc(limit=0)
        _flush(sys.stderr)  # before the answer: the worker stops the process once it has it
        status = "memory" if isinstance(e, MemoryError) else "syntax_error"
        send_frame(resp_w, b"F" + encode((status, type(e).__name__)))
        return
    del req["code"]
    settings = _Settings()
    stderr = sys.stderr
    send_frame(resp_w, b"+")
    origin = os.getpid()
    last_module = None
    while True:
        data = recv_frame(call_r)
        if data is None:
            return
        _forget(last_module)
        settings.reset()
        out_fd = _fresh_stdio(worker, data if kind == "stdin" else b"", stderr)
        report = run_program(program, kind, req["entry_point"], data.decode("utf-8", "replace"))
        if os.getpid() != origin:  # a copy the program forked ran to the end: only the original answers
            os._exit(0)
        last_module = sys.modules.get("__main__" if kind == "stdin" else "solution")
        for stream in (sys.stdout, sys.stderr, stderr):  # as a process of its own flushes them before it exits
            _flush(stream)
        size = os.fstat(out_fd).st_size
        output = _read(out_fd, size) if size <= cap else None
        os.close(out_fd)
        if output is None:
            send_frame(resp_w, b"O")
        elif report["status"] != "ok":
            send_frame(resp_w, b"E" + encode((str(report.get("error_type") or report["status"]), "")))
        else:
            send_frame(resp_w, b"R" + (output if kind == "stdin" else report["result"].encode()))


def _flush(stream):
    try:
        stream.flush()
    except BaseException:
        pass


def _forget(module):
    """Drop the last run's module and everything only it held, now: a file object it left open, closed later
    by the collector, would close the next run's descriptor."""
    if module is not None:
        module.__dict__.clear()
    gc.collect()


class _Settings:
    """The interpreter settings a stdin or functional program may change (sandbox/script_state.py lets it
    call only these), put back before each run."""

    def __init__(self):
        self.recursion = sys.getrecursionlimit()
        self.digits = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else None

    def reset(self):
        sys.setrecursionlimit(self.recursion)
        if self.digits is not None:
            sys.set_int_max_str_digits(self.digits)


def _fresh_stdio(worker, data, stderr):
    """Descriptors 0 and 1 made anew (the input, and an empty output file), and ``sys.stdin``, ``sys.stdout``
    and ``sys.stderr`` on them as ``_child_entry`` sets them; returns a descriptor of the output file that
    the program does not know of, to read it back even if the program closes 1."""
    sys.stdin = sys.stdout = sys.stderr = None  # the last run's objects go first: one may close 0 or 1
    input_fd, out_fd = worker.unlinked_file(data), worker.unlinked_file()  # as a process of its own gets them
    os.dup2(input_fd, 0)
    os.dup2(out_fd, 1)
    os.close(input_fd)
    sys.stdin = open(0, "r", closefd=False)
    sys.stdout = open(1, "w", closefd=False)
    sys.stderr = stderr
    return out_fd
