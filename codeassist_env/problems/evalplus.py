"""EvalPlus's HumanEval+ and MBPP+ (Liu et al., NeurIPS 2023; Apache-2.0), read from its release files.

    humanevalplus        HumanEvalPlus.jsonl.gz       164 tasks, base (HumanEval's) and plus inputs
    humanevalplus-mini   HumanEvalPlus-Mini.jsonl.gz  the same tasks, plus inputs reduced by EvalPlus
    mbppplus             MbppPlus.jsonl.gz            378 MBPP tasks

The package ships the three files (``data/evalplus/``, with EvalPlus's licences). A folder in
``$CODEASSIST_EVALPLUS_DIR``, else the file EvalPlus's own loader would read (``$HUMANEVAL_OVERRIDE_PATH`` /
``$MBPP_OVERRIDE_PATH``), overrides them; any path to a release file works too.

Each task becomes a problem of test kind ``call``: hidden tests are the base then the plus inputs, public
tests the calls in the task's prompt (HumanEval+'s docstring examples, MBPP+'s example assertion), and
every expected output is what the canonical solution returns, computed in the sandbox once per file
(problems/evalplus_truth.py). The ``contract`` field (assertions on valid inputs) is not run: EvalPlus used
it to generate the inputs and its evaluator never runs it either.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterator, cast

from codeassist_env.package_data import data_path
from codeassist_env.problems.errors import ProblemError
from codeassist_env.problems.humaneval import literal_calls
from codeassist_env.problem import Problem, TestCase, TestKind
from codeassist_env.sandbox.inside import plain

DIR_ENV = "CODEASSIST_EVALPLUS_DIR"
MEMORY_LIMIT_MB = 4096  # EvalPlus's evaluator caps a program at 4 GiB
MIN_TIME_LIMIT_S, TIME_LIMIT_FACTOR = 1.0, 4.0  # EvalPlus's per-input limit: max(1 s, 4 x the reference's time)
FIELDS: dict[str, type | tuple[type, ...]] = {
    "task_id": str,
    "prompt": str,
    "entry_point": str,
    "canonical_solution": str,
    "base_input": list,
    "plus_input": list,
    "atol": (int, float, str),
}
RELEASES = {
    "HumanEval": "https://github.com/evalplus/humanevalplus_release/releases (v0.1.10)",
    "Mbpp": "https://github.com/evalplus/mbppplus_release/releases (v0.2.0)",
}


def _release_path(set_name: str, file_name: str, override_env: str) -> Callable[[], Path]:
    def path() -> Path:
        if os.environ.get(DIR_ENV):
            found, where = Path(os.environ[DIR_ENV]) / file_name, f"${DIR_ENV}"
        elif os.environ.get(override_env):
            found, where = Path(os.environ[override_env]), f"${override_env}"
        else:
            found, where = data_path("evalplus", file_name), "the package's copy"
        if not found.is_file():
            release = RELEASES["Mbpp" if file_name.startswith("Mbpp") else "HumanEval"]
            raise ProblemError(
                f"problem set {set_name!r} reads EvalPlus's {file_name}: {found} ({where}) does not "
                f"exist; its release is at {release}"
            )
        return found

    return path


humanevalplus_path = _release_path("humanevalplus", "HumanEvalPlus.jsonl.gz", "HUMANEVAL_OVERRIDE_PATH")
humanevalplus_mini_path = _release_path("humanevalplus-mini", "HumanEvalPlus-Mini.jsonl.gz", "HUMANEVAL_OVERRIDE_PATH")
mbppplus_path = _release_path("mbppplus", "MbppPlus.jsonl.gz", "MBPP_OVERRIDE_PATH")


def is_release_record(record: Any) -> bool:
    return isinstance(record, dict) and "plus_input" in record and "task_id" in record


def dataset_of(task_id: str) -> str:
    return "mbpp" if task_id.startswith("Mbpp/") else "humaneval"


def check_record(record: dict[str, Any], where: str) -> str:
    """The record's task id; a ProblemError naming the file, line, task and field when it is malformed."""
    task = record.get("task_id")
    where = f"{where} (task {task!r})"
    if record.get("plus_input") == {}:  # Mbpp/793 of MBPP+ v0.2.0: no plus inputs, which EvalPlus reads so
        record["plus_input"] = []
    for name, kinds in FIELDS.items():
        if not isinstance(record.get(name), kinds):
            raise ProblemError(
                f"{where}: field {name!r} is missing or not a {_names(kinds)} (got {type(record.get(name)).__name__})"
            )
    for name in ("base_input", "plus_input"):
        bad = next((i for i, args in enumerate(record[name]) if not isinstance(args, list)), None)
        if bad is not None:
            raise ProblemError(f"{where}: field {name!r}: input #{bad} is not a list of arguments")
    try:
        float(record["atol"])
    except ValueError:
        raise ProblemError(f"{where}: field 'atol' is not a number (got {record['atol']!r})") from None
    if not record["entry_point"].isidentifier():
        raise ProblemError(f"{where}: field 'entry_point' is not a Python identifier")
    return cast(str, task)  # a str: checked against FIELDS above


def _names(kinds: Any) -> str:
    return " or ".join(k.__name__ for k in kinds) if isinstance(kinds, tuple) else kinds.__name__


def inputs_of(record: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """(base, plus) argument lists, as the functions are called: MBPP+ stores tuples, sets and complex
    numbers of some tasks as JSON lists or strings, and EvalPlus's loader turns them back (``mbpp.py``,
    ``mbpp_deserialize_inputs``); ``MBPP_INPUT_TYPES`` says which tasks and how."""
    task = record["task_id"]
    convert = MBPP_INPUT_TYPES.get(int(task.split("/")[1])) if dataset_of(task) == "mbpp" else None
    if convert is None:
        return record["base_input"], record["plus_input"]
    return [list(convert(args)) for args in record["base_input"]], [
        list(convert(args)) for args in record["plus_input"]
    ]


def _all_tuples(value: Any) -> Any:
    return tuple(_all_tuples(v) for v in value) if isinstance(value, list) else value


_INPUT_RULES: dict[tuple[int, ...], Callable[[list[Any]], Any]] = {
    (
        2,
        116,
        132,
        143,
        222,
        261,
        273,
        394,
        399,
        421,
        424,
        429,
        470,
        560,
        579,
        596,
        616,
        630,
        726,
        740,
        744,
        809,
    ): lambda args: [tuple(a) for a in args],
    (63, 64, 70, 94, 120, 237, 272, 299, 400, 409, 417, 438, 473, 614, 780): lambda args: [
        [tuple(x) for x in a] for a in args
    ],
    (75, 413, 444, 753): lambda args: [[tuple(x) for x in args[0]], args[1]],
    (106, 750): lambda args: [args[0], tuple(args[1])],
    (115,): lambda args: [[set(x) if isinstance(x, list) and x else {} for x in args[0]]],
    (124,): lambda args: [float(args[0]), complex(args[1])],
    (250, 405, 446, 617, 720, 763, 808): lambda args: [tuple(args[0]), args[1]],
    (259, 401, 445): lambda args: [tuple(tuple(x) for x in a) for a in args],
    (278,): lambda args: [tuple(tuple(x) if isinstance(x, list) else x for x in args[0])],
    (307,): lambda args: [tuple(args[0]), args[1], args[2]],
    (722,): lambda args: [{k: tuple(v) for k, v in args[0].items()}, *args[1:]],
    (252,): lambda args: [complex(args[0])],
    (580, 615, 791): _all_tuples,
}
MBPP_INPUT_TYPES = {task: rule for tasks, rule in _INPUT_RULES.items() for task in tasks}


def encode_call(args: Any) -> str:
    return plain.encode((tuple(args), {})).decode()


def call_texts(record: dict[str, Any]) -> list[str]:
    """Every call of a checked record, encoded: the base, plus and example inputs, in that order."""
    base, plus = inputs_of(record)
    return [encode_call(a) for a in base + plus + literal_calls(record["prompt"], record["entry_point"])]


def build_problem(record: dict[str, Any], calls: list[str], truth: dict[str, Any], source: str) -> Problem:
    """The problem of one checked record, with its ``calls`` (``call_texts``) and the canonical solution's
    ``truth`` (evalplus_truth.py)."""
    base, plus = inputs_of(record)
    outputs, seconds = truth["outputs"], truth["seconds"]
    limits = [max(MIN_TIME_LIMIT_S, TIME_LIMIT_FACTOR * s) for s in seconds]
    # An input on which the canonical solution itself fails has no expected output: EvalPlus's release
    # has none (its evaluator would stop there), and a test without one is left out.
    kept = [i for i in range(len(calls)) if outputs[i] is not None]
    hidden = [i for i in kept if i < len(base) + len(plus)]
    public = [i for i in kept if i >= len(base) + len(plus)]
    dataset = dataset_of(record["task_id"])
    return Problem(
        id=record["task_id"],
        statement=record["prompt"],
        test_kind=TestKind.CALL,
        hidden_tests=tuple(TestCase(calls[i], outputs[i]) for i in hidden),
        public_tests=tuple(TestCase(calls[i], outputs[i]) for i in public),
        starter_code=record["prompt"],
        reference_solution=record["prompt"] + record["canonical_solution"],
        entry_point=record["entry_point"],
        time_limit_s=MIN_TIME_LIMIT_S,
        memory_limit_mb=MEMORY_LIMIT_MB,
        source=source,
        metadata={
            "evalplus": {
                "dataset": dataset,
                "atol": float(record["atol"]),
                "hidden_limits_s": [limits[i] for i in hidden],
                "public_limits_s": [limits[i] for i in public],
                "n_base": sum(i < len(base) for i in hidden),
                "dropped_inputs": len(base) + len(plus) - len(hidden),
            }
        },
    )


def release_records(records: Iterator[tuple[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """(where, record) of every record of a release file, each checked."""
    checked: list[tuple[str, dict[str, Any]]] = []
    seen: dict[str, str] = {}  # task id -> where it first was
    for where, record in records:
        if not is_release_record(record):
            raise ProblemError(
                f"{where}: not an EvalPlus task (every record of an EvalPlus release file has "
                "'task_id' and 'plus_input')"
            )
        task = check_record(record, where)
        if task in seen:
            raise ProblemError(f"{where} (task {task!r}): task id already used at {seen[task]}")
        seen[task] = where
        checked.append((where, record))
    return checked
