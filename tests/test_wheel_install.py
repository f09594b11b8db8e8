"""The package as a user installs it: a wheel built from this checkout, installed into a fresh virtual
environment and, separately, with ``pip install --prefix`` into a directory that is not ``sys.prefix``;
then, from a temporary directory with no checkout and no data folder in reach, the commands a new user
runs first. Every file the package needs (the bundled problems, EvalPlus's releases, the Copilot study,
the sandbox's build context) must come with it.

The virtual environment borrows this interpreter's site-packages (``--system-site-packages``) for the
dependencies, so that nothing is downloaded; the wheel itself goes in without them (``--no-deps``) and is
first on the path, which ``test_the_installed_copy_is_the_one_imported`` checks."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.bwrap]
REPO = Path(__file__).resolve().parents[1]
SOURCES = ("setup.cfg", "pyproject.toml", "README.md", "codeassist_env")
# Variables that would point an installed package at a checkout or a data folder.
HIDDEN = (
    "PYTHONPATH",
    "CODEASSIST_DATA_DIR",
    "CODEASSIST_EVALPLUS_DIR",
    "HUMANEVAL_OVERRIDE_PATH",
    "MBPP_OVERRIDE_PATH",
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the package's sources (a build leaves build/ and *.egg-info behind)."""
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy
        copy(
            REPO / name,
            source / name,
            **({"ignore": shutil.ignore_patterns("__pycache__")} if (REPO / name).is_dir() else {}),
        )
    out = tmp_path_factory.mktemp("wheel")
    # This environment's setuptools when it can build a wheel (>= 70.1, or the wheel package), else pip's own.
    builds = importlib.util.find_spec("setuptools") and (
        importlib.util.find_spec("wheel") or importlib.util.find_spec("setuptools.command.bdist_wheel")
    )
    isolation = ["--no-build-isolation"] if builds else []
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", *isolation, "-w", str(out), str(source)], cwd=source)
    [built] = out.glob("codeassist_env-*.whl")
    return built


@pytest.fixture(scope="module")
def user_env(tmp_path_factory) -> dict[str, str]:
    """The environment of a user's shell: no variable pointing at a checkout or a data folder, and a home
    (hence caches) of its own."""
    home = tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items() if k not in HIDDEN}
    return {**env, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory, user_env) -> Path:
    root = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(root)], env=user_env)
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(root / "bin" / "python"),
            "install",
            "-q",
            "--no-deps",
            "--ignore-installed",
            str(wheel),
        ],
        env=user_env,
    )
    return root


@pytest.fixture(scope="module")
def prefix(wheel, tmp_path_factory, user_env) -> tuple[Path, dict[str, str]]:
    """``pip install --prefix``: the scheme whose data files do not land under ``sys.prefix``."""
    root = tmp_path_factory.mktemp("prefix")
    # --ignore-installed: else pip uninstalls this interpreter's own installation of the package first.
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--ignore-installed",
            "--prefix",
            str(root),
            str(wheel),
        ],
        env=user_env,
    )
    # lib/pythonX.Y/site-packages, or dist-packages under a distribution's patched schemes
    [package] = root.glob("**/codeassist_env/__init__.py")
    return root, {**user_env, "PYTHONPATH": str(package.parent.parent)}


def run(
    argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None, timeout: int = 300, status: int = 0
) -> subprocess.CompletedProcess:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == status, f"{argv}: exit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


def test_the_installed_copy_is_the_one_imported(venv, prefix, user_env, tmp_path):
    probe = (
        "import codeassist_env, sys; from codeassist_env.package_data import data_path; "
        "print(codeassist_env.__file__); print(data_path('problems')); print(sys.prefix)"
    )
    lines = run([str(venv / "bin" / "python"), "-c", probe], cwd=tmp_path, env=user_env).stdout.split()
    assert all(line.startswith(str(venv)) for line in lines[:2]), lines
    root, env = prefix
    lines = run([sys.executable, "-c", probe], cwd=tmp_path, env=env).stdout.split()
    assert all(line.startswith(str(root)) for line in lines[:2]) and not lines[2].startswith(str(root)), lines


def test_a_user_runs_the_first_commands_from_a_venv(venv, user_env, tmp_path):
    codeassist = str(venv / "bin" / "codeassist")
    first_commands(
        lambda *argv, **kw: run([codeassist, *argv], cwd=tmp_path, env=user_env, **kw),
        str(venv / "bin" / "python"),
        user_env,
        tmp_path,
    )


def test_a_user_runs_the_first_commands_from_a_prefix_install(prefix, tmp_path):
    root, env = prefix
    codeassist = str(root / "bin" / "codeassist")
    first_commands(
        lambda *argv, **kw: run([codeassist, *argv], cwd=tmp_path, env=env, **kw), sys.executable, env, tmp_path
    )
    # An installation that lost its bundled set says so and where it looked; it never runs another set.
    [bundled] = root.glob("**/codeassist_env/data/problems/codeassist-core.jsonl")
    bundled.unlink()
    refused = run(
        [codeassist, "bench", "--agents", "none", "--limit", "1", "--out", str(tmp_path / "lost")],
        cwd=tmp_path,
        env=env,
        status=2,
    ).stderr
    assert "unknown problem set 'codeassist-core'" in refused and str(bundled.parent) in refused, refused
    assert not (tmp_path / "lost").exists()


def first_commands(codeassist, python: str, env: dict[str, str], cwd: Path) -> None:
    listed = codeassist("problems", "list").stdout.splitlines()
    assert listed[-1] == "40 problems in codeassist-core", listed[-3:]
    validated = codeassist(
        "problems",
        "validate",
        "--problems",
        "humanevalplus-mini",
        "--ids",
        "HumanEval/0",
        "HumanEval/1",
        "HumanEval/2",
        "--sandbox",
        "bwrap",
        timeout=600,
    )
    assert "3/3 references pass" in validated.stdout, validated.stdout[-2000:]
    out = cwd / "run"
    codeassist(
        "bench",
        "--agents",
        "none",
        "oracle-10",
        "--limit",
        "1",
        "--max-rounds",
        "5",
        "--no-progress",
        "--out",
        str(out),
    )
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "copilot_events.jsonl.gz (real)" in report and "real: none" not in report
    assert (out / "realism.png").is_file()
    # The known-answer set ships in the package: the expert judges three of its cases, offline.
    judged = cwd / "judge"
    codeassist(
        "realism",
        "judge",
        "--human",
        "expert",
        "--limit",
        "3",
        "--sandbox",
        "bwrap",
        "--no-progress",
        "--out",
        str(judged),
        timeout=600,
    )
    assert "3 of 3 cases answered" in (judged / "judge.md").read_text(encoding="utf-8")
    dry = codeassist("sandbox", "build", "--dry-run").stdout
    assert "codeassist_env/data/sandbox/Dockerfile" in dry and str(REPO) not in dry, dry
    from test_readme import blocks, readme

    example = next(body for language, body, _ in blocks(readme()) if language == "python")
    printed = run([python, "-c", example], cwd=cwd, env=env).stdout.split()
    assert printed[0] == "True", printed
