"""The sandbox worker: runs inside the sandbox, standard library only, any python3 >= 3.8.

Protocol: JSON lines. The worker prints ``{"ready": true, ...}`` once, then for every request line
``{"code", "kind", "input", "entry_point", "cpu_s", "wall_s", "memory_mb", "nproc", "output_cap"}`` it forks
one child that runs the program on that single input and answers one line
``{"status", "stdout", "result", "stderr", "error_type", "time_s"}`` where status is one of
ok / error / timeout / memory / syntax_error / output_limit. Expected outputs never come here: the host
compares. ``--pid1`` means the worker is PID 1 of its own PID namespace, so after each test it may kill
every other process in the namespace; without it (the ``process`` backend) it kills the child's process
group only.
"""
import os
import sys

if __name__ == "__main__":
    # "ready" goes out before anything else is imported: opening a sandbox then waits only for the
    # interpreter itself, and the worker's setup overlaps with whatever the host does next.
    os.write(1, b'{"ready": true, "python": "%s"}\n' % sys.version.split()[0].encode())

import gc  # noqa: E402 (after the early "ready")
import json  # noqa: E402
import resource  # noqa: E402
import select  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import types  # noqa: E402

STDERR_KEEP = 16 * 1024  # bytes of the program's stderr sent back
MB = 1024 * 1024
FILE_SIZE_LIMIT = 16 * MB
OPEN_FILES_LIMIT = 256
READ_CHUNK = 65536
# Imported once by the worker so that each forked child finds them loaded: importing typing alone costs a
# forked child more than the rest of a short test.
WARM_MODULES = ("typing", "math", "collections", "itertools", "functools", "heapq", "bisect", "string", "random",
                "copy", "hashlib", "fractions", "decimal", "statistics", "operator", "dataclasses", "datetime")


def _set_limit(which, soft, hard=None):
    try:
        resource.setrlimit(which, (soft, soft if hard is None else hard))
    except (ValueError, OSError):
        pass  # a limit the platform refuses must not stop the test; the wall clock still applies


_libc = None


def _set_dumpable(flag):
    """prctl(PR_SET_DUMPABLE): a non-dumpable worker's /proc/1/{fd,mem} and ptrace are closed to its
    children (same uid, no capabilities), so a program cannot reopen the protocol pipe and forge a reply."""
    global _libc
    try:
        if _libc is None:
            import ctypes
            _libc = ctypes.CDLL(None, use_errno=True)
        return _libc.prctl(4, int(flag), 0, 0, 0) == 0  # 4 = PR_SET_DUMPABLE
    except (ImportError, OSError, AttributeError):
        return False


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


def _write_all(fd, data):
    while data:
        n = os.write(fd, data)
        data = data[n:]


def _run_child(req, result_fd, nonce):
    """Body of the forked child; returns its exit code. ``nonce`` marks the one genuine report."""
    origin = os.getpid()

    def report(**fields):
        if os.getpid() != origin:  # a copy the program forked ran to the end: only the original reports
            return
        fields["nonce"] = nonce
        _write_all(result_fd, json.dumps(fields).encode())

    kind = req["kind"]
    module_name = "__main__" if kind == "stdin" else "solution"
    module = types.ModuleType(module_name)
    module.__dict__["__builtins__"] = __builtins__
    sys.modules[module_name] = module
    try:
        program = compile(req["code"], "<program>", "exec")
        check = compile(req["input"], "<test>", "exec") if kind == "assert" else None
    except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
        report(status="syntax_error", error_type=type(e).__name__)
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
            elif kind == "assert":
                exec(check, module.__dict__)
                module.__dict__["check"](module.__dict__[req["entry_point"]])
                report(status="ok")
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


def _child_entry(req, fds, input_fd, workdir, nonce):
    """Set up the forked child (session, limits, fds) and run the program."""
    out_w, err_w, res_w, close_fds = fds
    code = 1
    try:
        os.setsid()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.dup2(input_fd, 0)
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        for fd in close_fds:
            os.close(fd)
        _set_dumpable(True)  # the program may read its own /proc/self; the worker stays closed
        os.chdir(workdir)
        cpu = int(req["cpu_s"])  # whole seconds, at least 1
        _set_limit(resource.RLIMIT_CPU, cpu, cpu + 1)
        _set_limit(resource.RLIMIT_AS, int(req["memory_mb"]) * MB)
        _set_limit(resource.RLIMIT_FSIZE, FILE_SIZE_LIMIT)
        _set_limit(resource.RLIMIT_NOFILE, OPEN_FILES_LIMIT)
        if req.get("nproc"):
            _set_limit(resource.RLIMIT_NPROC, int(req["nproc"]))
        if "random" in sys.modules:  # else every child would draw the worker's random sequence
            sys.modules["random"].seed()
        sys.stdin = open(0, "r", closefd=False)
        sys.stdout = open(1, "w", closefd=False)
        sys.stderr = open(2, "w", closefd=False)
        code = _run_child(req, res_w, nonce)
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        pass
    finally:
        os._exit(code)


class Worker:
    def __init__(self, pid1):
        self.pid1 = pid1
        _set_dumpable(False)
        self.proto_in = os.fdopen(os.dup(0), "rb")
        self.proto_out = os.dup(1)
        # Nothing else reads our stdin or writes our stdout: the child gets its own.
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.close(devnull)
        self.child = None  # pid of the current test's process
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_w, False)
        os.set_blocking(self.wake_r, False)
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # only to wake the select loop
        # As PID 1 the kernel drops signals sent from inside the namespace unless we handle them: keep it so.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        # The program's working directory, emptied after every test. In a sandbox that is the whole private
        # /tmp (a program may write anywhere in it); on the bare machine, a directory of our own.
        tmp = os.environ.get("TMPDIR", "/tmp")
        self.scratch = tmp if pid1 else os.path.join(tmp, "codeassist-%d-%s" % (os.getpid(), os.urandom(6).hex()))
        if not pid1:
            os.mkdir(self.scratch, 0o700)

    def send(self, obj):
        _write_all(self.proto_out, (json.dumps(obj) + "\n").encode())

    def serve(self):
        # The worker starts with -S (no site), which is quicker; the programs still get the interpreter's
        # site-packages.
        if sys.flags.no_site:
            try:
                import site
                site.main()
            except Exception:
                pass  # a broken .pth file must not take the sandbox down; the stdlib still works
        for name in WARM_MODULES:
            try:
                __import__(name)
            except ImportError:
                pass
        gc.freeze()  # keep the worker's objects out of the children's collections (fewer copied pages)
        for line in self.proto_in:
            if not line.strip():
                continue
            self.child = None
            try:
                reply = self.run_one(json.loads(line))
            except Exception as e:  # a worker bug: say so, the host reports infra_error
                reply = {"status": "infra", "stderr": "worker: %s: %s" % (type(e).__name__, e)}
            self.send(reply)
            # After answering, so the host grades while we clean; the next test starts only after this.
            self.cleanup()
        if not self.pid1:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def run_one(self, req):
        cap = int(req.get("output_cap", 8 * MB))
        if req["kind"] == "stdin":  # a file, unlinked at once: any size, and nothing for others to find
            input_path = os.path.join(self.scratch, ".input-%s" % os.urandom(6).hex())
            with open(input_path, "wb") as f:
                f.write(req["input"].encode())
            input_fd = os.open(input_path, os.O_RDONLY)
            os.unlink(input_path)
        else:
            input_fd = os.open(os.devnull, os.O_RDONLY)
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        res_r, res_w = os.pipe()
        ours = [self.proto_in.fileno(), self.proto_out, self.wake_r, self.wake_w, out_r, err_r, res_r,
                input_fd, out_w, err_w]
        _drain(self.wake_r)  # wake-ups left from the previous test
        # The result pipe is open in the program's process too: a report counts only with this per-test
        # nonce, so writing '{"status": "ok"}' there does not pass an assert test.
        nonce = os.urandom(16).hex()
        start = time.monotonic()
        pid = self.child = os.fork()
        if pid == 0:
            _child_entry(req, (out_w, err_w, res_w, ours), input_fd, self.scratch, nonce)
        for fd in (out_w, err_w, res_w, input_fd):
            os.close(fd)
        try:
            return self.collect(req, pid, start, cap, out_r, err_r, res_r, nonce)
        finally:
            for fd in (out_r, err_r, res_r):
                os.close(fd)

    def collect(self, req, pid, start, cap, out_r, err_r, res_r, nonce):
        bufs = {out_r: bytearray(), err_r: bytearray(), res_r: bytearray()}
        open_fds = set(bufs)
        deadline = start + float(req["wall_s"])
        status = None  # set by the wall clock or the output cap
        wait_status = rusage = elapsed = None
        # Until the program's process has exited AND every copy of the pipes is closed: processes the
        # program forked may still be writing its output.
        while wait_status is None or open_fds:
            if wait_status is None:
                wpid, wstat, ru = os.wait4(pid, os.WNOHANG)
                if wpid == pid:
                    wait_status, rusage, elapsed = wstat, ru, time.monotonic() - start
                    continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                # Past the wall limit: a timeout, unless the program itself had finished and only
                # something it left behind still holds the pipes (that gets killed below).
                status = None if wait_status is not None else "timeout"
                break
            ready, _, _ = select.select(list(open_fds) + [self.wake_r], [], [], remaining)
            for fd in ready:
                if fd == self.wake_r:
                    _drain(fd)
                    continue
                chunk = os.read(fd, READ_CHUNK)
                if not chunk:
                    open_fds.discard(fd)
                elif fd == err_r:
                    if len(bufs[fd]) < STDERR_KEEP:
                        bufs[fd] += chunk[: STDERR_KEEP - len(bufs[fd])]
                else:
                    bufs[fd] += chunk
                    if len(bufs[fd]) > cap:
                        status = "output_limit"
            if status:
                break
        if wait_status is None:  # killed by us: reap it for its rusage
            elapsed = time.monotonic() - start
            _kill_group(pid)
            _, wait_status, rusage = os.wait4(pid, 0)
        stderr = bytes(bufs[err_r][:STDERR_KEEP]).decode("utf-8", "replace")
        reply = {"time_s": round(elapsed, 6), "stderr": stderr, "cpu_s": rusage.ru_utime + rusage.ru_stime}
        if status == "output_limit":
            reply.update(status="output_limit", stderr=stderr + "\noutput exceeded %d bytes" % cap)
            return reply
        if status == "timeout":
            reply.update(status="timeout")
            return reply
        result = _genuine_result(bytes(bufs[res_r]), nonce)
        if os.WIFSIGNALED(wait_status):
            sig = os.WTERMSIG(wait_status)
            if sig == signal.SIGXCPU or (sig == signal.SIGKILL and reply["cpu_s"] >= int(req["cpu_s"])):
                reply.update(status="timeout")
            elif sig == signal.SIGXFSZ:
                reply.update(status="output_limit", stderr=stderr + "\nfile size limit exceeded")
            elif result and result.get("status") == "memory":
                reply.update(status="memory")
            else:
                name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
                reply.update(status="error", error_type=name, stderr=stderr + "\nkilled by " + name)
            return reply
        if result is None:
            reply.update(status="error", error_type="ForgedResult",
                         stderr=stderr + "\nthe program wrote to the sandbox's result channel")
            return reply
        if not result:  # the program ended the process itself (os._exit, exec, ...)
            code = os.WEXITSTATUS(wait_status)
            if req["kind"] == "stdin" and code == 0:
                result = {"status": "ok"}
            else:
                reply.update(status="error", error_type="Exit",
                             stderr=stderr + "\nexited with code %d before reporting a result" % code)
                return reply
        reply.update(status=result["status"], error_type=result.get("error_type"))
        if result["status"] == "ok":
            reply["stdout"] = bytes(bufs[out_r]).decode("utf-8", "replace")
            reply["result"] = result.get("result")
        return reply

    def cleanup(self):
        """Leave nothing behind: no process (the whole namespace as PID 1, else the child's process group)
        and no file in the program's directories."""
        if self.pid1:
            try:
                os.kill(-1, signal.SIGKILL)
            except OSError:
                pass
        elif self.child:
            _kill_group(self.child)
        while True:  # reap everything that was ours or was re-parented to us
            try:
                wpid, _ = os.waitpid(-1, os.WNOHANG if not self.pid1 else 0)
            except ChildProcessError:
                break
            if wpid == 0:
                break
        _wipe(self.scratch)
        if self.pid1 and os.path.isdir("/dev/shm"):  # the sandbox's own, also writable
            _wipe("/dev/shm")


def _wipe(directory):
    """Empty ``directory`` whatever the program left there, including directories it made unreadable."""
    try:
        for root, dirs, _ in os.walk(directory):
            for name in dirs:
                try:
                    os.chmod(os.path.join(root, name), 0o700)
                except OSError:
                    pass
        for name in os.listdir(directory):
            path = os.path.join(directory, name)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
    except (OSError, RecursionError):
        pass  # best effort: what is left only costs the same program's next tests space


def _genuine_result(data, nonce):
    """The child's one report; {} if there is none, None if anything else was written to the channel."""
    if not data:
        return {}
    try:
        result = json.loads(data.decode())
    except ValueError:
        return None
    return result if isinstance(result, dict) and result.get("nonce") == nonce else None


def _kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def _drain(fd):
    try:
        while os.read(fd, 4096):
            pass
    except BlockingIOError:
        pass


if __name__ == "__main__":
    Worker(pid1="--pid1" in sys.argv).serve()
