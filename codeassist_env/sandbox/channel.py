"""Talking to one worker over a pipe pair (process, bwrap) or an attached socket (docker): requests go as
frames (4-byte length, then JSON, then an optional attachment), answers come back as JSON lines."""

from __future__ import annotations

import json
import os
import re
import select
import struct
import subprocess
import tempfile
import time
from typing import IO, Any, Callable, cast

from codeassist_env.sandbox.limits import STDERR_KEEP

# The worker's script: the files of inside/ joined in this order, then a call of worker.py's main() (see
# inside/README.md). worker.py comes first so that its "ready" line goes out before the others' imports;
# each uses the others' names only inside functions, so no two of them may define the same top-level name.
WORKER_FILES = tuple(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "inside", name)
    for name in ("worker.py", "child.py", "plain.py", "checker.py", "judge.py", "relay.py")
)
READY_TIMEOUT_S = 30.0


# Each file names what it uses of the others in an ``if False:`` block of imports, so that a checker (ruff,
# the tests) finds every name defined; the joined script, where those names are its own, leaves the blocks out.
JOINED_SCRIPT_IMPORTS = re.compile(r"^if False:  # joined-script names\b.*\n(?:    .*\n)+", re.MULTILINE)


def worker_file_source(path: str) -> str:
    """One file of the worker as it goes into the joined script (its joined-script imports left out)."""
    with open(path, encoding="utf-8") as f:
        return JOINED_SCRIPT_IMPORTS.sub("", f.read())


def worker_source() -> str:
    """The worker's text, passed with ``python3 -c`` so the sandbox needs no access to this package."""
    parts = [worker_file_source(path) for path in WORKER_FILES]
    return "\n\n".join(parts + ['if __name__ == "__main__":\n    main()\n'])


class WorkerDied(Exception):
    """The worker closed its channel, crashed or stopped answering."""


class LineChannel:
    """Framed requests out, JSON lines back, over byte streams. ``recv`` returns whatever bytes arrived
    (b"" at end of stream, None when the transport consumed bytes but has nothing to hand over yet) and
    ``wait_readable`` blocks up to a timeout; both come from the transport."""

    def __init__(
        self, send: Callable[[bytes], None], recv: Callable[[], bytes | None], wait_readable: Callable[[float], bool]
    ):
        self._send, self._recv, self._wait = send, recv, wait_readable
        self._buf = bytearray()

    def request(self, obj: dict[str, Any], timeout: float, attachment: bytes = b"") -> dict[str, Any]:
        header = json.dumps(obj).encode()
        try:
            self._send(struct.pack(">I", len(header)) + header + attachment)
        except OSError as e:
            raise WorkerDied(f"could not send to the worker: {e}") from e
        return self.read(timeout)

    def read(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        scanned = 0  # bytes known to hold no newline: each chunk is searched once, however long the line
        while (end := self._buf.find(b"\n", scanned)) == -1:
            scanned = len(self._buf)
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._wait(remaining):
                raise WorkerDied(f"the worker did not answer within {timeout:.1f} s")
            try:
                chunk = self._recv()
            except OSError as e:
                raise WorkerDied(f"reading from the worker failed: {e}") from e
            if chunk is None:
                continue
            if not chunk:
                raise WorkerDied("the worker exited")
            self._buf += chunk
        line = self._buf[:end]
        del self._buf[: end + 1]
        try:
            return json.loads(line)
        except ValueError as e:
            raise WorkerDied(f"the worker sent a malformed line: {bytes(line[:200])!r}") from e


def _fd_readable(fd: int, timeout: float) -> bool:
    return bool(select.select([fd], [], [], timeout)[0])


def run_as(uid: int | None) -> dict[str, Any]:
    """``subprocess`` arguments that start a child as ``uid`` when we are root. Root bypasses
    RLIMIT_NPROC, so a sandbox started by root runs as an otherwise unused user instead."""
    return dict(user=uid, group=uid, extra_groups=[]) if uid is not None and os.getuid() == 0 else {}


class SubprocessWorker:
    """A worker started as a child process of this one (the process and bwrap backends)."""

    def __init__(
        self,
        argv: list[str],
        *,
        uid: int | None = None,
        env: dict[str, str] | None = None,
        pid1: bool = True,
        on_close: Callable[[], None] | None = None,
    ):
        self.uid = uid if uid is not None else os.getuid()  # the host uid the sandboxed processes run as
        self.pid1 = pid1  # whether the worker is PID 1 of its own PID namespace
        self._on_close = on_close
        # stderr goes to a file, not a pipe nobody drains: only read when the worker fails to start.
        self._stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            cwd="/",
            start_new_session=True,
            **run_as(uid),
        )
        # Popen opens both, as they are pipes (stdin=PIPE, stdout=PIPE above).
        self._stdin = cast(IO[bytes], self.proc.stdin)
        self._stdout = cast(IO[bytes], self.proc.stdout)
        out = self._stdout.fileno()
        self.channel = LineChannel(
            send=self._send, recv=lambda: os.read(out, 1 << 20), wait_readable=lambda t: _fd_readable(out, t)
        )
        try:
            self.channel.read(READY_TIMEOUT_S)  # the worker's ready line
        except WorkerDied as e:
            self._stop()
            self._stderr.seek(0)
            err = self._stderr.read().decode("utf-8", "replace").strip()[-STDERR_KEEP:]
            self.close()
            raise WorkerDied(f"the worker did not start ({e}): {err or 'no output'}") from None

    def _send(self, data: bytes) -> None:
        self._stdin.write(data)
        self._stdin.flush()

    def request(self, obj: dict[str, Any], timeout: float, attachment: bytes = b"") -> dict[str, Any]:
        return self.channel.request(obj, timeout, attachment)

    def _stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def close(self) -> None:
        self._stop()
        for stream in (self._stdin, self._stdout, self._stderr):
            try:
                stream.close()
            except OSError:
                pass
        if self._on_close:
            self._on_close()
            self._on_close = None
