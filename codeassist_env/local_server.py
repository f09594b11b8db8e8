"""A model server this process starts, watches and stops (llama.cpp's, llama_cpp_server.py; vLLM's,
vllm_server.py): its port, readiness (``/v1/models`` and one completion), how it ended, and its log."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from codeassist_env.machine import cpu_flags

CRASH_SIGNALS = (signal.SIGSEGV, signal.SIGILL, signal.SIGBUS)


def cpu_has_amx() -> bool:
    return "amx_tile" in cpu_flags()


def describe_exit(returncode: int, log_tail: str, lines: int = 12, engine: str = "llama.cpp") -> str:
    """How the server process ended, its last log lines, and the known cause when the pattern fits."""
    if returncode < 0:
        try:
            how = f"killed by signal {signal.Signals(-returncode).name}"
        except ValueError:
            how = f"killed by signal {-returncode}"
    else:
        how = f"exited with status {returncode}"
    text = f"{engine} server {how}; last log lines:\n" + "\n".join(log_tail.strip().splitlines()[-lines:])
    if engine == "llama.cpp" and -returncode in CRASH_SIGNALS and cpu_has_amx():
        text += (
            "\nknown cause: this CPU reports AMX, and llama.cpp's AMX kernels crash on some virtual "
            "machines on the first request. `codeassist serve --local` loads the model with "
            "use_extra_bufts=False to avoid them; a server started another way needs the same, or a "
            "llama-cpp-python built with CMAKE_ARGS='-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON "
            "-DGGML_F16C=ON'."
        )
    return text


class ServerDied(RuntimeError):
    """The local server process ended; the message says how (see ``describe_exit``)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LocalServer:
    """A running model server child process (``llama_cpp.server``, or vLLM: ``engine``); stop it with
    ``stop()`` or use it as a context manager."""

    process: subprocess.Popen
    port: int
    model: str
    model_path: Path
    log_path: Path
    engine: str = "llama.cpp"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def death(self) -> str | None:
        """None while the server runs; once it has ended, how (``describe_exit``)."""
        code = self.process.poll()
        return None if code is None else describe_exit(code, self.log_tail(), engine=self.engine)

    def log_tail(self, n_chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n_chars:]
        except OSError:
            return ""

    def stop(self, timeout_s: float = 10.0) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        try:
            self.log_path.unlink()
        except OSError:
            pass

    def __enter__(self) -> "LocalServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2.0) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def stopped_with_parent(command: list[str]) -> list[str]:
    """``command`` run so that the kernel sends it SIGTERM when the process that started it dies, killed
    included (util-linux's ``setpriv --pdeathsig``, where it is installed): a server started for a run must
    not outlive it, holding its memory and cores."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "TERM", "--", *command] if setpriv else command


def wait_until_ready(server: LocalServer, command: list[str], timeout_s: float) -> None:
    """Return once ``/v1/models`` and one completion answer; stop the server and raise (``ServerDied``,
    ``TimeoutError``) with its log tail if it exits or does not answer within ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        if (death := server.death()) is not None:
            server.stop()
            raise ServerDied(f"{death}\n(during startup; command: {' '.join(command)})")
        if _answers(f"{server.base_url}/models"):
            _first_completion(server)
            return
        if time.monotonic() > deadline:
            tail = server.log_tail()
            server.stop()
            raise TimeoutError(
                f"{server.engine} server on port {server.port} did not answer /v1/models within {timeout_s:.0f} s; "
                f"log tail:\n{tail}"
            )
        time.sleep(0.25)


def _first_completion(server: LocalServer, timeout_s: float = 120.0) -> None:
    """One one-token completion before the server is handed out: a server that answers ``/v1/models``
    may still die on its first real request (the AMX crash), and a dead server must not be returned."""
    request = urllib.request.Request(
        f"{server.base_url}/completions",
        method="POST",
        headers={"Content-Type": "application/json"},
        data=json.dumps({"model": server.model, "prompt": "def", "max_tokens": 1}).encode(),
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            response.read()
            return
    except (urllib.error.URLError, OSError) as error:
        failure = error
    server.process.poll()
    for _ in range(20):  # the process may need a moment to be reaped after a crash
        if (death := server.death()) is not None:
            server.stop()
            raise ServerDied(f"{death}\n(on its first completion request)")
        time.sleep(0.1)
    tail = server.log_tail()
    server.stop()
    raise ServerDied(
        f"{server.engine} server did not answer its first completion request ({failure}); log tail:\n{tail}"
    )
