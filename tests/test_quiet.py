"""``--no-progress`` means no progress bar from any library and no warning that tells the user nothing:
a bench that loads SmolLM2 from its GGUF file and a peft adapter (transformers' "Converting and
de-quantizing GGUF tensors" and "Loading weights" bars, peft's FutureWarning) prints its own lines only."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from codeassist_env.quiet import QUIET

TQDM_BAR = "from tqdm.auto import tqdm\nfor _ in tqdm(range(3), desc='a library bar'): pass"


@pytest.mark.parametrize("quiet", [False, True])
def test_no_progress_bars_silences_a_library_tqdm_bar(quiet):
    setup = "from codeassist_env.quiet import no_progress_bars; no_progress_bars()\n" if quiet else ""
    # Without the switches: a command run in this process with --no-progress (another test) has set them here.
    env = {k: v for k, v in os.environ.items() if k not in QUIET}
    done = subprocess.run([sys.executable, "-c", setup + TQDM_BAR], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0 and ("a library bar" in done.stderr) != quiet, done.stderr


@pytest.mark.model
@pytest.mark.bwrap
@pytest.mark.slow
def test_a_bench_with_no_progress_prints_its_own_lines_only(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "codeassist_env.cli",
            "bench",
            "--agents",
            "empower",
            "--limit",
            "1",
            "--max-rounds",
            "1",
            "--sandbox",
            "bwrap",
            "--no-progress",
            "--no-report",
            "--out",
            str(tmp_path / "run"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    others = [line for line in done.stderr.splitlines() if line.strip() and not line.startswith("codeassist bench: ")]
    assert others == [], others[:5]
