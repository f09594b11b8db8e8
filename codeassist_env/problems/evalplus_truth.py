"""Expected outputs of an EvalPlus release, computed as EvalPlus computes them: the canonical solution run
on every input (here in the sandbox, in one process per task, as ``evalplus.evaluate.get_groundtruth``
runs it in one), timed per input for the time limits, once per file and cached under the file's hash.

Cache: ``$CODEASSIST_EVALPLUS_CACHE`` (default ``~/.cache/codeassist_env/evalplus``), one gzipped JSON file
per release file and content hash. Sandbox: ``$CODEASSIST_EVALPLUS_SANDBOX`` (default ``auto``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from codeassist_env.files import replaced_whole
from codeassist_env.problems.errors import ProblemError
from codeassist_env.problems.evalplus import MEMORY_LIMIT_MB, build_problem, call_texts, dataset_of, release_records
from codeassist_env.problem import Problem
from codeassist_env.sandbox import open_sandbox
from codeassist_env.sandbox.calls import EvalPlusRules, with_answer_adapter
from codeassist_env.sandbox.result import RunStatus

CACHE_ENV, SANDBOX_ENV = "CODEASSIST_EVALPLUS_CACHE", "CODEASSIST_EVALPLUS_SANDBOX"
CACHE_FORMAT = 3  # bump when what is cached, or how it is computed, changes
REFERENCE_CALL_LIMIT_S = 60.0  # EvalPlus runs the canonical solution with no limit; ours has a generous one
REFERENCE_RUN_LIMIT_S = 900.0


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "codeassist_env" / "evalplus")


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_release(path: Path, records: list[tuple[str, Any]]) -> tuple[Problem, ...]:
    """The problems of a release file whose decoded records are ``records``."""
    checked = [record for _, record in release_records(iter(records))]
    calls = {record["task_id"]: call_texts(record) for record in checked}
    truth = ground_truth(path, checked, calls)
    source = f"evalplus:{path.name}"
    return tuple(
        build_problem(record, calls[record["task_id"]], truth[record["task_id"]], source) for record in checked
    )


def ground_truth(path: Path, records: list[dict[str, Any]], calls: dict[str, list[str]]) -> dict[str, dict[str, list]]:
    """task id -> {"outputs": plain JSON or None per call, "seconds": [...]}, ``calls`` being each task's
    encoded calls (``call_texts``); from the cache when this file's hash is there."""
    cached = cache_dir() / f"{path.name.split('.')[0]}-{file_hash(path)[:16]}-v{CACHE_FORMAT}.json.gz"
    if cached.is_file():
        try:
            with gzip.open(cached, "rt", encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError, EOFError):
            pass  # a damaged cache is computed again
    truth = compute_ground_truth(path, records, calls)
    cached.parent.mkdir(parents=True, exist_ok=True)
    with replaced_whole(cached) as temporary:  # whole or not at all, if two processes compute it at once
        # Level 1: the answers are mostly numbers, which gzip's default level 9 compresses little better
        # and far slower.
        with gzip.open(temporary, "wt", encoding="utf-8", compresslevel=1) as f:
            f.write(json.dumps(truth))
    return truth


def compute_ground_truth(
    path: Path, records: list[dict[str, Any]], calls: dict[str, list[str]]
) -> dict[str, dict[str, list]]:
    truth = {}
    with open_sandbox(os.environ.get(SANDBOX_ENV, "auto"), trusted_code=True) as sandbox:
        for record in tqdm(
            records, desc=f"expected outputs of {path.name} (once, then cached)", unit="task", file=sys.stderr
        ):
            rules = EvalPlusRules(dataset_of(record["task_id"]), record["entry_point"], float(record["atol"]))
            code, entry_point = with_answer_adapter(record["prompt"] + record["canonical_solution"], rules)
            task = record["task_id"]
            truth[task] = _run_reference(sandbox, code, entry_point, [c.encode() for c in calls[task]], task)
    return truth


def _run_reference(sandbox: Any, code: str, entry_point: str, calls: list[bytes], task: str) -> dict[str, list]:
    """Every call's answer; where the reference fails on a call, None, and the run resumes after it."""
    outputs: list[str | None] = []
    seconds: list[float] = []
    while len(outputs) < len(calls):
        rest = calls[len(outputs) :]
        reply = sandbox.call(
            code, entry_point, rest, [REFERENCE_CALL_LIMIT_S] * len(rest), REFERENCE_RUN_LIMIT_S, MEMORY_LIMIT_MB
        )
        if reply.get("status") != RunStatus.OK:
            raise ProblemError(
                f"{task}: the canonical solution could not be run in the sandbox "
                f"({reply.get('status')}): {str(reply.get('stderr', ''))[-300:]}"
            )
        for kind, text, took, _cpu in reply["calls"]:
            outputs.append(text if kind == "R" else None)
            seconds.append(float(took))
        if not reply["calls"]:  # the run's wall limit passed before one more answer
            outputs.append(None)
            seconds.append(REFERENCE_CALL_LIMIT_S)
    return {"outputs": outputs, "seconds": seconds}
