"""LiveCodeBench ``code_generation`` / ``code_generation_lite`` records, as published, to ``Problem``.

A published record has ``question_id``, ``question_title``, ``question_content``, ``platform``,
``contest_id``, ``contest_date``, ``starter_code``, ``difficulty``, ``metadata`` (a JSON string; LeetCode
problems carry ``func_name``), ``public_test_cases`` (a JSON string of a list of
``{"input", "output", "testtype"}``) and ``private_test_cases`` (the same, or, in later releases,
base64 of a zlib-compressed pickle of that JSON string). ``testtype`` is ``"stdin"`` or ``"functional"``.

LiveCodeBench grades a program on the public and the private tests together, so both become hidden
tests here (the public ones are also kept as ``public_tests``). There is no reference solution.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import pickle
import zlib
from typing import Any

from codeassist_env.problems.errors import field_error
from codeassist_env.problem import Problem, TestCase, TestKind
from codeassist_env.problems.schema import check_functional_json

SOURCE = "livecodebench"
REQUIRED_FIELDS: tuple[str, ...] = (
    "question_id",
    "question_title",
    "question_content",
    "platform",
    "difficulty",
    "starter_code",
    "public_test_cases",
    "private_test_cases",
    "metadata",
)
OPTIONAL_FIELDS: tuple[str, ...] = ("contest_id", "contest_date")
TEST_TYPES: tuple[str, ...] = ("stdin", "functional")
# LiveCodeBench's own harness gives every test 6 seconds; the records carry no per-problem limit.
TIME_LIMIT_S = 6.0


def is_livecodebench_record(record: dict[str, Any]) -> bool:
    return "question_id" in record


class _NoGlobalsUnpickler(pickle.Unpickler):
    """Loads only pickles made of plain values: any class or function reference (the only way a
    pickle can run code) is refused before it is looked up."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"refused to load global {module}.{name}")


def decode_test_cases(text: str, where: str, field: str) -> list[Any]:
    """A test-case field: a JSON string, or base64 of zlib-compressed pickle of a JSON string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    try:
        packed = zlib.decompress(base64.b64decode(text.encode("ascii"), validate=True))
    except (UnicodeEncodeError, binascii.Error, zlib.error) as e:
        raise field_error(where, field, f"neither JSON nor base64 of zlib-compressed pickle ({e})", text) from None
    try:
        unpickled = _NoGlobalsUnpickler(io.BytesIO(packed)).load()
    except Exception as e:  # a malformed pickle can fail in many ways; none of them ran code
        raise field_error(where, field, f"compressed pickle refused: {e}") from None
    if isinstance(unpickled, bytes):
        unpickled = unpickled.decode("utf-8", errors="replace")
    if not isinstance(unpickled, str):
        raise field_error(where, field, f"compressed pickle must hold a JSON string, not {type(unpickled).__name__}")
    try:
        return json.loads(unpickled)
    except json.JSONDecodeError as e:
        raise field_error(where, field, f"decompressed text is not JSON ({e.msg})", unpickled) from None


def parse_livecodebench_record(record: dict[str, Any], where: str) -> Problem:
    problem_id = record["question_id"]
    if not isinstance(problem_id, str) or not problem_id.strip():
        raise field_error(where, "question_id", "must be a non-empty string", problem_id)
    where = f"{where} (question {problem_id!r})"
    for name in REQUIRED_FIELDS:
        if name not in record:
            raise field_error(where, name, "required LiveCodeBench field is missing")
    for name in REQUIRED_FIELDS + OPTIONAL_FIELDS:
        if name in record and not isinstance(record[name], str):
            raise field_error(where, name, "must be a string", record[name])

    public = _tests(record, "public_test_cases", where)
    private = _tests(record, "private_test_cases", where)
    kinds = {kind for kind, _ in public + private}
    if not kinds:
        raise field_error(where, "private_test_cases", "the record has no test cases at all")
    if len(kinds) > 1:
        raise field_error(where, "testtype", "test cases mix stdin and functional", sorted(kinds))
    test_kind = kinds.pop()

    try:
        metadata = json.loads(record["metadata"] or "{}")
    except json.JSONDecodeError as e:
        raise field_error(where, "metadata", f"is not a JSON string ({e.msg})", record["metadata"]) from None
    if not isinstance(metadata, dict):
        raise field_error(where, "metadata", "must hold a JSON object", metadata)
    entry_point = None
    if test_kind == TestKind.FUNCTIONAL:
        entry_point = metadata.get("func_name")
        if not isinstance(entry_point, str) or not entry_point.isidentifier():
            raise field_error(where, "metadata.func_name", "functional problems need the method name", entry_point)

    info = {"title": record["question_title"], "difficulty": record["difficulty"], "platform": record["platform"]}
    info.update({name: record[name] for name in OPTIONAL_FIELDS if name in record})
    return Problem(
        id=problem_id,
        statement=record["question_content"],
        test_kind=TestKind(test_kind),  # one of TEST_TYPES, each a TestKind's value
        hidden_tests=tuple(case for _, case in public + private),
        public_tests=tuple(case for _, case in public),
        starter_code=record["starter_code"],
        entry_point=entry_point,
        time_limit_s=TIME_LIMIT_S,
        source=SOURCE,
        metadata=info,
    )


def _tests(record: dict[str, Any], field: str, where: str) -> list[tuple[str, TestCase]]:
    cases = decode_test_cases(record[field], where, field)
    if not isinstance(cases, list):
        raise field_error(where, field, "must hold a list of test cases", cases)
    tests = []
    for index, case in enumerate(cases):
        name = f"{field}[{index}]"
        if not isinstance(case, dict):
            raise field_error(where, name, "must be an object with input, output and testtype", case)
        for key in ("input", "output", "testtype"):
            if not isinstance(case.get(key), str):
                raise field_error(where, f"{name}.{key}", "must be a string", case.get(key))
        if case["testtype"] not in TEST_TYPES:
            raise field_error(where, f"{name}.testtype", f"must be one of {', '.join(TEST_TYPES)}", case["testtype"])
        test = TestCase(input=case["input"], output=case["output"])
        if case["testtype"] == "functional":
            check_functional_json(test, where, name)
        tests.append((case["testtype"], test))
    return tests
