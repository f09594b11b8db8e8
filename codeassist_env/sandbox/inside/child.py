"""What runs in the worker's forked children: the setup every child gets (session, limits, stdin/stdout/
stderr) and the program of a stdin or functional test (an assert test's program: checker.py).

Part of the sandbox worker's script (see README.md), not a module of its own: it uses the names
of worker.py directly, and the other files use its. Standard library only, python3 >= 3.8.
"""
import json
import os
import resource
import signal
import sys
import traceback
import types

if False:  # joined-script names: this file's use of the others, for checkers; worker_source drops it
    from worker import MB

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
        data = data[os.write(fd, data):]


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

    def report(**fields):
        if os.getpid() != origin:  # a copy the program forked ran to the end: only the original reports
            return
        fields["nonce"] = nonce
        _write_all(result_fd, json.dumps(fields).encode())

    kind = req["kind"]  # stdin or functional; assert tests run in checker.py
    module_name = "__main__" if kind == "stdin" else "solution"
    module = types.ModuleType(module_name)
    module.__dict__["__builtins__"] = __builtins__
    sys.modules[module_name] = module
    try:
        program = compile(req["code"], "<program>", "exec")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
        report(status="memory" if isinstance(e, MemoryError) else "syntax_error", error_type=type(e).__name__)
        traceback.print_exc(limit=0)
        return 0
    del req["code"]
    try:
        try:
            exec(program, module.__dict__)
            if kind == "functional":
                ns = module.__dict__
                name = req["entry_point"]
                if isinstance(ns.get("Solution"), type) and hasattr(ns["Solution"], name):
                    func = getattr(ns["Solution"](), name)
                elif callable(ns.get(name)):
                    func = ns[name]
                else:
                    raise NameError("entry point %r is neither a method of class Solution nor a function" % name)
                args = [json.loads(line) for line in req["input"].splitlines() if line.strip()]
                result = func(*args)
                try:
                    report(status="ok", result=_jsonable_result(result))
                except (TypeError, ValueError) as e:
                    report(status="error", error_type="BadResult")
                    sys.stderr.write("%s\n" % e)
            else:
                report(status="ok")
        except SystemExit as e:
            code = e.code
            if kind == "stdin" and (code is None or code == 0):
                report(status="ok")
            else:
                report(status="error", error_type="SystemExit")
                sys.stderr.write("SystemExit: %r\n" % (code,))
    except MemoryError:
        report(status="memory", error_type="MemoryError")
        return 0
    except BaseException as e:  # the program's own failure, reported, never raised further
        report(status="error", error_type=type(e).__name__)
        try:  # the program's frames only, not this worker's
            traceback.print_exception(type(e), e, e.__traceback__.tb_next, limit=-8)
        except BaseException:
            pass
    return 0


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
