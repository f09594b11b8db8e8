"""A command that needs an extra which is not installed says which one in one line, with exit status 2.

Each case runs the real command in a fresh interpreter in which the extra's modules cannot be imported
(``sys.modules[name] = None``, Python's own way of refusing an import: ``ModuleNotFoundError``)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from codeassist_env.extras import EXTRA_OF_MODULE, missing_extra

pytestmark = pytest.mark.slow

# (extra, the modules hidden, the command line): every entry point of each extra.
CASES = [
    ("train", ("torch",), ["bench", "--agents", "empower", "--limit", "1"]),
    ("train", ("torch",), ["bench", "--limit", "1"]),  # the main job runs the LM assistants
    (
        "train",
        ("torch", "transformers"),
        ["data", "sft", "--n", "4", "--corpus", "stdlib:bisect", "--out", "{tmp}/d.jsonl"],
    ),
    (
        "train",
        ("torch", "transformers", "peft"),
        ["train", "--method", "sft-10", "--corpus", "stdlib:bisect", "--out", "{tmp}/adapter"],
    ),
    ("study", ("markdown",), ["study", "try", "--agent", "none", "--out", "{tmp}/t"]),
    ("study", ("uvicorn", "starlette"), ["study", "serve", "--agents", "none", "base-10", "--out", "{tmp}/s"]),
    ("local", ("llama_cpp",), ["serve", "--local", "--port", "0"]),
    ("docker", ("docker",), ["sandbox", "build"]),
    (
        "docker",
        ("docker",),
        ["check", "--id", "HumanEval/0", "--problems", "humaneval", "--sandbox", "docker", "--code", "/dev/null"],
    ),
    ("ray", ("ray",), ["bench", "--agents", "none", "--limit", "1", "--executor", "ray", "--out", "{tmp}/r"]),
]


def run_without(
    modules: tuple[str, ...], argv: list[str], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    script = (
        "import sys\nfor name in sys.argv[1].split(','):\n    sys.modules[name] = None\n"
        "from codeassist_env.cli import main\nsys.exit(main(sys.argv[2:]))"
    )
    return subprocess.run(
        [sys.executable, "-c", script, ",".join(modules), *argv],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize("extra, modules, argv", CASES, ids=[f"{c[0]}:{' '.join(c[2][:2])}" for c in CASES])
def test_a_missing_extra_is_one_line_naming_it(extra, modules, argv, tmp_path):
    done = run_without(modules, [a.format(tmp=tmp_path) for a in argv])
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, (done.returncode, done.stderr[-3000:])
    assert f"needs the {extra} extra: pip install 'codeassist_env[{extra}]'" in lines[0], lines[0]
    assert not any(tmp_path.iterdir()), "a refused command leaves nothing behind"


def test_commands_that_do_not_need_an_extra_run_without_it():
    # vLLM's environment has the train extra but not the study one: its `codeassist data empower --scorer vllm`
    # must not stop at the study page's Markdown, which every command line imports to build its parser.
    done = run_without(("markdown", "starlette", "uvicorn"), ["data", "empower", "--help"])
    assert done.returncode == 0 and "--scorer" in done.stdout, done.stderr[-3000:]


def test_vllm_is_its_own_environment_and_the_hint_names_the_command(tmp_path):
    done = run_without(
        ("vllm",),
        ["bench", "--engine", "vllm", "--limit", "1", "--out", str(tmp_path / "v")],
        env={"CODEASSIST_VLLM_PYTHON": sys.executable},
    )
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "codeassist setup vllm" in lines[0], done.stderr[-3000:]


def test_every_extra_named_is_one_setup_cfg_declares():
    from configparser import ConfigParser
    from pathlib import Path

    config = ConfigParser()
    config.read(Path(__file__).resolve().parents[1] / "setup.cfg")
    declared = set(config["options.extras_require"])
    assert set(EXTRA_OF_MODULE.values()) <= declared
    assert missing_extra("torch.nn") == missing_extra("torch") and missing_extra("json") is None


def test_the_vllm_environment_gets_the_package_and_train_requirements_only():
    import re

    from codeassist_env.vllm_setup import requirements

    names = {re.split(r"[<>=!~;\[ ]", line, maxsplit=1)[0].lower() for line in requirements()}
    assert {"gymnasium", "numpy", "openai", "torch", "transformers", "peft"} <= names, names
    assert not names & {"pytest", "docker", "ray", "markdown", "vllm"}, names
