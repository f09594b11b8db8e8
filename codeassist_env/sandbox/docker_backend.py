"""The docker backend: one warm, locked-down container per sandbox, the worker as its PID 1.

Talks to the daemon named by DOCKER_HOST (or the default socket) through the docker SDK.
"""

from __future__ import annotations

import functools
import os
import select
import struct
import time
import weakref
from pathlib import Path
from typing import Any, Callable

from codeassist_env.errors import MissingFile
from codeassist_env.extras import needs_extra
from codeassist_env.package_data import data_path
from codeassist_env.sandbox.channel import READY_TIMEOUT_S, LineChannel, WorkerDied, worker_source
from codeassist_env.sandbox.core import NPROC_LIMIT
from codeassist_env.sandbox.limits import STDERR_KEEP
from codeassist_env.sandbox.local import allocate_uid, release_uid

DEFAULT_IMAGE = "codeassist-sandbox:latest"
IMAGE_ENV = "CODEASSIST_SANDBOX_IMAGE"
DEFAULT_BASE = "python:3.11-slim"
NO_DOCKER_SDK = needs_extra("docker", "docker")
LABEL = "org.codeassist.role"
PROBE_TTL_S = 10.0
_probes: dict[tuple[str | None, str], tuple[float, str | None]] = {}
HOST_PID_LABEL = "org.codeassist.host-pid"  # which process owns a worker container, for clean_containers


def default_image() -> str:
    return os.environ.get(IMAGE_ENV, DEFAULT_IMAGE)


@functools.lru_cache(maxsize=None)
def _client_for(docker_host: str | None) -> Any:
    import docker  # the SDK is an optional dependency; only this backend needs it

    # Short: "auto" asks this daemon whether it is there every time a sandbox opens.
    return docker.from_env(timeout=10)


def client() -> Any:
    return _client_for(os.environ.get("DOCKER_HOST"))


def missing_reason(image: str | None = None) -> str | None:
    """None if a daemon answers and the sandbox image exists, else what is missing and how to fix it.
    Remembered for a few seconds: every ``open_sandbox("auto")`` asks, and an unreachable DOCKER_HOST
    would otherwise cost its connection timeout each time."""
    image = image or default_image()
    key = (os.environ.get("DOCKER_HOST"), image)
    now = time.monotonic()
    if key in _probes and now - _probes[key][0] < PROBE_TTL_S:
        return _probes[key][1]
    reason = _probe(image)
    _probes[key] = (now, reason)
    return reason


def _probe(image: str) -> str | None:
    try:
        import docker
    except ImportError:
        return NO_DOCKER_SDK
    where = os.environ.get("DOCKER_HOST", "the default socket /var/run/docker.sock")
    try:
        c = client()
        c.ping()
    except Exception as e:  # the SDK raises several unrelated types for "no daemon"
        return f"no Docker daemon answers at {where} ({type(e).__name__}); start one and set DOCKER_HOST"
    try:
        c.images.get(image)
    except docker.errors.ImageNotFound:
        return f"the sandbox image {image} does not exist on {where}: run `codeassist sandbox build`"
    except docker.errors.APIError as e:
        return f"the Docker daemon at {where} failed: {e}"
    return None


def build_context(context: str | Path | None = None) -> Path:
    """The directory the image is built from: ``context`` (an edited copy), else the package's
    ``data/sandbox/``. A directory without a Dockerfile raises FileNotFoundError naming it."""
    context = Path(context) if context else data_path("sandbox")
    if not (context / "Dockerfile").is_file():
        raise MissingFile(f"no Dockerfile in the sandbox build context {context}")
    return context


def build_image(base: str | None = None, tag: str | None = None, context: str | Path | None = None) -> str:
    """Build the sandbox image (base image as build argument) from ``context``, by default the package's own
    build context (``data/sandbox/``, see ``build_context``); returns the tag."""
    context = build_context(context)
    tag = tag or default_image()
    import docker

    builder = docker.from_env(timeout=600)  # a build step may print nothing for minutes
    builder.images.build(
        path=str(context), tag=tag, buildargs={"BASE": base or DEFAULT_BASE}, rm=True, forcerm=True, pull=False
    )
    return tag


def clean_containers() -> list[str]:
    """Remove worker containers whose owning process on this host is gone (killed before it could close
    them); returns their names. Containers of live processes are left alone."""
    removed = []
    for container in client().containers.list(all=True, filters={"label": f"{LABEL}=worker"}):
        pid = int(container.labels.get(HOST_PID_LABEL, "0"))
        if pid > 0 and os.path.exists(f"/proc/{pid}"):
            continue
        container.remove(force=True)
        removed.append(container.name)
    return removed


class _Demultiplexer:
    """Docker frames an attached non-tty stream: 8-byte header (stream id, 3 zero bytes, big-endian length)."""

    def __init__(self) -> None:
        self._pending = b""

    def feed(self, data: bytes) -> bytes:
        self._pending += data
        out = bytearray()
        while len(self._pending) >= 8:
            stream, size = self._pending[0], struct.unpack(">I", self._pending[4:8])[0]
            if len(self._pending) < 8 + size:
                break
            if stream == 1:  # stdout; the worker writes nothing else
                out += self._pending[8 : 8 + size]
            self._pending = self._pending[8 + size :]
        return bytes(out)


def _remove(container: Any, uid: int) -> None:
    try:
        container.remove(force=True)
    except Exception:
        pass  # already gone with its daemon; nothing left to clean
    release_uid(uid)


class DockerWorker:
    """The worker as PID 1 of a container: no network, read-only root, tmpfs /tmp, fresh uid, no capabilities."""

    pid1 = True

    def __init__(self, image: str, memory_mb: int, cpus: float, pids: int):
        self.uid = allocate_uid()
        try:
            self.container = client().containers.create(
                image,
                command=["-S", "-c", worker_source(), "--pid1"],
                user=f"{self.uid}:{self.uid}",
                network_mode="none",
                read_only=True,
                tmpfs={"/tmp": "rw,nosuid,nodev,size=256m,mode=1777"},
                cap_drop=["ALL"],
                security_opt=["no-new-privileges"],
                mem_limit=f"{memory_mb}m",
                memswap_limit=f"{memory_mb}m",
                pids_limit=pids,
                nano_cpus=int(cpus * 1e9),
                stdin_open=True,
                detach=True,
                labels={LABEL: "worker", HOST_PID_LABEL: str(os.getpid())},
            )
        except Exception as e:
            release_uid(self.uid)
            raise WorkerDied(f"could not create the sandbox container: {e}") from e
        self._finalizer = weakref.finalize(self, _remove, self.container, self.uid)
        try:
            sock = client().api.attach_socket(self.container.id, params={"stdin": 1, "stdout": 1, "stream": 1})
            self._sock = sock._sock  # the raw socket under the SDK's file wrapper
            self.container.start()
        except Exception as e:
            self._finalizer()
            raise WorkerDied(f"could not start the sandbox container: {e}") from e
        demux = _Demultiplexer()
        self.channel = LineChannel(
            send=self._sock.sendall,
            recv=self._recv(demux),
            wait_readable=lambda t: bool(select.select([self._sock], [], [], t)[0]),
        )
        try:
            self.channel.read(READY_TIMEOUT_S)  # the worker's ready line
        except WorkerDied as e:
            logs = self.container.logs(stdout=False, stderr=True)[-STDERR_KEEP:].decode("utf-8", "replace")
            self._finalizer()
            raise WorkerDied(f"the sandbox container did not start its worker ({e}): {logs}") from None

    def _recv(self, demux: _Demultiplexer) -> Callable[[], bytes | None]:
        def recv() -> bytes | None:
            data = self._sock.recv(1 << 20)
            # Only part of a frame arrived: the stream goes on, there is just nothing to hand over yet.
            return (demux.feed(data) or None) if data else b""

        return recv

    def request(self, obj: dict[str, Any], timeout: float, attachment: bytes = b"") -> dict[str, Any]:
        return self.channel.request(obj, timeout, attachment)

    def close(self) -> None:
        try:
            self._sock.close()
        finally:
            self._finalizer()


def worker_starter(
    image: str | None = None, memory_mb: int = 2048, cpus: float = 1.0, pids: int = NPROC_LIMIT + 16
) -> Callable[[], DockerWorker]:
    """How a Sandbox starts (and restarts) its container."""
    image = image or default_image()
    return lambda: DockerWorker(image, memory_mb, cpus, pids)
