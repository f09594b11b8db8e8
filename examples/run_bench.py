"""A benchmark run from Python: the three config objects ``codeassist bench`` builds, built here by hand.

    python examples/run_bench.py --out runs/example            # none and oracle-10 on 3 problems, 10 rounds

``BenchConfig`` is what decides an episode (hashed into run.json, so a resumed run must match it),
``RunOptions`` how the run executes, and ``JobRequest`` adds the agents' engine and the report
(docs/architecture.md, "How configuration flows"). Resuming, sharding and Ray are options away.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from codeassist_env.bench.job import JobRequest, run_job
from codeassist_env.bench.report import markdown_table
from codeassist_env.bench.runner import BenchConfig, RunOptions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the run's directory")
    parser.add_argument("--sandbox", default="bwrap", help="sandbox backend (default: bwrap)")
    args = parser.parse_args()

    config = BenchConfig(
        agents=("none", "oracle-10"),
        problems="codeassist-core",
        split="test",
        limit=3,
        human="expert",
        max_rounds=10,
        sandbox=args.sandbox,
    )
    options = RunOptions(out=args.out, concurrency=2, resume=args.out.is_dir(), progress=False)
    done = run_job(JobRequest(config, options, report=True), log=lambda line: print(line, file=sys.stderr))
    assert done.report is not None
    print("\n".join(markdown_table(done.report["rows"])))
    return 1 if done.summary.errored else 0


if __name__ == "__main__":
    sys.exit(main())
