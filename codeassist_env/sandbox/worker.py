"""The sandbox worker: runs inside the sandbox, standard library only, any python3 >= 3.8.

Protocol: JSON lines. The worker prints ``{"ready": true, ...}`` once, then for every request line
``{"code", "kind", "input", "entry_point", "cpu_s", "wall_s", "memory_mb", "nproc", "output_cap"}`` it forks
one child that runs the program on that single input and answers one line
``{"status", "stdout", "result", "stderr", "error_type", "time_s"}`` where status is one of
ok / error / timeout / memory / syntax_error / output_limit. Expected outputs never come here: the host
compares. ``--pid1`` means the worker is PID 1 of its own PID namespace, so after each test it may kill
every other process in the namespace; without it (the ``process`` backend) it becomes a child subreaper
and kills the child's process group and whatever else the program left running.
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


def _child_entry(req, fds, input_fd, workdir, nonce, file_size_limit):
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
        _prctl(PR_SET_DUMPABLE, 1)  # the program may read its own /proc/self; the worker stays closed
        os.chdir(workdir)
        cpu = int(req["cpu_s"])  # whole seconds, at least 1
        _set_limit(resource.RLIMIT_CPU, cpu, cpu + 1)
        _set_limit(resource.RLIMIT_AS, int(req["memory_mb"]) * MB)
        _set_limit(resource.RLIMIT_FSIZE, file_size_limit)
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
        # Not dumpable: the worker's /proc/1/{fd,mem} and ptrace are closed to the programs it runs (same uid,
        # no capabilities), so a program cannot reopen the protocol pipes and forge a reply.
        _prctl(PR_SET_DUMPABLE, 0)
        if not pid1:  # what a program leaves running becomes our child, as it would for PID 1
            _prctl(PR_SET_CHILD_SUBREAPER, 1)
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
        # stdin, stdout, stderr and the report are unlinked files, not pipes: nothing needs draining while
        # the program runs, so the worker sleeps until a process exits (one wake-up per test, not one per
        # chunk of output), and the file size limit bounds the output.
        input_fd = self._unlinked_file(req["input"].encode() if req["kind"] == "stdin" else b"")
        out_fd, err_fd, res_fd = self._unlinked_file(), self._unlinked_file(), self._unlinked_file()
        ours = [self.proto_in.fileno(), self.proto_out, self.wake_r, self.wake_w, input_fd, out_fd, err_fd]
        _drain(self.wake_r)  # wake-ups left from the previous test
        # The report file is open in the program's process too: a report counts only with this per-test
        # nonce, so writing '{"status": "ok"}' there does not pass an assert test.
        nonce = os.urandom(16).hex()
        start = time.monotonic()
        pid = self.child = os.fork()
        if pid == 0:
            _child_entry(req, (out_fd, err_fd, res_fd, ours), input_fd, self.scratch, nonce,
                         max(cap, FILE_SIZE_LIMIT))
        os.close(input_fd)
        try:
            return self.collect(req, pid, start, cap, out_fd, err_fd, res_fd, nonce)
        finally:
            for fd in (out_fd, err_fd, res_fd):
                os.close(fd)

    def _unlinked_file(self, data=b""):
        path = os.path.join(self.scratch, ".io-%s" % os.urandom(6).hex())
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        os.unlink(path)
        _write_all(fd, data)
        os.lseek(fd, 0, os.SEEK_SET)
        return fd

    def wait_for_program(self, pid, deadline):
        """Until the program's process has exited and so has everything it started (they are our
        children: as PID 1, or as subreaper), or the wall limit. Returns (status, rusage) of the
        program's process, or None past the wall limit."""
        main = None
        while True:
            others = True
            try:
                while True:
                    wpid, wstat, rusage = os.wait4(-1, os.WNOHANG)
                    if wpid == 0:
                        break
                    if wpid == pid:
                        main = (wstat, rusage)
            except ChildProcessError:
                others = False
            remaining = deadline - time.monotonic()
            if (main and not others) or remaining <= 0:
                return main
            select.select([self.wake_r], [], [], remaining)
            _drain(self.wake_r)

    def collect(self, req, pid, start, cap, out_fd, err_fd, res_fd, nonce):
        main = self.wait_for_program(pid, start + float(req["wall_s"]))
        elapsed = time.monotonic() - start
        if main is None:  # past the wall limit: stop it, reap it for its rusage
            _kill_group(pid)
            reply = {"status": "timeout", "time_s": round(elapsed, 6),
                     "stderr": _stderr_tail(err_fd)}
            os.wait4(pid, 0)
            return reply
        wait_status, rusage = main
        stderr = _stderr_tail(err_fd)
        reply = {"time_s": round(elapsed, 6), "stderr": stderr, "cpu_s": rusage.ru_utime + rusage.ru_stime}
        if os.fstat(out_fd).st_size > cap:
            reply.update(status="output_limit", stderr=stderr + "\noutput exceeded %d bytes" % cap)
            return reply
        result = _genuine_result(_read(res_fd, os.fstat(res_fd).st_size), nonce)
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
            reply["stdout"] = _read(out_fd, cap).decode("utf-8", "replace")
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
                wpid, _ = os.waitpid(-1, 0 if self.pid1 else os.WNOHANG)
            except ChildProcessError:
                break
            if wpid == 0:  # still running outside the child's process group: find and stop them
                _kill_children_of(os.getpid())
                time.sleep(0.001)
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


def _read(fd, limit, start=0):
    """Up to ``limit`` bytes from byte ``start`` of a file the program wrote."""
    chunks, done = [], 0
    while done < limit:
        chunk = os.pread(fd, min(limit - done, 1 << 20), start + done)
        if not chunk:
            break
        chunks.append(chunk)
        done += len(chunk)
    return b"".join(chunks)


def _stderr_tail(fd):
    """The last STDERR_KEEP bytes of the program's stderr: a traceback comes last."""
    return _read(fd, STDERR_KEEP, max(0, os.fstat(fd).st_size - STDERR_KEEP)).decode("utf-8", "replace")


def _genuine_result(data, nonce):
    """The child's one report; {} if there is none, None if anything else was written to the channel."""
    if not data:
        return {}
    try:
        result = json.loads(data.decode())
    except ValueError:
        return None
    return result if isinstance(result, dict) and result.get("nonce") == nonce else None


def _kill_children_of(parent):
    for entry in os.listdir("/proc"):
        try:
            with open("/proc/%s/stat" % entry) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            if ppid == parent:
                os.kill(int(entry), signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            continue


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
