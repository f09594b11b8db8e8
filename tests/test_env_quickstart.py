"""examples/quickstart.py runs an episode end to end and prints the transcript and the metrics."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest

QUICKSTART = Path(__file__).resolve().parents[1] / "examples" / "quickstart.py"


@pytest.mark.bwrap
def test_quickstart_prints_rounds_and_metrics(capsys):
    main = runpy.run_path(str(QUICKSTART))["main"]
    assert main(["--problems", "humaneval", "--id", "HumanEval/0", "--agent", "oracle-10", "--sandbox", "bwrap"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("problem HumanEval/0  agent oracle-10")
    assert "[round 1] suggestion '    for idx, elem in ' -> accept" in out
    assert "human wrote 'enumerate(numbers):\\n        for idx2'" in out
    assert "verdict passed (1/1 tests, bwrap)" in out
    metrics = json.loads(out[out.index("{") :])
    assert metrics["passed"] is True and metrics["accept_ratio"] == 1.0 and metrics["reward"] == 1.0
    assert metrics["tokens_read"] == 40 and metrics["tokens_written"] == 37 and metrics["rounds"] == 5
