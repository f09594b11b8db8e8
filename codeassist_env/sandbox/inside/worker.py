"""The sandbox worker: runs inside the sandbox, standard library only, any python3 >= 3.8.

The worker's script is this file, child.py, plain.py, checker.py, judge.py and relay.py joined, then
``main()`` (see README.md): each uses the others' names, only inside functions.

Protocol: requests come as frames (4-byte big-endian length, then JSON) ``{"code", "kind", "input",
"entry_point", "cpu_s", "wall_s", "memory_mb", "nproc", "output_cap", "stderr_cap"}`` (the caps come
from the host's limits.py); an assert request has
``"check_bytes"`` instead of ``"input"``, and that many bytes of check code follow the frame. For every
request the worker forks one child that runs the program on that single input and answers one JSON line
``{"status", "stdout", "result", "stderr", "error_type", "time_s", "cpu_s"}`` where status is a word of
the host's ``sandbox.core.RunStatus`` (ok, error, timeout, memory, syntax_error, output_limit,
infra_error), written here as a plain string. Expected outputs never come here: the host compares. An
assert test's child only answers calls; its check runs in the judge (judge.py).
``--pid1`` means the worker is PID 1 of its own PID namespace; without it (the ``process`` backend) it
becomes a child subreaper. Either way every process a test leaves running ends up our child, and is killed.
"""

import os
import sys

if __name__ == "__main__":
    # "ready" goes out before anything else is imported: opening a sandbox then waits only for the
    # interpreter itself, and the worker's setup overlaps with whatever the host does next.
    os.write(1, b'{"ready": true, "python": "%s"}\n' % sys.version.split()[0].encode())

import gc  # noqa: E402 (after the early "ready")
import json  # noqa: E402
import select  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import struct  # noqa: E402
import time  # noqa: E402

if False:  # joined-script names: this file's use of the others, for checkers; worker_source drops it
    from child import PR_SET_CHILD_SUBREAPER, PR_SET_DUMPABLE, _child_entry, _prctl, _run_child, _write_all
    from judge import Judge, run_assert
    from plain import _recv_exact
    from relay import run_calls

MB = 1024 * 1024
# Imported once by the worker so that each forked child finds them loaded: importing typing alone costs a
# forked child more than the rest of a short test.
WARM_MODULES = (
    "typing",
    "math",
    "collections",
    "itertools",
    "functools",
    "heapq",
    "bisect",
    "string",
    "random",
    "copy",
    "hashlib",
    "fractions",
    "decimal",
    "statistics",
    "operator",
    "dataclasses",
    "datetime",
)


class Worker:
    def __init__(self, pid1):
        self.pid1 = pid1
        # Not dumpable: the worker's /proc/1/{fd,mem} and ptrace are closed to the programs it runs (same uid,
        # no capabilities), so a program cannot reopen the protocol pipes and forge a reply.
        _prctl(PR_SET_DUMPABLE, 0)
        if not pid1:  # what a program leaves running becomes our child, as it would for PID 1
            _prctl(PR_SET_CHILD_SUBREAPER, 1)
        self.proto_in = os.dup(0)  # read with exact lengths, never ahead (see run_assert)
        self.proto_out = os.dup(1)
        # Nothing else reads our stdin or writes our stdout: the child gets its own.
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.close(devnull)
        self.children = []  # pids of the current test's processes
        self.judge = Judge()  # runs the checks of assert tests (judge.py)
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

    def own_fds(self):
        """The worker's descriptors, which no child keeps."""
        return [self.proto_in, self.proto_out, self.wake_r, self.wake_w] + (
            [self.judge.sock.fileno()] if self.judge.sock is not None else []
        )

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
        while True:
            req = self.read_request()
            if req is None:
                break
            self.children = []
            try:
                kind = req["kind"]
                reply = (
                    run_assert(self, req)
                    if kind == "assert"
                    else run_calls(self, req)
                    if kind == "call"
                    else self.run_one(req)
                )
            except Exception as e:  # a worker bug: say so, the host reports infra_error
                reply = {"status": "infra_error", "stderr": "worker: %s: %s" % (type(e).__name__, e)}
            self.send(reply)
            # After answering, so the host grades while we clean; the next test starts only after this.
            self.cleanup()
        if not self.pid1:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def read_request(self):
        """The next request's header; None when the host closed the channel."""
        head = _recv_exact(self.proto_in, 4)
        body = head and _recv_exact(self.proto_in, struct.unpack(">I", head)[0])
        return None if body is None else json.loads(body.decode())

    def read_check(self, prefix, size):
        """``prefix`` then an assert test's check code, read straight into a buffer the worker can wipe."""
        message = bytearray(prefix) + bytearray(size)
        with memoryview(message) as view:
            got = len(prefix)
            while got < len(message):
                n = os.readv(self.proto_in, [view[got:]])
                if not n:
                    raise EOFError("the host closed the channel inside a request")
                got += n
        return message

    def fork(self, req, stdio, close_fds, dumpable, body):
        pid = os.fork()
        if pid == 0:
            _child_entry(req, stdio, close_fds, self.scratch, dumpable, body)
        self.children.append(pid)
        return pid

    def run_one(self, req):
        """A stdin or functional test: one child runs the program and reports; the host grades."""
        cap = int(req["output_cap"])
        # stdin, stdout, stderr and the report are unlinked files, not pipes: nothing needs draining while
        # the program runs, so the worker sleeps until a process exits (one wake-up per test, not one per
        # chunk of output), and the file size limit bounds the output.
        input_fd = self.unlinked_file(req["input"].encode() if req["kind"] == "stdin" else b"")
        out_fd, err_fd, res_fd = self.unlinked_file(), self.unlinked_file(), self.unlinked_file()
        ours = self.own_fds() + [input_fd, out_fd, err_fd]
        _drain(self.wake_r)  # wake-ups left from the previous test
        # The report file is open in the program's process too: a report counts only with this per-test
        # nonce, so the program cannot report a status of its choosing.
        nonce = os.urandom(16).hex()
        start = time.monotonic()
        pid = self.fork(req, (input_fd, out_fd, err_fd), ours, True, lambda: _run_child(req, res_fd, nonce))
        os.close(input_fd)
        try:
            return self.collect(req, pid, start, cap, out_fd, err_fd, res_fd, nonce)
        finally:
            for fd in (out_fd, err_fd, res_fd):
                os.close(fd)

    def unlinked_file(self, data=b""):
        path = os.path.join(self.scratch, ".io-%s" % os.urandom(6).hex())
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        os.unlink(path)
        _write_all(fd, data)
        os.lseek(fd, 0, os.SEEK_SET)
        return fd

    def reap(self, done):
        """Collect every child that has exited, into ``done`` {pid: (status, rusage)}."""
        while True:
            try:
                wpid, wstat, rusage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if wpid == 0:
                return
            done[wpid] = (wstat, rusage)
            if wpid == self.judge.pid:  # a program killed it (same uid)
                self.judge.exited()

    def others(self):
        """Our processes but the judge: the program's, and all it started (our children too once their
        parents are gone, as PID 1 or as subreaper)."""
        try:
            with open("/proc/self/task/%d/children" % os.getpid()) as f:
                pids = set(map(int, f.read().split()))
        except OSError:  # a kernel without that file: look for our children among all processes
            pids = set(_children_of(os.getpid()))
        pids.discard(self.judge.pid)
        return pids

    def wait_for(self, pids, deadline, done=None, stragglers=True):
        """Until the processes ``pids`` have exited (with ``stragglers``, so has everything they started), or
        the wall limit. Returns {pid: (status, rusage)} of our children that exited."""
        done = {} if done is None else done
        while True:
            self.reap(done)
            remaining = deadline - time.monotonic()
            if all(pid in done for pid in pids) and not (stragglers and self.others()) or remaining <= 0:
                return done
            select.select([self.wake_r], [], [], remaining)
            _drain(self.wake_r)

    def timed_out(self, pids, done, elapsed, err_fd, req):
        """Past the wall limit: stop what still runs, reap it for its rusage."""
        for pid in pids:
            _kill_group(pid)
        for pid in pids:
            if pid not in done:
                os.wait4(pid, 0)
        return {"status": "timeout", "time_s": round(elapsed, 6), "stderr": _stderr_tail(err_fd, req)}

    def collect(self, req, pid, start, cap, out_fd, err_fd, res_fd, nonce):
        done = self.wait_for((pid,), start + float(req["wall_s"]))
        elapsed = time.monotonic() - start
        if pid not in done:
            return self.timed_out((pid,), done, elapsed, err_fd, req)
        wait_status, rusage = done[pid]
        stderr = _stderr_tail(err_fd, req)
        reply = {"time_s": round(elapsed, 6), "stderr": stderr, "cpu_s": rusage.ru_utime + rusage.ru_stime}
        if os.fstat(out_fd).st_size > cap:
            reply.update(status="output_limit", stderr=stderr + "\noutput exceeded %d bytes" % cap)
            return reply
        result = _genuine_result(_read(res_fd, os.fstat(res_fd).st_size), nonce)
        if os.WIFSIGNALED(wait_status):
            reply.update(_killed(wait_status, reply["cpu_s"], req, stderr, result))
            return reply
        if result is None:
            reply.update(
                status="error",
                error_type="ForgedResult",
                stderr=stderr + "\nthe program wrote to the sandbox's result channel",
            )
            return reply
        if not result:  # the program ended the process itself (os._exit, exec, ...)
            code = os.WEXITSTATUS(wait_status)
            if req["kind"] == "stdin" and code == 0:
                result = {"status": "ok"}
            else:
                reply.update(
                    status="error",
                    error_type="Exit",
                    stderr=stderr + "\nexited with code %d before reporting a result" % code,
                )
                return reply
        reply.update(status=result["status"], error_type=result.get("error_type"))
        if result["status"] == "ok":
            reply["stdout"] = _read(out_fd, cap).decode("utf-8", "replace")
            reply["result"] = result.get("result")
        return reply

    def cleanup(self):
        """Leave nothing behind: no process but the judge, and no file in the program's directories."""
        for pid in self.children:  # each test's process leads a session; most of what it started is in it
            _kill_group(pid)
        while True:
            self.reap({})
            left = self.others()
            if not left:
                break
            for pid in left:  # the rest, and what they started: our children once their parents are gone
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.0002)
        _wipe(self.scratch)
        if self.pid1 and os.path.isdir("/dev/shm"):  # the sandbox's own, also writable
            _wipe("/dev/shm")


def _killed(wait_status, cpu, req, stderr, result):
    """The reply fields for a process the kernel (or another process) killed."""
    sig = os.WTERMSIG(wait_status)
    if sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu >= int(req["cpu_s"])):
        return {"status": "timeout"}
    if sig == signal.SIGXFSZ:
        return {"status": "output_limit", "stderr": stderr + "\nfile size limit exceeded"}
    if result and result.get("status") == "memory":
        return {"status": "memory"}
    name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
    return {"status": "error", "error_type": name, "stderr": stderr + "\nkilled by " + name}


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


def _stderr_tail(fd, req):
    """The last ``stderr_cap`` bytes of the program's stderr: a traceback comes last."""
    keep = int(req["stderr_cap"])
    return _read(fd, keep, max(0, os.fstat(fd).st_size - keep)).decode("utf-8", "replace")


def _genuine_result(data, nonce):
    """The child's one report; {} if there is none, None if anything else was written to the channel."""
    if not data:
        return {}
    try:
        result = json.loads(data.decode())
    except ValueError:
        return None
    return result if isinstance(result, dict) and result.get("nonce") == nonce else None


def _children_of(parent):
    for entry in os.listdir("/proc"):
        try:
            with open("/proc/%s/stat" % entry) as f:
                if int(f.read().rsplit(")", 1)[1].split()[1]) == parent:
                    yield int(entry)
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


def main():
    Worker(pid1="--pid1" in sys.argv).serve()
