"""Bad input, one way: every command and example script answers it with one line on stderr that names the
problem (and, for an unknown name, the closest registered ones), exit status 2, no traceback, and nothing
created on disk."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from codeassist_env.cli import main

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["bench", "--max-rounds", "0"], "codeassist bench: argument --max-rounds: must be an integer >= 1, got '0'"),
        (["bench", "--limit", "0"], "codeassist bench: argument --limit: must be an integer >= 1, got '0'"),
        (["bench", "--concurrency", "0"], "codeassist bench: argument --concurrency: must be an integer >= 1"),
        (["bench", "--seeds", "x"], "codeassist bench: argument --seeds: must be an integer >= 1, got 'x'"),
        (["bench", "--agents", "empwer"], "unknown agent 'empwer'; did you mean 'empower'"),
        (["bench", "--agents", "sft10"], "unknown agent 'sft10'; did you mean 'sft-10'?"),  # a name that works
        (["bench", "--agents", "oracle-x"], "agent 'oracle-x': expected a token count"),
        (["bench", "--human", "exprt"], "unknown human 'exprt'; did you mean 'expert'?"),
        (["bench", "--human", "expert-lots"], "human 'expert-lots': the part after 'expert-' is the miss rate"),
        (
            ["bench", "--human", "expert-real-lots"],
            "human 'expert-real-lots': the part after 'expert-real-' is the miss rate",
        ),
        (["bench", "--agents", "none", "--real", "missing-log.jsonl"], "missing-log.jsonl: no such decision log"),
        (
            ["realism", "fit", "--real", "missing-log.jsonl", "--out", "w.json"],
            "missing-log.jsonl: no such decision log",
        ),
        (
            ["bench", "--human", "reference-fuzzy"],
            "human 'reference-fuzzy': the part after 'reference-' is the tolerance",
        ),
        (["bench", "--sandbox", "bwarp"], "unknown sandbox backend 'bwarp'; did you mean 'bwrap'?"),
        (
            ["bench", "--agents", "none", "--problems", "humanevl"],
            "unknown problem set 'humanevl': did you mean 'humaneval'?",
        ),
        (
            ["bench", "--agents", "none", "--human", "expert", "--human-model", "qwen"],
            "human_model 'qwen' applies to humans behind an endpoint (llm) only, not to 'expert'",
        ),
        (
            ["bench", "--agents", "none", "--human", "reference", "--cache", "record"],
            "cache_mode 'record' applies to humans behind an endpoint (llm) only",
        ),
        (
            ["bench", "--agents", "base-10", "--engine", "vllm", "--agent-base-url", "http://127.0.0.1:9/v1"],
            "the backend's base_url points them at one already running: give one of the two",
        ),
        (
            ["check", "--problems", "humaneval", "--id", "HumanEval/999", "--code", "-"],
            "codeassist check: no problem with id 'HumanEval/999' in 'humaneval' (164 problems); did you mean HumanEval/99",
        ),
        (
            ["problems", "list", "--problems", "nope.jsonl"],
            "codeassist problems list: problem file 'nope.jsonl' does not exist",
        ),
        (
            ["problems", "validate", "--problems", "humaneval", "--ids", "HumanEval/999"],
            "codeassist problems validate: no problem with id 'HumanEval/999'",
        ),
        (["report", "no-such-run"], "codeassist report: "),
        (
            ["train", "--method", "sft-10", "--rank", "12", "--out", "x"],
            "codeassist train: argument --rank: invalid choice: 12 (choose from 1, 8, 16, 32, 64, 128, 256, 320, 512)",
        ),
        (["data", "sft", "--n", "0", "--out", "x"], "codeassist data sft: argument --n: must be an integer >= 1"),
        (["serve", "--local", "--n-ctx", "0"], "codeassist serve: argument --n-ctx: must be an integer >= 1"),
        (["ping", "--timeout", "0"], "codeassist ping: argument --timeout: must be a number > 0"),
        (["--plugin", "no_such_module_here", "bench"], "codeassist: plugin module 'no_such_module_here' not found"),
        (
            ["study", "serve", "--agents", "none", "empwer", "--out", "s"],
            "unknown agent 'empwer'; did you mean 'empower'",
        ),
        (["study", "try", "--agent", "none", "--pause-ms", "-1"], "codeassist study try: argument --pause-ms: must be"),
        (["study", "report", "no-such-study"], "codeassist study report: no-such-study is not a study directory"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_on_disk(argv, message, tmp_path, monkeypatch, capfd):
    monkeypatch.chdir(tmp_path)  # a default --out (runs/...) would be created here
    assert main(argv + ["--out", str(tmp_path / "out")] if argv[0] == "bench" else argv) == 2
    err = capfd.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err, err
    prefix, rest = err.split(": ", 1)
    assert prefix.startswith("codeassist") and not rest.startswith(prefix.split()[-1] + ":"), err  # said once
    assert list(tmp_path.iterdir()) == []


def test_an_out_directory_that_cannot_be_made_is_one_line(tmp_path, monkeypatch, capfd):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("")
    assert main(["bench", "--agents", "none", "--limit", "1", "--out", str(tmp_path / "a-file" / "run")]) == 2
    err = capfd.readouterr().err
    last = err.strip().splitlines()[-1]  # after the run's own progress lines
    assert last.startswith("codeassist bench: cannot make the run directory") and "Traceback" not in err, err
    assert str(tmp_path / "a-file" / "run") in last


def test_the_vllm_engine_without_vllm_is_one_line_before_anything_starts(tmp_path, monkeypatch, capfd):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CODEASSIST_VLLM_PYTHON", "/bin/false")  # a Python that cannot import vllm
    assert main(["bench", "--agents", "none", "base-10", "--engine", "vllm", "--out", str(tmp_path / "out")]) == 2
    err = capfd.readouterr().err
    assert "vLLM is not installed" in err and err.count("\n") == 1 and list(tmp_path.iterdir()) == [], err


@pytest.mark.parametrize(
    "script, args, message",
    [
        ("quickstart.py", ["--agent", "empwer"], "quickstart.py: unknown agent 'empwer'; did you mean 'empower'"),
        (
            "quickstart.py",
            ["--problems", "humaneval", "--id", "HumanEval/999"],
            "quickstart.py: problem_id 'HumanEval/999' is not in this environment's problem set (164 problems); "
            "did you mean 'HumanEval/99'",
        ),
        ("quickstart.py", ["--max-rounds", "0"], "quickstart.py: argument --max-rounds: must be an integer >= 1"),
        (
            "quickstart.py",
            ["--sandbox", "bwarp"],
            "quickstart.py: unknown sandbox backend 'bwarp'; did you mean 'bwrap'?",
        ),
        (
            "custom_human.py",
            ["--agent", "oracl-10"],
            "custom_human.py: unknown agent 'oracl-10'; did you mean 'oracle'?",
        ),
        ("custom_human.py", ["--problem", "HumanEval/1000"], "custom_human.py: problem_id 'HumanEval/1000' is not in"),
        ("custom_agent.py", ["--max-rounds", "-1"], "custom_agent.py: argument --max-rounds: must be an integer >= 1"),
        ("select_eta.py", ["/no/such/adapter"], "select_eta.py: adapter /no/such/adapter has no manifest.json"),
        (
            "select_eta.py",
            ["/no/such/adapter", "--split", "test"],
            "select_eta.py: --split test: η is chosen on the train",
        ),
    ],
)
def test_example_scripts_answer_bad_input_in_one_line(script, args, message, tmp_path):
    done = subprocess.run(
        [sys.executable, str(REPO / "examples" / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 2 and done.stderr.startswith(message), done.stderr
    assert done.stderr.count("\n") == 1 and list(tmp_path.iterdir()) == []
