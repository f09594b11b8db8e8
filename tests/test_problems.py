"""Problem loaders: the project's JSONL schema, LiveCodeBench records, HumanEval, set names, caching,
and the input checks of ``codeassist problems``. No sandbox needed."""

from __future__ import annotations

import base64
import gzip
import json
import os
import pickle
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from codeassist_env.cli import main
from codeassist_env.problems import (
    DEFAULT_SET,
    Problem,
    ProblemError,
    default_set,
    get_problem,
    list_sets,
    load_problems,
    write_problems,
)
from codeassist_env.problems import TestCase as Case  # a Test* name would be collected by pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]


def sample_problems() -> list[Problem]:
    return [
        Problem(
            id="s1",
            statement="Print the sum of two integers.",
            test_kind="stdin",
            hidden_tests=[Case("1 2\n", "3\n"), Case("-5 5\n", "0\n")],
            public_tests=[Case("1 2\n", "3\n")],
            reference_solution="print(sum(map(int, input().split())))",
            time_limit_s=1.5,
            memory_limit_mb=256,
            source="unit",
            metadata={"difficulty": "easy", "split": "train"},
        ),
        Problem(
            id="f1",
            statement="Return the longer list’s length \u2028 (unicode kept raw).",
            test_kind="functional",
            hidden_tests=[Case('[1,2]\n[3]', "2"), Case('[]\n[]', "0")],
            starter_code="class Solution:\n    def longer(self, a: list, b: list) -> int:\n        ",
            reference_solution="class Solution:\n    def longer(self, a, b):\n        return max(len(a), len(b))\n",
            entry_point="longer",
            metadata={"difficulty": "medium", "split": "test", "tags": ["lists"]},
        ),
        Problem(
            id="a1",
            statement="def inc(x):",
            test_kind="assert",
            hidden_tests=[Case("def check(candidate):\n    assert candidate(1) == 2\n")],
            entry_point="inc",
            metadata={"split": "test"},
        ),
    ]


def valid_record() -> dict:
    return sample_problems()[1].to_dict()


def write_lines(path: Path, records: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), encoding="utf-8")
    return path


# ---- the project's own schema ---------------------------------------------------------------------------


def test_schema_round_trip_jsonl_gz_and_json_array(tmp_path):
    problems = sample_problems()
    write_problems(tmp_path / "set.jsonl", problems)
    assert load_problems(tmp_path / "set.jsonl") == problems
    with gzip.open(tmp_path / "set.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write((tmp_path / "set.jsonl").read_text(encoding="utf-8"))
    assert load_problems(str(tmp_path / "set.jsonl.gz")) == problems
    (tmp_path / "set.json").write_text(json.dumps([p.to_dict() for p in problems], indent=2), encoding="utf-8")
    assert load_problems(tmp_path / "set.json") == problems


def test_readme_example_line_loads(tmp_path):
    readme = (REPO / "problems" / "README.md").read_text(encoding="utf-8")
    example = json.loads(readme.split("```json\n", 1)[1].split("```", 1)[0])
    [problem] = load_problems(write_lines(tmp_path / "example.jsonl", [example]))
    assert (problem.id, problem.test_kind, problem.entry_point, len(problem.hidden_tests)) == (
        "window-sum",
        "functional",
        "maxWindowSum",
        2,
    )


def test_optional_fields_take_the_problem_defaults(tmp_path):
    record = {"id": "x", "statement": "s", "test_kind": "stdin", "hidden_tests": [{"input": "", "output": "1"}]}
    [problem] = load_problems(write_lines(tmp_path / "p.jsonl", [record]))
    assert problem == Problem(id="x", statement="s", test_kind="stdin", hidden_tests=[Case("", "1")])


def _set(record: dict, key: str, value) -> dict:
    record[key] = value
    return record


def _drop(record: dict, key: str) -> dict:
    del record[key]
    return record


BAD_RECORDS = {
    "unknown field": (lambda r: _set(r, "time_limit", 2), "'time_limit'"),
    "missing id": (lambda r: _drop(r, "id"), "'id': required field is missing"),
    "missing statement": (lambda r: _drop(r, "statement"), "'statement': required"),
    "missing test_kind": (lambda r: _drop(r, "test_kind"), "'test_kind': required"),
    "missing hidden_tests": (lambda r: _drop(r, "hidden_tests"), "'hidden_tests': required"),
    "id not a string": (lambda r: _set(r, "id", 7), "'id': must be a string (got 7)"),
    "empty id": (lambda r: _set(r, "id", " "), "'id': must not be empty"),
    "statement not a string": (lambda r: _set(r, "statement", ["a"]), "'statement': must be a string (got ['a'])"),
    "unknown test_kind": (lambda r: _set(r, "test_kind", "python"), "'test_kind': must be one of"),
    "hidden_tests not a list": (lambda r: _set(r, "hidden_tests", "1 2"), "'hidden_tests': must be a list"),
    "no hidden tests": (lambda r: _set(r, "hidden_tests", []), "'hidden_tests': needs at least one test"),
    "test not an object": (lambda r: _set(r, "hidden_tests", ["1\n2"]), "'hidden_tests[0]': must be an object"),
    "test unknown key": (
        lambda r: _set(r, "public_tests", [{"input": "1", "output": "1", "expected": "1"}]),
        "'public_tests[0].expected': unknown field",
    ),
    "test missing input": (lambda r: _set(r, "hidden_tests", [{"output": "1"}]), "'hidden_tests[0].input': required"),
    "test missing output": (lambda r: _set(r, "hidden_tests", [{"input": "1"}]), "'hidden_tests[0].output': required"),
    "test input not a string": (
        lambda r: _set(r, "hidden_tests", [{"input": [1], "output": "1"}]),
        "'hidden_tests[0].input': must be a string (got [1])",
    ),
    "functional argument not JSON": (
        lambda r: _set(r, "hidden_tests", [{"input": "[1,2]\nnums", "output": "1"}]),
        "'hidden_tests[0].input': argument line 2 is not a JSON value",
    ),
    "functional output not JSON": (
        lambda r: _set(r, "hidden_tests", [{"input": "[1]", "output": "[1,"}]),
        "'hidden_tests[0].output': expected return value is not JSON",
    ),
    "functional without entry_point": (lambda r: _set(r, "entry_point", None), "'entry_point': required"),
    "entry_point not an identifier": (
        lambda r: _set(r, "entry_point", "Solution.longer"),
        "'entry_point': must be a Python identifier (got 'Solution.longer')",
    ),
    "negative time limit": (lambda r: _set(r, "time_limit_s", -1), "'time_limit_s': must be a positive number"),
    "time limit as text": (lambda r: _set(r, "time_limit_s", "2"), "'time_limit_s': must be a positive number"),
    "time limit as bool": (lambda r: _set(r, "time_limit_s", True), "'time_limit_s'"),
    "fractional memory limit": (lambda r: _set(r, "memory_limit_mb", 256.5), "'memory_limit_mb': must be a positive"),
    "metadata not an object": (lambda r: _set(r, "metadata", ["easy"]), "'metadata': must be a JSON object"),
    "unknown split": (lambda r: _set(r, "metadata", {"split": "dev"}), "'metadata.split': must be one of train, test"),
    "reference not a string": (lambda r: _set(r, "reference_solution", 3), "'reference_solution': must be a string"),
    "starter code null": (lambda r: _set(r, "starter_code", None), "'starter_code': must be a string (got None)"),
}


@pytest.mark.parametrize("case", sorted(BAD_RECORDS))
def test_schema_errors_name_file_line_and_field(tmp_path, case):
    mutate, expected = BAD_RECORDS[case]
    path = write_lines(tmp_path / "bad.jsonl", [valid_record(), "", mutate(valid_record() | {"id": "f2"})])
    with pytest.raises(ProblemError) as error:
        load_problems(path)
    message = str(error.value)
    assert f"{path}:3" in message
    assert expected in message


def test_invalid_json_duplicate_ids_unknown_format_and_empty_files(tmp_path):
    with pytest.raises(ProblemError, match=r"bad\.jsonl:2: invalid JSON"):
        load_problems(write_lines(tmp_path / "bad.jsonl", [valid_record(), '{"id": "x",']))
    with pytest.raises(ProblemError, match=r"dup\.jsonl:2: problem id 'f1' already used at .*dup\.jsonl:1"):
        load_problems(write_lines(tmp_path / "dup.jsonl", [valid_record(), valid_record()]))
    with pytest.raises(ProblemError, match=r"other\.jsonl:1: record matches no known problem format.*name, prompt"):
        load_problems(write_lines(tmp_path / "other.jsonl", [{"name": "x", "prompt": "y"}]))
    with pytest.raises(ProblemError, match=r"first\.jsonl:1: field 'test_kind': required field is missing"):
        load_problems(write_lines(tmp_path / "first.jsonl", [_drop(valid_record(), "test_kind")]))
    with pytest.raises(ProblemError, match=r"list\.jsonl:2: a problem must be a JSON object, got list"):
        load_problems(write_lines(tmp_path / "list.jsonl", [valid_record(), "[1, 2]"]))
    with pytest.raises(ProblemError, match=r"array\.json record #1: a problem must be a JSON object, got int"):
        load_problems(write_lines(tmp_path / "array.json", [json.dumps([valid_record(), 3])]))
    with pytest.raises(ProblemError, match=r"empty\.jsonl: holds no problems"):
        load_problems(write_lines(tmp_path / "empty.jsonl", ["", "  "]))
    (tmp_path / "broken.jsonl.gz").write_bytes(gzip.compress(json.dumps(valid_record()).encode())[:-12])
    with pytest.raises(ProblemError, match=r"broken\.jsonl\.gz: cannot read problem file"):
        load_problems(tmp_path / "broken.jsonl.gz")
    (tmp_path / "latin1.jsonl").write_bytes(json.dumps(valid_record()).encode() + b"\n\xff\n")
    with pytest.raises(ProblemError, match=r"latin1\.jsonl: cannot read problem file .*utf-8"):
        load_problems(tmp_path / "latin1.jsonl")
    with pytest.raises(ProblemError, match=r"missing\.jsonl' does not exist"):
        load_problems(tmp_path / "missing.jsonl")


def test_loads_are_cached_per_file_version(tmp_path):
    path = tmp_path / "set.jsonl"
    write_problems(path, sample_problems())
    first, again = load_problems(path), load_problems(str(path))
    assert first == again and all(a is b for a, b in zip(first, again))  # parsed once
    write_problems(path, sample_problems()[:2])
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    assert [p.id for p in load_problems(path)] == ["s1", "f1"]


def test_split_filter_and_its_errors(tmp_path):
    path = tmp_path / "set.jsonl"
    write_problems(path, sample_problems())
    assert [p.id for p in load_problems(path, split="train")] == ["s1"]
    assert [p.id for p in load_problems(path, split="test")] == ["f1", "a1"]
    with pytest.raises(ProblemError, match="unknown split 'dev'"):
        load_problems(path, split="dev")
    write_problems(path, sample_problems()[1:])
    with pytest.raises(ProblemError, match=r"has no 'train' split: its splits are test"):
        load_problems(path, split="train")
    with pytest.raises(ProblemError, match=r"'humaneval' has no 'test' split: its problems carry no metadata.split"):
        load_problems("humaneval", split="test")


# ---- LiveCodeBench -------------------------------------------------------------------------------------


def test_livecodebench_fixtures_load_with_kinds_counts_and_entry_points():
    plain = {p.id: p for p in load_problems(FIXTURES / "lcb_plain.jsonl")}
    pairs, window = plain["fixture_pairs"], plain["fixture_window"]
    assert (pairs.test_kind, pairs.entry_point, len(pairs.public_tests), len(pairs.hidden_tests)) == (
        "stdin",
        None,
        2,
        7,
    )
    assert (window.test_kind, window.entry_point, len(window.public_tests), len(window.hidden_tests)) == (
        "functional",
        "maxWindowSum",
        2,
        6,
    )
    # LiveCodeBench grades on public and private tests together: public ones come first among the hidden.
    assert pairs.hidden_tests[:2] == pairs.public_tests
    assert pairs.hidden_tests[0] == Case("4 3\n1 2 3 4\n", "2\n")
    assert window.hidden_tests[0] == Case("[1,2,3,4]\n2", "7")
    assert window.starter_code.startswith("class Solution:\n    def maxWindowSum(self, nums: List[int], k: int)")
    assert window.reference_solution is None and window.source == "livecodebench"
    assert window.metadata == {
        "title": "Best Window Sum",
        "difficulty": "easy",
        "platform": "leetcode",
        "contest_id": "leetcode-fixture",
        "contest_date": "2024-03-02T00:00:00",
    }
    assert "Count the pairs" in pairs.statement


def test_compressed_private_tests_load_equal_to_plain():
    plain_text = (FIXTURES / "lcb_plain.jsonl").read_text()
    compressed_text = (FIXTURES / "lcb_compressed.jsonl").read_text()
    assert json.loads(compressed_text.split("\n")[0])["private_test_cases"][0] != "["  # really compressed
    assert len(compressed_text) < len(plain_text)
    assert load_problems(FIXTURES / "lcb_compressed.jsonl") == load_problems(FIXTURES / "lcb_plain.jsonl")


def test_malicious_pickle_is_refused_and_never_runs(tmp_path, monkeypatch):
    marker = tmp_path / "codeassist-pickle-marker"
    monkeypatch.chdir(tmp_path)
    with pytest.raises(
        ProblemError,
        match=r"lcb_malicious\.jsonl:1 .*'private_test_cases': compressed pickle "
        r"refused: refused to load global posix\.system",
    ):
        load_problems(FIXTURES / "lcb_malicious.jsonl")
    assert not marker.exists()
    # The fixture is live: a plain pickle.loads (in a throwaway process) does run its command.
    blob = json.loads((FIXTURES / "lcb_malicious.jsonl").read_text())["private_test_cases"]
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import base64, pickle, sys, zlib; pickle.loads(zlib.decompress(base64.b64decode(sys.argv[1])))",
            blob,
        ],
        cwd=tmp_path,
        check=True,
    )
    assert marker.read_text() == "pwned\n"


def lcb_record(**changes) -> dict:
    record = json.loads((FIXTURES / "lcb_plain.jsonl").read_text().split("\n")[1])  # the functional one
    record.update(changes)
    return record


@pytest.mark.parametrize(
    "changes, expected",
    [
        (
            {"private_test_cases": base64.b64encode(zlib.compress(pickle.dumps([1, 2]))).decode()},
            "'private_test_cases': compressed pickle must hold a JSON string, not list",
        ),
        ({"private_test_cases": "not json, not base64!"}, "'private_test_cases': neither JSON nor base64"),
        (
            {"private_test_cases": base64.b64encode(zlib.compress(pickle.dumps("{oops"))).decode()},
            "'private_test_cases': decompressed text is not JSON",
        ),
        ({"metadata": "{}"}, "'metadata.func_name': functional problems need the method name (got None)"),
        ({"metadata": "func_name"}, "'metadata': is not a JSON string"),
        (
            {"public_test_cases": json.dumps([{"input": "1\n", "output": "1\n", "testtype": "stdin"}])},
            "'testtype': test cases mix stdin and functional",
        ),
        (
            {"public_test_cases": json.dumps([{"input": "1", "output": "1", "testtype": "assert"}])},
            "'public_test_cases[0].testtype': must be one of stdin, functional",
        ),
        (
            {"public_test_cases": json.dumps([{"input": "[1,", "output": "1", "testtype": "functional"}])},
            "'public_test_cases[0].input': argument line 1 is not a JSON value",
        ),
        ({"public_test_cases": "[]", "private_test_cases": "[]"}, "the record has no test cases at all"),
        ({"difficulty": 2}, "'difficulty': must be a string (got 2)"),
    ],
)
def test_livecodebench_errors_name_the_field(tmp_path, changes, expected):
    path = write_lines(tmp_path / "lcb.jsonl", [lcb_record(**changes)])
    with pytest.raises(ProblemError) as error:
        load_problems(path)
    assert f"{path}:1 (question 'fixture_window')" in str(error.value) and expected in str(error.value)


def test_livecodebench_missing_field(tmp_path):
    record = lcb_record()
    del record["question_content"]
    with pytest.raises(
        ProblemError, match=r"lcb\.jsonl:1 \(question 'fixture_window'\): field 'question_content': required"
    ):
        load_problems(write_lines(tmp_path / "lcb.jsonl", [record]))
    with pytest.raises(
        ProblemError, match=r"lcb2\.jsonl:1: field 'question_id': must be a non-empty string \(got 2847\)"
    ):
        load_problems(write_lines(tmp_path / "lcb2.jsonl", [lcb_record(question_id=2847)]))


# ---- HumanEval and set names ----------------------------------------------------------------------------


def test_humaneval_loads_164_assert_problems():
    problems = load_problems("humaneval")
    assert len(problems) == 164 and len({p.id for p in problems}) == 164
    assert all(p.test_kind == "assert" and p.source == "humaneval" and len(p.hidden_tests) == 1 for p in problems)
    first = get_problem("humaneval", "HumanEval/0")
    assert first.entry_point == "has_close_elements"
    assert first.statement == first.starter_code and first.starter_code.lstrip().startswith("from typing import List")
    assert first.reference_solution.startswith(first.starter_code) and "return False" in first.reference_solution
    assert "def check(candidate):" in first.hidden_tests[0].input


def test_humaneval_format_file_by_path(tmp_path):
    record = {
        "task_id": "Mine/0",
        "prompt": "def f():\n",
        "entry_point": "f",
        "canonical_solution": "    return 1\n",
        "test": "def check(candidate):\n    assert candidate() == 1\n",
    }
    [problem] = load_problems(write_lines(tmp_path / "he.jsonl", [record]))
    assert (problem.id, problem.reference_solution) == ("Mine/0", "def f():\n    return 1\n")
    with pytest.raises(ProblemError, match=r"he2\.jsonl:1: field 'test': required HumanEval field"):
        load_problems(write_lines(tmp_path / "he2.jsonl", [{k: v for k, v in record.items() if k != "test"}]))


def test_unknown_problem_id_and_set_names():
    with pytest.raises(ProblemError, match=r"no problem with id 'HumanEval/999' in 'humaneval' \(164 problems\)"):
        get_problem("humaneval", "HumanEval/999")
    with pytest.raises(
        ProblemError, match=r"unknown problem set 'human-eval': did you mean 'humaneval'\? known sets are .*humaneval"
    ):
        load_problems("human-eval")
    assert "codeassist-core" in list_sets() and default_set() == DEFAULT_SET == "codeassist-core"


def test_bundled_sets_are_the_package_data_and_an_unknown_set_names_where_they_are():
    import codeassist_env
    from codeassist_env.problems.loading import bundled_dir

    assert bundled_dir() == Path(codeassist_env.__file__).parent / "data" / "problems"
    assert len(load_problems("codeassist-core")) == 40
    with pytest.raises(
        ProblemError,
        match=rf"unknown problem set 'no-such-set': .*\(bundled sets are the "
        rf"package's {bundled_dir()}/<name>\.jsonl\)",
    ):
        load_problems("no-such-set")


# ---- codeassist problems: listing and input checks --------------------------------------------------------


def test_cli_list_json_and_table(capsys):
    assert main(["problems", "list", "--problems", str(FIXTURES / "lcb_compressed.jsonl"), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["test_kind"], r["n_hidden_tests"], r["difficulty"]) for r in rows] == [
        ("fixture_pairs", "stdin", 7, "medium"),
        ("fixture_window", "functional", 6, "easy"),
    ]
    assert main(["problems", "list", "--problems", "humaneval"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].split() == ["HumanEval/0", "assert", "1", "-", "-"] and out[-1] == "164 problems in humaneval"


def test_cli_bad_input_exits_2_naming_the_problem(tmp_path, capsys):
    assert main(["problems", "list", "--problems", "nosuchset"]) == 2
    assert "unknown problem set 'nosuchset'" in capsys.readouterr().err
    assert main(["problems", "validate", "--problems", "humaneval", "--ids", "HumanEval/0", "HumanEval/777"]) == 2
    assert "no problem with id 'HumanEval/777'" in capsys.readouterr().err
    assert main(["problems", "validate", "--problems", str(FIXTURES / "lcb_plain.jsonl")]) == 2
    assert "has no reference solution" in capsys.readouterr().err
    bad_lines = {
        "extra.jsonl": ({"id": "HumanEval/0", "code": "x", "lang": "py"}, "exactly 'id' and 'code'"),
        "type.jsonl": ({"id": "HumanEval/0", "code": 1}, "field 'code' must be a string"),
        "unknown.jsonl": ({"id": "HumanEval/999", "code": ""}, "solutions for ids not in 'humaneval'"),
    }
    for name, (row, expected) in bad_lines.items():
        path = write_lines(tmp_path / name, [row])
        assert main(["problems", "validate", "--problems", "humaneval", "--solutions", str(path)]) == 2
        assert expected in capsys.readouterr().err


def test_a_problem_is_immutable_and_shared_safely():
    """Loaded problems are cached and shared: neither a field nor a test list nor the metadata can change."""
    import dataclasses

    problem = load_problems("codeassist-core")[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.time_limit_s = 9.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        problem.metadata["split"] = "train"  # type: ignore[index]
    assert isinstance(problem.hidden_tests, tuple) and not hasattr(problem.hidden_tests, "append")
    faster = dataclasses.replace(problem, time_limit_s=1.0)  # the way to a changed copy
    assert faster.time_limit_s == 1.0 and load_problems("codeassist-core")[0].time_limit_s == problem.time_limit_s
    assert json.loads(json.dumps(problem.to_dict()))["hidden_tests"][0] == dataclasses.asdict(problem.hidden_tests[0])
