"""Workers on this machine: ``bwrap`` (bubblewrap, the local sandbox) and ``process`` (rlimits only)."""

from __future__ import annotations

import functools
import glob
import os
import random
import shutil
import subprocess
import sys
import threading

from codeassist_env.sandbox.channel import SubprocessWorker, run_as, worker_source

SANDBOX_PYTHON_ENV = "CODEASSIST_SANDBOX_PYTHON"
# Debian's interpreter: readable by any uid, unlike a pyenv or venv Python under /root.
DEFAULT_SANDBOX_PYTHON = "/usr/bin/python3"
# Fresh uids for sandboxes started by root, far above real accounts; each worker gets its own so that
# concurrent workers never share an RLIMIT_NPROC budget.
UID_BASE, UID_SPAN = 1_500_000_000, 400_000_000
_uids_in_use: set[int] = set()
_uid_lock = threading.Lock()

# What python needs from /etc; everything else on the host (the checkout, /root, /home, test files) stays
# invisible.
ETC_FILES = ("/etc/ld.so.cache", "/etc/localtime")
TMP_SIZE_BYTES = 256 * 1024 * 1024  # the private /tmp, as for docker
SHM_SIZE_BYTES = 64 * 1024 * 1024  # docker's default /dev/shm


def allocate_uid() -> int:
    with _uid_lock:
        while True:
            uid = UID_BASE + random.randrange(UID_SPAN)
            if uid not in _uids_in_use:
                _uids_in_use.add(uid)
                return uid


def release_uid(uid: int) -> None:
    with _uid_lock:
        _uids_in_use.discard(uid)


def sandbox_python() -> str:
    return os.environ.get(SANDBOX_PYTHON_ENV, DEFAULT_SANDBOX_PYTHON)


def bwrap_argv(command: list[str]) -> list[str]:
    argv = [
        "bwrap",
        "--unshare-all",
        "--unshare-pid",
        "--as-pid-1",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--hostname",
        "sandbox",
        "--clearenv",
        "--setenv",
        "PATH",
        "/usr/local/bin:/usr/bin:/bin",
        "--setenv",
        "HOME",
        "/tmp",
        "--setenv",
        "LANG",
        "C.UTF-8",
        "--setenv",
        "PYTHONDONTWRITEBYTECODE",
        "1",
        "--ro-bind",
        "/usr",
        "/usr",
    ]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):  # merged /usr: recreate the symlink
            argv += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            argv += ["--ro-bind", top, top]
    for path in ETC_FILES:
        argv += ["--ro-bind-try", path, path]
    for path in sorted(glob.glob("/etc/python3*")):  # Debian's sitecustomize lives there
        argv += ["--ro-bind", path, path]
    argv += _tmpfs("/tmp", TMP_SIZE_BYTES) + ["--proc", "/proc", "--dev", "/dev"]
    # /dev/shm stays writable (multiprocessing needs it) but small; the rest of /dev and the root bwrap
    # builds everything on are made read-only.
    argv += _tmpfs("/dev/shm", SHM_SIZE_BYTES) + [
        "--remount-ro",
        "/dev",
        "--remount-ro",
        "/",
        "--chdir",
        "/tmp",
        *command,
    ]
    return argv


def _tmpfs(path: str, size: int) -> list[str]:
    # --size needs bubblewrap >= 0.6; without it a tmpfs may grow to half the RAM.
    return (["--size", str(size)] if _bwrap_has_size_option() else []) + ["--tmpfs", path]


@functools.lru_cache(maxsize=None)
def _bwrap_has_size_option() -> bool:
    try:
        usage = subprocess.run(["bwrap", "--help"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "--size" in usage


def worker_command(python: str) -> list[str]:
    return [python, "-I", "-S", "-c", worker_source(), "--pid1"]


def missing_bwrap_reason() -> str | None:
    """None if bubblewrap can start a sandboxed python here, else what is missing and how to fix it."""
    return _probe_bwrap(sandbox_python())


@functools.lru_cache(maxsize=None)
def _probe_bwrap(python: str) -> str | None:
    if shutil.which("bwrap") is None:
        return "bubblewrap is not installed (apt-get install bubblewrap)"
    if not os.access(python, os.X_OK):
        return (
            f"{python} is missing: the sandbox runs the system python3 (apt-get install python3, "
            f"or set {SANDBOX_PYTHON_ENV})"
        )
    try:
        with open("/proc/sys/user/max_user_namespaces") as f:
            if int(f.read()) == 0:
                return "user namespaces are disabled (sysctl -w user.max_user_namespaces=15000)"
    except OSError:
        pass
    uid = allocate_uid()
    try:
        argv = bwrap_argv([python, "-I", "-c", "print('ok')"])
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, cwd="/", **run_as(uid))
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"bubblewrap could not start: {e}"
    finally:
        release_uid(uid)
    if done.returncode != 0 or done.stdout.strip() != "ok":
        return f"bubblewrap could not start python: {done.stderr.strip()[-500:] or done.returncode}"
    return None


def start_bwrap_worker() -> SubprocessWorker:
    """A worker as PID 1 of a bubblewrap sandbox, under its own unused uid when started by root."""
    argv = bwrap_argv(worker_command(sandbox_python()))
    if os.getuid() != 0:
        return SubprocessWorker(argv, env={})
    uid = allocate_uid()
    try:
        return SubprocessWorker(argv, uid=uid, env={}, on_close=lambda: release_uid(uid))
    except BaseException:
        release_uid(uid)
        raise


def start_process_worker() -> SubprocessWorker:
    """No isolation at all: the worker runs as this user with this machine's view. Only rlimits apply."""
    return SubprocessWorker([sys.executable, "-I", "-S", "-c", worker_source()], pid1=False)
