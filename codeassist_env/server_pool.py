"""Several inference servers behind one run: the simulated human's (``--human-base-url``) and the LM
agents' (``--agent-base-url``) endpoints may each be a list of servers that serve the same model.

Policy (``ServerPool``): round-robin with health. Each request starts at the next server in turn and
goes to the first one that is up; a server that does not answer (cannot be connected to, or times out)
is taken out of rotation at once and the same request moves on to the next server, without waiting. A
server out of rotation is probed again ``retry_after_s`` later, by the next real request, which goes to
it first (one request per period, so a dead server costs at most one failed attempt per period); if it
answers it is back in rotation. When every server is out, each is still tried once, so a request fails
only when no server answers it. An answer that is an error (a 4xx, a 5xx, a body that is not a
completion) comes from a server that is up: it is raised to the caller, whose own retries decide.

Which server answered is counted per episode: the bench opens ``tally()`` around an episode, and every
pooled request made in that thread adds to ``{role: {url: requests}}``, which the episode record keeps.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from codeassist_env.errors import InputError

T = TypeVar("T")
DEFAULT_RETRY_AFTER_S = 10.0

_local = threading.local()


def split_urls(text: str | Sequence[str] | None) -> list[str]:
    """``"http://a/v1,http://b/v1"`` (or a list of such strings) -> the URLs, in order, each once."""
    if text is None:
        return []
    parts = [text] if isinstance(text, str) else list(text)
    urls = [u.strip() for part in parts for u in part.split(",") if u.strip()]
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise InputError(f"server URL must start with http:// or https://, got {url!r}")
    return list(dict.fromkeys(urls))


def join_urls(urls: str | Sequence[str] | None) -> str | None:
    """The one-string form of a list of URLs (what configs and ``run.json`` keep); None for none."""
    return ",".join(split_urls(urls)) or None


@contextmanager
def tally() -> Iterator[dict[str, dict[str, int]]]:
    """Count, in this thread, the pooled requests answered per role and server until the block ends."""
    previous = getattr(_local, "counts", None)
    counts: dict[str, dict[str, int]] = {}
    _local.counts = counts
    try:
        yield counts
    finally:
        _local.counts = previous


def _count(role: str, url: str) -> None:
    counts = getattr(_local, "counts", None)
    if counts is not None:
        by_url = counts.setdefault(role, {})
        by_url[url] = by_url.get(url, 0) + 1


def unreachable(error: BaseException) -> bool:
    """An OpenAI client error that means the server did not answer (connection refused or reset, timeout)."""
    import openai

    return isinstance(error, openai.APIConnectionError)  # APITimeoutError is one too


@dataclass
class _Server:
    url: str
    down_since: float | None = None  # None: in rotation


class ServerPool:
    """Round-robin with health over ``urls`` (see the module docstring); thread-safe."""

    def __init__(
        self,
        urls: Sequence[str],
        role: str,
        *,
        retry_after_s: float = DEFAULT_RETRY_AFTER_S,
        is_down: Callable[[BaseException], bool] = unreachable,
        clock: Callable[[], float] = time.monotonic,
    ):
        if not urls:
            raise InputError(f"{role}: no server URL given")
        self.role, self.retry_after_s, self.is_down, self._clock = role, retry_after_s, is_down, clock
        self._servers = [_Server(url) for url in urls]
        self._next = 0
        self._lock = threading.Lock()

    @property
    def urls(self) -> list[str]:
        return [s.url for s in self._servers]

    def up(self) -> list[str]:
        with self._lock:
            return [s.url for s in self._servers if s.down_since is None]

    def order(self) -> list[str]:
        """The servers one request tries, in order: a due probe, the servers up (from the next in turn),
        then the others."""
        with self._lock:
            start, self._next = self._next, (self._next + 1) % len(self._servers)
            rotated = self._servers[start:] + self._servers[:start]
            now = self._clock()
            probe = next(
                (s for s in rotated if s.down_since is not None and now - s.down_since >= self.retry_after_s), None
            )
            if probe is not None:
                probe.down_since = now  # re-armed: the other requests of this period leave it alone
            up = [s for s in rotated if s.down_since is None]
            down = [s for s in rotated if s.down_since is not None and s is not probe]
            return [s.url for s in ([probe] if probe else []) + up + down]

    def mark_down(self, url: str) -> None:
        with self._lock:
            for server in self._servers:
                if server.url == url and server.down_since is None:
                    server.down_since = self._clock()

    def mark_up(self, url: str) -> None:
        with self._lock:
            for server in self._servers:
                if server.url == url:
                    server.down_since = None

    def call(self, request: Callable[[str], T]) -> T:
        """``request(url)`` on the first server of ``order()`` that answers; raises the last server's
        error when none does, and at once any error that is an answer (``is_down`` false)."""
        last: BaseException | None = None
        for url in self.order():
            try:
                result = request(url)
            except Exception as error:
                if not self.is_down(error):
                    self.mark_up(url)  # it answered, if with an error
                    raise
                self.mark_down(url)
                last = error
                continue
            self.mark_up(url)
            _count(self.role, url)
            return result
        assert last is not None
        raise last


_pools: dict[tuple[str, tuple[str, ...]], ServerPool] = {}
_pools_lock = threading.Lock()


def shared_pool(role: str, urls: Sequence[str]) -> ServerPool:
    """The process's one pool for ``role`` over ``urls``: every human or backend of a run shares what it
    learns about the servers' health."""
    key = (role, tuple(urls))
    with _pools_lock:
        if key not in _pools:
            _pools[key] = ServerPool(urls, role)
        return _pools[key]
