"""Assert tests on the worker's side: the program's child (forked per test, checker.serve_candidate) and the
judge, one long-lived process per worker that runs each test's ``check`` (checker.run_check) and reports on
a socket only the worker holds. A process per test for the checker cost more than the rest of a HumanEval
test together (a fork, and a copy of every page it touched); the judge costs one fork per worker.

The judge is forked from the worker, never the other way round, so the programs (forked from the worker too)
never inherit what the judge has seen. It is not dumpable (as the worker): a program under the same uid can
kill or stop it, which fails the test and gets it replaced, but cannot read it. Its socket carries each test
as a frame (8 bytes: header and check lengths, then both) with the test's ends of the program's channel and
its stderr file as SCM_RIGHTS; it answers one JSON line per test.

Part of the sandbox worker's script (see README.md), not a module of its own. Standard library
only, python3 >= 3.8.
"""

import array
import json
import os
import resource
import select
import signal
import socket
import struct
import sys
import time

if False:  # joined-script names: this file's use of the others, for checkers; worker_source drops it
    from checker import fork_candidate, run_check
    from child import _set_limit, _write_all
    from plain import _recv_exact
    from worker import MB, _drain, _kill_group, _killed, _stderr_tail

JUDGE_FDS = 3  # per test: the channel's write and read ends, the test's stderr file


class Judge:
    """The worker's handle on its judge process: started when an assert test needs it and it is not there."""

    def __init__(self):
        self.pid = None
        self.sock = None
        self.buf = b""

    def start(self, worker_fds):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                ours.close()
                for fd in worker_fds:
                    os.close(fd)
                os.setsid()
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                _judge_serve(theirs)
                code = 0
            finally:
                os._exit(code)
        theirs.close()
        self.pid, self.sock, self.buf = pid, ours, b""

    def exited(self):
        """The worker reaped the judge's process: what it wrote before dying can still be read."""
        self.pid = None

    def lost(self):
        """The judge died or must go: it is killed (if still there) and replaced at the next assert test."""
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
        if self.sock is not None:
            self.sock.close()
        self.pid, self.sock, self.buf = None, None, b""

    def submit(self, message, fds):
        """Hand the judge a test; False if it is gone (the program, just started, may have killed it)."""
        with memoryview(message) as view:
            try:
                sent = self.sock.sendmsg([view], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
                self.sock.sendall(view[sent:])
            except OSError:
                self.lost()
                return False
        return True

    def report(self, deadline, worker, done):
        """The judge's report; None if it died first or the deadline passed (it is then replaced).
        Processes that exit meanwhile are reaped into ``done``."""
        while b"\n" not in self.buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.lost()
                return None
            ready = select.select([self.sock, worker.wake_r], [], [], remaining)[0]
            if worker.wake_r in ready:
                _drain(worker.wake_r)
                worker.reap(done)
            if self.sock in ready:
                try:
                    chunk = self.sock.recv(1 << 16)
                except ConnectionResetError:  # killed with the test still unread in its socket
                    chunk = b""
                if not chunk:  # its end closed: the judge is dead
                    self.lost()
                    return None
                self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return json.loads(line.decode())


def _judge_serve(sock):
    """The judge's loop: one check per message, until the worker closes the socket."""
    while True:
        fds, head, check = _recv_test(sock)
        if head is None:
            return
        call_w, resp_r, err_fd = fds
        # The test's memory limit, on top of what the judge already has mapped (as a forked child starts).
        with open("/proc/self/statm") as f:
            mapped = int(f.read().split()[0]) * resource.getpagesize()
        _set_limit(resource.RLIMIT_AS, mapped + int(head["memory_mb"]) * MB, resource.getrlimit(resource.RLIMIT_AS)[1])
        saved, sys.stderr = sys.stderr, open(err_fd, "w", closefd=False)
        start = time.process_time()
        try:
            report = run_check(check.decode("utf-8", "replace"), head["entry_point"], call_w, resp_r)
        except BaseException as e:  # a bug of ours, not the program's
            report = {"status": "infra_error", "error_type": type(e).__name__}
        report["cpu_s"] = time.process_time() - start
        del check
        try:
            sys.stderr.flush()
        except OSError:
            pass  # the program filled or closed the file: nothing more to say there
        sys.stderr = saved
        for fd in fds:  # the program's child sees the end of its channel and exits
            os.close(fd)
        _write_all(sock.fileno(), (json.dumps(report) + "\n").encode())


def _recv_test(sock):
    """(fds, header, check code) of the next test; (fds, None, None) when the worker closed the socket."""
    fds, prefix = [], b""
    while len(prefix) < 8:
        data, ancillary, _, _ = sock.recvmsg(8 - len(prefix), socket.CMSG_SPACE(JUDGE_FDS * 4))
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.extend(array.array("i", payload[: len(payload) - len(payload) % 4]))
        if not data:
            return fds, None, None
        prefix += data
    head_len, check_len = struct.unpack(">II", prefix)
    head = _recv_exact(sock.fileno(), head_len)
    check = _recv_exact(sock.fileno(), check_len)
    if head is None or check is None or len(fds) != JUDGE_FDS:
        return fds, None, None
    return fds, json.loads(head.decode()), check


def run_assert(worker, req):
    """An assert test: the program's child answers calls, the judge runs check() and reports."""
    if worker.judge.pid is None or worker.judge.sock is None:
        worker.judge.lost()
        worker.judge.start(worker.own_fds())
    fds = []
    try:
        try:
            # The program's child is forked before the check's code is read from the host: it is never in
            # its memory, nor in the worker's after the judge has it (see below).
            program, start, _, out_fd, err_fd, call_r, call_w, resp_r, resp_w = fork_candidate(worker, req, fds)
        finally:
            head = json.dumps({"entry_point": req["entry_point"], "memory_mb": req["memory_mb"]}).encode()
            message = worker.read_check(struct.pack(">II", len(head), req["check_bytes"]) + head, req["check_bytes"])
        for fd in (call_r, resp_w):
            fds.remove(fd)
            os.close(fd)
        try:
            submitted = worker.judge.submit(message, [call_w, resp_r, err_fd])
        finally:
            message[:] = bytes(len(message))  # no copy left for the programs of later tests to find
            for fd in (call_w, resp_r):
                fds.remove(fd)
                os.close(fd)
        return collect_assert(worker, req, program, start, out_fd, err_fd, submitted)
    finally:
        for fd in fds:
            os.close(fd)


def collect_assert(worker, req, program, start, out_fd, err_fd, submitted):
    """The verdict is the judge's report; the program's own exit only explains a failure the check saw
    (the program's process ended, or said it could not start)."""
    deadline = start + float(req["wall_s"])
    done = {}
    report = worker.judge.report(deadline, worker, done) if submitted else None
    if report is not None:  # the judge closed the channel: the program's child is on its way out
        worker.wait_for((program,), deadline, done, stragglers=False)
    elapsed = time.monotonic() - start
    if program not in done:
        if report is None and time.monotonic() >= deadline or report is not None and report["status"] == "program":
            return worker.timed_out((program,), done, elapsed, err_fd, req)
        _kill_group(program)  # the check is over, or the judge is gone: what the program still does is moot
        done[program] = os.wait4(program, 0)[1:]
    stderr = _stderr_tail(err_fd, req)
    cpu = done[program][1].ru_utime + done[program][1].ru_stime + (report or {}).get("cpu_s", 0.0)
    reply = {"time_s": round(elapsed, 6), "stderr": stderr, "cpu_s": cpu}
    cap = int(req["output_cap"])
    if os.fstat(out_fd).st_size > cap:
        reply.update(status="output_limit", stderr=stderr + "\noutput exceeded %d bytes" % cap)
    elif report is None:  # a program may kill the judge: same uid
        reply.update(
            status="error",
            error_type="CheckerKilled",
            stderr=stderr + "\nthe judge's process, which runs the check, was killed during the test",
        )
    elif cpu > int(req["cpu_s"]):  # the test's CPU limit holds for both processes together
        reply.update(status="timeout")
    elif report["status"] != "program":
        reply.update(status=report["status"], error_type=report.get("error_type"))
    elif report.get("program_status"):
        reply.update(status=report["program_status"], error_type=report.get("error_type"))
    elif os.WIFSIGNALED(done[program][0]):
        reply.update(_killed(done[program][0], cpu, req, stderr, None))
    else:
        reply.update(
            status="error",
            error_type="Exit",
            stderr=stderr + "\nexited with code %d during the test" % os.WEXITSTATUS(done[program][0]),
        )
    return reply
