"""``codeassist realism known-answers build`` (regenerate the known-answer set) and ``codeassist realism judge``
(put it to a simulated programmer); docs/realism.md shows both."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from codeassist_env.errors import InputError
from codeassist_env.realism.known_answers import DEFAULT_CASES

DEFAULT_SETS = ("codeassist-core", "humaneval")


def register(sub: argparse._SubParsersAction) -> None:
    from codeassist_env.cli.errors import at_least, registered
    from codeassist_env.cli.programmer_options import add_programmer_arguments
    from codeassist_env.humans import HUMANS
    from codeassist_env.sandbox import AUTO, DEFAULT_BACKEND, SANDBOX_BACKENDS

    known = sub.add_parser(
        "known-answers",
        help="the known-answer set: pieces whose rightness hidden tests decide",
        description="The known-answer set that codeassist realism judge puts to a programmer.",
    )
    known_sub = known.add_subparsers(dest="known_command", metavar="COMMAND", required=True)
    build = known_sub.add_parser(
        "build",
        help="label recorded suggestions, oracle pieces and their mutants; balance; write the set",
        description="Draw (program so far, piece) cases from recorded bench runs' suggestions and from oracle "
        "pieces (with a flipped-comparison and an off-by-one mutant of each right piece), label each "
        "by the hidden tests (right, plausible-wrong, wrong; a piece the reference cannot continue is "
        "left out and counted), keep as many of each label, and write FILE with its provenance "
        "(FILE's name with .json for .jsonl.gz).",
    )
    build.add_argument(
        "--runs",
        nargs="*",
        default=[],
        type=Path,
        metavar="DIR",
        help="bench run directories whose suggestions to draw (on the sets of --problems)",
    )
    build.add_argument(
        "--problems",
        nargs="+",
        default=list(DEFAULT_SETS),
        metavar="SET",
        help="problem sets, each on its test split where it has one (default: %(default)s)",
    )
    build.add_argument(
        "--per-label",
        type=at_least(1),
        metavar="N",
        help="at most N cases of each label (default: as many as the rarest label has)",
    )
    build.add_argument(
        "--cuts",
        type=at_least(1),
        default=6,
        metavar="N",
        help="places per problem an oracle piece starts (default: %(default)s)",
    )
    build.add_argument("--seed", type=int, default=0, help="where oracle pieces start, and the balancing draw")
    build.add_argument(
        "--sandbox",
        type=registered(SANDBOX_BACKENDS, extra=(AUTO,)),
        default=DEFAULT_BACKEND,
        help=f"sandbox backend for the tests (default: {DEFAULT_BACKEND})",
    )
    build.add_argument("--out", type=Path, required=True, metavar="FILE", help="the case file to write (.jsonl.gz)")
    build.set_defaults(func=run_build)

    judge = sub.add_parser(
        "judge",
        help="put the known answers to a simulated programmer: acceptance per label, cooperativeness",
        description="Show each known-answer case (problem statement, program so far, piece) to the programmer "
        "and write DIR/judge.md, DIR/judge.csv and DIR/judge.json: acceptance per label with 95% "
        "intervals and the cooperativeness (acceptance of wrong and plausible-wrong pieces over that of "
        "right ones). An LLM programmer's requests go through its response cache (default: record in "
        "DIR/human-cache.sqlite), so that --cache replay reruns offline.",
    )
    add_programmer_arguments(
        judge, f"the programmer: {', '.join(HUMANS.names())} (e.g. expert, expert-0.2, expert-real, llm)"
    )
    judge.add_argument("--cases", type=Path, metavar="FILE", help="known-answer file (default: the shipped set)")
    judge.add_argument(
        "--limit", type=at_least(1), metavar="N", help="only N cases, taken in turn from each label (a balanced subset)"
    )
    judge.add_argument(
        "--sandbox",
        type=registered(SANDBOX_BACKENDS, extra=(AUTO,)),
        default=DEFAULT_BACKEND,
        help=f"expert family: sandbox backend for the public tests (default: {DEFAULT_BACKEND})",
    )
    judge.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to write the report")
    judge.set_defaults(func=run_judge)


def _progress(enabled: bool, description: str):
    if not enabled:
        return None, None
    from tqdm import tqdm

    bar = tqdm(desc=description, unit="case", file=sys.stderr)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    return update, bar


def run_build(args: argparse.Namespace) -> int:
    import numpy as np

    from codeassist_env.bench.store import read_run
    from codeassist_env.problems.loading import default_split, load_problems
    from codeassist_env.realism import known_build
    from codeassist_env.sandbox import open_sandbox

    out = args.out
    if not out.name.endswith(".jsonl.gz"):
        raise InputError(f"--out {str(out)!r}: the case file's name must end in .jsonl.gz")
    sets = {name: {p.id: p for p in load_problems(name, default_split(name))} for name in args.problems}
    runs = []
    for directory in args.runs:
        config = read_run(directory)["config"]
        if config.get("problems") not in sets:
            raise InputError(
                f"--runs {str(directory)!r}: its problems {config.get('problems')!r} are not among "
                f"--problems {' '.join(args.problems)}"
            )
        runs.append((directory, config["problems"]))
    sources = {
        "problems": {name: default_split(name) or "all" for name in args.problems},
        "runs": [
            {"dir": directory.name, "problems": name, "agents": sorted(read_run(directory)["config"].get("agents", []))}
            for directory, name in runs
        ],
        "oracle": {"tokens": list(known_build.ORACLE_TOKENS), "cuts_per_problem": args.cuts, "seed": args.seed},
    }
    rng = np.random.default_rng(args.seed)
    drawn: list[known_build.Drawn] = []
    skipped: list[str] = []
    for name, problems in sets.items():
        for problem in problems.values():
            if not problem.public_tests or not problem.reference_solution:
                skipped.append(f"{name}/{problem.id}")
                continue
            drawn.extend(known_build.oracle_pieces(problem, name, rng, args.cuts))
    for directory, name in runs:
        usable = {pid: p for pid, p in sets[name].items() if f"{name}/{pid}" not in skipped}
        drawn.extend(known_build.run_suggestions(directory, usable, name))
    update, bar = _progress(True, "labelling")
    with open_sandbox(args.sandbox) as sandbox:
        built = known_build.label_all(drawn, sandbox, update)
    if bar is not None:
        bar.close()
    built.skipped_problems = skipped
    built.cases = known_build.balance(built.cases, args.per_label, args.seed)
    command = "codeassist realism known-answers build " + shlex.join(
        [
            *(["--runs", *map(str, args.runs)] if args.runs else []),
            "--problems",
            *args.problems,
            *(["--per-label", str(args.per_label)] if args.per_label else []),
            "--cuts",
            str(args.cuts),
            "--seed",
            str(args.seed),
            "--out",
            str(out),
        ]
    )
    about_path = out.with_name(out.name[: -len(".jsonl.gz")] + ".json")
    about = known_build.provenance(built, sources, command)
    known_build.write_cases(out, built.cases, about, about_path)
    print(
        f"labelled {sum(built.labelled.values())} pieces: "
        + ", ".join(f"{label} {n}" for label, n in sorted(built.labelled.items()))
    )
    print(
        f"wrote {len(built.cases)} cases ({', '.join(f'{k} {v}' for k, v in about['per_label'].items())}) to {out}"
        f" and their provenance to {about_path}"
    )
    return 0


def _command(args: argparse.Namespace) -> str:
    from codeassist_env.cli.programmer_options import programmer_words

    words = programmer_words(args)
    for option in ("cases", "limit"):
        if getattr(args, option) is not None:
            words += [f"--{option}", str(getattr(args, option))]
    return "codeassist realism judge " + shlex.join([*words, "--out", str(args.out)])


def run_judge(args: argparse.Namespace) -> int:
    from codeassist_env.cli.programmer_options import build_programmer
    from codeassist_env.humans.cache import CacheMiss
    from codeassist_env.realism import judge
    from codeassist_env.realism.known_answers import load_cases

    cases = judge.stratified(load_cases(args.cases), args.limit)
    human = build_programmer(args, args.out, sandbox=args.sandbox)
    update, bar = _progress(not args.no_progress, f"judge {args.human}")
    try:
        run = judge.judge(human, cases, args.human, update)
    except CacheMiss as error:
        raise InputError(f"--cache replay: {error}") from None
    finally:
        if bar is not None:
            bar.close()
        if hasattr(human, "close"):
            human.close()
    result = judge.write_report(run, args.out, _command(args), str(args.cases or DEFAULT_CASES.name))
    coop = result["cooperativeness"]
    print(
        f"{args.human}: "
        + ", ".join(f"{label} {cell['rate']:.2f}" for label, cell in result["per_label"].items())
        + f"; cooperativeness {coop['value']:.2f} [{coop['interval'][0]:.2f}, {coop['interval'][1]:.2f}]; "
        f"wrote {args.out / 'judge.md'}"
    )
    return 0
