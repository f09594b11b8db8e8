"""Choose η on the TRAIN split: run Empower adapters trained with different η (and the no-assistant
baseline) with the expert programmer (the main job's human) on the train problems through
``codeassist bench`` (parallel, resumable, recorded in OUT/run.json and OUT/episodes.jsonl), then rank
the adapters by mean DPR; ties go to the higher accept ratio. Never select on the test split.

DPR counts both whether the program passed and the tokens the programmer had to read and write, so
an adapter that stays silent ties with no assistant and one whose suggestions cost reading loses.

    python examples/select_eta.py runs/shipped-adapters/empower-eta0.32 runs/shipped-adapters/empower-eta1 \\
        runs/shipped-adapters/empower-eta4 --out runs/select-eta
"""

from __future__ import annotations

from pathlib import Path

from codeassist_env.bench.report import merge_runs, summarize
from codeassist_env.cli import main as codeassist
from codeassist_env.cli.errors import ArgumentParser, at_least, run_script
from codeassist_env.training.finetune import read_manifest


def main() -> int:
    parser = ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("adapters", nargs="+", help="Empower adapter directories (manifest.json gives η)")
    parser.add_argument("--problems", default="codeassist-core")
    parser.add_argument("--split", default="train")
    parser.add_argument("--max-rounds", type=at_least(1), default=50)
    parser.add_argument("--sandbox", default="auto")
    parser.add_argument("--human", default="expert", help="simulated programmer (default: expert)")
    parser.add_argument("--concurrency", type=at_least(1), default=2)
    parser.add_argument("--out", type=Path, default=Path("runs/select-eta"))
    args = parser.parse_args()
    if args.split == "test":
        parser.error("--split test: η is chosen on the train split, never on the problems it is reported on")

    manifests = {f"empower:{path}": read_manifest(path) for path in args.adapters}
    resume = ["--resume"] if (args.out / "run.json").is_file() else []
    status = codeassist(
        [
            "bench",
            "--agents",
            "none",
            *manifests,
            "--problems",
            args.problems,
            "--split",
            args.split,
            "--human",
            args.human,
            "--max-rounds",
            str(args.max_rounds),
            "--sandbox",
            args.sandbox,
            "--concurrency",
            str(args.concurrency),
            "--no-progress",
            "--out",
            str(args.out),
            *resume,
        ]
    )
    if status:
        return status

    rows = {row.agent: row for row in summarize(merge_runs([args.out]).records, ["none", *manifests])}
    print(f"{'agent':60} {'eta':>6} {'DPR':>7} {'accept':>7} {'shown/ep':>8}")
    for agent, row in rows.items():
        eta = manifests[agent].get("eta") if agent in manifests else None
        accept = row.accept_ratio[0]
        print(
            f"{agent:60} {'' if eta is None else f'{eta:g}':>6} {row.dpr[0]:7.4f} "
            f"{'n/a' if accept is None else f'{accept:.3f}':>7} {row.suggestions[0]:8.1f}"
        )
    best = max(manifests, key=lambda agent: (rows[agent].dpr[0], rows[agent].accept_ratio[0] or 0.0))
    print(
        f"best on {args.problems}:{args.split}: eta={manifests[best]['eta']:g} {manifests[best].get('eta_unit', 'bits')} "
        f"({best}), DPR {rows[best].dpr[0]:.4f} vs no assistant {rows['none'].dpr[0]:.4f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(run_script(main))
