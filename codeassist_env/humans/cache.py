"""On-disk cache of LLM chat responses, so a benchmark can be re-run without the model server.

Modes:

- ``off``: no cache; every request goes to the server.
- ``record``: answer from the cache when the request was seen before, otherwise ask the server and
  store the response (the first stored response for a key wins, so concurrent recorders agree).
- ``replay``: answer only from the cache; never touch the network. A request that is not in the cache
  raises ``CacheMiss`` naming the request.

The key is the SHA-256 of the canonical JSON of (model, messages, sampling parameters, seed): the same
conversation asked of the same model with the same settings gets the same answer back.

Storage is one SQLite file in WAL mode. Each thread (and each process: a forked child never reuses its
parent's connection) opens its own connection, so concurrent episodes in threads or processes can share
a file; writers wait on SQLite's lock (``busy_timeout``) rather than failing.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, cast

from codeassist_env.errors import InputError, MissingFile
from codeassist_env.jsonl_log import UnstorableRecord

STORE_MODES: tuple[str, ...] = ("record", "replay")  # the modes a ResponseCache object has
CACHE_MODES: tuple[str, ...] = ("off", *STORE_MODES)
_BUSY_TIMEOUT_MS = 30_000


class CacheMiss(LookupError):
    """Replay mode met a request that was never recorded. Not a simulator failure: the cache does not
    match the run (different model, prompts, settings or agent), so the run must stop."""


def request_key(model: str, messages: list[dict[str, str]], params: dict[str, Any], seed: int | None) -> str:
    canonical = json.dumps(
        {"model": model, "messages": messages, "params": params, "seed": seed},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def describe_request(model: str, messages: list[dict[str, str]], key: str, n_chars: int = 80) -> str:
    last = messages[-1]["content"] if messages else ""
    snippet = " ".join(last.split())[:n_chars]
    return f"model={model!r}, last message {snippet!r}..., key={key}"


class ResponseCache:
    """Key → response (a JSON-serialisable dict) store in SQLite. ``mode`` is "record" or "replay" (with
    caching "off" there is no cache object at all)."""

    def __init__(self, path: str | os.PathLike, mode: str = "record"):
        if mode not in STORE_MODES:
            raise InputError(f"cache mode {mode!r} is not one of {STORE_MODES}")
        self.path = Path(path)
        self.mode = mode
        if mode == "replay" and not self.path.is_file():
            raise MissingFile(f"replay cache {self.path} does not exist (record it first with mode 'record')")
        self._local = threading.local()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connection()  # create the schema now, so a bad path fails at construction

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid():
            return conn
        conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
        if self.mode == "record":
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS responses ("
                " key TEXT PRIMARY KEY, model TEXT NOT NULL, request TEXT NOT NULL,"
                " response TEXT NOT NULL, created REAL NOT NULL)"
            )
        self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            row = self._connection().execute("SELECT response FROM responses WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError as e:
            raise RuntimeError(f"cannot read response cache {self.path}: {e}") from e
        return json.loads(row[0]) if row else None

    def put(self, key: str, model: str, request: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
        """Store ``response`` unless the key is already stored; return the stored response (the first
        writer's, when another thread or process recorded the same key meanwhile)."""
        if self.mode != "record":
            raise RuntimeError(f"cache {self.path} is in mode {self.mode!r}; only 'record' stores responses")
        try:  # checked whole before the insert: a row is stored entire or not at all
            texts = [json.dumps(value, ensure_ascii=False) for value in (request, response)]
            for text in texts:
                text.encode("utf-8")
        except (TypeError, ValueError) as error:  # a lone surrogate in a reply is a UnicodeEncodeError
            raise UnstorableRecord(
                f"response cache {self.path}: the response to request {key} cannot be stored, "
                f"nothing written: {type(error).__name__}: {error}"
            ) from error
        self._connection().execute(
            "INSERT OR IGNORE INTO responses (key, model, request, response, created) VALUES (?, ?, ?, ?, ?)",
            (key, model, *texts, time.time()),
        )
        # The key's row is there: inserted just now, or already stored (INSERT OR IGNORE).
        return cast(dict[str, Any], self.get(key))

    def __len__(self) -> int:
        return self._connection().execute("SELECT COUNT(*) FROM responses").fetchone()[0]

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
